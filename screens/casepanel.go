package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/casework"
	"verifydesk/services/i18n"
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
	// scroll holds the case's checklist, fields and notes (nil before a
	// case is shown).
	scroll   *container.Scroll
	w        tabHost
	ls       *loadState
	acct     *data.Account
	ev       cases.Evidence
	rec      *casework.Record // the case on screen, nil before one is started
	steps    []cases.Step
	esc      cases.EscalationFields
	cached   bool // shown from the cache: the backend could not be reached
	holder   *fyne.Container
	content  fyne.CanvasObject
	status   *widget.Select
	note     *widget.Entry
	addNote  *widget.Button
	saveInfo *widget.Label
	fields   map[string]*widget.Entry
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

func newCasePanel(w tabHost) *casePanel {
	p := &casePanel{w: w, ls: newLoadState(i18n.L("The case")), holder: container.NewStack()}
	p.ls.timeout = activityTimeout // the evidence includes the login history
	return p
}

// title is the tab's English id (--tab, the saved last tab); where it is
// shown it goes through i18n.T.
func (p *casePanel) title() string { return i18n.Mark("Case") }

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
	p.holder.Objects = nil
	p.holder.Refresh()
}

// load opens the account's case through the service (the backend's, else the
// cache's when the backend cannot be reached) with the evidence its checklist
// is pre-filled from.
func (p *casePanel) load(ctx context.Context, acct accountView) (func(), error) {
	out, err := p.w.caseWork().Open(ctx, casework.OpenRequest{Account: acct.Account, AgentID: p.w.agentID(),
		FoundBy: foundContacts(acct.found, acct.ID), Diagnosis: acct.found.typedDiagnosis(),
		Locator: acct.loc, Now: p.w.now()})
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
		p.w.setOpenCase(out.Record != nil && out.Record.Case.Status != data.CaseResolved)
		p.ls.label.Hide()
		p.show()
	}, answer
}

// foundContacts is the number or email the account was found by, so the
// cache finds its case by them. Any goroutine.
func foundContacts(f *foundBy, accountID string) casework.Contacts {
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

// cachedNow reports whether a change goes straight to the outbox: the tab
// works from the cache, or the one connection state says the backend cannot
// be reached now. UI thread.
func (p *casePanel) cachedNow() bool { return p.cached || !p.w.isOnline() }

// openCaseFor is the id of the case on screen when it is accountID's, else
// "". UI thread.
func (p *casePanel) openCaseFor(accountID string) string {
	if p.rec != nil && p.rec.Case.AccountID == accountID {
		return p.rec.Case.ID
	}
	return ""
}
