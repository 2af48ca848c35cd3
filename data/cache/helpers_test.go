package cache

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"verifydesk/data"
)

// No test of this package touches the developer's real keyring: go-keyring's
// in-memory mock stands in for it, and the tests that need "no keyring" swap
// in its failing mock. Since the mock is one global, no test here runs in
// parallel.
func TestMain(m *testing.M) {
	keyring.MockInit()
	os.Exit(m.Run())
}

// errNoSecretService is what go-keyring answers on a headless Linux (its
// capital letter is D-Bus's, quoted as it comes).
var errNoSecretService = errors.New("The name org.freedesktop.secrets was not provided by any .service files") //lint:ignore ST1005 quoted verbatim

// withoutKeyring makes every keyring call fail for the rest of the test.
func withoutKeyring(t *testing.T) {
	keyring.MockInitWithError(errNoSecretService)
	t.Cleanup(keyring.MockInit)
}

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func testOptions(clk *clock) Options {
	return Options{Timeout: 100 * time.Millisecond, Now: clk.Now}
}

// openAt opens (or reopens) the cache at path, closed at cleanup.
func openAt(t testing.TB, path string, opts Options) *Cache {
	t.Helper()
	c, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open %s: %v", path, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// newCache opens a fresh cache in t.TempDir().
func newCache(t testing.TB, clk *clock) (*Cache, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cache.db")
	return openAt(t, path, testOptions(clk)), path
}

// The personal data of the test case: none of it may be in the file in the
// clear.
const (
	tPhone     = "+886936123456"
	tPhone2    = "+447700900123"
	tEmail     = "Chen.MeiLing@example.com"
	tIP        = "203.0.113.77"
	tName      = "Chen Mei-ling"
	tNoteText  = "Customer says the SMS never arrives while roaming in Okinawa"
	tNoteText2 = "Carrier Chunghwa confirms the number is active"
)

// sampleCase is a backend-shaped case.
func sampleCase(id string, at time.Time, notes ...data.Note) data.Case {
	return data.Case{
		ID: id, AccountID: "acc_1001", AgentID: "ag_ana", CustomerContact: tPhone, Channel: "phone",
		Category: "sms_never_arrives", Status: data.CaseOpen,
		Checklist:  []data.ChecklistStep{{ID: "signal", Text: "Check signal", State: "todo"}},
		Escalation: data.Escalation{Region: "TW", Phone: tPhone, App: "Tapo", AppVersion: "3.4.510"},
		Notes:      notes, CreatedAt: at, UpdatedAt: at, Version: 1,
	}
}

func mustJSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ids(sums []CaseSummary) []string {
	out := []string{}
	for _, s := range sums {
		out = append(out, s.ID)
	}
	return out
}

func search(t testing.TB, c *Cache, q string) []string {
	t.Helper()
	sums, err := c.Search(q)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return ids(sums)
}
