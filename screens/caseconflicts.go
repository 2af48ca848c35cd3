package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/casework"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

// conflictBox shows the offline changes the backend's copy overtook, each with
// the choice to apply it again over the backend's copy or to keep the
// backend's: never decided for the agent.
func (p *casePanel) conflictBox() fyne.CanvasObject {
	box := container.NewVBox()
	for _, it := range p.conflicts {
		what := i18n.L("a change")
		if it.Patch != nil && it.Patch.Status != nil {
			what = i18n.L("the status {{.Status}}", i18n.M{"Status": words.CaseStatus(*it.Patch.Status)})
		} else if it.Patch != nil && it.Patch.Checklist != nil {
			what = i18n.L("checklist ticks")
		} else if it.Patch != nil && it.Patch.Escalation != nil {
			what = i18n.L("escalation fields")
		}
		text := i18n.L("Offline you set {{.What}}, but the case changed on the backend meanwhile. Apply yours over it, or keep the backend's?",
			i18n.M{"What": what})
		if it.Conflict != nil {
			text = i18n.L("Offline you set {{.What}}, but the case is now {{.Status}} on the backend meanwhile. Apply yours over it, or keep the backend's?",
				i18n.M{"What": what, "Status": words.CaseStatus(it.Conflict.Status)})
		}
		l := widget.NewLabel(text)
		l.Wrapping = wordWrap()
		l.Importance = widget.WarningImportance
		mine := widget.NewButton(i18n.L("Apply mine again"), func() { p.settle(it, true) })
		theirs := widget.NewButton(i18n.L("Keep the backend's"), func() { p.settle(it, false) })
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
				p.saveInfo.SetText(i18n.L("Not settled: {{.Reason}}", i18n.M{"Reason": Explain(err)}))
				return
			}
			p.w.record("case_conflict", acctID, it.CaseID, what)
			p.w.startLoad(p)
		},
	})
}
