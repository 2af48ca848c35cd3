package screens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"verifydesk/data"
	"verifydesk/data/cache"
	"verifydesk/services/cases"
	"verifydesk/services/client"
	"verifydesk/services/geo"
	"verifydesk/services/logins"
)

// maxNoteChars is the contract's limit on a note, in characters.
const maxNoteChars = 20000

// caseEvidenceLogins bounds the login history a case's evidence and snapshot
// hold: the recent months an agent reasons about.
const caseEvidenceLogins = 2000

// casePanel is the Case tab: the call's case for the account on screen. With
// none yet it offers to start one in a click, the category suggested from the
// evidence; with one it shows the help page's checklist (steps the evidence
// answers pre-filled, saying why), the escalation fields, the notes and the
// attachments, and exports an escalation package. Changes go to the backend;
// when it cannot be reached, notes and ticks go to the cache's outbox and are
// sent once it is back. Nothing here changes the customer's account.
type casePanel struct {
	w      *workspace
	ls     *loadState
	acct   *data.Account
	ev     cases.Evidence
	rec    *cache.CaseRecord // the case on screen, nil before one is started
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
	conflicts       []cache.OutboxItem
	pendingNote     data.Note
	pendingCaseID   string
	pendingCaseAcct string
}

// caseStatuses are the statuses in the order an agent moves through them,
// with their words.
var caseStatuses = []struct{ id, words string }{
	{data.CaseOpen, "open"}, {data.CaseWaiting, "waiting on customer"},
	{data.CaseEscalated, "escalated"}, {data.CaseResolved, "resolved"},
}

// stepStates are the checklist states an agent sets, with their words.
var stepStates = []struct{ id, words string }{
	{cases.StateTodo, "not asked"}, {cases.StateDone, "done"},
	{cases.StateFailed, "did not help"}, {cases.StateSkipped, "does not apply"},
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

// openCaseFor is the id of the case on screen when it is accountID's, else
// "". UI thread.
func (p *casePanel) openCaseFor(accountID string) string {
	if p.rec != nil && p.rec.Case.AccountID == accountID {
		return p.rec.Case.ID
	}
	return ""
}

// caseLoad is what the Case tab's load found.
type caseLoad struct {
	ev        cases.Evidence
	rec       *cache.CaseRecord
	cached    bool
	conflicts []cache.OutboxItem // offline changes the backend's copy overtook
}

// load finds the account's open case (the backend's, else the cache's when
// the backend cannot be reached) and gathers the evidence its checklist is
// pre-filled from.
func (p *casePanel) load(ctx context.Context, v accountView) (func(), error) {
	api, store, me := p.w.api, p.w.cfg.Cache, p.w.agent.ID
	acct := v.Account
	out := caseLoad{ev: cases.Evidence{Account: &acct, Diagnosis: v.found.typedDiagnosis(), Now: p.w.cfg.now()}}
	base := out.ev
	err := func() error {
		list, err := api.Cases(ctx, client.CaseQuery{AccountID: acct.ID})
		if err != nil {
			return err
		}
		if c := openCase(list, me); c != nil {
			out.rec = &cache.CaseRecord{Case: *c}
		}
		return gatherEvidence(ctx, api, v.loc, &out.ev)
	}()
	switch {
	case err != nil && isOffline(err) && store != nil:
		// The backend cannot be reached: the cached copy, read-only for the
		// account, writable into the outbox for notes and ticks.
		rec, cerr := cachedCaseFor(store, acct.ID)
		if cerr != nil {
			return nil, err
		}
		out = caseLoad{ev: base, rec: rec, cached: true}
		if rec != nil {
			if snap, serr := store.Snapshot(rec.Case.ID); serr == nil {
				out.ev = snapshotEvidence(snap, base)
			}
		}
	case err != nil:
		return nil, err
	case out.rec != nil && store != nil:
		addContacts(out.rec, v.found)
		_ = store.PutCase(*out.rec)
		_ = store.PutSnapshot(out.rec.Case.ID, snapshotForCache(cases.NewSnapshot(out.ev)))
		if r, err := store.Case(out.rec.Case.ID); err == nil {
			out.rec = &r // with the notes still queued offline
		}
	}
	if out.rec != nil && store != nil {
		out.conflicts = conflictsOf(store, out.rec.Case.ID)
	}
	steps, esc := caseContent(out.rec, out.ev)
	var answer error
	if out.cached {
		answer = cachedAnswer{err}
	}
	return func() {
		p.ev, p.rec, p.cached, p.steps, p.esc = out.ev, out.rec, out.cached, steps, esc
		p.conflicts = out.conflicts
		p.cachedFlag.Store(out.cached)
		p.w.header.setOpenCase(out.rec != nil && out.rec.Case.Status != data.CaseResolved)
		p.ls.label.Hide()
		p.show()
	}, answer
}

// addContacts adds the number or email the account was found by, so the cache
// finds the case by them. Any goroutine.
func addContacts(rec *cache.CaseRecord, f *foundBy) {
	if f == nil || f.accountID != rec.Case.AccountID {
		return
	}
	q := f.q
	if q.Phone != "" {
		rec.Phones = append(rec.Phones, q.Phone)
	}
	if q.Email != "" {
		rec.Emails = append(rec.Emails, q.Email)
	}
}

// caseContent is the checklist and escalation fields of rec (or of the case
// the evidence suggests, before one is started): the agent's ticks over the
// evidence's pre-fill.
func caseContent(rec *cache.CaseRecord, ev cases.Evidence) ([]cases.Step, cases.EscalationFields) {
	category, _ := cases.SuggestCategory(ev)
	esc := cases.Escalation(ev)
	if rec != nil {
		category = rec.Case.Category
		esc.Escalation = mergeEscalation(rec.Case.Escalation, esc.Escalation)
	}
	if category == "" {
		return nil, esc
	}
	steps, err := cases.NewChecklist(category, ev)
	if err != nil {
		return nil, esc
	}
	if rec != nil {
		steps = cases.ApplyStates(steps, rec.Case.Checklist)
	}
	return steps, esc
}

// mergeEscalation keeps what the agent wrote and fills the rest from what the
// console knows.
func mergeEscalation(stored, known data.Escalation) data.Escalation {
	pick := func(a, b string) string {
		if strings.TrimSpace(a) != "" {
			return a
		}
		return b
	}
	return data.Escalation{Region: pick(stored.Region, known.Region), Phone: pick(stored.Phone, known.Phone),
		App: pick(stored.App, known.App), AppVersion: pick(stored.AppVersion, known.AppVersion),
		PhoneModel: pick(stored.PhoneModel, known.PhoneModel), OSVersion: pick(stored.OSVersion, known.OSVersion),
		StepsTried: pick(stored.StepsTried, known.StepsTried), AppLogs: pick(stored.AppLogs, known.AppLogs)}
}

// openCase is the agent's most recent case of the list that is not resolved,
// else anyone's.
func openCase(list []data.Case, me string) *data.Case {
	var best *data.Case
	for i := range list {
		c := &list[i]
		if c.Status == data.CaseResolved {
			continue
		}
		if best == nil || (c.AgentID == me && best.AgentID != me) ||
			(c.AgentID == me) == (best.AgentID == me) && c.UpdatedAt.After(best.UpdatedAt) {
			best = c
		}
	}
	return best
}

// cachedCaseFor is the cache's newest unresolved case of an account.
func cachedCaseFor(store *cache.Cache, accountID string) (*cache.CaseRecord, error) {
	hits, err := store.Search(accountID)
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		if h.AccountID == accountID && h.Status != data.CaseResolved {
			rec, err := store.Case(h.ID)
			if err != nil {
				return nil, err
			}
			return &rec, nil
		}
	}
	return nil, nil
}

// evidenceAPI is what gathering a case's evidence asks of the backend.
type evidenceAPI interface {
	Deliveries(ctx context.Context, accountID string) ([]data.Delivery, error)
	RateLimits(ctx context.Context, accountID string) (data.RateLimits, error)
	TrustedDevices(ctx context.Context, accountID string) ([]data.TrustedDevice, error)
	AllLoginActivity(ctx context.Context, accountID string, max int) ([]data.LoginEvent, error)
}

// gatherEvidence fetches what the checklist is pre-filled from. I/O.
func gatherEvidence(ctx context.Context, api evidenceAPI, loc *geo.Locator, ev *cases.Evidence) error {
	id := ev.Account.ID
	var err error
	if ev.Deliveries, err = api.Deliveries(ctx, id); err != nil {
		return err
	}
	rl, err := api.RateLimits(ctx, id)
	if err != nil {
		return err
	}
	ev.Limits = &rl
	if ev.Devices, err = api.TrustedDevices(ctx, id); err != nil {
		return err
	}
	events, err := api.AllLoginActivity(ctx, id, caseEvidenceLogins)
	if err != nil {
		return err
	}
	ev.Logins = logins.Analyze(events, loc, logins.Options{Now: ev.Now})
	return nil
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
	contact := widget.NewEntry()
	contact.SetPlaceHolder("how to reach the customer (optional)")
	intro := "No open case for this account."
	if p.cached {
		intro += " The backend cannot be reached: a case can be started once it is back."
	}
	if why != "" {
		intro += "\nSuggested from what the console sees: " + why
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

// start creates the case on the backend with the pre-filled checklist and the
// escalation fields the console knows. A tap handler.
func (p *casePanel) start(category, channel, contact string, button *widget.Button) {
	acct := p.acct
	if acct == nil {
		return
	}
	steps, err := cases.NewChecklist(category, p.ev)
	if err != nil {
		return
	}
	esc := cases.Escalation(p.ev)
	if p.pendingCaseID == "" || p.pendingCaseAcct != acct.ID {
		p.pendingCaseID, p.pendingCaseAcct = "case-"+uuid.NewString(), acct.ID
	}
	cs := data.Case{ID: p.pendingCaseID, AccountID: acct.ID, AgentID: p.w.agent.ID, Channel: channel,
		CustomerContact: contact, Category: category, Status: data.CaseOpen,
		Checklist: cases.ContractSteps(steps), Escalation: esc.Escalation}
	button.Disable()
	p.ls.label.SetText("Starting the case…")
	p.ls.label.Show()
	ev, parent, store, found := p.ev, p.w.ctx, p.w.cfg.Cache, p.w.found
	p.w.cfg.goAsync(func() {
		ctx, cancel := context.WithTimeout(parent, backendTimeout)
		defer cancel()
		created, err := p.w.api.CreateCase(ctx, cs)
		var rec cache.CaseRecord
		if err == nil {
			rec = cache.CaseRecord{Case: created}
			addContacts(&rec, found)
			if store != nil {
				_ = store.PutCase(rec)
				_ = store.PutSnapshot(created.ID, snapshotForCache(cases.NewSnapshot(ev)))
			}
		}
		fyne.Do(func() {
			p.w.noteBackend("case", err)
			button.Enable()
			if p.acct == nil || p.acct.ID != acct.ID {
				return
			}
			if err != nil {
				if backendDecided(err) {
					p.pendingCaseID = ""
				} else {
					p.w.record("case_create", acct.ID, cs.ID, category+" (outcome unknown)")
				}
				p.ls.label.SetText("The case was not started: " + Explain(err) + " Press Start the case again: it will not make a second one.")
				return
			}
			p.pendingCaseID = ""
			p.w.record("case_create", acct.ID, created.ID, category)
			p.ls.label.Hide()
			p.rec = &rec
			p.steps, p.esc = caseContent(p.rec, p.ev)
			p.show()
			p.w.reloadCases()
			p.w.header.setOpenCase(true)
		})
	})
}

// caseView is the case: status, checklist, escalation fields, notes.
func (p *casePanel) caseView() fyne.CanvasObject {
	c := p.rec.Case
	cat, _ := cases.LookupCategory(c.Category)
	title := widget.NewLabelWithStyle(fmt.Sprintf("%s · %s", cat.Title, shortID(c.ID)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	var words []string
	for _, s := range caseStatuses {
		words = append(words, s.words)
	}
	p.status = widget.NewSelect(words, nil)
	p.first = p.status
	for _, s := range caseStatuses {
		if s.id == c.Status {
			p.status.Selected = s.words
		}
	}
	p.status.OnChanged = func(w string) {
		for _, s := range caseStatuses {
			if s.words == w && s.id != p.rec.Case.Status {
				st := s.id
				p.save(data.CasePatch{Status: &st}, "status "+s.words)
			}
		}
	}
	head := []fyne.CanvasObject{title, widget.NewLabel("Status:"), p.status}
	if p.cached || p.rec.OnlyCached() {
		head = append(head, badge("only cached: changes are queued", widget.WarningImportance))
	}
	p.saveInfo = widget.NewLabel(fmt.Sprintf("Opened %s by %s.", relativeTime(c.CreatedAt, p.w.cfg.now(), nil), c.AgentID))
	p.saveInfo.Wrapping = fyne.TextWrapWord

	// The checklist: each step's state, and why the evidence set it.
	list := container.NewVBox(widget.NewLabelWithStyle("Checklist from the help page", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for i := range p.steps {
		list.Add(p.stepRow(i))
	}

	// The escalation fields the pages ask support to collect.
	p.fields = map[string]*widget.Entry{}
	form := widget.NewForm()
	for _, id := range cat.Escalation {
		def := fieldDef(id)
		e := widget.NewEntry()
		e.SetText(p.esc.Get(id))
		p.fields[id] = e
		form.Append(def.Label, e)
	}
	saveFields := widget.NewButtonWithIcon("Save the escalation fields", theme.DocumentSaveIcon(), p.onSaveFields)

	// Notes: append-only, newest last.
	notes := container.NewVBox(widget.NewLabelWithStyle("Notes", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, n := range c.Notes {
		l := widget.NewLabel(fmt.Sprintf("%s · %s: %s", relativeTime(n.At, p.w.cfg.now(), nil), n.AuthorID, notePreview(n.Text)))
		l.Wrapping = fyne.TextWrapWord
		notes.Add(l)
	}
	if len(c.Notes) == 0 {
		notes.Add(widget.NewLabel("No notes yet."))
	}
	typed := ""
	if p.note != nil && p.noteCase == c.ID {
		typed = p.note.Text // a redraw keeps what the agent is writing
	}
	p.noteCase = c.ID
	p.note = widget.NewMultiLineEntry()
	p.note.SetText(typed)
	p.note.SetPlaceHolder("What the customer said, what you did")
	p.note.Wrapping = fyne.TextWrapWord
	p.note.SetMinRowsVisible(2)
	p.addNote = widget.NewButtonWithIcon("Add note", theme.ContentAddIcon(), p.onAddNote)
	export := widget.NewButtonWithIcon("Export escalation package…", theme.DocumentSaveIcon(), p.onExport)

	// Attachments the customer sent: kept with the case, on this computer.
	attach := container.NewVBox(widget.NewLabelWithStyle("Attachments", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, a := range p.rec.Attachments {
		attach.Add(widget.NewLabel(fmt.Sprintf("%s · %s · %d KiB · %s", a.Name, a.Type, (a.Size+1023)/1024, relativeTime(a.AddedAt, p.w.cfg.now(), nil))))
	}
	if len(p.rec.Attachments) == 0 {
		attach.Add(widget.NewLabel("None. Screenshots of the 2FA settings (PNG, JPEG) and app logs (text or .zip), up to 5 MiB each."))
	}
	attachButton := widget.NewButtonWithIcon("Attach a file…", theme.FileIcon(), p.onAttach)
	if p.w.cfg.Cache == nil {
		attachButton.Disable()
	}
	attach.Add(container.NewHBox(attachButton))

	body := container.NewVBox(p.conflictBox(), list,
		widget.NewSeparator(), widget.NewLabelWithStyle("For an escalation", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		form, container.NewHBox(saveFields, export), widget.NewSeparator(), attach, widget.NewSeparator(), notes)
	// The status on top and the note being written at the bottom stay in view
	// while the checklist and the notes scroll: agents write as they talk.
	top := container.NewVBox(container.NewHBox(head...), p.saveInfo, widget.NewSeparator())
	composer := newBorder(nil, nil, nil, p.addNote, p.note)
	return newBorder(top, container.NewVBox(widget.NewSeparator(), composer), nil, nil, container.NewVScroll(body))
}

// conflictsOf is the case's offline changes in conflict. I/O.
func conflictsOf(store *cache.Cache, caseID string) []cache.OutboxItem {
	items, err := store.Outbox()
	if err != nil {
		return nil
	}
	var out []cache.OutboxItem
	for _, it := range items {
		if it.CaseID == caseID && it.State == cache.StateConflict {
			out = append(out, it)
		}
	}
	return out
}

// conflictBox shows the offline changes the backend's copy overtook, each with
// the choice to apply it again over the backend's copy or to keep the
// backend's: never decided for the agent.
func (p *casePanel) conflictBox() fyne.CanvasObject {
	box := container.NewVBox()
	for _, it := range p.conflicts {
		it := it
		what := "a change"
		if it.Patch != nil && it.Patch.Status != nil {
			what = "the status " + statusWords(*it.Patch.Status)
		} else if it.Patch != nil && it.Patch.Checklist != nil {
			what = "checklist ticks"
		} else if it.Patch != nil && it.Patch.Escalation != nil {
			what = "escalation fields"
		}
		now := "changed"
		if it.Conflict != nil {
			now = "is now " + statusWords(it.Conflict.Status)
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

// settle resolves a conflict: apply the offline change again on top of the
// backend's version, or drop it. A tap handler.
func (p *casePanel) settle(it cache.OutboxItem, mine bool) {
	store := p.w.cfg.Cache
	if store == nil || p.rec == nil {
		return
	}
	what := "kept the backend's copy"
	if mine {
		what = "applied the offline change again"
	}
	p.w.cfg.goAsync(func() {
		err := store.Settle(it.Seq)
		if err == nil && mine && it.Patch != nil {
			patch := *it.Patch
			if it.Conflict != nil {
				patch.Version = it.Conflict.Version
			}
			ctx, cancel := context.WithTimeout(p.w.ctx, backendTimeout)
			_, err = p.w.api.UpdateCase(ctx, it.CaseID, patch)
			cancel()
		}
		fyne.Do(func() {
			if err != nil {
				p.saveInfo.SetText("Not settled: " + Explain(err))
				return
			}
			p.w.record("case_conflict", p.rec.Case.AccountID, it.CaseID, what)
			p.w.startLoad(p)
		})
	})
}

// onAttach keeps a file the customer sent with the case: checked by content
// (screenshots, app logs) and size, read and stored off the UI thread.
func (p *casePanel) onAttach() {
	store := p.w.cfg.Cache
	if store == nil || p.rec == nil {
		return
	}
	caseID, acctID := p.rec.Case.ID, p.rec.Case.AccountID
	dialog.ShowFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		p.attach(caseID, acctID, rc.URI().Name(), rc)
	}, p.w.win)
}

// attach reads, checks and keeps one file with the case; the dialog hands it
// the file (tests a reader of their own). UI thread; the work runs off it.
func (p *casePanel) attach(caseID, acctID, name string, r io.ReadCloser) {
	store := p.w.cfg.Cache
	p.saveInfo.SetText("Attaching…")
	p.w.cfg.goAsync(func() {
		defer r.Close()
		content, err := io.ReadAll(io.LimitReader(r, cases.MaxAttachmentSize+1))
		if err == nil {
			_, err = cases.CheckAttachment(name, content)
		}
		var info cache.AttachmentInfo
		var rec cache.CaseRecord
		if err == nil {
			info, err = store.AddAttachment(caseID, name, content)
		}
		if err == nil {
			rec, err = store.Case(caseID)
		}
		fyne.Do(func() {
			if err != nil {
				p.saveInfo.SetText("Not attached: " + attachmentWords(err))
				return
			}
			p.w.record("case_attachment", acctID, caseID, info.Type+" "+info.ID)
			if p.rec != nil && p.rec.Case.ID == caseID {
				p.rec = &rec
				p.show()
				p.saveInfo.SetText("Attached " + info.Name + ". It stays with the case on this computer.")
			}
		})
	})
}

// attachmentWords is why a file was refused: the check's own sentence when it
// has one.
func attachmentWords(err error) string {
	var ae *cases.AttachmentError
	switch {
	case errors.As(err, &ae):
		return ae.Error()
	case errors.Is(err, cache.ErrAttachmentTooLarge):
		return "the case already keeps as many attachments as it can (20 MiB)."
	}
	return Explain(err)
}

// notePreviewChars is how much of a note the tab draws: wrapping thousands of
// characters without a space costs Fyne seconds per layout, and the whole
// text is in the case, the export and the CLI.
const notePreviewChars = 600

// notePreview is a note as the tab shows it.
func notePreview(text string) string {
	r := []rune(text)
	if len(r) <= notePreviewChars {
		return text
	}
	return string(r[:notePreviewChars]) + fmt.Sprintf("… (%d characters in all: the export has the whole note)", len(r))
}

func fieldDef(id string) cases.FieldDef {
	for _, f := range cases.EscalationFieldDefs() {
		if f.ID == id {
			return f
		}
	}
	return cases.FieldDef{ID: id, Label: id}
}

// stepRow is one checklist step: its state (a choice the agent ticks), its
// text, and the evidence's reason when it pre-filled the step.
func (p *casePanel) stepRow(i int) fyne.CanvasObject {
	s := p.steps[i]
	var words []string
	for _, st := range stepStates {
		words = append(words, st.words)
	}
	state := widget.NewSelect(words, nil)
	for _, st := range stepStates {
		if st.id == s.State {
			state.Selected = st.words
		}
	}
	state.OnChanged = func(w string) {
		for _, st := range stepStates {
			if st.words == w && st.id != p.steps[i].State {
				p.steps[i].State = st.id
				p.save(data.CasePatch{Checklist: cases.ContractSteps(p.steps)}, "step "+p.steps[i].ID+" "+st.words)
			}
		}
	}
	text := widget.NewLabel(s.Text)
	text.Wrapping = fyne.TextWrapWord
	items := []fyne.CanvasObject{text}
	if s.Reason != "" {
		why := widget.NewLabel("Why: " + s.Reason)
		why.Wrapping = fyne.TextWrapWord
		why.Importance = widget.LowImportance
		items = append(items, why)
	}
	cell := container.NewGridWrap(fyne.NewSize(9*theme.TextSize(), state.MinSize().Height), state)
	return newBorder(nil, nil, container.NewVBox(cell), nil, container.NewVBox(items...))
}

func (p *casePanel) onSaveFields() {
	esc := p.esc
	for id, e := range p.fields {
		esc.Set(id, strings.TrimSpace(e.Text))
	}
	p.esc = esc
	e := esc.Escalation
	p.save(data.CasePatch{Escalation: &e}, "escalation fields")
}

// save sends a change of the case: to the backend, or, when it cannot be
// reached, to the outbox (sent once it is back). UI thread; I/O off it.
func (p *casePanel) save(patch data.CasePatch, what string) {
	if p.rec == nil {
		return
	}
	patch.Version = p.rec.Case.Version
	id, acctID, parent, store := p.rec.Case.ID, p.rec.Case.AccountID, p.w.ctx, p.w.cfg.Cache
	p.saveInfo.SetText("Saving " + what + "…")
	p.w.cfg.goAsync(func() {
		out := p.writeCase(parent, id, store,
			func(ctx context.Context) (data.Case, error) { return p.w.api.UpdateCase(ctx, id, patch) },
			func() error { _, err := store.QueuePatch(id, patch); return err })
		asked, apiErr, err, queued := out.asked, out.apiErr, out.err, out.queued
		fyne.Do(func() {
			if asked {
				p.w.noteBackend("case", apiErr) // what the backend said; the cache's errors are not its answers
			}
			if p.rec == nil || p.rec.Case.ID != id {
				return
			}
			switch {
			case errors.Is(err, client.ErrConflict):
				p.saveInfo.SetText("Not saved: the case was changed meanwhile. It is reloaded; set " + what + " again if it still applies.")
				p.w.startLoad(p)
				return
			case err != nil:
				p.saveInfo.SetText("Not saved: " + Explain(err))
				return
			}
			p.w.record("case_update", acctID, id, what)
			p.apply(out)
			if queued {
				p.saveInfo.SetText("Saved " + what + " on this computer: it goes to the backend when it is back.")
			} else {
				p.saveInfo.SetText("Saved " + what + ".")
			}
			p.w.updateStatus()
		})
	})
}

// cachedNow reports whether the tab works from the cache (the backend was not
// reachable when it loaded, or is not now). Read on any goroutine: it only
// reads the workspace's offline flag through the panel's own copy.
func (p *casePanel) cachedNow() bool { return p.cachedFlag.Load() }

// caseWrite is the outcome of one change of a case (a patch or a note).
type caseWrite struct {
	asked   bool  // the backend was asked
	apiErr  error // what the backend answered; the cache's errors are not its answers
	err     error // why the change was not made: the backend's or the cache's
	queued  bool  // kept in the outbox for when the backend is back
	updated data.Case
	stored  *cache.CaseRecord // the cached case after the change, when there is a cache
}

// writeCase sends one change of a case with send or, when the tab works from
// the cache or the backend cannot be reached, keeps it with queue; then it
// reads the cached case back. The one path of every change a case takes. I/O:
// off the UI thread.
func (p *casePanel) writeCase(parent context.Context, caseID string, store *cache.Cache,
	send func(context.Context) (data.Case, error), queue func() error) caseWrite {
	ctx, cancel := context.WithTimeout(parent, backendTimeout)
	defer cancel()
	var out caseWrite
	out.asked = !p.cachedNow()
	if out.asked {
		out.updated, out.apiErr = send(ctx)
		out.err = out.apiErr
	}
	if (!out.asked || isOffline(out.apiErr)) && store != nil {
		qerr := queue()
		out.queued, out.err = qerr == nil, qerr
	}
	if out.err == nil && store != nil {
		if !out.queued {
			_ = store.PutCase(cache.CaseRecord{Case: out.updated})
		}
		if rec, err := store.Case(caseID); err == nil {
			out.stored = &rec
		}
	}
	return out
}

// apply shows the case as a write left it. UI thread.
func (p *casePanel) apply(out caseWrite) {
	if out.stored != nil {
		p.rec = out.stored
	} else {
		p.rec.Case = out.updated
	}
}

// onAddNote appends the note with a client-made id, so a retry never
// duplicates it; offline it is queued. A tap handler.
func (p *casePanel) onAddNote() {
	text := strings.TrimSpace(p.note.Text)
	if p.rec == nil || text == "" {
		return
	}
	if n := utf8.RuneCountInString(text); n > maxNoteChars {
		// Refused whole, online or offline: the backend would refuse it too.
		p.saveInfo.SetText(fmt.Sprintf("A note has at most %d characters; this one has %d. Shorten it or split it in two.", maxNoteChars, n))
		return
	}
	n := p.pendingNote
	if n.ID == "" || n.Text != text {
		n = data.Note{ID: "note-" + uuid.NewString(), AuthorID: p.w.agent.ID, At: p.w.cfg.now().UTC(), Text: text}
	}
	p.pendingNote = n
	id, acctID, parent, store := p.rec.Case.ID, p.rec.Case.AccountID, p.w.ctx, p.w.cfg.Cache
	p.addNote.Disable()
	p.saveInfo.SetText("Adding the note…")
	p.w.cfg.goAsync(func() {
		out := p.writeCase(parent, id, store,
			func(ctx context.Context) (data.Case, error) { return p.w.api.AddNote(ctx, id, n) },
			func() error { _, err := store.QueueNote(id, n); return err })
		asked, apiErr, err, queued := out.asked, out.apiErr, out.err, out.queued
		fyne.Do(func() {
			if asked {
				p.w.noteBackend("case", apiErr) // what the backend said; the cache's errors are not its answers
			}
			p.addNote.Enable()
			if p.rec == nil || p.rec.Case.ID != id {
				return
			}
			if err != nil {
				if !asked || backendDecided(apiErr) { // nothing reached the backend, or it refused
					p.pendingNote = data.Note{}
				} else {
					p.w.record("case_note", acctID, id, n.ID+" (outcome unknown)")
				}
				p.saveInfo.SetText("The note was not added: " + Explain(err) + " It is still in the field; Add note again will not add it twice.")
				return
			}
			p.pendingNote = data.Note{}
			p.w.record("case_note", acctID, id, n.ID)
			p.note.SetText("")
			p.apply(out)
			p.show()
			if queued {
				p.saveInfo.SetText("The note is kept on this computer and goes to the backend when it is back.")
			}
			p.w.updateStatus()
		})
	})
}

// onExport writes the escalation package (Markdown and JSON, masked) into a
// folder the agent picks.
func (p *casePanel) onExport() {
	if p.rec == nil {
		return
	}
	pkg := cases.NewPackage(p.rec.Case, p.steps, p.esc, cases.NewSnapshot(p.ev))
	pkg.ExportedAt, pkg.ExportedBy = p.w.cfg.now().UTC(), p.w.agent.ID
	id, acctID := p.rec.Case.ID, p.rec.Case.AccountID
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		p.w.cfg.goAsync(func() {
			paths, err := writePackage(dir.Path(), pkg)
			fyne.Do(func() {
				if err != nil {
					p.saveInfo.SetText("The package was not written: " + Explain(err))
					return
				}
				p.w.record("case_export", acctID, id, "masked")
				p.saveInfo.SetText("Exported, masked: " + strings.Join(paths, " and "))
			})
		})
	}, p.w.win)
}

// writePackage writes pkg as CASE.md and CASE.json into dir. I/O.
func writePackage(dir string, pkg cases.Package) ([]string, error) {
	js, err := cases.ExportJSON(pkg)
	if err != nil {
		return nil, err
	}
	base := filepath.Join(dir, "verifydesk-"+shortID(pkg.Case.ID))
	md, jsPath := base+".md", base+".json"
	if err := os.WriteFile(md, cases.ExportMarkdown(pkg), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(jsPath, js, 0o600); err != nil {
		return nil, err
	}
	return []string{md, jsPath}, nil
}

// shortID is a case id short enough to read out: "case-3f2a9c1e".
func shortID(id string) string {
	if strings.HasPrefix(id, "case-") && len(id) > 13 {
		return id[:13]
	}
	return id
}

// snapshotForCache stores a case snapshot in the cache's parts.
func snapshotForCache(s cases.Snapshot) cache.Snapshot {
	part := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil || string(b) == "null" {
			return nil
		}
		return b
	}
	return cache.Snapshot{TakenAt: s.TakenAt, Account: part(s.Account), Deliveries: part(s.Deliveries),
		Devices: part(s.Devices), LoginEvents: part(s.Logins), PhoneDiagnosis: part(s.PhoneDiagnosis)}
}

// snapshotEvidence turns a cached snapshot back into evidence (offline),
// keeping base's account and clock where the snapshot has none.
func snapshotEvidence(cs cache.Snapshot, base cases.Evidence) cases.Evidence {
	var s cases.Snapshot
	s.TakenAt = cs.TakenAt
	_ = json.Unmarshal(orNull(cs.Account), &s.Account)
	_ = json.Unmarshal(orNull(cs.Deliveries), &s.Deliveries)
	_ = json.Unmarshal(orNull(cs.Devices), &s.Devices)
	_ = json.Unmarshal(orNull(cs.LoginEvents), &s.Logins)
	_ = json.Unmarshal(orNull(cs.PhoneDiagnosis), &s.PhoneDiagnosis)
	ev := s.Evidence()
	if ev.Account == nil {
		ev.Account = base.Account
	}
	if ev.Diagnosis == nil {
		ev.Diagnosis = base.Diagnosis
	}
	ev.Now = base.Now
	return ev
}

func orNull(b json.RawMessage) []byte {
	if len(b) == 0 {
		return []byte("null")
	}
	return b
}
