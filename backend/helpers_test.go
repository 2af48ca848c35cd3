package backend

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"verifydesk/backend/contracttest"
	"verifydesk/data"
)

// fakeClock is a settable clock for tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a backend under test with its clock.
type env struct {
	t     testing.TB
	s     *Server
	srv   *httptest.Server
	clock *fakeClock
	// bodies records every response body, so tests can check that no code
	// ever leaves the backend.
	mu     sync.Mutex
	bodies []seenBody
}

type seenBody struct{ path, body string }

func newEnv(t testing.TB, opts ...func(*Config)) *env {
	t.Helper()
	clk := newClock()
	cfg := Config{DBPath: filepath.Join(t.TempDir(), "b.db"), Demo: true, Now: clk.Now}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, s: s, clock: clk}
	e.srv = httptest.NewServer(contracttest.Validating(t, OpenAPI, s.Handler(), func() string { return e.srv.URL },
		contracttest.Options{UnknownRoutesOK: true}))
	t.Cleanup(func() {
		e.srv.Close()
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return e
}

// resp is a decoded answer.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %T from %q: %v", v, r.Body, err)
	}
}

func (r resp) apiErr(t testing.TB) data.APIError {
	t.Helper()
	var e data.APIError
	r.decode(t, &e)
	return e
}

// do sends a request; body is marshalled to JSON unless it is nil. headers are
// name, value pairs.
func (e *env) do(method, path, token string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.bodies = append(e.bodies, seenBody{path: path, body: string(b)})
	e.mu.Unlock()
	return resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

func (e *env) signIn(user string) string {
	e.t.Helper()
	r := e.do("POST", "/v1/agent/sessions", "", data.SignInRequest{Username: user, Password: "demo"})
	if r.Status != http.StatusCreated {
		e.t.Fatalf("sign in %s: %d %s", user, r.Status, r.Body)
	}
	var s data.Session
	r.decode(e.t, &s)
	return s.Token
}

func (e *env) want(r resp, status int) {
	e.t.Helper()
	if r.Status != status {
		e.t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
}

func (e *env) findPhone(token, phone string) data.Account {
	e.t.Helper()
	r := e.do("GET", "/v1/accounts?phone="+strings.ReplaceAll(phone, "+", "%2B"), token, nil)
	e.want(r, 200)
	var l data.AccountList
	r.decode(e.t, &l)
	if len(l.Accounts) != 1 {
		e.t.Fatalf("search %s: %d accounts", phone, len(l.Accounts))
	}
	return l.Accounts[0]
}

// inbox reads the simulated customer's demo inbox.
func (e *env) inbox(token, accountID string) []data.DemoMessage {
	e.t.Helper()
	r := e.do("GET", "/v1/demo/inbox?account_id="+accountID, token, nil)
	e.want(r, 200)
	var in data.DemoInbox
	r.decode(e.t, &in)
	return in.Messages
}

// startCheck starts an identity check and returns it with the code the
// customer received (read from the demo inbox).
func (e *env) startCheck(token, accountID, channel string) (data.IdentityCheck, string) {
	e.t.Helper()
	r := e.do("POST", "/v1/accounts/"+accountID+"/identity-checks", token, data.IdentityCheckRequest{Channel: channel})
	e.want(r, http.StatusCreated)
	var chk data.IdentityCheck
	r.decode(e.t, &chk)
	for _, m := range e.inbox(token, accountID) {
		if m.Purpose == data.PurposeIdentityCheck {
			return chk, m.Code
		}
	}
	e.t.Fatalf("no identity check code in the inbox of %s", accountID)
	return chk, ""
}

// proof runs a whole identity check and returns the proof.
func (e *env) proof(token, accountID, channel string) string {
	e.t.Helper()
	chk, code := e.startCheck(token, accountID, channel)
	r := e.do("POST", "/v1/identity-checks/"+chk.ID+"/verify", token, data.VerifyRequest{Code: code})
	e.want(r, 200)
	var p data.IdentityProof
	r.decode(e.t, &p)
	if p.AccountID != accountID || p.Proof == "" {
		e.t.Fatalf("proof %+v", p)
	}
	return p.Proof
}

func (e *env) deliveries(token, accountID string) []data.Delivery {
	e.t.Helper()
	r := e.do("GET", "/v1/accounts/"+accountID+"/deliveries", token, nil)
	e.want(r, 200)
	var l data.DeliveryList
	r.decode(e.t, &l)
	return l.Deliveries
}

func (e *env) resend(token, accountID, channel, purpose, key string) resp {
	e.t.Helper()
	return e.do("POST", "/v1/accounts/"+accountID+"/codes", token, data.ResendRequest{Channel: channel, Purpose: purpose}, data.HeaderIdempotencyKey, key)
}
