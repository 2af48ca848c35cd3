package backend

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

func TestSignInMeSignOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do("POST", "/v1/agent/sessions", "", data.SignInRequest{Username: "ana", Password: "demo"})
	e.want(r, http.StatusCreated)
	var s data.Session
	r.decode(t, &s)
	if s.Token == "" || s.Agent.Role != data.RoleAgent || s.Agent.Username != "ana" {
		t.Fatalf("session %+v", s)
	}
	if want := e.clock.Now().Add(8 * time.Hour); !s.ExpiresAt.Equal(want) {
		t.Errorf("expires %v, want %v", s.ExpiresAt, want)
	}
	r = e.do("GET", "/v1/agent/me", s.Token, nil)
	e.want(r, 200)
	var me data.Agent
	r.decode(t, &me)
	if me.Username != "ana" {
		t.Errorf("me = %+v", me)
	}
	e.want(e.do("DELETE", "/v1/agent/sessions/current", s.Token, nil), http.StatusNoContent)
	r = e.do("GET", "/v1/agent/me", s.Token, nil)
	e.want(r, http.StatusUnauthorized)
	if r.apiErr(t).Code != data.ErrCodeUnauthorized {
		t.Errorf("code %q", r.apiErr(t).Code)
	}
}

func TestSignInWrongPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, c := range []data.SignInRequest{{Username: "ana", Password: "nope"}, {Username: "nobody", Password: "demo"}} {
		r := e.do("POST", "/v1/agent/sessions", "", c)
		e.want(r, http.StatusUnauthorized)
	}
	e.want(e.do("POST", "/v1/agent/sessions", "", data.SignInRequest{}), http.StatusBadRequest)
}

func TestSessionExpiresAfter8h(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("lee")
	e.clock.Advance(8*time.Hour - time.Second)
	e.want(e.do("GET", "/v1/agent/me", tok, nil), 200)
	e.clock.Advance(time.Second)
	e.want(e.do("GET", "/v1/agent/me", tok, nil), http.StatusUnauthorized)
	// The next sign-in clears the expired session from the file.
	e.signIn("ana")
	var n int
	_ = e.s.db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucketSessions).Stats().KeyN; return nil })
	if n != 1 {
		t.Errorf("%d stored sessions, want 1", n)
	}
}

func TestNoTokenIs401(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do("GET", "/v1/accounts?id=acc_1001", "", nil)
	e.want(r, http.StatusUnauthorized)
	e.want(e.do("GET", "/v1/accounts?id=acc_1001", "garbage", nil), http.StatusUnauthorized)
}

func TestSearchRequiredDemoAccounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	a := e.findPhone(tok, "+886936123456")
	if a.ID != "acc_1001" || a.PhoneStoredForm != "trunk_0" || a.PhoneMasked == "" {
		t.Errorf("TW account %+v", a)
	}
	if got := e.findPhone(tok, "+8860936123456"); got.ID != "acc_1001" {
		t.Errorf("stored form search found %s", got.ID)
	}
	for _, p := range []string{"+447911123456", "+445612345678", "+4915123456789", "+16502530000"} {
		e.findPhone(tok, p)
	}
	r := e.do("GET", "/v1/accounts?email=2fa.pending@example.com", tok, nil)
	e.want(r, 200)
	var l data.AccountList
	r.decode(t, &l)
	if len(l.Accounts) != 1 || l.Accounts[0].App != data.AppKasa || l.Accounts[0].TwoFactor.FeatureAvailable {
		t.Fatalf("2fa.pending: %+v", l)
	}
	if l.Accounts[0].EmailMasked != "2***@example.com" {
		t.Errorf("masked email %q", l.Accounts[0].EmailMasked)
	}
	r = e.do("GET", "/v1/accounts?phone=%2B15555550000", tok, nil)
	e.want(r, 200)
	r.decode(t, &l)
	if len(l.Accounts) != 0 {
		t.Errorf("unknown number found %+v", l)
	}
	e.want(e.do("GET", "/v1/accounts?phone=0936123456", tok, nil), 400)
	e.want(e.do("GET", "/v1/accounts", tok, nil), 400)
	e.want(e.do("GET", "/v1/accounts?phone=%2B886936123456&email=a@b.c", tok, nil), 400)
	e.want(e.do("GET", "/v1/accounts/acc_1001", tok, nil), 200)
	e.want(e.do("GET", "/v1/accounts/nope", tok, nil), 404)
}

func TestMasking(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"+886936123456":  "+886 9** *** 456",
		"+8860936123456": "+886 0*** *** 456",
		"+447911123456":  "+44 7*** *** 456",
		"+16502530000":   "+1 6*** *** 000",
		"bad":            "***",
	} {
		if got := maskPhone(in); got != want {
			t.Errorf("maskPhone(%q) = %q, want %q", in, got, want)
		}
	}
	if got := maskEmail("mei@example.com"); got != "m***@example.com" {
		t.Errorf("maskEmail = %q", got)
	}
}

// TestSignOutDuringFirstRequestStaysSignedOut signs out while another request
// of the same session has read the session from the file but not yet cached
// it: the token must stay dead, for that request and every later one.
func TestSignOutDuringFirstRequestStaysSignedOut(t *testing.T) {
	t.Parallel()
	var e *env
	var tok string
	var armed atomic.Bool
	var signOutStatus atomic.Int64
	signOut := func() {
		req, _ := http.NewRequest("DELETE", e.srv.URL+"/v1/agent/sessions/current", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := e.srv.Client().Do(req)
		if err != nil {
			return
		}
		res.Body.Close()
		signOutStatus.Store(int64(res.StatusCode))
	}
	// An uncached request reads the clock right after reading its session
	// from the file and before caching it: the sign-out runs right there.
	e = newEnv(t, func(c *Config) {
		now := c.Now
		c.Now = func() time.Time {
			if armed.CompareAndSwap(true, false) {
				signOut()
			}
			return now()
		}
	})
	tok = e.signIn("ana")
	armed.Store(true)
	racing := e.do("GET", "/v1/agent/me", tok, nil)
	if signOutStatus.Load() != http.StatusNoContent {
		t.Fatalf("sign-out during the request answered %d, want 204", signOutStatus.Load())
	}
	if racing.Status != http.StatusOK && racing.Status != http.StatusUnauthorized {
		t.Errorf("request racing the sign-out: %d %s", racing.Status, racing.Body)
	}
	for range 2 {
		e.want(e.do("GET", "/v1/agent/me", tok, nil), http.StatusUnauthorized)
	}
}
