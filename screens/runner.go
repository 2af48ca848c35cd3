package screens

import (
	"context"
	"sort"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// job is one piece of background work of the console: a tab's load, an
// action, a poll or a write. The runner runs every one of them the same way:
//
//   - work runs off the UI thread, bounded by the timeout;
//   - on the UI thread, the connection state hears what the call's error says
//     of the backend, on every success and every failure (polls included, and
//     answers no longer wanted too: they still tell whether it answers);
//   - done runs only while the answer is still wanted (wanted, and the
//     workspace still open), with the error that Explain turns into words;
//   - the time done holds the UI thread is measured (UIHold).
//
// Results pass from work to done through variables both capture: done runs
// after work returned.
type job struct {
	// name says which call it was, for the support log and the UI-thread
	// figures: "resend", "load Codes", "poll approvals".
	name string
	// timeout bounds work; zero means backendTimeout.
	timeout time.Duration
	// wanted says on the UI thread whether the answer is still wanted (the
	// account or the view has not changed meanwhile); nil: always.
	wanted func() bool
	// local work touches only this computer (the cache, a file): its error
	// says nothing of the backend.
	local bool
	work  func(ctx context.Context) error
	done  func(err error)
}

// runner runs the workspace's background work (see job).
type runner struct {
	ctx   context.Context
	bg    func(func())                // Config.Background
	after func(time.Duration, func()) // Config.After
	// note hears what every finished call's error says of the backend (the
	// connection state). UI thread.
	note func(call string, err error)
}

// run starts j. Any goroutine; the UI thread in practice.
func (r *runner) run(j job) {
	timeout := j.timeout
	if timeout == 0 {
		timeout = backendTimeout
	}
	r.bg(func() {
		ctx, cancel := context.WithTimeout(r.ctx, timeout)
		var err error
		if j.work != nil {
			err = j.work(ctx)
		}
		cancel()
		fyne.Do(func() { timeUI(j.name, func() { r.finish(j, err) }) })
	})
}

// finish hands a finished job's outcome to the connection state and, while
// it is wanted, to its done. UI thread.
func (r *runner) finish(j job, err error) {
	if r.ctx.Err() != nil {
		return // the workspace closed
	}
	na, local := err.(notAskedError)
	if local {
		err = na.err
	}
	if !j.local && !local && r.note != nil {
		r.note(j.name, err)
	}
	if j.wanted != nil && !j.wanted() {
		return
	}
	if j.done != nil {
		j.done(err)
	}
}

// notAsked is what a job's work returns when, this time, it did not ask the
// backend at all (a change kept straight in the outbox): the connection state
// hears nothing of it, and done gets err.
func notAsked(err error) error { return notAskedError{err} }

type notAskedError struct{ err error }

func (e notAskedError) Error() string {
	if e.err == nil {
		return "the backend was not asked"
	}
	return e.err.Error()
}

// later runs f on the UI thread once d has passed, unless the workspace
// closed meanwhile.
func (r *runner) later(d time.Duration, name string, f func()) {
	r.after(d, func() {
		fyne.Do(func() {
			if r.ctx.Err() == nil {
				timeUI(name, f)
			}
		})
	})
}

// handler wraps a tap or key handler so the time it holds the UI thread is
// measured too.
func handler(name string, f func()) func() {
	return func() { timeUI(name, f) }
}

// generation drops answers that are no longer wanted: every start of a kind
// of work takes the next value, and an answer is wanted only while its value
// is still the latest. UI thread.
type generation struct{ n int }

// next starts new work and returns its wanted check: true until the next
// call of next (or drop).
func (g *generation) next() func() bool {
	g.n++
	n := g.n
	return func() bool { return g.n == n }
}

// drop makes every answer still on its way unwanted.
func (g *generation) drop() { g.n++ }

// uiHolds keeps how long our own code held the UI thread: every handler
// wrapped with handler, every job's done and every later callback. Frame
// drawing is not in it.
var uiHolds holdLog

type holdLog struct {
	mu      sync.Mutex
	samples []time.Duration
	longest string // the call that held longest
	max     time.Duration
}

// holdSamples bounds the samples kept: the oldest half goes when full.
const holdSamples = 1 << 16

func timeUI(name string, f func()) {
	t0 := time.Now()
	f()
	uiHolds.add(name, time.Since(t0))
}

func (h *holdLog) add(name string, d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.samples) == holdSamples {
		h.samples = append(h.samples[:0], h.samples[holdSamples/2:]...)
	}
	h.samples = append(h.samples, d)
	if d > h.max {
		h.max, h.longest = d, name
	}
}

// UIHoldStats is how long the console's own code held the UI thread.
type UIHoldStats struct {
	Count    int
	Max, P99 time.Duration
	Longest  string // the call that held it longest
}

// UIHold returns the figures since the start or the last ResetUIHold. Any
// goroutine.
func UIHold() UIHoldStats {
	uiHolds.mu.Lock()
	s := append([]time.Duration(nil), uiHolds.samples...)
	st := UIHoldStats{Count: len(s), Max: uiHolds.max, Longest: uiHolds.longest}
	uiHolds.mu.Unlock()
	if len(s) > 0 {
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		st.P99 = s[(len(s)*99)/100]
	}
	return st
}

// ResetUIHold starts the figures again. Any goroutine.
func ResetUIHold() {
	uiHolds.mu.Lock()
	uiHolds.samples, uiHolds.max, uiHolds.longest = nil, 0, ""
	uiHolds.mu.Unlock()
}

// runDetached runs j on a goroutine of its own, for a panel used without a
// workspace (its tests and benchmarks): no timeout beyond backendTimeout, no
// connection state.
func runDetached(j job) { newRunner(Config{}).run(j) }

// newRunner is a runner for work outside a workspace (the sign-in form, the
// settings dialog): cfg's background and clock, and no connection state.
func newRunner(cfg Config) *runner {
	return &runner{ctx: context.Background(), bg: cfg.goAsync, after: cfg.after}
}
