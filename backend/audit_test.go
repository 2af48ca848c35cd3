package backend

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

func TestAuditAgentsSeeTheirOwn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, lee, sam := e.signIn("ana"), e.signIn("lee"), e.signIn("sam")
	e.want(e.do("GET", "/v1/accounts/acc_1001", ana, nil), 200)
	e.want(e.do("GET", "/v1/accounts/acc_1002", lee, nil), 200)
	var l data.AuditList
	r := e.do("GET", "/v1/audit", ana, nil)
	e.want(r, 200)
	r.decode(t, &l)
	if len(l.Entries) == 0 {
		t.Fatal("ana sees none of her own entries")
	}
	for _, en := range l.Entries {
		if en.AgentID != "ag_ana" {
			t.Errorf("ana sees %+v", en)
		}
	}
	// Asking for someone else's is refused, and that is audited.
	r = e.do("GET", "/v1/audit?agent=ag_lee", ana, nil)
	e.want(r, http.StatusForbidden)
	if r.apiErr(t).Code != data.ErrCodeForbidden {
		t.Errorf("code %s", r.Body)
	}
	e.do("GET", "/v1/audit", sam, nil).decode(t, &l)
	agents := map[string]bool{}
	for _, en := range l.Entries {
		agents[en.AgentID] = true
	}
	if !agents["ag_ana"] || !agents["ag_lee"] || !agents["ag_sam"] {
		t.Errorf("the supervisor sees the entries of %v", agents)
	}
	e.want(e.do("GET", "/v1/audit?since=yesterday", sam, nil), http.StatusBadRequest)
	e.want(e.do("GET", "/v1/audit?outcome=maybe", sam, nil), http.StatusBadRequest)
	e.want(e.do("GET", "/v1/audit?cursor=!!", sam, nil), http.StatusBadRequest)
	e.want(e.do("GET", "/v1/audit?limit=0", sam, nil), http.StatusBadRequest)
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
	e.want(e.do("GET", "/v1/audit?agent=ag_lee", ana, nil), http.StatusForbidden)

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
	// Outcomes by status class.
	for outcome, ok := range map[string]func(int) bool{
		data.AuditOK:     func(s int) bool { return s < 400 },
		data.AuditDenied: func(s int) bool { return s >= 400 && s < 500 },
	} {
		got := list(url.Values{"outcome": {outcome}})
		if len(got) == 0 {
			t.Errorf("no %s entries", outcome)
		}
		for _, en := range got {
			if !ok(en.Status) || en.Outcome != outcome {
				t.Errorf("outcome=%s lists %+v", outcome, en)
			}
		}
	}
	if got := list(url.Values{"outcome": {data.AuditDenied}, "agent": {"ag_ana"}, "action": {"reveal"}}); len(got) != 2 {
		t.Errorf("ana's refused reveals: %+v", got)
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

// seedAudit stores n entries directly (as the audit writer would), spread over
// agents, accounts, actions and outcomes, some sharing an instant, the newest
// at end.
func seedAudit(t testing.TB, s *Server, n int, end time.Time) {
	t.Helper()
	agents := []string{"ag_ana", "ag_lee", "ag_sam"}
	actions := []string{"view_account", "reveal", "resend_code", "case_note"}
	statuses := []int{200, 200, 201, 200, 403, 200, 404, 500}
	err := s.db.Update(func(tx *bolt.Tx) error {
		for i := 0; i < n; i++ {
			st := statuses[i%len(statuses)]
			e := data.AuditEntry{ID: timeOrderedID(), At: end.Add(-time.Duration(n-i) / 3 * time.Second), AgentID: agents[i%3],
				Role: data.RoleAgent, Action: actions[i%4], AccountID: fmt.Sprintf("acc_%d", 1000+i%7), Status: st, Outcome: data.AuditOutcome(st)}
			if i%11 == 0 {
				e.AccountID = "" // calls about no account
			}
			if err := putAudit(tx, &e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// allAudit is the whole audit newest first, read key by key: the reference the
// paged, indexed answers are checked against.
func allAudit(t *testing.T, s *Server) []data.AuditEntry {
	t.Helper()
	s.audit.flush()
	var out []data.AuditEntry
	_ = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var e data.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				t.Fatal(err)
			}
			out = append(out, e)
		}
		return nil
	})
	return out
}

func TestAuditPagingMatchesAFullScan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sam := e.signIn("sam")
	now := e.clock.Now()
	seedAudit(t, e.s, 3000, now)
	all := allAudit(t, e.s)
	mid, early := now.Add(-300*time.Second), now.Add(-700*time.Second)
	for _, q := range []url.Values{
		{},
		{"agent": {"ag_lee"}},
		{"account": {"acc_1003"}},
		{"action": {"reveal"}},
		{"outcome": {data.AuditFailed}},
		{"agent": {"ag_ana"}, "action": {"case_note"}},
		{"account": {"acc_1001"}, "outcome": {data.AuditDenied}},
		{"since": {early.Format(time.RFC3339)}, "until": {mid.Format(time.RFC3339)}},
		{"since": {early.Format(time.RFC3339)}, "until": {mid.Format(time.RFC3339)}, "agent": {"ag_sam"}, "action": {"view_account"}},
		{"account": {"acc_none"}},
	} {
		var want []data.AuditEntry
		for _, en := range all {
			if (q.Get("agent") == "" || en.AgentID == q.Get("agent")) && (q.Get("account") == "" || en.AccountID == q.Get("account")) &&
				(q.Get("action") == "" || en.Action == q.Get("action")) && (q.Get("outcome") == "" || en.Outcome == q.Get("outcome")) &&
				(q.Get("since") == "" || !en.At.Before(early)) && (q.Get("until") == "" || !en.At.After(mid)) {
				want = append(want, en)
			}
		}
		var got []data.AuditEntry
		q.Set("limit", "37")
		pages := 0
		for {
			r := e.do("GET", "/v1/audit?"+q.Encode(), sam, nil)
			e.want(r, 200)
			var l data.AuditList
			r.decode(t, &l)
			if len(l.Entries) > 37 {
				t.Fatalf("%v: page of %d", q, len(l.Entries))
			}
			got = append(got, l.Entries...)
			pages++
			if l.NextCursor == "" {
				break
			}
			if pages > 200 {
				t.Fatalf("%v: cursors do not end", q)
			}
			q.Set("cursor", l.NextCursor)
		}
		if len(got) != len(want) {
			t.Errorf("%v: paged %d entries, a full scan finds %d", q, len(got), len(want))
			continue
		}
		for i := range want {
			if got[i].ID != want[i].ID {
				t.Errorf("%v: entry %d is %s, want %s", q, i, got[i].ID, want[i].ID)
				break
			}
		}
	}
}

// TestAuditRareMatchesStayFast: a filter no index serves, matching rarely,
// gives short pages with cursors instead of one page that reads everything,
// and following them finds every match.
func TestAuditRareMatchesStayFast(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sam := e.signIn("sam")
	now := e.clock.Now()
	const n = 2*auditScanBudget + 500
	rare := map[int]bool{10: true, n / 2: true, n - 10: true}
	err := e.s.db.Update(func(tx *bolt.Tx) error {
		for i := 0; i < n; i++ {
			st := 200
			if rare[i] {
				st = 503
			}
			en := data.AuditEntry{ID: timeOrderedID(), At: now.Add(-time.Duration(n-i) * time.Millisecond), AgentID: "ag_lee",
				Role: data.RoleAgent, Action: "view_account", AccountID: "acc_1005", Status: st, Outcome: data.AuditOutcome(st)}
			if err := putAudit(tx, &en); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"outcome": {data.AuditFailed}, "limit": {"100"}}
	found, pages := 0, 0
	for {
		var l data.AuditList
		r := e.do("GET", "/v1/audit?"+q.Encode(), sam, nil)
		e.want(r, 200)
		r.decode(t, &l)
		found += len(l.Entries)
		pages++
		if l.NextCursor == "" || pages > 10 {
			break
		}
		q.Set("cursor", l.NextCursor)
	}
	if found != len(rare) || pages < 3 {
		t.Errorf("found %d of %d rare entries in %d pages; want all, over at least 3 bounded pages", found, len(rare), pages)
	}
}
