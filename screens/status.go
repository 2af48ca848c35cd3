package screens

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"verifydesk/services/casework"
	"verifydesk/services/client"
	"verifydesk/services/words"
)

// syncOutbox sends what was kept offline, once the agent has signed in and
// again whenever the backend answers after it could not be reached: in order,
// exactly once (client ids), conflicts kept for the agent to settle. It also
// records who signed in last, for offline review. UI thread.
func (w *workspace) syncOutbox() {
	svc := w.cfg.Cases
	if !svc.HasCache() || w.offlineReview {
		return
	}
	agent := w.agent
	var rep casework.Report
	var syncErr error
	w.run.run(job{name: "send the outbox", timeout: 2 * backendTimeout,
		work: func(ctx context.Context) error {
			_ = svc.SetLastAgent(agent)
			rep, syncErr = svc.Sync(ctx)
			// Every item the backend was asked about ends sent, in
			// conflict or refused; with none, and no transport error, the
			// backend was not asked (nothing to send, another sync holds
			// the outbox, the cache failed).
			if len(rep.Sent)+len(rep.Conflicts)+len(rep.Rejected) == 0 && !client.Unreachable(syncErr) {
				return notAsked(syncErr)
			}
			return syncErr
		},
		done: func(error) {
			if n := len(rep.Sent); n > 0 {
				w.logf("outbox sent", "changes", n, "conflicts", len(rep.Conflicts), "refused", len(rep.Rejected))
				w.sentOffline += n
			}
			w.updateStatus()
			if text := syncWords(rep, syncErr); text != "" {
				w.notice(text)
			}
			if len(rep.Sent) > 0 {
				w.afterSync()
			}
		},
	})
}

// syncWords says what a sync did, or "" when there was nothing to send.
func syncWords(rep casework.Report, err error) string {
	var parts []string
	if n := len(rep.Sent); n > 0 {
		parts = append(parts, fmt.Sprintf("Sent %d change%s kept offline.", n, words.Plural(n)))
	}
	if n := len(rep.Conflicts); n > 0 {
		parts = append(parts, fmt.Sprintf("%d case%s changed on the backend meanwhile: open the case to settle it.", n, words.Plural(n)))
	}
	if n := len(rep.Rejected); n > 0 {
		parts = append(parts, fmt.Sprintf("%d change%s refused by the backend.", n, words.Plural(n)))
	}
	if err != nil && !errors.Is(err, casework.ErrOutboxBusy) {
		parts = append(parts, "Some changes kept offline are not sent yet: "+Explain(err))
	}
	return strings.Join(parts, " ")
}

// afterSync reloads the Case tab once what was kept offline reached the
// backend, so it shows the backend's copy and no longer says "cached". UI
// thread.
func (w *workspace) afterSync() {
	delete(w.loaded, w.casePanel)
	w.loadSelected()
}

// updateStatus writes the status bar: the backend, the cache (read off the UI
// thread, then written), the last refresh. UI thread.
func (w *workspace) updateStatus() {
	w.showStatus()
	c := w.cfg.Cases
	if !c.HasCache() {
		return
	}
	var text string
	w.run.run(job{name: "read the cache's figures", local: true,
		wanted: w.statusGen.next(),
		work: func(context.Context) error {
			st, err := c.Stats()
			if err != nil {
				return err
			}
			storage, _ := c.KeyStorage()
			text = fmt.Sprintf("cache: %d case%s", st.Cases, words.Plural(st.Cases))
			if st.Queued > 0 {
				text += fmt.Sprintf(", %d change%s queued", st.Queued, words.Plural(st.Queued))
			}
			if st.Conflicts > 0 {
				text += fmt.Sprintf(", %d to settle", st.Conflicts)
			}
			if n := c.DamagedRecords(); n > 0 {
				text += fmt.Sprintf(", %d damaged record%s skipped", n, words.Plural(n))
			}
			if storage == "file" {
				text += " (encrypted, key in a file: no keyring)"
			} else {
				text += " (encrypted, key in the keyring)"
			}
			return nil
		},
		done: func(err error) {
			if err == nil {
				w.cacheStatus = text
				w.showStatus()
			}
		},
	})
}

// showStatus writes the status bar from what the workspace knows. UI thread.
func (w *workspace) showStatus() {
	s := "Backend: " + w.backend
	switch {
	case w.conn.known && !w.conn.online:
		s += " · offline since " + w.conn.lostAt.Format("15:04:05") + ", trying again"
	case !w.conn.lastAnswer.IsZero():
		s += " · last answer " + w.conn.lastAnswer.Format("15:04:05")
	}
	if w.cacheStatus != "" {
		s += " · " + w.cacheStatus
	}
	if w.sentOffline > 0 {
		s += fmt.Sprintf(" · %d change%s kept offline sent", w.sentOffline, words.Plural(w.sentOffline))
	}
	if w.cfg.geoProblem != "" {
		s += " · " + w.cfg.geoProblem
	}
	w.status.SetText(s)
}
