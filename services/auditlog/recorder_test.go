package auditlog_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"verifydesk/backend/backendtest"
	"verifydesk/data/cache"
	"verifydesk/services/auditlog"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
)

func init() { keyring.MockInit() } // never the developer's keyring

func openCache(t *testing.T) *cache.Cache {
	t.Helper()
	c, err := cache.Open(filepath.Join(t.TempDir(), "cache.db"), cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func signedIn(t *testing.T, url string) *client.Client {
	t.Helper()
	c := client.New(url, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, BreakerFailures: 1000})
	if _, err := c.SignIn(t.Context(), "ana", "demo"); err != nil {
		t.Fatal(err)
	}
	return c
}

func entry(i int) auditlog.LocalEntry {
	return auditlog.LocalEntry{At: time.Unix(int64(1_800_000_000+i), 0).UTC(), AgentID: "ana", Action: "case_note",
		AccountID: "acc_1002", Detail: "note"}
}

// TestRecorderSendsTheHeadEveryTwenty: the backend's record follows the chain
// every HeadEvery entries and at SendHead, and Verify checks against it.
func TestRecorderSendsTheHeadEveryTwenty(t *testing.T) {
	srv := backendtest.New(t)
	api := signedIn(t, srv.URL)
	r := &auditlog.Recorder{Cache: openCache(t), API: api, ConsoleID: "console-test"}
	ctx := t.Context()

	if v := r.Verify(ctx); !errors.Is(v.HeadErr, client.ErrNotFound) || !v.Result.OK() || v.Result.Count != 0 {
		t.Errorf("before any entry: %+v", v)
	}
	for i := 1; i <= 2*auditlog.HeadEvery+5; i++ {
		if err := r.Record(ctx, entry(i)); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	head, err := api.LatestChainHead(ctx, "console-test")
	if err != nil || head.Count != 2*auditlog.HeadEvery {
		t.Fatalf("backend's head after %d entries: %+v, %v", 2*auditlog.HeadEvery+5, head, err)
	}
	if err := r.SendHead(ctx); err != nil {
		t.Fatal(err)
	}
	if head, _ := api.LatestChainHead(ctx, "console-test"); head.Count != 2*auditlog.HeadEvery+5 {
		t.Errorf("backend's head after SendHead: %d", head.Count)
	}
	v := r.Verify(ctx)
	if !v.Result.OK() || v.Server == nil || v.Server.Count != 2*auditlog.HeadEvery+5 || v.HeadErr != nil {
		t.Errorf("verify: %+v", v)
	}
}

// TestRecorderKeepsEntriesWhileTheBackendIsAway: the entry is recorded; only
// the head waits for the next one.
func TestRecorderKeepsEntriesWhileTheBackendIsAway(t *testing.T) {
	srv := backendtest.New(t)
	api := signedIn(t, srv.URL)
	store := openCache(t)
	srv.Close()
	r := &auditlog.Recorder{Cache: store, API: api, ConsoleID: "console-test"}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for i := 1; i < auditlog.HeadEvery; i++ {
		if err := r.Record(ctx, entry(i)); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	err := r.Record(ctx, entry(auditlog.HeadEvery))
	if !errors.Is(err, auditlog.ErrHeadNotSent) || !errors.Is(err, client.ErrOffline) {
		t.Errorf("the twentieth entry with the backend away: %v", err)
	}
	if n, _ := store.Head(); n != auditlog.HeadEvery {
		t.Errorf("%d entries kept, want %d", n, auditlog.HeadEvery)
	}
	if v := r.Verify(ctx); !v.Result.OK() || v.Server != nil || v.HeadErr == nil {
		t.Errorf("verify with the backend away: %+v", v)
	}
}

func TestRecorderWithoutCache(t *testing.T) {
	var none *auditlog.Recorder
	for _, r := range []*auditlog.Recorder{none, {ConsoleID: "x"}} {
		if err := r.Record(t.Context(), entry(1)); !errors.Is(err, auditlog.ErrNoLocalLog) {
			t.Errorf("record: %v", err)
		}
		if err := r.SendHead(t.Context()); !errors.Is(err, auditlog.ErrNoLocalLog) {
			t.Errorf("send head: %v", err)
		}
		if v := r.Verify(t.Context()); !errors.Is(v.Result.Err, auditlog.ErrNoLocalLog) {
			t.Errorf("verify: %+v", v)
		}
	}
	r := &auditlog.Recorder{Cache: openCache(t)}
	if err := r.SendHead(t.Context()); !errors.Is(err, auditlog.ErrNoConsole) {
		t.Errorf("send head without a console id: %v", err)
	}
}

// Each kind of break has words in the agent's language; an unknown kind
// reads as it came.
func TestBreakWords(t *testing.T) {
	i18n.Use(i18n.Russian)
	defer i18n.Use(i18n.English)
	for _, k := range []string{cache.BreakChanged, cache.BreakMissing, cache.BreakOutOfOrder, cache.BreakTailCut} {
		if w := auditlog.BreakWords(k); w == "" || w == k {
			t.Errorf("%q in Russian: %q", k, w)
		}
	}
	if auditlog.BreakWords("gone sideways") != "gone sideways" {
		t.Error("an unknown kind was not kept")
	}
}
