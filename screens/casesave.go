package screens

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"verifydesk/data"
	"verifydesk/services/casework"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
)

// maxNoteChars is the contract's limit on a note, in characters.
const maxNoteChars = 20000

// save sends a change of the case: to the backend, or, when it cannot be
// reached, to the outbox (sent once it is back). UI thread; I/O off it.
func (p *casePanel) save(patch data.CasePatch, what string) { p.saveAs(patch, what, what) }

// saveAs is save with what in English for the audit log and shownWhat, the
// same in the agent's language, for the lines on screen.
func (p *casePanel) saveAs(patch data.CasePatch, what, shownWhat string) {
	if p.rec == nil {
		return
	}
	patch.Version = p.rec.Case.Version
	id, acctID, svc, offline := p.rec.Case.ID, p.rec.Case.AccountID, p.w.caseWork(), p.cachedNow()
	p.saveInfo.SetText(i18n.L("Saving {{.What}}…", i18n.M{"What": shownWhat}))
	var out casework.Write
	p.w.runJob(job{name: "save the case", wanted: p.caseStill(id),
		work: writeWork(&out, func(ctx context.Context) casework.Write { return svc.Patch(ctx, id, patch, offline) }),
		done: func(error) {
			err, queued := out.Err, out.Queued
			switch {
			case errors.Is(err, client.ErrConflict):
				p.saveInfo.SetText(i18n.L("Not saved: the case was changed meanwhile. It is reloaded; set {{.What}} again if it still applies.",
					i18n.M{"What": shownWhat}))
				p.w.startLoad(p)
				return
			case err != nil:
				p.saveInfo.SetText(i18n.L("Not saved: {{.Reason}}", i18n.M{"Reason": Explain(err)}))
				return
			}
			p.w.record("case_update", acctID, id, what)
			p.apply(out)
			if queued {
				p.saveInfo.SetText(i18n.L("Saved {{.What}} on this computer: it goes to the backend when it is back.", i18n.M{"What": shownWhat}))
			} else {
				p.saveInfo.SetText(i18n.L("Saved {{.What}}.", i18n.M{"What": shownWhat}))
			}
			p.w.updateStatus()
		},
	})
}

// writeWork is the work of a job that changes a case: write keeps it in out,
// and the error the runner hears is what the backend said, or notAsked when
// the change went straight to the outbox (the cache's errors are not its
// answers).
func writeWork(out *casework.Write, write func(context.Context) casework.Write) func(context.Context) error {
	return func(ctx context.Context) error {
		*out = write(ctx)
		if !out.Asked {
			return notAsked(out.Err)
		}
		return out.APIErr
	}
}

// caseStill is a job's wanted check: the case id is still the one on screen.
func (p *casePanel) caseStill(id string) func() bool {
	return func() bool { return p.rec != nil && p.rec.Case.ID == id }
}

// apply shows the case as a write left it. UI thread.
func (p *casePanel) apply(out casework.Write) {
	if out.Stored != nil {
		p.rec = out.Stored
	} else {
		p.rec.Case = out.Case
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
		p.saveInfo.SetText(i18n.L("A note has at most {{.Max}} characters; this one has {{.Chars}}. Shorten it or split it in two.",
			i18n.M{"Max": maxNoteChars, "Chars": n}))
		return
	}
	n := p.pendingNote
	if n.ID == "" || n.Text != text {
		n = data.Note{ID: "note-" + uuid.NewString(), AuthorID: p.w.agentID(), At: p.w.now().UTC(), Text: text}
	}
	p.pendingNote = n
	id, acctID, svc, offline := p.rec.Case.ID, p.rec.Case.AccountID, p.w.caseWork(), p.cachedNow()
	p.addNote.Disable()
	p.saveInfo.SetText(i18n.L("Adding the note…"))
	var out casework.Write
	p.w.runJob(job{name: "add a note",
		work: writeWork(&out, func(ctx context.Context) casework.Write { return svc.AddNote(ctx, id, n, offline) }),
		done: func(error) {
			p.addNote.Enable()
			if !p.caseStill(id)() {
				return
			}
			asked, apiErr, err, queued := out.Asked, out.APIErr, out.Err, out.Queued
			if err != nil {
				if !asked || backendDecided(apiErr) { // nothing reached the backend, or it refused
					p.pendingNote = data.Note{}
				} else {
					p.w.record("case_note", acctID, id, n.ID+" (outcome unknown)")
				}
				p.saveInfo.SetText(i18n.L("The note was not added: {{.Reason}} It is still in the field; Add note again will not add it twice.",
					i18n.M{"Reason": Explain(err)}))
				return
			}
			p.pendingNote = data.Note{}
			p.w.record("case_note", acctID, id, n.ID)
			p.note.SetText("")
			p.apply(out)
			p.show()
			if queued {
				p.saveInfo.SetText(i18n.L("The note is kept on this computer and goes to the backend when it is back."))
			} else {
				p.saveInfo.SetText(i18n.L("Note added at {{.Time}}: the last of the notes below.", i18n.M{"Time": i18n.Clock(p.w.now().Local())}))
			}
			if p.scroll != nil {
				p.scroll.ScrollToBottom() // where the note now is
			}
			p.w.updateStatus()
		},
	})
}
