package screens

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/casework"
	"verifydesk/services/words"
)

// conflictBox shows the offline changes the backend's copy overtook, each with
// the choice to apply it again over the backend's copy or to keep the
// backend's: never decided for the agent.
func (p *casePanel) conflictBox() fyne.CanvasObject {
	box := container.NewVBox()
	for _, it := range p.conflicts {
		what := "a change"
		if it.Patch != nil && it.Patch.Status != nil {
			what = "the status " + words.CaseStatus(*it.Patch.Status)
		} else if it.Patch != nil && it.Patch.Checklist != nil {
			what = "checklist ticks"
		} else if it.Patch != nil && it.Patch.Escalation != nil {
			what = "escalation fields"
		}
		now := "changed"
		if it.Conflict != nil {
			now = "is now " + words.CaseStatus(it.Conflict.Status)
		}
		l := widget.NewLabel(fmt.Sprintf("Offline you set %s, but the case %s on the backend meanwhile. Apply yours over it, or keep the backend's?", what, now))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		mine := widget.NewButton("Apply mine again", func() { p.settle(it, true) })
		theirs := widget.NewButton("Keep the backend's", func() { p.settle(it, false) })
		box.Add(newBorder(nil, nil, nil, container.NewHBox(mine, theirs), l))
	}
	return box
}

// settle resolves a conflict through the service: apply the offline change
// again on top of the backend's version, or drop it. A tap handler.
func (p *casePanel) settle(it casework.OutboxItem, mine bool) {
	svc := p.w.caseWork()
	if !svc.HasCache() || p.rec == nil {
		return
	}
	what := "kept the backend's copy"
	if mine {
		what = "applied the offline change again"
	}
	acctID := p.rec.Case.AccountID
	p.w.runJob(job{name: "settle a conflict",
		work: func(ctx context.Context) error { return svc.Settle(ctx, it, mine) },
		done: func(err error) {
			if err != nil {
				p.saveInfo.SetText("Not settled: " + Explain(err))
				return
			}
			p.w.record("case_conflict", acctID, it.CaseID, what)
			p.w.startLoad(p)
		},
	})
}
