package screens

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"verifydesk/services/cases"
	"verifydesk/services/casework"
)

// startView offers to start a case in one click, the category suggested.
func (p *casePanel) startView() fyne.CanvasObject {
	suggested, why := cases.SuggestCategory(p.ev)
	var titles []string
	ids := map[string]string{}
	selected := ""
	for _, c := range cases.Categories() {
		titles = append(titles, c.Title)
		ids[c.Title] = c.ID
		if c.ID == suggested {
			selected = c.Title
		}
	}
	category := widget.NewSelect(titles, nil)
	category.PlaceHolder = "Pick what the call is about"
	p.first = category
	if selected != "" {
		category.SetSelected(selected)
	}
	channel := widget.NewSelect([]string{"phone", "email", "chat"}, nil)
	channel.SetSelected("phone")
	contact := wheelThrough(widget.NewEntry())
	contact.SetPlaceHolder("how to reach the customer (optional)")
	intro := "No open case for this account."
	if p.cached {
		intro += " The backend cannot be reached: a case can be started once it is back."
	}
	if why != "" {
		intro += "\nSuggested from what the console sees: " + shownText(why)
	}
	info := widget.NewLabel(intro)
	info.Wrapping = fyne.TextWrapWord
	start := widget.NewButtonWithIcon("Start the case", theme.ContentAddIcon(), nil)
	p.startButton = start
	start.Importance = widget.HighImportance
	start.OnTapped = func() {
		id := ids[category.Selected]
		if id == "" {
			info.SetText("Pick what the call is about first.")
			return
		}
		p.start(id, channel.Selected, strings.TrimSpace(contact.Text), start)
	}
	if p.cached {
		start.Disable()
	}
	form := widget.NewForm(widget.NewFormItem("Category", category), widget.NewFormItem("Channel", channel),
		widget.NewFormItem("Customer contact", contact))
	return container.NewVScroll(container.NewVBox(info, form, container.NewHBox(start)))
}

// start creates the case through the service with the pre-filled checklist
// and the escalation fields the console knows. A tap handler.
func (p *casePanel) start(category, channel, contact string, button *widget.Button) {
	acct := p.acct
	if acct == nil {
		return
	}
	if _, ok := cases.LookupCategory(category); !ok {
		return
	}
	if p.pendingCaseID == "" || p.pendingCaseAcct != acct.ID {
		p.pendingCaseID, p.pendingCaseAcct = "case-"+uuid.NewString(), acct.ID
	}
	req := casework.CreateRequest{ID: p.pendingCaseID, AccountID: acct.ID, AgentID: p.w.agentID(), Channel: channel,
		Contact: contact, Category: category, Evidence: p.ev, FoundBy: foundContacts(p.w.foundNow(), acct.ID)}
	button.Disable()
	p.ls.label.SetText("Starting the case…")
	p.ls.label.Show()
	svc := p.w.caseWork()
	var rec casework.Record
	p.w.runJob(job{name: "start a case",
		work: func(ctx context.Context) (err error) { rec, err = svc.Create(ctx, req); return err },
		done: func(err error) {
			button.Enable()
			if p.acct == nil || p.acct.ID != acct.ID {
				return
			}
			if err != nil {
				if backendDecided(err) {
					p.pendingCaseID = ""
				} else {
					p.w.record("case_create", acct.ID, req.ID, category+" (outcome unknown)")
				}
				p.ls.label.SetText("The case was not started: " + Explain(err) + " Press Start the case again: it will not make a second one.")
				return
			}
			p.pendingCaseID = ""
			p.w.record("case_create", acct.ID, rec.Case.ID, category)
			p.ls.label.Hide()
			p.rec = &rec
			p.steps, p.esc = casework.Content(p.rec, p.ev)
			p.show()
			p.w.reloadCases()
			p.w.setOpenCase(true)
		},
	})
}
