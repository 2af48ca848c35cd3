package casework_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"verifydesk/backend"
	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/casework"
	"verifydesk/services/client"
)

// These tests run the service against the reference backend on a bbolt file
// in t.TempDir(), behind a front that can stop and start it on the same file
// and address (the backend stopped, then back), and a real cache file.

// stoppable is the reference backend behind a front that drops every
// connection while the backend is stopped.
type stoppable struct {
	t      *testing.T
	dbPath string
	url    string
	mu     sync.Mutex
	srv    *backend.Server // nil while stopped
}

func newStoppable(t *testing.T) *stoppable {
	b := &stoppable{t: t, dbPath: filepath.Join(t.TempDir(), "backend.db")}
	b.start()
	front := httptest.NewServer(http.HandlerFunc(b.serve))
	b.url = front.URL
	t.Cleanup(func() {
		front.Close()
		b.stop()
	})
	return b
}

func (b *stoppable) start() {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := backend.Open(backend.Config{DBPath: b.dbPath, Demo: true})
	if err != nil {
		b.t.Fatalf("start backend: %v", err)
	}
	b.srv = s
}

func (b *stoppable) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.srv != nil {
		if err := b.srv.Close(); err != nil {
			b.t.Errorf("stop backend: %v", err)
		}
		b.srv = nil
	}
}

func (b *stoppable) serve(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.srv == nil {
		drop(w)
		return
	}
	b.srv.Handler().ServeHTTP(w, r)
}

// quickAgent signs a demo agent in through url with retries that do not make
// the test wait.
func quickAgent(t *testing.T, url, username string) *client.Client {
	t.Helper()
	c := client.New(url, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond,
		BreakerFailures: 1000})
	if _, err := c.SignIn(ctx(t), username, "demo"); err != nil {
		t.Fatalf("sign in %s: %v", username, err)
	}
	return c
}

// openAndStart opens acc_1002 for ana (no case yet) and starts the suggested
// case, found by the customer's number.
func openAndStart(t *testing.T, svc *casework.Service, api *client.Client) (casework.OpenRequest, casework.Record) {
	t.Helper()
	acct, err := api.Account(ctx(t), "acc_1002")
	if err != nil {
		t.Fatal(err)
	}
	me, err := api.Me(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	req := casework.OpenRequest{Account: acct, AgentID: me.ID, FoundBy: casework.Contacts{Phone: "+447700900999"},
		Now: time.Now()}
	got, err := svc.Open(ctx(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Record != nil || got.Cached {
		t.Fatalf("a fresh account has a case: %+v", got)
	}
	category, _ := cases.SuggestCategory(got.Evidence)
	if category == "" {
		category = cases.CategorySMSNotArriving
	}
	rec, err := svc.Create(ctx(t), casework.CreateRequest{ID: "case-" + uuid.NewString(), AccountID: acct.ID,
		AgentID: me.ID, Channel: "phone", Category: category, Evidence: got.Evidence, FoundBy: req.FoundBy})
	if err != nil {
		t.Fatal(err)
	}
	return req, rec
}

func TestOpenWritesThroughIntoTheCache(t *testing.T) {
	be := newStoppable(t)
	ana := quickAgent(t, be.url, "ana")
	svc := casework.New(ana, openCache(t))
	req, rec := openAndStart(t, svc, ana)

	got, err := svc.Open(ctx(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Cached || got.Record == nil || got.Record.Case.ID != rec.Case.ID || len(got.Steps) == 0 {
		t.Fatalf("open after start: cached %v, record %+v, %d steps", got.Cached, got.Record, len(got.Steps))
	}
	// The cache finds it by the number that found the account, and keeps the
	// account as the agent saw it.
	rows, err := svc.List(ctx(t), "+447700900999", casework.ListQuery{})
	if err != nil || len(rows) != 1 || rows[0].ID != rec.Case.ID {
		t.Errorf("cases by the caller's number: %+v, %v", rows, err)
	}
	acct, err := svc.CachedAccount(ctx(t), rec.Case.ID)
	if err != nil || acct.ID != "acc_1002" {
		t.Errorf("cached account: %+v, %v", acct, err)
	}
	if st, err := svc.Stats(); err != nil || st.Cases != 1 || st.Queued != 0 {
		t.Errorf("stats %+v, %v", st, err)
	}
}

// TestOfflineFallbackQueuesAndSyncsOnce: with the backend stopped, the case
// opens from the cache, a note goes to the outbox; with the backend back,
// Sync sends it exactly once, however often it runs.
func TestOfflineFallbackQueuesAndSyncsOnce(t *testing.T) {
	be := newStoppable(t)
	ana := quickAgent(t, be.url, "ana")
	svc := casework.New(ana, openCache(t))
	req, rec := openAndStart(t, svc, ana)

	be.stop()
	got, err := svc.Open(ctx(t), req)
	if err != nil {
		t.Fatalf("open with the backend stopped: %v", err)
	}
	if !got.Cached || !errors.Is(got.BackendErr, client.ErrOffline) || got.Record == nil || got.Record.Case.ID != rec.Case.ID {
		t.Fatalf("offline open: cached %v (%v), record %+v", got.Cached, got.BackendErr, got.Record)
	}
	if got.Evidence.Account == nil || got.Evidence.Account.ID != "acc_1002" || len(got.Steps) == 0 {
		t.Errorf("offline evidence from the snapshot: %+v, %d steps", got.Evidence.Account, len(got.Steps))
	}

	note := data.Note{ID: "note-" + uuid.NewString(), AuthorID: "ana", At: time.Now().UTC(), Text: "customer was roaming"}
	w := svc.AddNote(ctx(t), rec.Case.ID, note, false)
	if !w.Asked || !errors.Is(w.APIErr, client.ErrOffline) || w.Err != nil || !w.Queued {
		t.Fatalf("note with the backend stopped: %+v", w)
	}
	if w.Stored == nil || !w.Stored.OnlyCached() || len(w.Stored.Case.Notes) != 1 {
		t.Fatalf("cached case after the note: %+v", w.Stored)
	}
	// Working from the cache, the next one is queued without asking.
	second := data.Note{ID: "note-" + uuid.NewString(), AuthorID: "ana", At: time.Now().UTC(), Text: "will call back"}
	if w := svc.AddNote(ctx(t), rec.Case.ID, second, true); w.Asked || !w.Queued || w.Err != nil {
		t.Fatalf("note offline: %+v", w)
	}
	if st, _ := svc.Stats(); st.Queued != 2 {
		t.Errorf("queued %d, want 2", st.Queued)
	}

	be.start()
	for i := range 3 {
		rep, err := svc.Sync(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if want := map[int]int{0: 2}[i]; len(rep.Sent) != want {
			t.Errorf("run %d sent %d, want %d", i, len(rep.Sent), want)
		}
	}
	onBackend, err := ana.Case(ctx(t), rec.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, n := range onBackend.Notes {
		count[n.ID]++
	}
	if len(onBackend.Notes) != 2 || count[note.ID] != 1 || count[second.ID] != 1 {
		t.Errorf("backend notes %+v: want each once", onBackend.Notes)
	}
	if st, _ := svc.Stats(); st.Queued != 0 {
		t.Errorf("still queued: %d", st.Queued)
	}
}

// TestOfflinePatchConflictIsSettled: a status set offline that the backend's
// copy overtook is kept as a conflict, never applied; the agent's choice
// applies it again.
func TestOfflinePatchConflictIsSettled(t *testing.T) {
	be := newStoppable(t)
	ana := quickAgent(t, be.url, "ana")
	svc := casework.New(ana, openCache(t))
	req, rec := openAndStart(t, svc, ana)
	id := rec.Case.ID

	waiting := data.CaseWaiting
	if w := svc.Patch(ctx(t), id, data.CasePatch{Version: rec.Case.Version, Status: &waiting}, true); !w.Queued || w.Err != nil {
		t.Fatalf("offline patch: %+v", w)
	}
	sam := quickAgent(t, be.url, "sam")
	escalated := data.CaseEscalated
	if _, err := sam.UpdateCase(ctx(t), id, data.CasePatch{Version: rec.Case.Version, Status: &escalated}); err != nil {
		t.Fatal(err)
	}
	rep, err := svc.Sync(ctx(t))
	if err != nil || len(rep.Conflicts) != 1 {
		t.Fatalf("sync: %+v, %v", rep, err)
	}
	got, err := svc.Open(ctx(t), req)
	if err != nil || len(got.Conflicts) != 1 || got.Record.Case.Status != data.CaseEscalated {
		t.Fatalf("open with a conflict: %+v, %v", got.Conflicts, err)
	}
	if err := svc.Settle(ctx(t), got.Conflicts[0], true); err != nil {
		t.Fatal(err)
	}
	if cs, err := ana.Case(ctx(t), id); err != nil || cs.Status != data.CaseWaiting {
		t.Errorf("after applying mine: %q, %v", cs.Status, err)
	}
	if c := svc.Conflicts(id); len(c) != 0 {
		t.Errorf("still in conflict: %+v", c)
	}
}

func TestAttachAndExport(t *testing.T) {
	be := newStoppable(t)
	ana := quickAgent(t, be.url, "ana")
	svc := casework.New(ana, openCache(t))
	_, rec := openAndStart(t, svc, ana)
	id := rec.Case.ID

	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
	info, stored, err := svc.Attach(ctx(t), id, "2fa-settings.png", bytes.NewReader(png))
	if err != nil || info.Type != "image/png" || len(stored.Attachments) != 1 {
		t.Fatalf("attach a screenshot: %+v, %+v, %v", info, stored.Attachments, err)
	}
	var ae *cases.AttachmentError
	if _, _, err := svc.Attach(ctx(t), id, "notes.exe", strings.NewReader("MZ\x90\x00binary")); !errors.As(err, &ae) {
		t.Errorf("a program attached: %v", err)
	}

	pkg := cases.NewPackage(stored.Case, nil, cases.EscalationFields{}, cases.Snapshot{})
	paths, err := casework.Export(t.TempDir(), pkg)
	if err != nil || len(paths) != 2 {
		t.Fatalf("export: %v, %v", paths, err)
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o600 || !strings.Contains(filepath.Base(p), casework.ShortID(id)) {
			t.Errorf("%s: %v, %v", p, fi, err)
		}
	}
}

// TestWithoutCache: a service that keeps nothing still opens and writes
// online, and says ErrNoCache for what needs the cache.
func TestWithoutCache(t *testing.T) {
	be := newStoppable(t)
	ana := quickAgent(t, be.url, "ana")
	svc := casework.New(ana, nil)
	req, rec := openAndStart(t, svc, ana)
	if got, err := svc.Open(ctx(t), req); err != nil || got.Record == nil || got.Record.Case.ID != rec.Case.ID {
		t.Fatalf("open without a cache: %+v, %v", got.Record, err)
	}
	note := data.Note{ID: "note-" + uuid.NewString(), AuthorID: "ana", At: time.Now().UTC(), Text: "hello"}
	if w := svc.AddNote(ctx(t), rec.Case.ID, note, false); w.Err != nil || w.Stored != nil || len(w.Case.Notes) != 1 {
		t.Errorf("online note without a cache: %+v", w)
	}
	if w := svc.AddNote(ctx(t), rec.Case.ID, note, true); !errors.Is(w.Err, casework.ErrNoCache) || w.Queued {
		t.Errorf("offline note without a cache: %+v", w)
	}
	be.stop()
	if _, err := svc.Open(ctx(t), req); !errors.Is(err, client.ErrOffline) {
		t.Errorf("offline open without a cache: %v", err)
	}
	if _, err := svc.Stats(); !errors.Is(err, casework.ErrNoCache) {
		t.Errorf("stats: %v", err)
	}
	if _, err := svc.List(ctx(t), "", casework.ListQuery{}); !errors.Is(err, casework.ErrNoCache) {
		t.Errorf("list: %v", err)
	}
	if _, _, err := svc.Attach(ctx(t), rec.Case.ID, "a.txt", strings.NewReader("log")); !errors.Is(err, casework.ErrNoCache) {
		t.Errorf("attach: %v", err)
	}
	if rep, err := svc.Sync(ctx(t)); err != nil || len(rep.Sent) != 0 {
		t.Errorf("sync: %+v, %v", rep, err)
	}
	if err := svc.SetLastAgent(data.Agent{ID: "ana"}); !errors.Is(err, casework.ErrNoCache) {
		t.Errorf("set last agent: %v", err)
	}
	var none *casework.Service
	if none.HasCache() || none.WithAPI(ana).HasCache() {
		t.Error("a nil service keeps something")
	}
}

// TestWithoutBackend: the offline review opens cases before any backend is
// known: the cache answers, and the backend's absence reads as offline.
func TestWithoutBackend(t *testing.T) {
	be := newStoppable(t)
	ana := quickAgent(t, be.url, "ana")
	store := openCache(t)
	req, rec := openAndStart(t, casework.New(ana, store), ana)
	svc := casework.New(nil, store)
	if err := svc.SetLastAgent(data.Agent{ID: "ana", Username: "ana", Name: "Ana"}); err != nil {
		t.Fatal(err)
	}
	if la, err := svc.LastAgent(); err != nil || la.ID != "ana" {
		t.Errorf("last agent: %+v, %v", la, err)
	}
	got, err := svc.Open(ctx(t), req)
	if err != nil || !got.Cached || !errors.Is(got.BackendErr, casework.ErrNoBackend) || got.Record == nil || got.Record.Case.ID != rec.Case.ID {
		t.Fatalf("open without a backend: %+v, %v", got, err)
	}
	if storage, _ := svc.KeyStorage(); storage == "" {
		t.Error("no key storage named")
	}
	if rows, err := svc.List(context.Background(), "", casework.ListQuery{Status: data.CaseOpen}); err != nil || len(rows) != 1 {
		t.Errorf("list offline: %+v, %v", rows, err)
	}
	me, err := ana.Me(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if list, cached, err := svc.OpenCases(ctx(t), me.ID); !errors.Is(err, client.ErrOffline) || !cached || len(list) != 1 || list[0].AccountID != "acc_1002" {
		t.Errorf("open cases offline: %+v, %v, %v", list, cached, err)
	}
	if list, cached, err := casework.New(ana, store).OpenCases(ctx(t), me.ID); err != nil || cached || len(list) != 1 {
		t.Errorf("open cases online: %+v, %v, %v", list, cached, err)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	acct := data.Account{ID: "acc_1", Name: "Lena"}
	ev := cases.Evidence{Account: &acct, Deliveries: []data.Delivery{{ID: "d1", Channel: "sms"}}, Now: time.Now()}
	base := cases.Evidence{Now: time.Unix(1, 0)}
	got := casework.DecodeSnapshot(casework.EncodeSnapshot(cases.NewSnapshot(ev)), base)
	if got.Account == nil || got.Account.ID != "acc_1" || len(got.Deliveries) != 1 || !got.Now.Equal(base.Now) {
		t.Errorf("round trip: %+v", got)
	}
	// An empty snapshot keeps the base's account.
	if got := casework.DecodeSnapshot(casework.Snapshot{}, cases.Evidence{Account: &acct}); got.Account != &acct {
		t.Errorf("empty snapshot: %+v", got.Account)
	}
}

// FuzzDecodeSnapshot: whatever a damaged or older cache holds, decoding never
// panics and keeps the base's clock.
func FuzzDecodeSnapshot(f *testing.F) {
	f.Add([]byte(`{"id":"acc_1"}`), []byte(`[{"id":"d1"}]`), []byte(`null`))
	f.Add([]byte(`{`), []byte(`7`), []byte(`"x"`))
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		base := cases.Evidence{Now: time.Unix(42, 0)}
		ev := casework.DecodeSnapshot(casework.Snapshot{Account: a, Deliveries: b, Devices: c, LoginEvents: a, PhoneDiagnosis: b}, base)
		if !ev.Now.Equal(base.Now) {
			t.Errorf("clock %v", ev.Now)
		}
	})
}

// TestExportStaysInTheChosenFolder: a case id is the backend's, and any agent
// can make one; whatever it holds, the package lands in the folder the agent
// picked, never above it or at a Windows path.
func TestExportStaysInTheChosenFolder(t *testing.T) {
	for _, id := range []string{"../../tmp/x", `..\..\Users\Public\Desktop\evil`, "/etc/passwd", "CON", "case-..", "a/../../b", "C:evil"} {
		root := t.TempDir()
		dir := filepath.Join(root, "chosen")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		paths, err := casework.Export(dir, cases.NewPackage(data.Case{ID: id, AccountID: "acc_1001"}, nil, cases.EscalationFields{}, cases.Snapshot{}))
		if err != nil {
			t.Fatalf("%q: %v", id, err)
		}
		for _, p := range paths {
			if filepath.Dir(p) != dir {
				t.Errorf("%q: wrote %s, outside %s", id, p, dir)
			}
		}
		entries, _ := os.ReadDir(root)
		if len(entries) != 1 {
			t.Errorf("%q: %d entries beside the chosen folder", id, len(entries)-1)
		}
	}
}
