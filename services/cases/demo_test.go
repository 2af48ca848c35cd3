package cases_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"verifydesk/backend"
	"verifydesk/backend/backendtest"
	"verifydesk/services/cases"
	"verifydesk/services/client"
	"verifydesk/services/geo"
	"verifydesk/services/logins"
	"verifydesk/services/phone"
)

// demo is the reference backend with its demo data, on a frozen clock so the
// evidence's Now is the backend's: "62 minutes ago" in demo.go is 62 minutes
// before ev.Now here.
type demo struct {
	t   *testing.T
	c   *client.Client
	loc *geo.Locator
	now time.Time
}

func newDemo(t *testing.T) *demo {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	srv := backendtest.New(t, func(cfg *backend.Config) { cfg.Now = func() time.Time { return now } })
	c := client.New(srv.URL, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 20 * time.Millisecond})
	if _, err := c.SignIn(ctx(t), "ana", "demo"); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	loc, err := geo.OpenDemo()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { loc.Close() })
	return &demo{t: t, c: c, loc: loc, now: now}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// evidence searches the account as an agent would and gathers everything the
// case looks at; diag, when not nil, is the phone check of what the customer
// typed.
func (d *demo) evidence(q client.AccountQuery, diag *phone.Diagnosis) cases.Evidence {
	t := d.t
	t.Helper()
	cx := ctx(t)
	accs, err := d.c.SearchAccounts(cx, q)
	if err != nil || len(accs) != 1 {
		t.Fatalf("search %+v: %d accounts, %v", q, len(accs), err)
	}
	acct := accs[0]
	dels, err := d.c.Deliveries(cx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	rl, err := d.c.RateLimits(cx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	devs, err := d.c.TrustedDevices(cx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	events, err := d.c.AllLoginActivity(cx, acct.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return cases.Evidence{
		Account: &acct, Deliveries: dels, Limits: &rl, Devices: devs,
		Logins:    logins.Analyze(events, d.loc, logins.Options{Now: d.now}),
		Diagnosis: diag, Now: d.now,
	}
}

func diag(region, typed string) *phone.Diagnosis {
	d := phone.Diagnose(region, typed)
	return &d
}

// checklist builds the category's checklist and fails the test on an error.
func checklist(t *testing.T, category string, ev cases.Evidence) []cases.Step {
	t.Helper()
	steps, err := cases.NewChecklist(category, ev)
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

// expect checks one step: its state, its finding, and words its reason must
// contain (the evidence it names).
func expect(t *testing.T, steps []cases.Step, id, state, finding string, words ...string) {
	t.Helper()
	for _, s := range steps {
		if s.ID != id {
			continue
		}
		if s.State != state || s.Finding != finding {
			t.Errorf("%s: state %q finding %q, want %q %q (reason: %s)", id, s.State, s.Finding, state, finding, s.Reason)
		}
		for _, w := range words {
			if !strings.Contains(s.Reason, w) {
				t.Errorf("%s: reason %q does not mention %q", id, s.Reason, w)
			}
		}
		if finding == "" && s.Reason != "" {
			t.Errorf("%s: not pre-filled but has a reason: %s", id, s.Reason)
		}
		return
	}
	t.Errorf("no step %s", id)
}

// suggests checks the suggested category and words of its why.
func suggests(t *testing.T, ev cases.Evidence, want string, words ...string) {
	t.Helper()
	got, why := cases.SuggestCategory(ev)
	if got != want {
		t.Errorf("%s: suggested %q (%s), want %q", ev.Account.ID, got, why, want)
	}
	for _, w := range words {
		if !strings.Contains(why, w) {
			t.Errorf("%s: why %q does not mention %q", ev.Account.ID, why, w)
		}
	}
}

// stamp is how reasons write a time.
func stamp(t time.Time) string { return t.UTC().Format("2 Jan 15:04 UTC") }

// testTime is the fixed moment of the tests that need no backend.
var testTime = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// TestMaskContactIsTheBackendsMask: a number the console masks itself (a
// contact typed by the agent, a cached case, an export) reads exactly as the
// backend's own mask of the same number, so one case masks the same in the
// window, the CLI and the exports.
func TestMaskContactIsTheBackendsMask(t *testing.T) {
	d := newDemo(t)
	for _, e164 := range []string{"+447911123456", "+8860936123456", "+4915123456789", "+16502530000"} {
		accts, err := d.c.SearchAccounts(ctx(t), client.AccountQuery{Phone: e164})
		if err != nil || len(accts) == 0 {
			t.Fatalf("search %s: %v %v", e164, accts, err)
		}
		if got, want := cases.MaskContact(e164), accts[0].PhoneMasked; got != want {
			t.Errorf("MaskContact(%s) = %q, the backend masks it %q", e164, got, want)
		}
	}
}
