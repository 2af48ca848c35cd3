package screens

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/casework"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
)

// approvalsPoll is how often the top bar's count and an agent's own requests
// are asked for again.
const approvalsPoll = 15 * time.Second

// approvals is the four-eyes side of the workspace. A supervisor's top bar
// shows the pending count; it opens the queue in the left column, and a
// request opens its account in the main area under a card to decide it. An
// agent's top bar shows their own open requests, and the outcome of each
// appears on screen when a supervisor decides, without searching again.
type approvals struct {
	w      *workspace
	button *widget.Button
	count  int

	// the queue in the left column
	list    *widget.List
	rows    []data.Approval
	note    *widget.Label
	content fyne.CanvasObject

	// the card above the account of the request being looked at
	card     *fyne.Container
	current  *data.Approval
	comment  *widget.Entry
	status   *widget.Label
	approve  *widget.Button
	reject   *widget.Button
	listGen  generation
	pollGen  generation
	outcomes map[string]string // approval id -> status last seen, for the requester's notices
}

func newApprovals(w *workspace) *approvals {
	a := &approvals{w: w, outcomes: map[string]string{}}
	a.button = widget.NewButtonWithIcon(a.buttonText(), theme.ConfirmIcon(), a.openQueue)
	a.note = widget.NewLabel("")
	a.note.Wrapping = wordWrap()
	a.list = widget.NewList(
		func() int { return len(a.rows) },
		func() fyne.CanvasObject {
			// Two lines a row, cut to the column: a wrapped row would
			// overlap the next (a list's rows share one height); the card
			// shows the whole request.
			l := widget.NewLabel("template\ntemplate")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(a.rows) {
				o.(*widget.Label).SetText(shownText(a.rowText(a.rows[id])))
			}
		})
	a.list.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(a.rows) {
			a.open(a.rows[id])
		}
	}
	a.card = container.NewVBox()
	a.card.Hide()
	a.comment = widget.NewMultiLineEntry()
	a.comment.SetMinRowsVisible(2)
	a.comment.SetPlaceHolder(i18n.L("Your comment, recorded with the decision (required)"))
	a.comment.Wrapping = wordWrap()
	a.comment.SetMinRowsVisible(2)
	a.comment.Validator = func(s string) error {
		if len(strings.Fields(s)) < 2 {
			return errors.New(i18n.L("say why, in a few words: it goes to the audit"))
		}
		return nil
	}
	a.status = widget.NewLabel("")
	a.status.Wrapping = wordWrap()
	a.approve = widget.NewButtonWithIcon(i18n.L("Approve and run it"), theme.ConfirmIcon(), func() { a.decide(true) })
	a.approve.Importance = widget.DangerImportance
	a.reject = widget.NewButtonWithIcon(i18n.X("approval.reject", "Reject"), theme.CancelIcon(), func() { a.decide(false) })
	return a
}

func (a *approvals) supervisor() bool { return a.w.agent.Role == data.RoleSupervisor }

func (a *approvals) buttonText() string {
	if a.supervisor() {
		return i18n.L("Approvals ({{.Count}})", i18n.M{"Count": a.count})
	}
	return i18n.L("My requests ({{.Count}})", i18n.M{"Count": a.count})
}

// rowText is one request in the queue: what, on which account, who asked, when.
func (a *approvals) rowText(ap data.Approval) string {
	now := a.w.cfg.now()
	s := i18n.L("{{.Action}} · {{.Customer}}\nasked by {{.Agent}} {{.When}}", i18n.M{"Action": actionTitle(ap.Action, ap.Params),
		"Customer": approvalCustomer(ap), "Agent": a.w.agentName(ap.RequestedBy), "When": relativeTime(ap.RequestedAt, now, nil)})
	if ap.Status != data.ApprovalPending {
		s += " · " + approvalStatusWords(ap.Status)
	}
	return s
}

// build is the queue for the left column.
func (a *approvals) build() fyne.CanvasObject {
	if a.content == nil {
		title := i18n.L("Approvals waiting")
		if !a.supervisor() {
			title = i18n.L("My requests")
		}
		back := widget.NewButtonWithIcon(i18n.L("Back to cases"), theme.NavigateBackIcon(), a.w.showLists)
		back.Importance = widget.LowImportance
		head := container.NewVBox(back, widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), a.note)
		a.content = newBorder(head, nil, nil, nil, a.list)
	}
	return a.content
}

// openQueue shows the queue in the left column and loads it. A tap handler.
func (a *approvals) openQueue() {
	a.w.showLeft(a.build())
	a.loadQueue()
}

// loadQueue fetches the queue: every pending request for a supervisor, the
// agent's own requests (any outcome) for an agent. UI thread.
func (a *approvals) loadQueue() {
	wanted := a.listGen.next()
	q := client.ApprovalQuery{Status: data.ApprovalPending}
	if !a.supervisor() {
		q = client.ApprovalQuery{RequestedBy: a.w.agent.ID, Limit: 50}
	}
	a.note.SetText(i18n.L("Loading…"))
	var rows []data.Approval
	a.w.run.run(job{name: "load approvals", wanted: wanted,
		work: func(ctx context.Context) (err error) { rows, err = a.w.api.ListApprovals(ctx, q); return err },
		done: func(err error) {
			if err != nil {
				a.note.SetText(i18n.L("The requests could not be loaded: {{.Error}}", i18n.M{"Error": explainRetry(err)}))
				return
			}
			a.rows = rows
			a.list.UnselectAll()
			a.list.Refresh()
			switch {
			case len(rows) == 0 && a.supervisor():
				a.note.SetText(i18n.L("Nothing waits for a decision."))
			case len(rows) == 0:
				a.note.SetText(i18n.L("You have not asked for any approval."))
			default:
				a.note.SetText(i18n.L("Pick one to decide it."))
			}
			if a.supervisor() {
				a.setCount(len(rows))
			}
		},
	})
}

func (a *approvals) setCount(n int) {
	a.count = n
	a.button.SetText(a.buttonText())
	if n > 0 {
		a.button.Importance = widget.HighImportance
	} else {
		a.button.Importance = widget.MediumImportance
	}
	a.button.Refresh()
}

// poll keeps the count current, and tells a requester when their request was
// decided. It reschedules itself until the workspace closes. UI thread.
func (a *approvals) poll() {
	wanted := a.pollGen.next()
	supervisor, me := a.supervisor(), a.w.agent.ID
	var n int
	var mine []data.Approval
	a.w.run.run(job{name: "poll approvals", wanted: wanted,
		work: func(ctx context.Context) (err error) {
			if supervisor {
				n, err = a.w.api.PendingApprovals(ctx)
			} else {
				mine, err = a.w.api.ListApprovals(ctx, client.ApprovalQuery{RequestedBy: me, Limit: 50})
			}
			return err
		},
		done: func(err error) {
			if err == nil {
				if supervisor {
					a.setCount(n)
				} else {
					a.noteOutcomes(mine)
				}
			}
			a.w.run.later(approvalsPoll, "poll approvals", a.poll)
		},
	})
}

// noteOutcomes counts the agent's open requests and says on screen what a
// supervisor decided since the last look. UI thread.
func (a *approvals) noteOutcomes(mine []data.Approval) {
	open := 0
	for _, ap := range mine {
		if ap.Status == data.ApprovalPending {
			open++
		}
		before, seen := a.outcomes[ap.ID]
		a.outcomes[ap.ID] = ap.Status
		if !seen || before != data.ApprovalPending || ap.Status == data.ApprovalPending {
			continue
		}
		a.w.notice(outcomeNotice(ap, a.w.agentName))
		if acct := a.w.account; acct != nil && acct.ID == ap.AccountID {
			a.w.refresh() // the approved action changed the account on screen
		}
	}
	a.setCount(open)
}

// open shows a request's account with the decision card above it. UI thread.
func (a *approvals) open(ap data.Approval) {
	a.current = &ap
	a.comment.SetText("")
	a.status.SetText("")
	a.showCard()
	a.w.openAccountID(ap.AccountID)
}

// showCard fills the card for the current request. UI thread.
func (a *approvals) showCard() {
	ap := a.current
	a.card.Objects = nil
	defer a.w.relayoutAccount() // the room above the account's header changed
	if ap == nil {
		a.card.Hide()
		return
	}
	now := a.w.cfg.now()
	when := []string{i18n.L("asked {{.When}}", i18n.M{"When": relativeTime(ap.RequestedAt, now, nil)})}
	if ap.CaseID != "" {
		when = append(when, i18n.X("approval.card.case", "case {{.Case}}", i18n.M{"Case": casework.ShortID(ap.CaseID)}))
	}
	switch {
	case ap.Status != data.ApprovalPending && ap.DecidedBy != "":
		when = append(when, i18n.L("{{.Status}} by {{.Agent}}", i18n.M{"Status": approvalStatusWords(ap.Status), "Agent": a.w.agentName(ap.DecidedBy)}))
	case ap.Status != data.ApprovalPending:
		when = append(when, approvalStatusWords(ap.Status))
	case !ap.ExpiresAt.IsZero() && ap.ExpiresAt.After(now):
		when = append(when, i18n.L("expires in {{.Time}}", i18n.M{"Time": countdown(ap.ExpiresAt.Sub(now))}))
	case !ap.ExpiresAt.IsZero():
		when = append(when, i18n.X("approval.card.expired", "expired"))
	}
	title := widget.NewLabelWithStyle(shownText(i18n.L("{{.Agent}} asks: {{.Action}} ({{.When}})", i18n.M{"Agent": a.w.agentName(ap.RequestedBy),
		"Action": actionTitle(ap.Action, ap.Params), "When": strings.Join(when, i18n.X("approval.card.separator", ", "))})), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = wordWrap()
	// Reason and consequence in one paragraph: the account below keeps the room.
	info := widget.NewLabel(shownText(i18n.L("Reason: {{.Reason}} — {{.Consequence}}", i18n.M{"Reason": ap.Reason, "Consequence": actionConsequence(ap.Action)})))
	info.Wrapping = wordWrap()
	ids := idLabel(approvalIDs(*ap))
	request := container.NewVBox(title, info, ids)
	var body fyne.CanvasObject = request
	switch {
	case ap.Status != data.ApprovalPending:
	case !a.supervisor():
		request.Add(widget.NewLabel(i18n.L("Waiting for a supervisor.")))
	case ap.RequestedBy == a.w.agent.ID:
		// The backend refuses it too; the console does not offer it.
		request.Add(widget.NewLabel(i18n.L("You asked for this yourself: another supervisor decides.")))
	default:
		// The decision beside the request, not under it: the card stays
		// short enough for the account's header to show whole below it.
		decide := container.NewVBox(atLeast(a.comment, fyne.NewSize(24*theme.TextSize(), 0)),
			container.NewHBox(layout.NewSpacer(), a.approve, a.reject))
		body = newBorder(nil, nil, nil, decide, request)
	}
	a.card.Add(body)
	showIf(a.status, a.status.Text != "")
	a.card.Add(a.status)
	a.card.Add(widget.NewSeparator())
	a.card.Show()
	a.card.Refresh()
}

// decide approves or rejects the current request with the comment. A tap
// handler: it reads the widgets directly.
func (a *approvals) decide(approve bool) {
	ap := a.current
	if ap == nil {
		return
	}
	if a.comment.Validate() != nil {
		a.say(i18n.L("Write a comment first, in a few words: it goes to the audit with your decision."))
		return
	}
	note := strings.TrimSpace(a.comment.Text)
	a.approve.Disable()
	a.reject.Disable()
	a.say(i18n.L("Sending the decision…"))
	id := ap.ID
	var got data.Approval
	a.w.run.run(job{name: "decide an approval",
		work: func(ctx context.Context) (err error) {
			if approve {
				got, err = a.w.api.Approve(ctx, id, note)
			} else {
				got, err = a.w.api.Reject(ctx, id, note)
			}
			return err
		},
		done: func(err error) {
			a.approve.Enable()
			a.reject.Enable()
			if a.current == nil || a.current.ID != id {
				return
			}
			if err != nil {
				a.say(i18n.L("Not decided: {{.Error}}", i18n.M{"Error": Explain(err)}))
				return
			}
			a.current = &got
			// The audit's detail stays in English, whoever reads it later.
			a.w.record("approval_"+got.Status, got.AccountID, got.CaseID, got.ID+" "+actionTitleIn(i18n.In(i18n.English), got.Action, got.Params))
			a.showCard()
			if got.Status == data.ApprovalApproved {
				a.say(i18n.Sentences(i18n.Current(), i18n.L("Approved: {{.Action}} was done.", i18n.M{"Action": actionTitle(got.Action, got.Params)}), resultWords(got.Result)))
			} else {
				a.say(i18n.L("Rejected. {{.Agent}} sees your comment.", i18n.M{"Agent": a.w.agentName(got.RequestedBy)}))
			}
			a.w.refresh()
			a.loadQueue()
		},
	})
}

// namesChanged redraws the queue and the card with the agent directory's
// names. UI thread.
func (a *approvals) namesChanged() {
	a.list.Refresh()
	if a.current != nil {
		a.showCard()
	}
}

// say shows text under the request's card. UI thread.
func (a *approvals) say(text string) {
	a.status.SetText(text)
	showIf(a.status, text != "")
}

// maskContact hides most of a phone number or email typed by an agent.
