package screens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"verifydesk/data"
	"verifydesk/services/casework"
	"verifydesk/services/client"
)

// maxNoteChars is the contract's limit on a note, in characters.
const maxNoteChars = 20000

// save sends a change of the case: to the backend, or, when it cannot be
// reached, to the outbox (sent once it is back). UI thread; I/O off it.
func (p *casePanel) save(patch data.CasePatch, what string) {
	if p.rec == nil {
		return
	}
	patch.Version = p.rec.Case.Version
	id, acctID, svc, offline := p.rec.Case.ID, p.rec.Case.AccountID, p.w.caseWork(), p.cachedNow()
	p.saveInfo.SetText("Saving " + what + "…")
	var out casework.Write
	p.w.runJob(job{name: "save the case", wanted: p.caseStill(id),
		work: writeWork(&out, func(ctx context.Context) casework.Write { return svc.Patch(ctx, id, patch, offline) }),
		done: func(error) {
			err, queued := out.Err, out.Queued
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
		p.saveInfo.SetText(fmt.Sprintf("A note has at most %d characters; this one has %d. Shorten it or split it in two.", maxNoteChars, n))
		return
	}
	n := p.pendingNote
	if n.ID == "" || n.Text != text {
		n = data.Note{ID: "note-" + uuid.NewString(), AuthorID: p.w.agentID(), At: p.w.now().UTC(), Text: text}
	}
	p.pendingNote = n
	id, acctID, svc, offline := p.rec.Case.ID, p.rec.Case.AccountID, p.w.caseWork(), p.cachedNow()
	p.addNote.Disable()
	p.saveInfo.SetText("Adding the note…")
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
			} else {
				p.saveInfo.SetText("Note added at " + p.w.now().Local().Format("15:04") + ": the last of the notes below.")
			}
			if p.scroll != nil {
				p.scroll.ScrollToBottom() // where the note now is
			}
			p.w.updateStatus()
		},
	})
}
