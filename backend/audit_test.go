package backend

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"verifydesk/data"
)

func TestAuditSupervisorsOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, sam := e.signIn("ana"), e.signIn("sam")
	r := e.do("GET", "/v1/audit", ana, nil)
	e.want(r, http.StatusForbidden)
	if r.apiErr(t).Code != data.ErrCodeForbidden {
		t.Errorf("code %s", r.Body)
	}
	e.want(e.do("GET", "/v1/audit?since=yesterday", sam, nil), http.StatusBadRequest)
}

func TestAuditRecordsAndFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, lee, sam := e.signIn("ana"), e.signIn("lee"), e.signIn("sam")
	start := e.clock.Now()
	e.want(e.do("GET", "/v1/accounts/acc_1001", ana, nil), 200)
	e.clock.Advance(time.Minute)
	mid := e.clock.Now()
	r := e.do("POST", "/v1/accounts/acc_1001/reveal", ana, data.RevealRequest{Field: "phone", Reason: "caller reads number back"})
	e.want(r, 200)
	var rv data.RevealResult
	r.decode(t, &rv)
	if rv.Value != "+8860936123456" {
		t.Errorf("reveal %+v", rv)
	}
	e.want(e.do("POST", "/v1/accounts/acc_1001/reveal", ana, data.RevealRequest{Field: "phone"}), http.StatusBadRequest)
	e.want(e.do("POST", "/v1/accounts/acc_1011/reveal", ana, data.RevealRequest{Field: "email", Reason: "x"}), http.StatusNotFound)
	e.clock.Advance(time.Minute)
	e.want(e.do("GET", "/v1/accounts/acc_1005/deliveries", lee, nil), 200)
	e.want(e.resend(lee, "acc_1005", data.ChannelEmail, data.PurposeLogin, "a1"), http.StatusCreated)
	e.want(e.do("GET", "/v1/audit", ana, nil), http.StatusForbidden)

	list := func(q url.Values) []data.AuditEntry {
		t.Helper()
		r := e.do("GET", "/v1/audit?"+q.Encode(), sam, nil)
		e.want(r, 200)
		var l data.AuditList
		r.decode(t, &l)
		return l.Entries
	}
	all := list(url.Values{})
	if len(all) < 8 {
		t.Fatalf("%d entries", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].At.After(all[i-1].At) {
			t.Fatal("not newest first")
		}
	}
	rev := list(url.Values{"action": {"reveal"}, "account": {"acc_1001"}})
	if len(rev) != 2 || rev[1].Reason != "caller reads number back" || rev[1].Status != 200 || rev[0].Status != 400 || rev[1].AgentID != "ag_ana" {
		t.Errorf("reveal audit %+v", rev)
	}
	if got := list(url.Values{"agent": {"ag_lee"}, "action": {"resend_code"}}); len(got) != 1 || got[0].AccountID != "acc_1005" {
		t.Errorf("lee's resends %+v", got)
	}
	denied := list(url.Values{"action": {"audit_denied"}})
	if len(denied) != 1 || denied[0].Status != 403 || denied[0].AgentID != "ag_ana" {
		t.Errorf("denied audit reads %+v", denied)
	}
	win := list(url.Values{"since": {start.Format(time.RFC3339)}, "until": {mid.Format(time.RFC3339)}, "agent": {"ag_ana"}})
	for _, en := range win {
		if en.At.Before(start) || en.At.After(mid) {
			t.Errorf("entry outside window: %+v", en)
		}
	}
	if len(win) < 2 {
		t.Errorf("window has %d entries", len(win))
	}
	// Audit details never carry a full phone number.
	for _, en := range all {
		if strings.Contains(en.Detail, "936123456") {
			t.Errorf("audit detail leaks a number: %+v", en)
		}
	}
}

func TestAccountReads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	// Login activity pages newest first with a cursor, no gaps or repeats.
	seen := map[string]bool{}
	var last time.Time
	cursor := ""
	pages := 0
	for {
		q := "?limit=7"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		r := e.do("GET", "/v1/accounts/acc_1005/login-activity"+q, tok, nil)
		e.want(r, 200)
		var p data.LoginActivityPage
		r.decode(t, &p)
		pages++
		for _, ev := range p.Events {
			if seen[ev.ID] {
				t.Fatalf("event %s twice", ev.ID)
			}
			if !last.IsZero() && ev.At.After(last) {
				t.Fatalf("not newest first at %s", ev.ID)
			}
			seen[ev.ID], last = true, ev.At
		}
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	if pages < 3 || len(seen) < 20 {
		t.Errorf("%d pages, %d events: want a long history", pages, len(seen))
	}
	e.want(e.do("GET", "/v1/accounts/acc_1005/login-activity?cursor=zzz", tok, nil), http.StatusBadRequest)
	e.want(e.do("GET", "/v1/accounts/acc_1001/login-activity?cursor="+cursor, tok, nil), http.StatusBadRequest)
	e.want(e.do("GET", "/v1/accounts/acc_1005/login-activity?limit=0", tok, nil), http.StatusBadRequest)
	e.want(e.do("GET", "/v1/accounts/nope/login-activity", tok, nil), http.StatusNotFound)
	e.want(e.do("GET", "/v1/accounts/nope/trusted-devices", tok, nil), http.StatusNotFound)
	e.want(e.do("GET", "/v1/accounts/nope/deliveries", tok, nil), http.StatusNotFound)
	e.want(e.do("GET", "/v1/accounts/nope/rate-limits", tok, nil), http.StatusNotFound)
	e.want(e.do("GET", "/v1/no/such/route", tok, nil), http.StatusNotFound)
}

func TestDemoInboxOnlyInDemoMode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	e.want(e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeLogin, "i1"), http.StatusCreated)
	msgs := e.inbox(tok, "acc_1005")
	if len(msgs) == 0 || msgs[0].Code == "" || !strings.Contains(msgs[0].Text, msgs[0].Code) {
		t.Fatalf("inbox %+v", msgs)
	}
	e.want(e.do("GET", "/v1/demo/inbox", tok, nil), http.StatusBadRequest)

	// Not demo: no agents are seeded, so add one to reach the route.
	p := newEnv(t, func(c *Config) { c.Demo = false })
	if err := p.s.AddAgent(t.Context(), "ag_x", "xavier", "Xavier", data.RoleAgent, "pw-long-enough"); err != nil {
		t.Fatal(err)
	}
	r := p.do("POST", "/v1/agent/sessions", "", data.SignInRequest{Username: "xavier", Password: "pw-long-enough"})
	p.want(r, http.StatusCreated)
	var s data.Session
	r.decode(t, &s)
	p.want(p.do("GET", "/v1/demo/inbox?account_id=acc_1005", s.Token, nil), http.StatusNotFound)
	p.want(p.do("GET", "/v1/accounts?phone=%2B16502530000", s.Token, nil), 200)
	p.want(p.do("POST", "/v1/agent/sessions", "", data.SignInRequest{Username: "ana", Password: "demo"}), http.StatusUnauthorized)
}

// TestCodesNeverLeak runs the flows that make codes and checks that no answer
// except the demo inbox ever contains one.
func TestCodesNeverLeak(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana := e.signIn("ana")
	e.want(e.resend(ana, "acc_1005", data.ChannelSMS, data.PurposeLogin, "l1"), http.StatusCreated)
	e.want(e.resend(ana, "acc_1007", data.ChannelEmail, data.PurposeResetPassword, "l2"), http.StatusCreated)
	p := e.proof(ana, "acc_1014", data.ChannelAppPush)
	e.want(e.do("POST", "/v1/accounts/acc_1014/sessions/revoke", ana, nil, data.HeaderIdentityProof, p), 200)
	for _, id := range []string{"acc_1005", "acc_1007", "acc_1014"} {
		e.deliveries(ana, id)
		e.want(e.do("GET", "/v1/accounts/"+id+"/rate-limits", ana, nil), 200)
		e.want(e.do("GET", "/v1/accounts/"+id, ana, nil), 200)
	}
	e.want(e.do("GET", "/v1/audit", e.signIn("sam"), nil), 200)
	codes := map[string]bool{}
	for _, id := range []string{"acc_1005", "acc_1007", "acc_1014"} {
		for _, m := range e.inbox(ana, id) {
			if m.Code != "" {
				codes[m.Code] = true
			}
		}
	}
	if len(codes) < 3 {
		t.Fatalf("only %d codes seen in inboxes", len(codes))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, b := range e.bodies {
		if strings.HasPrefix(b.path, "/v1/demo/inbox") {
			continue
		}
		for c := range codes {
			if strings.Contains(b.body, c) {
				t.Errorf("code %s appears in the answer of %s", c, b.path)
			}
		}
	}
}
