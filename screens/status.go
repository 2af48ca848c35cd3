package screens

import (
	"context"
	"errors"
	"strings"

	"verifydesk/services/casework"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
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
		parts = append(parts, i18n.N("Sent {{.Count}} changes kept offline.", n))
	}
	if n := len(rep.Conflicts); n > 0 {
		parts = append(parts, i18n.N("{{.Count}} cases changed on the backend meanwhile: open the case to settle it.", n))
	}
	if n := len(rep.Rejected); n > 0 {
		parts = append(parts, i18n.N("{{.Count}} changes refused by the backend.", n))
	}
	if err != nil && !errors.Is(err, casework.ErrOutboxBusy) {
		parts = append(parts, i18n.L("Some changes kept offline are not sent yet: {{.Reason}}", i18n.M{"Reason": Explain(err)}))
	}
	return i18n.Sentences(i18n.Current(), parts...)
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
			parts := []string{i18n.N("cache: {{.Count}} cases", st.Cases)}
			if st.Queued > 0 {
				parts = append(parts, i18n.N("{{.Count}} changes queued", st.Queued))
			}
			if st.Conflicts > 0 {
				parts = append(parts, i18n.N("{{.Count}} to settle", st.Conflicts))
			}
			if n := c.DamagedRecords(); n > 0 {
				parts = append(parts, i18n.N("{{.Count}} damaged records skipped", n))
			}
			text = strings.Join(parts, i18n.X("list.separator", ", "))
			if storage == "file" {
				text = i18n.L("{{.Cache}} (encrypted, key in a file: no keyring)", i18n.M{"Cache": text})
			} else {
				text = i18n.L("{{.Cache}} (encrypted, key in the keyring)", i18n.M{"Cache": text})
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
	parts := []string{i18n.L("Backend: {{.Backend}}", i18n.M{"Backend": w.backend})}
	switch {
	case w.conn.known && !w.conn.online:
		parts = append(parts, i18n.L("offline since {{.Time}}, trying again", i18n.M{"Time": w.conn.lostAt.Format("15:04:05")}))
	case !w.conn.lastAnswer.IsZero():
		parts = append(parts, i18n.L("last answer {{.Time}}", i18n.M{"Time": w.conn.lastAnswer.Format("15:04:05")}))
	}
	if w.cacheStatus != "" {
		parts = append(parts, w.cacheStatus)
	}
	if w.sentOffline > 0 {
		parts = append(parts, i18n.N("{{.Count}} changes kept offline sent", w.sentOffline))
	}
	if w.cfg.geoProblem != "" {
		parts = append(parts, w.cfg.geoProblem)
	}
	w.status.SetText(strings.Join(parts, " · "))
}
