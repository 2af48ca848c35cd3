package screens

import (
	"context"

	"verifydesk/services/auditlog"
)

// record writes an action of the console to the local, hash-chained audit log
// (services/auditlog), through the runner. Detail never holds a verification
// code. Every auditlog.HeadEvery entries the chain's head is recorded on the
// backend too, so a cut-off tail is found against the server's record. UI
// thread.
func (w *workspace) record(action, accountID, caseID, detail string) {
	rec := w.cfg.Audit
	if !rec.HasLog() {
		return
	}
	e := auditlog.LocalEntry{At: w.cfg.now().UTC(), AgentID: w.agent.ID, Action: action, AccountID: accountID, CaseID: caseID, Detail: detail}
	// The entry is kept even when the head could not be sent: a head not
	// sent goes with the next one. Local: most entries never ask the
	// backend, and a quiet success must not read as its answer.
	w.run.run(job{name: "record " + action, local: true,
		work: func(ctx context.Context) error { return rec.Record(ctx, e) },
	})
}

// sendChainHead records the local audit chain's head on the backend (at
// sign-out, so a tail cut later is found). I/O: off the UI thread.
func (w *workspace) sendChainHead(ctx context.Context) error {
	return w.cfg.Audit.SendHead(ctx) // without a log or a console id there is nothing to send
}
