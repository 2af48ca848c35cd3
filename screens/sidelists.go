package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

// showLeft puts o in the left column (the approvals queue). UI thread.
func (w *workspace) showLeft(o fyne.CanvasObject) {
	w.left.Objects = []fyne.CanvasObject{o}
	w.left.Refresh()
}

// showLists puts the open cases and recent accounts back in the left column.
func (w *workspace) showLists() {
	w.approvals.current = nil
	w.approvals.showCard()
	w.showLeft(w.lists)
}

func (w *workspace) buildLeft() fyne.CanvasObject {
	w.recentList = widget.NewList(
		func() int { return len(w.recent) },
		func() fyne.CanvasObject { return oneLine("template") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			a := w.recent[id]
			o.(*widget.Label).SetText(shown(a.Name + " · " + a.App))
		})
	w.recentList.OnSelected = func(id widget.ListItemID) {
		w.recentList.UnselectAll()
		w.openAccount(w.recent[id], nil)
	}
	w.caseList = widget.NewList(
		func() int { return len(w.cases) },
		func() fyne.CanvasObject { return oneLine("template") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			c := w.cases[id]
			o.(*widget.Label).SetText(categoryTitle(c.Category) + " · " + words.CaseStatus(c.Status))
		})
	w.caseList.OnSelected = func(id widget.ListItemID) {
		w.caseList.UnselectAll()
		w.selectCaseTab = true
		w.openAccountID(w.cases[id].AccountID)
	}
	w.casesNote = widget.NewLabel(i18n.L("Loading…"))
	title := widget.NewLabelWithStyle(i18n.L("Recent accounts"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	cases := widget.NewLabelWithStyle(i18n.L("Open cases"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// Each list gets half the column; both scroll on their own.
	lists := container.NewGridWithRows(2,
		newBorder(container.NewVBox(cases, w.casesNote), nil, nil, nil, w.caseList),
		newBorder(container.NewVBox(widget.NewSeparator(), title), nil, nil, nil, w.recentList))
	return lists
}

// reloadCases loads the left column's open cases: at the start, after a
// case changed, and when the backend answers again. UI thread.
func (w *workspace) reloadCases() {
	var cases []data.Case
	var cached bool
	w.run.run(job{name: "load open cases", wanted: w.casesGen.next(),
		work: func(ctx context.Context) (err error) {
			cases, cached, err = w.cfg.Cases.OpenCases(ctx, w.agent.ID)
			return err
		},
		done: func(err error) {
			switch {
			case err != nil && !cached:
				w.casesNote.SetText(i18n.L("Cases could not be loaded: {{.Reason}}", i18n.M{"Reason": Explain(err)}))
				return // the list keeps what it showed
			case len(cases) == 0 && cached:
				w.casesNote.SetText(i18n.L("No open cases kept on this computer."))
			case len(cases) == 0:
				w.casesNote.SetText(i18n.L("No open cases."))
			case cached:
				w.casesNote.SetText(i18n.N("{{.Count}} open, as kept on this computer", len(cases)))
			default:
				w.casesNote.SetText(i18n.N("{{.Count}} open", len(cases)))
			}
			w.cases = cases
			w.caseList.Refresh()
		},
	})
}
