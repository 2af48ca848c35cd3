package backend

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"verifydesk/data"
)

// loadDuration bounds TestAgentLoad: short by default so it runs with the
// suite; `go test ./backend -run TestAgentLoad -load.duration=60s -v` is the
// long form.
var loadDuration = flag.Duration("load.duration", 1500*time.Millisecond, "how long TestAgentLoad runs")

// loadAgents is how many agents work at once (5 of them supervisors).
const loadAgents = 50

var loadAccounts = []string{"acc_1001", "acc_1002", "acc_1003", "acc_1004", "acc_1005", "acc_1006", "acc_1007",
	"acc_1008", "acc_1009", "acc_1010", "acc_1012", "acc_1013", "acc_1014", "acc_1015"}

// loadClient is one agent's HTTP side of the load.
type loadClient struct {
	base, token string
	hc          *http.Client
}

type loadAnswer struct {
	status   int
	replayed bool
	body     []byte
}

func (c *loadClient) do(method, path string, body any, headers ...string) (loadAnswer, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return loadAnswer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return loadAnswer{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return loadAnswer{status: res.StatusCode, replayed: res.Header.Get(data.HeaderIdempotentReplayed) == "true", body: b}, err
}

// loadLedger is what one agent was told the backend did: the writes it must
// find afterwards, exactly once.
type loadLedger struct {
	ops, errors, refused int
	byKind               map[string]int
	deliveries           map[string]string   // delivery id -> account, acknowledged first sends
	cases                map[string]bool     // case ids acknowledged
	notes                map[string][]string // case id -> note ids acknowledged
	approvals            map[string]bool     // approval ids acknowledged
	approved             map[string]bool     // approvals this supervisor's approve acknowledged
	heads                map[string]int64    // console id -> highest count acknowledged
	firstErr             string
}

func (l *loadLedger) fail(format string, args ...any) {
	l.errors++
	if l.firstErr == "" {
		l.firstErr = fmt.Sprintf(format, args...)
	}
}

// loadReport sums the ledgers of a run.
type loadReport struct {
	agents            int
	elapsed           time.Duration
	ops, errs, refuse int
	byKind            map[string]int
	lost, duplicated  int
	firstErr          string
}

// runAgentLoad starts a demo backend on loopback, lets loadAgents agents mix
// reads and writes on it until d has passed, then counts on the backend's side
// every write an agent was told had happened: none may be missing, none there
// twice.
func runAgentLoad(tb testing.TB, d time.Duration) loadReport {
	tb.Helper()
	clk := newClock()
	s, err := Open(Config{DBPath: filepath.Join(tb.TempDir(), "load.db"), Demo: true, Now: clk.Now,
		Limits: Limits{PerMinute: 1 << 20, PerHour: 1 << 20, PerDay: 1 << 20}})
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	tr := &http.Transport{MaxIdleConns: 2 * loadAgents, MaxIdleConnsPerHost: 2 * loadAgents}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	clients := make([]*loadClient, loadAgents)
	supervisor := func(w int) bool { return w%10 == 0 }
	// Password hashing makes signing 50 agents in the slow part of the set-up:
	// do it side by side.
	setup := make(chan error, loadAgents)
	for w := range clients {
		go func() {
			role := data.RoleAgent
			if supervisor(w) {
				role = data.RoleSupervisor
			}
			user := fmt.Sprintf("load%02d", w)
			if err := s.AddAgent(tb.Context(), "ag_"+user, user, "Load "+user, role, "pw"); err != nil {
				setup <- err
				return
			}
			body, _ := json.Marshal(data.SignInRequest{Username: user, Password: "pw"})
			res, err := hc.Post(srv.URL+"/v1/agent/sessions", "application/json", bytes.NewReader(body))
			if err != nil {
				setup <- err
				return
			}
			var sess data.Session
			err = json.NewDecoder(res.Body).Decode(&sess)
			res.Body.Close()
			if err == nil && sess.Token == "" {
				err = fmt.Errorf("sign in %s: no token", user)
			}
			clients[w] = &loadClient{base: srv.URL, token: sess.Token, hc: hc}
			setup <- err
		}()
	}
	for range clients {
		if err := <-setup; err != nil {
			tb.Fatal(err)
		}
	}

	ledgers := make([]*loadLedger, loadAgents)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range clients {
		l := &loadLedger{byKind: map[string]int{}, deliveries: map[string]string{}, cases: map[string]bool{},
			notes: map[string][]string{}, approvals: map[string]bool{}, approved: map[string]bool{}, heads: map[string]int64{}}
		ledgers[w] = l
		wg.Go(func() { agentDay(clients[w], w, supervisor(w), l, deadline) })
	}
	wg.Wait()
	rep := loadReport{agents: loadAgents, elapsed: time.Since(start), byKind: map[string]int{}}
	for _, l := range ledgers {
		rep.ops += l.ops
		rep.errs += l.errors
		rep.refuse += l.refused
		for k, n := range l.byKind {
			rep.byKind[k] += n
		}
		if rep.firstErr == "" {
			rep.firstErr = l.firstErr
		}
	}
	rep.lost, rep.duplicated = countWrites(tb, clients[0], ledgers)
	return rep
}

// agentDay is one agent's loop until deadline. Retries and repeats of its own
// writes are part of the mix: each must answer exactly the first answer.
func agentDay(c *loadClient, w int, sup bool, l *loadLedger, deadline time.Time) {
	rng := rand.New(rand.NewPCG(uint64(w), 42))
	console := fmt.Sprintf("console-%02d", w)
	var myCases []string
	var lastResend struct {
		path, key string
		body      data.ResendRequest
		first     []byte
	}
	for i := 0; time.Now().Before(deadline); i++ {
		acc := loadAccounts[rng.IntN(len(loadAccounts))]
		kind := ""
		var a loadAnswer
		var err error
		switch p := rng.IntN(100); {
		case p < 35:
			kind = "lookup"
			a, err = c.do("GET", "/v1/accounts/"+acc, nil)
		case p < 45:
			kind = "deliveries"
			a, err = c.do("GET", "/v1/accounts/"+acc+"/deliveries?limit=20", nil)
		case p < 55:
			kind = "resend"
			if lastResend.key != "" && rng.IntN(4) == 0 {
				kind = "resend_replay"
				a, err = c.do("POST", lastResend.path, lastResend.body, data.HeaderIdempotencyKey, lastResend.key)
				if err == nil && a.status == http.StatusCreated && (!a.replayed || !bytes.Equal(a.body, lastResend.first)) {
					l.fail("resend replay answered %d replayed=%v, not its first answer", a.status, a.replayed)
				}
				break
			}
			req := data.ResendRequest{Channel: []string{data.ChannelSMS, data.ChannelEmail}[rng.IntN(2)], Purpose: data.PurposeLogin}
			key := fmt.Sprintf("w%d-%d", w, i)
			path := "/v1/accounts/" + acc + "/codes"
			a, err = c.do("POST", path, req, data.HeaderIdempotencyKey, key)
			if err == nil && a.status == http.StatusCreated {
				var res data.ResendResult
				if json.Unmarshal(a.body, &res) != nil || a.replayed {
					l.fail("first resend answered %s", a.body)
				}
				l.deliveries[res.Delivery.ID] = acc
				lastResend.path, lastResend.key, lastResend.body, lastResend.first = path, key, req, a.body
			}
		case p < 62:
			kind = "case_create"
			cs := data.Case{ID: fmt.Sprintf("case-w%d-%d", w, i), AccountID: acc, Category: "sms_never_arrives"}
			a, err = c.do("POST", "/v1/cases", cs)
			if err == nil && a.status == http.StatusCreated {
				l.cases[cs.ID] = true
				myCases = append(myCases, cs.ID)
				if rng.IntN(3) == 0 { // the answer "got lost": send it again
					again, err2 := c.do("POST", "/v1/cases", cs)
					if err2 != nil || again.status != a.status || !again.replayed || !bytes.Equal(again.body, a.body) {
						l.fail("case retry answered %d replayed=%v", again.status, again.replayed)
					}
				}
			}
		case p < 77 && len(myCases) > 0:
			kind = "note"
			caseID := myCases[rng.IntN(len(myCases))]
			n := data.Note{ID: fmt.Sprintf("note-w%d-%d", w, i), Text: "called back, customer roaming"}
			a, err = c.do("POST", "/v1/cases/"+caseID+"/notes", n)
			if err == nil && a.status == http.StatusCreated {
				l.notes[caseID] = append(l.notes[caseID], n.ID)
				if rng.IntN(3) == 0 {
					again, err2 := c.do("POST", "/v1/cases/"+caseID+"/notes", n)
					if err2 != nil || again.status != a.status || !again.replayed || !bytes.Equal(again.body, a.body) {
						l.fail("note retry answered %d replayed=%v", again.status, again.replayed)
					}
				}
			}
		case p < 84 && !sup:
			kind = "approval_request"
			req := data.ApprovalRequest{AccountID: acc, Action: data.ActionRevokeSessions, Reason: "load: suspicious logins"}
			key := fmt.Sprintf("ap-w%d-%d", w, i)
			a, err = c.do("POST", "/v1/approvals", req, data.HeaderIdempotencyKey, key)
			if err == nil && a.status == http.StatusCreated {
				var ap data.Approval
				_ = json.Unmarshal(a.body, &ap)
				l.approvals[ap.ID] = true
				if rng.IntN(3) == 0 {
					again, err2 := c.do("POST", "/v1/approvals", req, data.HeaderIdempotencyKey, key)
					if err2 != nil || !again.replayed || !bytes.Equal(again.body, a.body) {
						l.fail("approval retry answered %d replayed=%v", again.status, again.replayed)
					}
				}
			}
		case p < 84:
			kind = "approval_decide"
			a, err = c.do("GET", "/v1/approvals?status=pending&limit=5", nil)
			var list data.ApprovalList
			if err == nil && a.status == 200 && json.Unmarshal(a.body, &list) == nil && len(list.Approvals) > 0 {
				ap := list.Approvals[rng.IntN(len(list.Approvals))]
				verb := []string{"approve", "reject"}[rng.IntN(2)]
				a, err = c.do("POST", "/v1/approvals/"+ap.ID+"/"+verb, data.DecisionRequest{Note: "load decision"})
				if err == nil && a.status == 200 && verb == "approve" {
					l.approved[ap.ID] = true
				}
			}
		case p < 92:
			kind = "audit_page"
			a, err = c.do("GET", "/v1/audit?limit=50", nil)
		case p < 96:
			kind = "approval_count"
			a, err = c.do("GET", "/v1/approvals/count", nil)
		default:
			kind = "chain_head"
			next := l.heads[console] + 1 + int64(rng.IntN(5))
			a, err = c.do("POST", "/v1/audit/chain-heads", data.ChainHeadRequest{ConsoleID: console, Count: next, Hash: fmt.Sprintf("%064x", next)})
			if err == nil && a.status == http.StatusCreated {
				l.heads[console] = next
			}
		}
		if kind == "" {
			continue
		}
		l.ops++
		l.byKind[kind]++
		switch {
		case err != nil:
			l.fail("%s: %v", kind, err)
		case a.status >= 500:
			l.fail("%s: %d %s", kind, a.status, a.body)
		case a.status == http.StatusUnprocessableEntity || a.status == http.StatusConflict:
			// A channel the account cannot use; two supervisors deciding
			// the same request. The backend said no, which is right.
			l.refused++
		case a.status >= 400:
			l.fail("%s: %d %s", kind, a.status, a.body)
		}
	}
}

// countWrites reads the backend after the run and counts acknowledged writes
// that are missing (lost) or there more than once (duplicated).
func countWrites(tb testing.TB, c *loadClient, ledgers []*loadLedger) (lost, duplicated int) {
	tb.Helper()
	get := func(path string, v any) {
		tb.Helper()
		a, err := c.do("GET", path, nil)
		if err != nil || a.status != 200 {
			tb.Fatalf("GET %s: %d %v", path, a.status, err)
		}
		if err := json.Unmarshal(a.body, v); err != nil {
			tb.Fatal(err)
		}
	}
	acked := map[string]string{}
	for _, l := range ledgers {
		for id, acc := range l.deliveries {
			acked[id] = acc
		}
	}
	for _, acc := range loadAccounts {
		var dl data.DeliveryList
		get("/v1/accounts/"+acc+"/deliveries?limit=2000", &dl)
		seen := map[string]int{}
		for _, d := range dl.Deliveries {
			seen[d.ID]++
			if d.RequestedBy == data.RequesterAgent && d.Purpose == data.PurposeLogin && strings.HasPrefix(d.AgentID, "ag_load") {
				if _, ok := acked[d.ID]; !ok {
					duplicated++ // sent, yet no agent was told: a second send of one click
				}
			}
		}
		for id, a := range acked {
			if a == acc {
				switch seen[id] {
				case 0:
					lost++
				case 1:
				default:
					duplicated += seen[id] - 1
				}
			}
		}
	}
	var cl data.CaseList
	get("/v1/cases?limit=5000", &cl)
	stored := map[string]data.Case{}
	for _, cs := range cl.Cases {
		if _, dup := stored[cs.ID]; dup {
			duplicated++
		}
		stored[cs.ID] = cs
	}
	for _, l := range ledgers {
		for id := range l.cases {
			cs, ok := stored[id]
			if !ok {
				lost++
				continue
			}
			have, want := map[string]int{}, map[string]bool{}
			for _, n := range cs.Notes {
				have[n.ID]++
			}
			for _, n := range l.notes[id] {
				want[n] = true
				if have[n] == 0 {
					lost++
				}
			}
			for n, k := range have {
				if duplicated += k - 1; !want[n] {
					duplicated++ // a note no agent was told was added
				}
			}
		}
	}
	var al data.ApprovalList
	get("/v1/approvals?limit=5000", &al)
	byID := map[string]data.Approval{}
	for _, ap := range al.Approvals {
		if _, dup := byID[ap.ID]; dup {
			duplicated++
		}
		byID[ap.ID] = ap
	}
	ackedAps := 0
	for _, l := range ledgers {
		ackedAps += len(l.approvals)
		for id := range l.approvals {
			if _, ok := byID[id]; !ok {
				lost++
			}
		}
		for id := range l.approved {
			if ap := byID[id]; ap.Status != data.ApprovalApproved || ap.Result == nil {
				lost++
			}
		}
	}
	duplicated += max(len(byID)-ackedAps, 0)
	for _, l := range ledgers {
		for console, count := range l.heads {
			var h data.ChainHead
			get("/v1/audit/chain-heads/"+console, &h)
			if h.Count != count {
				lost++
			}
		}
	}
	return lost, duplicated
}

func (r loadReport) String() string {
	kinds := make([]string, 0, len(r.byKind))
	for k, n := range r.byKind {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	return fmt.Sprintf("%d agents, %v: %d calls (%.0f/s), %d errors, %d refused as expected, %d lost, %d duplicated; %s",
		r.agents, r.elapsed.Round(time.Millisecond), r.ops, float64(r.ops)/r.elapsed.Seconds(), r.errs, r.refuse,
		r.lost, r.duplicated, strings.Join(kinds, ", "))
}

// TestAgentLoad: 50 agents mixing reads and writes for a bounded time, then
// every acknowledged write found on the backend exactly once.
func TestAgentLoad(t *testing.T) {
	rep := runAgentLoad(t, *loadDuration)
	t.Log(rep)
	if rep.errs > 0 {
		t.Errorf("%d errors, first: %s", rep.errs, rep.firstErr)
	}
	if rep.lost > 0 || rep.duplicated > 0 {
		t.Errorf("%d writes lost, %d duplicated", rep.lost, rep.duplicated)
	}
	for _, k := range []string{"lookup", "resend", "case_create", "note", "approval_request", "approval_decide", "chain_head"} {
		if rep.byKind[k] == 0 {
			t.Errorf("no %s in the mix: %v", k, rep)
		}
	}
}

// BenchmarkAgentLoad reports the mixed load's throughput and errors; each
// iteration is a run of -load.duration.
func BenchmarkAgentLoad(b *testing.B) {
	for b.Loop() {
		rep := runAgentLoad(b, *loadDuration)
		b.ReportMetric(float64(rep.ops)/rep.elapsed.Seconds(), "calls/s")
		b.ReportMetric(float64(rep.errs), "errors")
		b.ReportMetric(float64(rep.lost+rep.duplicated), "lost+dup")
		b.Log(rep)
	}
}
