package screens

import (
	"context"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/casework"
	"verifydesk/services/client"
	"verifydesk/services/phone"
)

// casePanel is the Case tab: the call's case for the account on screen. With
// none yet it offers to start one in a click, the category suggested from the
// evidence (casestart.go); with one it shows the help page's checklist (steps
// the evidence answers pre-filled, saying why), the escalation fields, the
// notes and the attachments (caseview.go, caseattach.go), and exports an
// escalation package (caseexport.go). Changes go to the backend; when it
// cannot be reached, notes and ticks go to the outbox and are sent once it is
// back (casesave.go). The case work itself is the casework service's
// (w.cfg.Cases): this tab shows what it answers. Nothing here changes the
// customer's account.
type casePanel struct {
	w  *workspace
	ls *loadState
	// found is the search that found the account on screen: its E.164 or
	// email lets the cache find the case by the caller's number later.
	found atomic.Pointer[foundBy]

	acct   *data.Account
	ev     cases.Evidence
	rec    *casework.Record // the case on screen, nil before one is started
	steps  []cases.Step
	esc    cases.EscalationFields
	cached bool // shown from the cache: the backend could not be reached
	// cachedFlag is cached for the goroutines that save: they queue instead.
	cachedFlag atomic.Bool
	holder     *fyne.Container
	content    fyne.CanvasObject
	status     *widget.Select
	note       *widget.Entry
	addNote    *widget.Button
	saveInfo   *widget.Label
	fields     map[string]*widget.Entry
	// pendingNote and pendingCaseID are the client ids of a note or a case
	// whose answer never came (or could not be read): pressing again reuses
	// them, so the backend answers what it did instead of adding a second.
	noteCase        string // the case p.note was written for
	startButton     *widget.Button
	first           fyne.Focusable // the view's first control (firstControl)
	conflicts       []casework.OutboxItem
	pendingNote     data.Note
	pendingCaseID   string
	pendingCaseAcct string
}

func newCasePanel(w *workspace) *casePanel {
	p := &casePanel{w: w, ls: newLoadState("The case"), holder: container.NewStack()}
	p.ls.timeout = activityTimeout // the evidence includes the login history
	return p
}

func (p *casePanel) title() string { return "Case" }

// firstControl is the category of a case to start, or the status of the
// case on screen.
func (p *casePanel) firstControl() fyne.Focusable { return p.first }
func (p *casePanel) loadState() *loadState        { return p.ls }

func (p *casePanel) build() fyne.CanvasObject {
	if p.content == nil {
		p.content = newBorder(p.ls.label, nil, nil, nil, p.holder)
	}
	return p.content
}

func (p *casePanel) setAccount(acct *data.Account) {
	p.acct, p.rec, p.steps, p.cached = acct, nil, nil, false
	p.first = nil
	p.pendingNote = data.Note{}
	p.cachedFlag.Store(false)
	p.holder.Objects = nil
	p.holder.Refresh()
}

// load opens the account's case through the service (the backend's, else the
// cache's when the backend cannot be reached) with the evidence its checklist
// is pre-filled from.
func (p *casePanel) load(ctx context.Context, acct data.Account) (func(), error) {
	out, err := p.w.cfg.Cases.Open(ctx, casework.OpenRequest{Account: acct, AgentID: p.w.agent.ID,
		FoundBy: p.foundContacts(acct.ID), Diagnosis: p.diagnosisFor(acct.ID),
		Locator: p.w.activity.loc.Load(), Now: p.w.cfg.now()})
	if err != nil {
		return nil, err
	}
	var answer error
	if out.Cached {
		answer = cachedAnswer{out.BackendErr}
	}
	return func() {
		p.ev, p.rec, p.cached, p.steps, p.esc = out.Evidence, out.Record, out.Cached, out.Steps, out.Escalation
		p.conflicts = out.Conflicts
		p.cachedFlag.Store(out.Cached)
		p.w.header.setOpenCase(out.Record != nil && out.Record.Case.Status != data.CaseResolved)
		p.ls.label.Hide()
		p.show()
	}, answer
}

// foundBy is the search that found an account: for a phone search, the
// diagnosis of what was typed is evidence about that account only.
type foundBy struct {
	accountID string
	q         client.AccountQuery
	diagnosis *phone.Diagnosis
}

// diagnosisFor is the phone diagnosis of the search that found the account,
// nil when it was found another way or the number was typed with a plus (as
// the phone service reads one: a + or ＋ before the first digit). Any
// goroutine.
//
// The case's evidence reads a diagnosis as what the customer typed into the
// app's form, which takes digits only after the country picked. A search typed
// as the customer would (the trunk-0 "0936-123-456" in Taiwan) is that; in
// the agent's search field a leading + is the right way to type an
// international number, so its findings (a plus, another country's code) are
// about how the agent typed, not the customer: they would suggest "number
// invalid" for a correct number. Phone check diagnoses what the customer types.
func (p *casePanel) diagnosisFor(accountID string) *phone.Diagnosis {
	if f := p.found.Load(); f != nil && f.accountID == accountID && f.q.Phone != "" &&
		f.diagnosis != nil && !f.diagnosis.Has(phone.CodePlusSign) {
		return f.diagnosis
	}
	return nil
}

// foundContacts is the number or email the account was found by, so the
// cache finds its case by them. Any goroutine.
func (p *casePanel) foundContacts(accountID string) casework.Contacts {
	f := p.found.Load()
	if f == nil || f.accountID != accountID {
		return casework.Contacts{}
	}
	return casework.Contacts{Phone: f.q.Phone, Email: f.q.Email}
}

// show draws the tab for what the load found. UI thread.
func (p *casePanel) show() {
	var o fyne.CanvasObject
	if p.rec == nil {
		o = p.startView()
	} else {
		o = p.caseView()
	}
	p.holder.Objects = []fyne.CanvasObject{o}
	p.holder.Refresh()
	if p.content != nil {
		p.content.Refresh() // the status line above may have gone
	}
}

// cachedNow reports whether the tab works from the cache (the backend was not
// reachable when it loaded, or is not now). Read on any goroutine: it only
// reads the workspace's offline flag through the panel's own copy.
func (p *casePanel) cachedNow() bool { return p.cachedFlag.Load() }
