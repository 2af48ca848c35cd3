package screens

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"verifydesk/backend"
	"verifydesk/data"
	"verifydesk/services/client"
)

// This file is a fault-injecting proxy between the console's client and the
// real reference backend, for the agent's day (day_test.go) and the tests of
// bad networks. The backend behind it runs on a bbolt file in t.TempDir() and
// can be restarted on that file mid-session; what it did is counted on its
// side (backendLedger), so a test checks the console against the backend, not
// against what the console believes.

// faultKind names one fault of the proxy.
type faultKind string

const (
	faultLatency       faultKind = "latency"         // the answer comes late (jitter)
	faultDrop          faultKind = "drop"            // the connection is reset before the backend sees the request
	faultLostAnswer    faultKind = "lost_answer"     // the backend handles the request; its answer is dropped (reset)
	faultTruncated     faultKind = "truncated"       // the backend handles the request; half its answer arrives
	faultNonJSON       faultKind = "non_json"        // an HTML page answers instead of the backend (captive portal)
	fault503           faultKind = "503"             // a burst of 503 without Retry-After
	fault503RetryAfter faultKind = "503_retry_after" // a burst of 503 with Retry-After
	faultRestart       faultKind = "restart"         // the backend restarts on its file; the request is dropped
	faultDown          faultKind = "down"            // a request while the backend is gone
)

// faultOrder is the order faults are drawn in: fixed, so a seed replays.
var faultOrder = []faultKind{faultLatency, faultDrop, faultLostAnswer, faultTruncated, faultNonJSON,
	fault503, fault503RetryAfter, faultRestart}

// faultRates is the chance per request of each fault while faults are on.
type faultRates map[faultKind]float64

// defaultFaultRates make about one request in three misbehave.
func defaultFaultRates() faultRates {
	return faultRates{
		faultLatency: 0.10, faultDrop: 0.04, faultLostAnswer: 0.05, faultTruncated: 0.03,
		faultNonJSON: 0.02, fault503: 0.03, fault503RetryAfter: 0.02, faultRestart: 0.005,
	}
}

// sentMessage is one message the backend handed to its provider (never the
// text: it holds the code).
type sentMessage struct{ id, account, channel, purpose string }

// backendLedger is what the backend did, seen from inside it.
type backendLedger struct {
	mu    sync.Mutex
	sends []sentMessage
	// resends maps an idempotency key to the delivery ids the backend
	// answered a resend with it (2xx): one id, however often it was asked.
	resends map[string]map[string]bool
	// handled counts the requests the backend handled, by method.
	handled map[string]int
}

func (l *backendLedger) sent() []sentMessage {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]sentMessage(nil), l.sends...)
}

// countingProvider hands every message to the simulated provider and writes
// it down first.
type countingProvider struct {
	inner backend.Provider
	l     *backendLedger
}

func (p countingProvider) Send(ctx context.Context, msg backend.Message) backend.Outcome {
	p.l.mu.Lock()
	p.l.sends = append(p.l.sends, sentMessage{msg.ID, msg.AccountID, msg.Channel, msg.Purpose})
	p.l.mu.Unlock()
	return p.inner.Send(ctx, msg)
}

// fakeClock is the backend's clock: the day moves it on, so send limits,
// expiries and lockouts follow a day, not the seconds the test runs.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// faultProxy is the reference backend behind a proxy that misbehaves on
// purpose. front is the console's way in; direct reaches the same backend
// without faults, for the test's own reads (the demo inbox, the checks).
type faultProxy struct {
	tb     testing.TB
	cfg    backend.Config
	clock  *fakeClock
	ledger *backendLedger

	mu       sync.RWMutex // held for reading by a request in the backend, for writing by a restart
	srv      *backend.Server
	restarts int

	front, direct *httptest.Server
	closeOnce     sync.Once

	fmu             sync.Mutex
	rng             *rand.Rand
	rates           faultRates
	on              bool
	down            bool
	burst           int
	burstRetryAfter bool
	maxLatency      time.Duration
	counts          map[faultKind]int
	requests        int
	script          []scriptedFault
}

// scriptedFault is a fault for the next request of method whose path holds
// path, whether random faults are on or not.
type scriptedFault struct {
	method, path string
	kind         faultKind
}

// inject queues kinds, in order, for the next requests of method on a path
// holding path: a test's fault exactly where it wants it.
func (p *faultProxy) inject(method, path string, kinds ...faultKind) {
	p.fmu.Lock()
	defer p.fmu.Unlock()
	for _, k := range kinds {
		p.script = append(p.script, scriptedFault{method, path, k})
	}
}

// newFaultProxy starts the demo backend on a file in tb.TempDir() behind the
// proxy. Faults are off until setFaults(true); seed fixes their sequence.
func newFaultProxy(tb testing.TB, seed uint64) *faultProxy {
	tb.Helper()
	clock := newFakeClock(time.Now().Truncate(time.Second))
	l := &backendLedger{resends: map[string]map[string]bool{}, handled: map[string]int{}}
	p := &faultProxy{tb: tb, clock: clock, ledger: l,
		cfg: backend.Config{DBPath: filepath.Join(tb.TempDir(), "backend.db"), Demo: true, Now: clock.now,
			// Enough that a day of clicks mostly goes out, little enough that
			// the limits still answer 429 now and then.
			Limits:   backend.Limits{PerMinute: 3, PerHour: 60, PerDay: 400},
			Provider: countingProvider{inner: backend.NewSimulatedProvider(clock.now), l: l}},
		rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), rates: defaultFaultRates(),
		maxLatency: 15 * time.Millisecond, counts: map[faultKind]int{}}
	s, err := backend.Open(p.cfg)
	if err != nil {
		tb.Fatalf("fault proxy: open backend: %v", err)
	}
	p.srv = s
	p.front = httptest.NewServer(http.HandlerFunc(p.serve))
	p.direct = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.handle(w, r) }))
	tb.Cleanup(p.close)
	return p
}

// close stops both servers and the backend; safe to call twice.
func (p *faultProxy) close() {
	p.closeOnce.Do(func() {
		p.front.Close()
		p.direct.Close()
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.srv != nil {
			if err := p.srv.Close(); err != nil {
				p.tb.Errorf("fault proxy: close backend: %v", err)
			}
		}
	})
}

// setFaults turns the random faults on or off.
func (p *faultProxy) setFaults(on bool) {
	p.fmu.Lock()
	p.on = on
	if !on {
		p.burst = 0
	}
	p.fmu.Unlock()
}

// setDown makes the backend gone (every request reset) or back.
func (p *faultProxy) setDown(down bool) {
	p.fmu.Lock()
	p.down = down
	p.fmu.Unlock()
}

// faultCounts is how many of each fault were injected so far.
func (p *faultProxy) faultCounts() map[faultKind]int {
	p.fmu.Lock()
	defer p.fmu.Unlock()
	out := map[faultKind]int{}
	for k, n := range p.counts {
		out[k] = n
	}
	return out
}

// requestCount is how many requests came through the front.
func (p *faultProxy) requestCount() int {
	p.fmu.Lock()
	defer p.fmu.Unlock()
	return p.requests
}

// pick decides the fault for one request, and its latency.
func (p *faultProxy) pick(r *http.Request) (faultKind, time.Duration) {
	p.fmu.Lock()
	defer p.fmu.Unlock()
	p.requests++
	count := func(k faultKind) faultKind { p.counts[k]++; return k }
	for i, f := range p.script {
		if f.method == r.Method && strings.Contains(r.URL.Path, f.path) {
			p.script = slices.Delete(p.script, i, i+1)
			return count(f.kind), p.maxLatency
		}
	}
	switch {
	case p.down:
		return count(faultDown), 0
	case !p.on:
		return "", 0
	case p.burst > 0:
		p.burst--
		if p.burstRetryAfter {
			return count(fault503RetryAfter), 0
		}
		return count(fault503), 0
	}
	x := p.rng.Float64()
	for _, k := range faultOrder {
		if x -= p.rates[k]; x >= 0 {
			continue
		}
		switch k {
		case fault503, fault503RetryAfter:
			p.burst = p.rng.IntN(4) // this one and up to three more
			p.burstRetryAfter = k == fault503RetryAfter
		case faultLatency:
			return count(k), time.Duration(p.rng.Int64N(int64(p.maxLatency)))
		}
		return count(k), 0
	}
	return "", 0
}

func (p *faultProxy) serve(w http.ResponseWriter, r *http.Request) {
	kind, delay := p.pick(r)
	switch kind {
	case faultDown, faultDrop:
		resetConn(w)
	case faultRestart:
		p.restart()
		resetConn(w)
	case fault503, fault503RetryAfter:
		if kind == fault503RetryAfter {
			w.Header().Set("Retry-After", "1")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"code":"internal","message":"overloaded"}`))
	case faultNonJSON:
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body>Please sign in to the hotel Wi-Fi</body></html>"))
	case faultLostAnswer:
		p.handle(httptest.NewRecorder(), r)
		resetConn(w)
	case faultTruncated:
		rec := httptest.NewRecorder()
		p.handle(rec, r)
		for k, vs := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = vs
			}
		}
		w.WriteHeader(rec.Code)
		body := rec.Body.Bytes()
		_, _ = w.Write(body[:len(body)/2])
	case faultLatency:
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
			p.handle(w, r)
		case <-r.Context().Done(): // the client gave up meanwhile
		}
	default:
		p.handle(w, r)
	}
}

// handle lets the backend answer r, and writes down the resends it answered.
func (p *faultProxy) handle(w http.ResponseWriter, r *http.Request) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.srv == nil {
		http.Error(w, "backend failed to restart", http.StatusInternalServerError)
		return
	}
	rec := httptest.NewRecorder()
	p.srv.Handler().ServeHTTP(rec, r)
	p.note(r, rec)
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// note records what the ledger counts of one handled request.
func (p *faultProxy) note(r *http.Request, rec *httptest.ResponseRecorder) {
	l := p.ledger
	l.mu.Lock()
	defer l.mu.Unlock()
	l.handled[r.Method]++
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/codes") || rec.Code/100 != 2 {
		return
	}
	var res data.ResendResult
	if json.Unmarshal(bytes.TrimSpace(rec.Body.Bytes()), &res) != nil {
		return
	}
	key := r.Header.Get(data.HeaderIdempotencyKey)
	if l.resends[key] == nil {
		l.resends[key] = map[string]bool{}
	}
	l.resends[key][res.Delivery.ID] = true
}

// restart closes the backend and opens it again on the same file, as a crash
// and a restart of the service would; requests under way finish first.
func (p *faultProxy) restart() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv != nil {
		if err := p.srv.Close(); err != nil {
			p.tb.Errorf("fault proxy: stop backend: %v", err)
		}
	}
	s, err := backend.Open(p.cfg)
	if err != nil {
		p.tb.Errorf("fault proxy: restart backend on %s: %v", p.cfg.DBPath, err)
		p.srv = nil
		return
	}
	p.srv = s
	p.restarts++
}

// restartCount is how many times the backend restarted.
func (p *faultProxy) restartCount() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.restarts
}

// resetConn closes the client's connection without an answer: a reset.
func resetConn(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // RST, not FIN
	}
	_ = conn.Close()
}

// consoleClientOptions are the console's client options with waits short
// enough for a test: the retries behave as in the console, in milliseconds.
// The circuit breaker never opens: its cooldown is wall-clock time, which
// would make the requests of a seeded day depend on how fast the machine is
// (services/client's tests prove the breaker; an open circuit is ErrOffline
// to the screens, which the down spans of the day cover).
func consoleClientOptions() client.Options {
	return client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 20 * time.Millisecond,
		Timeout: 2 * time.Second, BreakerFailures: 1 << 30}
}

// consoleClient is a client of the backend through the faults.
func (p *faultProxy) consoleClient() *client.Client {
	return client.New(p.front.URL, consoleClientOptions())
}

// directClient is user signed in on the backend without faults.
func (p *faultProxy) directClient(tb testing.TB, user string) *client.Client {
	tb.Helper()
	c := client.New(p.direct.URL, consoleClientOptions())
	if _, err := c.SignIn(tb.Context(), user, "demo"); err != nil {
		tb.Fatalf("direct sign-in of %s: %v", user, err)
	}
	return c
}
