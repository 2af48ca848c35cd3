package casework_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/zalando/go-keyring"

	"verifydesk/backend"
	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/data/cache"
	"verifydesk/services/casework"
	"verifydesk/services/client"
)

// These tests send a real cache's outbox to the real reference backend over
// HTTP, through a proxy in front of it that fails on purpose, and count on
// the backend what arrived.

func TestMain(m *testing.M) {
	keyring.MockInit() // never the developer's keyring
	os.Exit(m.Run())
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

// fault is what the proxy does with one case write.
type fault int

const (
	pass        fault = iota
	status503         // answer 503 without reaching the backend
	resetBefore       // drop the connection without reaching the backend
	resetAfter        // let the backend handle it, then drop the connection: the answer is lost
	restart           // restart the backend on its file; the request is dropped
)

// faultyBackend is the reference backend on a bbolt file in t.TempDir(),
// behind an httptest proxy that applies plan to every case write (POST of a
// note, PATCH of a case), numbered from 1 with the client's retries.
type faultyBackend struct {
	t      *testing.T
	dbPath string
	plan   func(n int, r *http.Request) fault
	url    string

	mu     sync.Mutex
	srv    *backend.Server
	writes int
	fired  map[fault]int
}

func newFaultyBackend(t *testing.T, plan func(n int, r *http.Request) fault) *faultyBackend {
	f := &faultyBackend{t: t, dbPath: filepath.Join(t.TempDir(), "backend.db"), plan: plan, fired: map[fault]int{}}
	f.start()
	front := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		front.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		if err := f.srv.Close(); err != nil {
			t.Error(err)
		}
	})
	f.url = front.URL
	return f
}

func (f *faultyBackend) start() {
	s, err := backend.Open(backend.Config{DBPath: f.dbPath, Demo: true})
	if err != nil {
		f.t.Fatalf("start backend: %v", err)
	}
	f.srv = s
}

func (f *faultyBackend) serve(w http.ResponseWriter, r *http.Request) {
	// One request at a time: the client sends one at a time anyway, and a
	// restart must not race a request.
	f.mu.Lock()
	defer f.mu.Unlock()
	isWrite := strings.HasPrefix(r.URL.Path, "/v1/cases/") && (r.Method == http.MethodPatch || strings.HasSuffix(r.URL.Path, "/notes"))
	fl := pass
	if isWrite {
		f.writes++
		fl = f.plan(f.writes, r)
		f.fired[fl]++
	}
	switch fl {
	case pass:
		f.srv.Handler().ServeHTTP(w, r)
	case status503:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"code":"internal","message":"overloaded"}`))
	case resetBefore:
		drop(w)
	case resetAfter:
		f.srv.Handler().ServeHTTP(httptest.NewRecorder(), r)
		drop(w)
	case restart:
		if err := f.srv.Close(); err != nil {
			f.t.Errorf("stop backend: %v", err)
		}
		f.start()
		drop(w)
	}
}

// drop closes the client's connection without an answer: a reset.
func drop(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // RST, not FIN
	}
	_ = conn.Close()
}

// agent signs a demo agent in through url.
func agent(t *testing.T, url, username string) *client.Client {
	t.Helper()
	c := client.New(url, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		BreakerFailures: 1000}) // the breaker would only make the test wait
	if _, err := c.SignIn(ctx(t), username, "demo"); err != nil {
		t.Fatalf("sign in %s: %v", username, err)
	}
	return c
}

// newCase creates a case on the backend and caches it.
func newCase(t *testing.T, api *client.Client, c *cache.Cache) data.Case {
	t.Helper()
	cs, err := api.CreateCase(ctx(t), data.Case{ID: uuid.NewString(), AccountID: "acc_1002", Channel: "phone",
		Category: "sms_never_arrives", CustomerContact: "+447700900123",
		Checklist: []data.ChecklistStep{{ID: "signal", Text: "Check signal", State: "todo"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PutCase(cache.CaseRecord{Case: cs}); err != nil {
		t.Fatal(err)
	}
	return cs
}

func openCache(t *testing.T) *cache.Cache {
	c, err := cache.Open(filepath.Join(t.TempDir(), "cache.db"), cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ptr[T any](v T) *T { return &v }

// TestExactlyOnceThroughFaults queues 40 notes and 3 patches offline and sends
// them through 503s, resets before and after the backend handled a write, and
// two backend restarts, running Sync again after each failure as the console
// does. Every note is on the backend exactly once and every patch applied.
func TestExactlyOnceThroughFaults(t *testing.T) {
	firstPatch := 0
	fb := newFaultyBackend(t, func(n int, r *http.Request) fault {
		switch {
		case n == 2 || n == 3: // retried inside one call
			return status503
		case n >= 6 && n <= 10: // more than the client's retries: Sync stops
			return status503
		case n == 13 || n == 31: // a note stored, its answer lost
			return resetAfter
		case n == 16:
			return resetBefore
		case n == 22 || n == 40:
			return restart
		case r.Method == http.MethodPatch && firstPatch == 0: // a patch applied, its answer lost
			firstPatch = n
			return resetAfter
		}
		return pass
	})
	ana := agent(t, fb.url, "ana")
	c := openCache(t)
	cs := newCase(t, ana, c)

	var noteIDs []string
	for i := 1; i <= 40; i++ {
		it, err := c.QueueNote(cs.ID, data.Note{AuthorID: "ag_ana", Text: fmt.Sprintf("offline note %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		noteIDs = append(noteIDs, it.ID)
		// Every patch is made on the version the agent saw: 1.
		switch i {
		case 10:
			_, err = c.QueuePatch(cs.ID, data.CasePatch{Version: 1, Status: ptr(data.CaseWaiting)})
		case 20:
			_, err = c.QueuePatch(cs.ID, data.CasePatch{Version: 1, Checklist: []data.ChecklistStep{{ID: "signal", Text: "Check signal", State: "done"}}})
		case 30:
			_, err = c.QueuePatch(cs.ID, data.CasePatch{Version: 1, Escalation: &data.Escalation{Region: "GB", AppVersion: "3.4.510"}})
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	runs, sent := 0, 0
	for ; runs < 50; runs++ {
		rep, err := casework.New(ana, c).Sync(ctx(t))
		sent += len(rep.Sent)
		if len(rep.Conflicts) > 0 || len(rep.Rejected) > 0 {
			t.Fatalf("run %d: conflicts %+v, rejected %+v", runs, rep.Conflicts, rep.Rejected)
		}
		if err == nil {
			if rep.Remaining != 0 {
				t.Fatalf("run %d ended without error with %d remaining", runs, rep.Remaining)
			}
			break
		}
		if !errors.Is(err, client.ErrOffline) && !errors.Is(err, client.ErrServer) {
			t.Fatalf("run %d: %v, want a transport error", runs, err)
		}
		if rep.Remaining == 0 {
			t.Fatalf("run %d failed with nothing remaining", runs)
		}
	}
	if pending, _ := c.Pending(); len(pending) != 0 {
		t.Fatalf("after %d runs, %d items still queued", runs, len(pending))
	}
	if sent != 43 {
		t.Errorf("reported %d items sent, want 43", sent)
	}
	for _, fl := range []fault{status503, resetBefore, resetAfter, restart} {
		if fb.fired[fl] == 0 {
			t.Errorf("fault %d never fired: the plan does not test what it says", fl)
		}
	}
	// Two runs stop: at the burst of 503s, and at the patch whose answer was
	// lost (a patch is never retried inside a call; the next run finds it
	// applied). The other faults are absorbed by the client's retries.
	if runs < 2 {
		t.Errorf("only %d failed runs: the faults did not stop Sync", runs)
	}

	// Counted on the backend, by another agent.
	got, err := agent(t, fb.url, "lee").Case(ctx(t), cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, n := range got.Notes {
		count[n.ID]++
	}
	for _, id := range noteIDs {
		if count[id] != 1 {
			t.Errorf("note %s is on the backend %d times", id, count[id])
		}
	}
	if len(got.Notes) != len(noteIDs) {
		t.Errorf("the backend has %d notes, want %d", len(got.Notes), len(noteIDs))
	}
	// In the order they were written.
	for i, n := range got.Notes {
		if n.Text != fmt.Sprintf("offline note %d", i+1) {
			t.Errorf("note %d on the backend is %q", i, n.Text)
			break
		}
	}
	if got.Status != data.CaseWaiting || got.Checklist[0].State != "done" || got.Escalation.AppVersion != "3.4.510" || got.Version != 4 {
		t.Errorf("patches on the backend: status %s, checklist %+v, escalation %+v, version %d",
			got.Status, got.Checklist, got.Escalation, got.Version)
	}
	// The cache holds the backend's copy now.
	rec, err := c.Case(cs.ID)
	if err != nil || rec.Case.Version != 4 || len(rec.Case.Notes) != 40 || rec.OnlyCached() {
		t.Errorf("cached case: version %d, %d notes, only cached %v, %v", rec.Case.Version, len(rec.Case.Notes), rec.OnlyCached(), err)
	}
}

// TestConflictIsNeverOverwritten changes a case on the backend while the
// agent's patch waits offline: the patch becomes a conflict holding the
// backend's copy, the backend keeps the other change, and the notes after it
// are still sent.
func TestConflictIsNeverOverwritten(t *testing.T) {
	srv := backendtest.New(t)
	ana, lee := agent(t, srv.URL, "ana"), agent(t, srv.URL, "lee")
	c := openCache(t)
	cs := newCase(t, ana, c)

	if _, err := c.QueuePatch(cs.ID, data.CasePatch{Version: 1, Status: ptr(data.CaseResolved)}); err != nil {
		t.Fatal(err)
	}
	note, err := c.QueueNote(cs.ID, data.Note{AuthorID: "ag_ana", Text: "called back"})
	if err != nil {
		t.Fatal(err)
	}
	// Meanwhile lee escalates the case.
	if _, err := lee.UpdateCase(ctx(t), cs.ID, data.CasePatch{Version: 1, Status: ptr(data.CaseEscalated)}); err != nil {
		t.Fatal(err)
	}

	rep, err := casework.New(ana, c).Sync(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Conflicts) != 1 || len(rep.Sent) != 1 || rep.Sent[0].ID != note.ID {
		t.Fatalf("report %+v", rep)
	}
	if cf := rep.Conflicts[0].Conflict; cf == nil || cf.Status != data.CaseEscalated || cf.Version != 2 {
		t.Errorf("conflict holds %+v", cf)
	}
	got, _ := lee.Case(ctx(t), cs.ID)
	if got.Status != data.CaseEscalated || len(got.Notes) != 1 {
		t.Errorf("backend: status %s, %d notes", got.Status, len(got.Notes))
	}
	rec, _ := c.Case(cs.ID)
	if rec.Case.Status != data.CaseEscalated {
		t.Errorf("the cache shows status %s, want the backend's", rec.Case.Status)
	}
	if st, _ := c.Stats(); st.Conflicts != 1 || st.Queued != 0 {
		t.Errorf("Stats %+v", st)
	}
	// A second run sends nothing again.
	if rep, err := casework.New(ana, c).Sync(ctx(t)); err != nil || len(rep.Sent)+len(rep.Conflicts) != 0 {
		t.Errorf("second run: %+v, %v", rep, err)
	}
}

// TestBackendDownLeavesEverythingQueued: nothing is marked, nothing reordered.
func TestBackendDownLeavesEverythingQueued(t *testing.T) {
	srv := backendtest.New(t)
	ana := agent(t, srv.URL, "ana")
	c := openCache(t)
	cs := newCase(t, ana, c)
	for i := 0; i < 3; i++ {
		if _, err := c.QueueNote(cs.ID, data.Note{Text: fmt.Sprintf("n%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there: connection refused
	down := client.New("http://"+addr, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	rep, err := casework.New(down, c).Sync(ctx(t))
	if !errors.Is(err, client.ErrOffline) || rep.Remaining != 3 || len(rep.Sent) != 0 {
		t.Fatalf("Sync against a dead backend: %+v, %v", rep, err)
	}
	p, _ := c.Pending()
	if len(p) != 3 || p[0].Note.Text != "n0" || p[2].Note.Text != "n2" {
		t.Errorf("pending after the failure: %+v", p)
	}
	if _, err := casework.New(ana, c).Sync(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if p, _ := c.Pending(); len(p) != 0 {
		t.Errorf("still queued: %+v", p)
	}
}

// TestRejectedItemDoesNotBlockTheQueue: a note on a case the backend does not
// have is refused for good; the next item is still sent.
func TestRejectedItemDoesNotBlockTheQueue(t *testing.T) {
	srv := backendtest.New(t)
	ana := agent(t, srv.URL, "ana")
	c := openCache(t)
	cs := newCase(t, ana, c)
	ghost := cs
	ghost.ID = "c-not-on-the-backend"
	if err := c.PutCase(cache.CaseRecord{Case: ghost}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.QueueNote(ghost.ID, data.Note{Text: "lost"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.QueueNote(cs.ID, data.Note{Text: "kept"}); err != nil {
		t.Fatal(err)
	}
	rep, err := casework.New(ana, c).Sync(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rejected) != 1 || rep.Rejected[0].CaseID != ghost.ID || rep.Rejected[0].Error == "" || len(rep.Sent) != 1 {
		t.Errorf("report %+v", rep)
	}
}

func TestOneSyncAtATime(t *testing.T) {
	c := openCache(t)
	release, err := c.ClaimOutbox()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, err := casework.New(nil, c).Sync(ctx(t)); !errors.Is(err, cache.ErrOutboxBusy) {
		t.Errorf("Sync while another runs: %v", err)
	}
}
