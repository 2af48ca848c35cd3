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
	"verifydesk/services/i18n"
)

// startView offers to start a case in one click, the category suggested.
func (p *casePanel) startView() fyne.CanvasObject {
	suggested, why := cases.SuggestCategory(p.ev)
	var titles []string
	ids := map[string]string{}
	selected := ""
	for _, c := range cases.Categories() {
		title, _ := cases.CategoryIn(i18n.Agent(), c.ID, c.Title, c.CustomerSays)
		titles = append(titles, title)
		ids[title] = c.ID
		if c.ID == suggested {
			selected = title
		}
	}
	category := widget.NewSelect(titles, nil)
	category.PlaceHolder = i18n.L("Pick what the call is about")
	p.first = category
	if selected != "" {
		category.SetSelected(selected)
	}
	// The channel's words, and the id the backend keeps for each.
	channels := []struct{ id, words string }{
		{"phone", i18n.X("channel.phone", "phone")},
		{"email", i18n.X("channel.email", "email")},
		{"chat", i18n.X("channel.chat", "chat")},
	}
	var channelWords []string
	for _, c := range channels {
		channelWords = append(channelWords, c.words)
	}
	channel := widget.NewSelect(channelWords, nil)
	channel.SetSelected(channels[0].words)
	contact := wheelThrough(widget.NewEntry())
	contact.SetPlaceHolder(i18n.L("how to reach the customer (optional)"))
	intro := i18n.L("No open case for this account.")
	if p.cached {
		intro += " " + i18n.L("The backend cannot be reached: a case can be started once it is back.")
	}
	if why != "" {
		intro += "\n" + i18n.L("Suggested from what the console sees: {{.Why}}", i18n.M{"Why": shownText(why)})
	}
	info := widget.NewLabel(intro)
	info.Wrapping = wordWrap()
	start := widget.NewButtonWithIcon(i18n.L("Start the case"), theme.ContentAddIcon(), nil)
	p.startButton = start
	start.Importance = widget.HighImportance
	start.OnTapped = func() {
		id := ids[category.Selected]
		if id == "" {
			info.SetText(i18n.L("Pick what the call is about first."))
			return
		}
		ch := ""
		for _, c := range channels {
			if c.words == channel.Selected {
				ch = c.id
			}
		}
		p.start(id, ch, strings.TrimSpace(contact.Text), start)
	}
	if p.cached {
		start.Disable()
	}
	form := widget.NewForm(widget.NewFormItem(i18n.L("Category"), category), widget.NewFormItem(i18n.L("Channel"), channel),
		widget.NewFormItem(i18n.L("Customer contact"), contact))
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
	p.ls.label.SetText(i18n.L("Starting the case…"))
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
				p.ls.label.SetText(i18n.L("The case was not started: {{.Reason}} Press Start the case again: it will not make a second one.",
					i18n.M{"Reason": Explain(err)}))
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
