package screens

import (
	"context"

	"verifydesk/data"
	"verifydesk/data/cache"
)

// record writes an action of the console to the local, hash-chained audit log
// (the cache's), off the UI thread. Detail never holds a verification code.
// Every chainHeadEvery entries the chain's head is recorded on the backend too,
// so a cut-off tail is found against the server's record. UI thread.
func (w *workspace) record(action, accountID, caseID, detail string) {
	store := w.cfg.Cache
	if store == nil {
		return
	}
	e := cache.AuditEntry{At: w.cfg.now().UTC(), AgentID: w.agent.ID, Action: action, AccountID: accountID, CaseID: caseID, Detail: detail}
	w.run.run(job{name: "record " + action,
		work: func(ctx context.Context) error {
			if _, err := store.Append(e); err != nil {
				return nil // the cache's fault, not the backend's
			}
			if n, _ := store.Head(); n%chainHeadEvery == 0 {
				return w.sendChainHead(ctx)
			}
			return nil
		},
	})
}

// chainHeadEvery is how often (in entries) the chain's head goes to the backend.
const chainHeadEvery = 20

// sendChainHead records the local audit chain's head on the backend. I/O: off
// the UI thread; a failure is retried at the next head.
func (w *workspace) sendChainHead(ctx context.Context) error {
	store := w.cfg.Cache
	if store == nil || w.cfg.ConsoleID == "" {
		return nil
	}
	n, hash := store.Head()
	if n == 0 {
		return nil
	}
	_, err := w.api.RecordChainHead(ctx, data.ChainHeadRequest{ConsoleID: w.cfg.ConsoleID, Count: int64(n), Hash: hash})
	return err
}
