package screens

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2/widget"

	"verifydesk/services/client"
	"verifydesk/services/i18n"
)

// The console's one connection state: whether the auth backend answers. The
// runner tells it the outcome of every call (note); a light check asks the
// backend when nothing else has for idleCheck. The badge, the status bar, the
// Codes tab's allowance and Resend, and the Case tab all read it.
const (
	// watchEvery is how often the console looks whether the backend was
	// heard from lately.
	watchEvery = 3 * time.Second
	// idleCheck is how long the console stays without an answer before it
	// asks the backend itself.
	idleCheck = 9 * time.Second
	// checkTimeout bounds the light check: idleCheck + watchEvery +
	// checkTimeout is at most 15 s from the last answer to "offline".
	checkTimeout = 3 * time.Second
)

// The offline retry: the first after firstRetry, then twice as long each time
// up to maxRetry, until the backend answers.
const (
	firstRetry = 2 * time.Second
	maxRetry   = 16 * time.Second
)

// connection is what the console knows of the backend. The workspace owns it;
// UI thread only.
type connection struct {
	known      bool // a call has finished since the workspace opened
	online     bool
	lastAnswer time.Time // the backend's last answer, of any kind
	lostAt     time.Time
	// retryPending: an offline retry is scheduled; retryDelay is the next.
	retryPending bool
	retryDelay   time.Duration
	// checking: a light check is on its way.
	checking bool
}

// isOnline says whether the backend answered the last call. UI thread.
func (w *workspace) isOnline() bool { return !w.conn.known || w.conn.online }

// noteBackend records what call's outcome says of the backend: an error of
// the transport (refused, reset, timed out) means it is gone; any answer,
// even a refusal, means it is there. The runner calls it for every call. UI
// thread.
func (w *workspace) noteBackend(call string, err error) {
	c := &w.conn
	if err != nil && client.Unreachable(err) {
		was := !c.known || c.online
		c.known, c.online = true, false
		if was {
			c.lostAt = w.cfg.now()
			w.logf("backend lost", "call", call, "error", errorClass(err))
			w.connectionChanged()
		}
		w.scheduleRetry()
		return
	}
	c.lastAnswer = w.cfg.now()
	wasOffline := c.known && !c.online
	c.known, c.online = true, true
	if wasOffline {
		w.logf("backend back", "call", call, "offline_for", c.lastAnswer.Sub(c.lostAt).Round(time.Second).String())
		c.retryDelay = firstRetry
		w.connectionChanged()
		w.recover()
		return
	}
	w.showStatus()
}

// connectionChanged shows the new state everywhere that reads it: the badge,
// the Codes tab's allowance and Resend, the status bar. UI thread.
func (w *workspace) connectionChanged() {
	if w.conn.online {
		w.online.set(i18n.L("online"), widget.SuccessImportance)
	} else {
		w.online.set(i18n.L("offline"), widget.DangerImportance)
	}
	w.codes.showAllowance()
	w.updateStatus()
}

// errorClass names what kind of failure err is, for the log: never its text,
// which may carry what the agent typed. The names are English keys (the
// screen says them with failureWords).
func errorClass(err error) string {
	switch {
	case errors.Is(err, client.ErrCircuitOpen):
		return i18n.Mark("circuit open")
	case errors.Is(err, client.ErrTimeout):
		return i18n.Mark("timeout")
	case errors.Is(err, client.ErrOffline):
		return i18n.Mark("unreachable")
	}
	return i18n.Mark("other")
}

// watch looks every watchEvery whether the backend was heard from within
// idleCheck, and asks it with a light call when not: a backend lost while the
// agent reads turns the console offline without a click. UI thread; it
// reschedules itself until the workspace closes.
func (w *workspace) watch() {
	w.run.later(watchEvery, "watch the backend", func() {
		c := &w.conn
		if c.online && !c.checking && !w.offlineReview && w.cfg.now().Sub(c.lastAnswer) >= idleCheck {
			w.check("check the backend")
		}
		w.watch()
	})
}

// check asks the backend who is signed in: the lightest call there is. Its
// outcome reaches the connection state through the runner. UI thread.
func (w *workspace) check(name string) {
	w.conn.checking = true
	w.run.run(job{name: name, timeout: checkTimeout,
		work: func(ctx context.Context) error { _, err := w.api.Me(ctx); return err },
		done: func(error) { w.conn.checking = false },
	})
}

// recover reloads what failed while the backend could not be reached, runs
// the search that failed, sends what was kept offline and retries a resend
// whose answer was lost. UI thread.
func (w *workspace) recover() {
	for p := range w.failed {
		delete(w.loaded, p)
	}
	for p := range w.stale {
		delete(w.loaded, p)
	}
	w.failed, w.stale = map[panel]bool{}, map[panel]bool{}
	w.loadSelected()
	if s := w.failedSearch; s != nil {
		w.failedSearch = nil
		w.startSearch(s.region, s.text)
	}
	if !w.offlineReview {
		w.loadAgents() // a directory not read at sign-in
		w.retryResends()
		w.syncOutbox()
		w.reloadCases()
	}
}

// scheduleRetry asks the backend again after a growing delay while it cannot
// be reached: a failed panel loads again, or, when none failed, the console
// asks who is signed in. UI thread.
func (w *workspace) scheduleRetry() {
	if w.conn.retryPending || w.ctx.Err() != nil {
		return
	}
	w.conn.retryPending = true
	delay := max(w.conn.retryDelay, firstRetry)
	w.conn.retryDelay = min(2*delay, maxRetry)
	w.run.later(delay, "offline retry", w.retry)
}

func (w *workspace) retry() {
	w.conn.retryPending = false
	if w.conn.online {
		return
	}
	if w.account != nil && len(w.failed) > 0 {
		for p := range w.failed {
			if w.isSelected(p) {
				w.startLoad(p)
				return
			}
		}
	}
	w.check("retry the backend")
}
