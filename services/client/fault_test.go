package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"verifydesk/data"
)

// These tests put the client in front of small httptest servers that misbehave
// on purpose, and count what reaches them.

// fastOptions keep retry waits tiny so the tests run quickly; everything else is
// the default.
func fastOptions() Options {
	return Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 20 * time.Millisecond}
}

// counted is an httptest server whose handler's hits are counted.
type counted struct {
	*httptest.Server
	hits atomic.Int64
}

// handler is a test server's handler; n is the request's number, from 1.
type handler func(n int64, w http.ResponseWriter, r *http.Request)

func newCounted(t *testing.T, h handler) *counted {
	t.Helper()
	s := &counted{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(s.hits.Add(1), w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, data.APIError{Code: code, Message: msg})
}

func TestBackendDownIsOffline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more: connection refused

	c := New("http://"+addr, fastOptions())
	_, err = c.Account(context.Background(), "acc-1")
	if !errors.Is(err, ErrOffline) {
		t.Fatalf("Account on a closed port: got %v, want ErrOffline", err)
	}
	if got := Explain(err, time.UTC); !strings.Contains(got, "Cannot reach the auth backend") {
		t.Errorf("Explain = %q", got)
	}
}

// slowServer never answers until the request's context ends (the client gave
// up). Each request's arrival is sent on arrived when someone listens.
func slowServer(t *testing.T) (s *counted, arrived chan struct{}) {
	arrived = make(chan struct{}, 1)
	s = newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		// The server notices a client hanging up only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-r.Context().Done()
	})
	return s, arrived
}

func TestSlowBackendStopsAtCallerDeadline(t *testing.T) {
	s, _ := slowServer(t)
	c := New(s.URL, fastOptions())
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err := c.Account(ctx, "acc-1")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	// With the caller's deadline spent, there is no time for a retry.
	if got := s.hits.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1", got)
	}
	if got := Explain(err, time.UTC); !strings.HasPrefix(got, "The auth backend did not answer in") {
		t.Errorf("Explain = %q", got)
	}
}

func TestSlowBackendPerAttemptTimeoutWithoutDeadline(t *testing.T) {
	s, _ := slowServer(t)
	opts := fastOptions()
	opts.Timeout = 50 * time.Millisecond
	opts.MaxRetries = 2
	c := New(s.URL, opts)
	_, err := c.Account(context.Background(), "acc-1")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	// A read that timed out is tried again: 1 + MaxRetries attempts.
	if got := s.hits.Load(); got != 3 {
		t.Errorf("server saw %d requests, want 3", got)
	}
}

func TestSlowNonIdempotentWriteIsNotRetried(t *testing.T) {
	s, _ := slowServer(t)
	opts := fastOptions()
	opts.Timeout = 50 * time.Millisecond
	c := New(s.URL, opts)
	_, err := c.RevokeSessions(context.Background(), "acc-1", ActionAuth{Proof: "p"})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if got := s.hits.Load(); got != 1 {
		t.Errorf("server saw %d requests, want exactly 1", got)
	}
	// The backend had the request: it may have acted.
	var nc *NotConfirmedError
	if !errors.As(err, &nc) || nc.SafeToRepeat {
		t.Errorf("got %v, want not confirmed, not safe to repeat", err)
	}
}

func TestCancelledCall(t *testing.T) {
	s, arrived := slowServer(t)
	c := New(s.URL, fastOptions())
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived // cancel once the request is in the server
		cancel()
	}()
	_, err := c.Account(ctx, "acc-1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if got := Explain(err, nil); got != "Cancelled." {
		t.Errorf("Explain = %q", got)
	}
}

func TestGetRetriedAfter5xx(t *testing.T) {
	s := newCounted(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		if n <= 2 {
			writeAPIError(w, http.StatusServiceUnavailable, data.ErrCodeInternal, "warming up")
			return
		}
		writeJSON(w, 200, data.Account{ID: "acc-1", App: data.AppTapo})
	})
	c := New(s.URL, fastOptions())
	a, err := c.Account(context.Background(), "acc-1")
	if err != nil {
		t.Fatalf("Account: %v", err)
	}
	if a.ID != "acc-1" || a.App != data.AppTapo {
		t.Errorf("got %+v", a)
	}
	if got := s.hits.Load(); got != 3 {
		t.Errorf("server saw %d requests, want 3 (two 503s, then success)", got)
	}
}

func TestGetGivesUpAfterMaxRetries(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusBadGateway, data.ErrCodeInternal, "down")
	})
	opts := fastOptions()
	opts.MaxRetries = 2
	c := New(s.URL, opts)
	_, err := c.Deliveries(context.Background(), "acc-1")
	if !errors.Is(err, ErrServer) {
		t.Fatalf("got %v, want ErrServer", err)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadGateway || ae.Body.Message != "down" {
		t.Errorf("APIError = %+v", ae)
	}
	if got := s.hits.Load(); got != 3 {
		t.Errorf("server saw %d requests, want 3", got)
	}
}

// TestNonIdempotentWritesAreSentOnce sends every write that is not safe to
// repeat to a server failing with 503 and checks exactly one request arrived.
func TestNonIdempotentWritesAreSentOnce(t *testing.T) {
	writes := map[string]func(context.Context, *Client) error{
		"SignIn": func(ctx context.Context, c *Client) error { _, err := c.SignIn(ctx, "ana", "demo"); return err },
		"Reveal": func(ctx context.Context, c *Client) error {
			_, err := c.Reveal(ctx, "a", "phone", "caller asked")
			return err
		},
		"RemoveDevice": func(ctx context.Context, c *Client) error {
			_, err := c.RemoveDevice(ctx, "a", "d", ActionAuth{Proof: "p"})
			return err
		},
		"RevokeSessions": func(ctx context.Context, c *Client) error {
			_, err := c.RevokeSessions(ctx, "a", ActionAuth{ApprovalID: "ap"})
			return err
		},
		"StartIdentityCheck": func(ctx context.Context, c *Client) error {
			_, err := c.StartIdentityCheck(ctx, "a", data.ChannelEmail)
			return err
		},
		"VerifyIdentity": func(ctx context.Context, c *Client) error {
			_, err := c.VerifyIdentity(ctx, "ic", "123456")
			return err
		},
		"UpdateCase": func(ctx context.Context, c *Client) error {
			st := data.CaseResolved
			_, err := c.UpdateCase(ctx, "case-1", data.CasePatch{Version: 1, Status: &st})
			return err
		},
		"SignOut": func(ctx context.Context, c *Client) error { return c.SignOut(ctx) },
	}
	failures := map[string]handler{
		"503": func(_ int64, w http.ResponseWriter, r *http.Request) {
			writeAPIError(w, http.StatusServiceUnavailable, data.ErrCodeInternal, "busy")
		},
		"connection cut": func(_ int64, w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		},
		"429 Retry-After 0": func(_ int64, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			writeAPIError(w, http.StatusTooManyRequests, data.ErrCodeRateLimited, "slow down")
		},
	}
	for fname, fail := range failures {
		for name, write := range writes {
			t.Run(fname+"/"+name, func(t *testing.T) {
				s := newCounted(t, fail)
				c := New(s.URL, fastOptions())
				c.SetToken("tok")
				err := write(context.Background(), c)
				if err == nil {
					t.Fatal("want an error")
				}
				if got := s.hits.Load(); got != 1 {
					t.Errorf("server saw %d requests, want exactly 1", got)
				}
			})
		}
	}
}

// TestKeyedWritesAreRetried checks that the writes carrying an idempotency key
// or a client-made id, and the decisions the backend replays, are retried
// after a 503, with the same key and body.
func TestKeyedWritesAreRetried(t *testing.T) {
	type seen struct{ key, body string }
	var mu sync.Mutex
	var got []seen
	s := newCounted(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		var body json.RawMessage
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		got = append(got, seen{r.Header.Get(data.HeaderIdempotencyKey), string(body)})
		mu.Unlock()
		if n%2 == 1 {
			writeAPIError(w, http.StatusServiceUnavailable, data.ErrCodeInternal, "busy")
			return
		}
		switch {
		case strings.HasSuffix(r.URL.Path, "/codes"):
			writeJSON(w, 201, data.ResendResult{Delivery: data.Delivery{ID: "del-1"}})
		default:
			writeJSON(w, 201, data.Case{ID: "case-1", Version: 1})
		}
	})
	c := New(s.URL, fastOptions())
	ctx := context.Background()

	key := NewIdempotencyKey()
	r, err := c.Resend(ctx, "a", data.ResendRequest{Channel: data.ChannelSMS, Purpose: data.PurposeLogin}, key)
	if err != nil || r.Delivery.ID != "del-1" {
		t.Fatalf("Resend = %+v, %v", r, err)
	}
	if _, err := c.CreateCase(ctx, data.Case{ID: "case-1", AccountID: "a"}); err != nil {
		t.Fatalf("CreateCase: %v", err)
	}
	if _, err := c.AddNote(ctx, "case-1", data.Note{ID: "note-1", Text: "called back"}); err != nil {
		t.Fatalf("AddNote: %v", err)
	}
	if _, err := c.RequestApproval(ctx, data.ApprovalRequest{AccountID: "a", Action: data.ActionDisable2FA, Reason: "r"}); err != nil {
		t.Fatalf("RequestApproval: %v", err)
	}
	if _, err := c.Approve(ctx, "ap", "ok"); err != nil {
		t.Fatalf("Approve: %v", err)
	}
	if _, err := c.Reject(ctx, "ap2", "no"); err != nil {
		t.Fatalf("Reject: %v", err)
	}
	if _, err := c.RecordChainHead(ctx, data.ChainHeadRequest{ConsoleID: "desk", Count: 1, Hash: strings.Repeat("0", 64)}); err != nil {
		t.Fatalf("RecordChainHead: %v", err)
	}
	if n := s.hits.Load(); n != 14 {
		t.Fatalf("server saw %d requests, want 14 (each write twice)", n)
	}
	for i := 0; i < len(got); i += 2 {
		if got[i] != got[i+1] {
			t.Errorf("retry %d differs from first attempt: %+v vs %+v", i/2, got[i], got[i+1])
		}
	}
	if got[0].key != key {
		t.Errorf("Idempotency-Key = %q, want %q", got[0].key, key)
	}
	if got[6].key == "" {
		t.Error("RequestApproval sent no Idempotency-Key")
	}
}

func TestUnreadableAnswers(t *testing.T) {
	bodies := map[string]string{
		"truncated":      `{"id":"acc-1","app":"Ta`,
		"html":           `<html><body>Bad gateway</body></html>`,
		"empty":          ``,
		"array":          `[{"id":"acc-1"}]`,
		"null":           `null`,
		"string":         `"acc-1"`,
		"wrong field":    `{"id":42}`,
		"trailing junk":  `{"id":"acc-1"} {"id":"x"}`,
		"nested garbage": `{"lock":{"until":"yesterday"}}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
			})
			c := New(s.URL, fastOptions())
			_, err := c.Account(context.Background(), "acc-1")
			if !errors.Is(err, ErrBadResponse) {
				t.Fatalf("got %v, want ErrBadResponse", err)
			}
			if got := s.hits.Load(); got != 1 {
				t.Errorf("server saw %d requests; a garbled 200 is not retried", got)
			}
			if got := Explain(err, time.UTC); got != "The auth backend sent an answer the console cannot read." {
				t.Errorf("Explain = %q", got)
			}
		})
	}
}

func TestSignInWithoutTokenIsBadResponse(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 201, map[string]any{"agent": map[string]string{"id": "ag-1"}})
	})
	c := New(s.URL, fastOptions())
	if _, err := c.SignIn(context.Background(), "ana", "demo"); !errors.Is(err, ErrBadResponse) {
		t.Fatalf("got %v, want ErrBadResponse", err)
	}
}

func TestErrorStatusesWithGarbageBodies(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   error
	}{
		{400, `not json`, ErrBadRequest},
		{403, `{"code":"forbidden"`, ErrForbidden},
		{403, `{"code":"identity_check_required","message":"proof expired"}`, ErrIdentityRequired},
		{404, ``, ErrNotFound},
		{409, `{"code":"conflict","message":"version 3 is stale"}`, ErrConflict},
		{422, `{"code":"channel_unavailable","message":"VoIP number"}`, ErrChannelUnavailable},
		{418, `teapot`, ErrBadRequest},
		{500, `<html>`, ErrServer},
	}
	for _, tc := range cases {
		s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		})
		opts := fastOptions()
		opts.MaxRetries = -1
		c := New(s.URL, opts)
		_, err := c.Account(context.Background(), "acc-1")
		if !errors.Is(err, tc.want) {
			t.Errorf("%d %q: got %v, want %v", tc.status, tc.body, err, tc.want)
		}
	}
}

func TestRateLimitLongerThanMaxWaitReturnsAtOnce(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		writeJSON(w, http.StatusTooManyRequests, data.APIError{Code: data.ErrCodeRateLimited,
			Message: "hourly limit reached", RetryAfter: 120})
	})
	c := New(s.URL, fastOptions())
	before := time.Now()
	_, err := c.Resend(context.Background(), "a", data.ResendRequest{Channel: data.ChannelSMS, Purpose: data.PurposeLogin}, NewIdempotencyKey())
	var rl *RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("got %v, want *RateLimitError", err)
	}
	if s.hits.Load() != 1 {
		t.Errorf("server saw %d requests, want 1", s.hits.Load())
	}
	if rl.Until.Before(before.Add(119*time.Second)) || rl.Until.After(time.Now().Add(121*time.Second)) {
		t.Errorf("Until = %v, want about now+120s", rl.Until)
	}
	if rl.Reason != "hourly limit reached" {
		t.Errorf("Reason = %q", rl.Reason)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 429 {
		t.Errorf("the 429 answer is not reachable as *APIError: %v", ae)
	}
	want := "Too many codes: the next one can be sent at " + roundUpMinute(rl.Until).In(time.UTC).Format("15:04")
	if got := Explain(err, time.UTC); !strings.HasPrefix(got, want) {
		t.Errorf("Explain = %q, want %q", got, want)
	}
}

func roundUpMinute(t time.Time) time.Time {
	if t.Truncate(time.Minute).Equal(t) {
		return t
	}
	return t.Truncate(time.Minute).Add(time.Minute)
}

func TestRateLimitShortRetryAfterIsHonoured(t *testing.T) {
	s := newCounted(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			writeAPIError(w, http.StatusTooManyRequests, data.ErrCodeRateLimited, "burst")
			return
		}
		writeJSON(w, 200, data.RateLimits{Limits: []data.DestinationLimits{{Channel: data.ChannelSMS}}})
	})
	c := New(s.URL, fastOptions())
	rl, err := c.RateLimits(context.Background(), "a")
	if err != nil || len(rl.Limits) != 1 {
		t.Fatalf("RateLimits = %+v, %v", rl, err)
	}
	if s.hits.Load() != 2 {
		t.Errorf("server saw %d requests, want 2", s.hits.Load())
	}
}

func TestRateLimitNotWaitedPastDeadline(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "2")
		writeAPIError(w, http.StatusTooManyRequests, data.ErrCodeRateLimited, "busy")
	})
	opts := fastOptions()
	opts.RetryWaitMax = 5 * time.Second // the 2 s would be waited for, were it not for the deadline
	c := New(s.URL, opts)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := c.Deliveries(ctx, "a")
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("got %v, want ErrRateLimited", err)
	}
	if ctx.Err() != nil {
		t.Error("the call waited until the deadline instead of returning at once")
	}
	if s.hits.Load() != 1 {
		t.Errorf("server saw %d requests, want 1", s.hits.Load())
	}
}

func TestCircuitOpensAndFailsFast(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusInternalServerError, data.ErrCodeInternal, "boom")
	})
	opts := fastOptions()
	opts.MaxRetries = -1
	opts.BreakerFailures = 3
	opts.BreakerCooldown = time.Hour
	c := New(s.URL, opts)
	ctx := context.Background()
	for i := range 3 {
		if _, err := c.Account(ctx, "a"); !errors.Is(err, ErrServer) {
			t.Fatalf("call %d: got %v, want ErrServer", i, err)
		}
	}
	for range 5 {
		_, err := c.Account(ctx, "a")
		if !errors.Is(err, ErrCircuitOpen) || !errors.Is(err, ErrOffline) {
			t.Fatalf("got %v, want ErrCircuitOpen (and ErrOffline)", err)
		}
	}
	if got := s.hits.Load(); got != 3 {
		t.Errorf("server saw %d requests, want 3: an open circuit must not reach the server", got)
	}
	_, err := c.Account(ctx, "a")
	if got := Explain(err, time.UTC); !strings.Contains(got, "not answering") {
		t.Errorf("Explain = %q", got)
	}
}

func TestCircuitOpensOnDeadBackendAndRecovers(t *testing.T) {
	var healthy atomic.Bool
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		if !healthy.Load() {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		writeJSON(w, 200, data.Agent{ID: "ag-1"})
	})
	opts := fastOptions()
	opts.BreakerFailures = 4
	opts.BreakerCooldown = time.Millisecond
	c := New(s.URL, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// One Me: 1 + 3 retries = 4 transport failures, which opens the circuit.
	if _, err := c.Me(ctx); !errors.Is(err, ErrOffline) {
		t.Fatalf("got %v, want ErrOffline", err)
	}
	healthy.Store(true)
	// After the cooldown a trial call goes through and closes the circuit.
	var err error
	for ctx.Err() == nil {
		if _, err = c.Me(ctx); err == nil {
			break
		}
		if !errors.Is(err, ErrCircuitOpen) {
			t.Fatalf("while recovering: %v", err)
		}
	}
	if err != nil {
		t.Fatalf("never recovered: %v", err)
	}
}

func TestClientErrorsDoNotOpenCircuit(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, data.ErrCodeNotFound, "no such account")
	})
	opts := fastOptions()
	opts.BreakerFailures = 2
	c := New(s.URL, opts)
	for range 10 {
		if _, err := c.Account(context.Background(), "a"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
	}
	if got := s.hits.Load(); got != 10 {
		t.Errorf("server saw %d requests, want 10 (4xx is not retried and does not trip)", got)
	}
}

func TestUnauthorizedCallsHook(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusUnauthorized, data.ErrCodeUnauthorized, "token expired")
	})
	var calls atomic.Int64
	opts := fastOptions()
	opts.OnUnauthorized = func() { calls.Add(1) }
	c := New(s.URL, opts)
	ctx := context.Background()

	_, err := c.Me(ctx)
	if !errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrBadCredentials) {
		t.Fatalf("Me: got %v, want ErrUnauthorized", err)
	}
	if calls.Load() != 1 {
		t.Errorf("OnUnauthorized called %d times, want 1", calls.Load())
	}
	if got := Explain(err, nil); got != "Your session ended: sign in again." {
		t.Errorf("Explain = %q", got)
	}

	_, err = c.SignIn(ctx, "ana", "wrong")
	if !errors.Is(err, ErrBadCredentials) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("SignIn: got %v, want ErrBadCredentials", err)
	}
	if got := Explain(err, nil); got != "Wrong username or password." {
		t.Errorf("Explain = %q", got)
	}
	if err := c.SignOut(ctx); err != nil {
		t.Errorf("SignOut of an ended session: %v", err)
	}
	if calls.Load() != 1 {
		t.Errorf("sign-in or sign-out called OnUnauthorized (%d calls)", calls.Load())
	}
}

func TestTokenAndEscaping(t *testing.T) {
	var mu sync.Mutex
	var auths, paths []string
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		paths = append(paths, r.URL.EscapedPath()+"?"+r.URL.RawQuery)
		mu.Unlock()
		switch r.URL.Path {
		case "/v1/agent/sessions":
			writeJSON(w, 201, data.Session{Token: "tok-1", Agent: data.Agent{ID: "ag-1", Role: data.RoleAgent}})
		default:
			writeJSON(w, 200, data.AccountList{})
		}
	})
	c := New(s.URL+"/", fastOptions())
	if c.BaseURL() != s.URL {
		t.Errorf("BaseURL = %q, want %q", c.BaseURL(), s.URL)
	}
	ctx := context.Background()
	if _, err := c.SignIn(ctx, "ana", "demo"); err != nil {
		t.Fatal(err)
	}
	accs, err := c.SearchAccounts(ctx, AccountQuery{Phone: "+886 936&x=1"})
	if err != nil || accs == nil || len(accs) != 0 {
		t.Fatalf("SearchAccounts = %#v, %v; want an empty, non-nil slice", accs, err)
	}
	// An id holding "/" or "?" stays one escaped path segment.
	_, _ = c.Account(ctx, "a/b?c")
	mu.Lock()
	defer mu.Unlock()
	if auths[1] != "Bearer tok-1" {
		t.Errorf("Authorization = %q, want the signed-in token", auths[1])
	}
	if paths[1] != "/v1/accounts?phone=%2B886+936%26x%3D1" {
		t.Errorf("search request = %q", paths[1])
	}
	if paths[2] != "/v1/accounts/a%2Fb%3Fc?" {
		t.Errorf("account request = %q", paths[2])
	}
}

func TestEmptyIDsAreRefusedLocally(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]any{}) })
	c := New(s.URL, fastOptions())
	ctx := context.Background()
	if _, err := c.Account(ctx, ""); !errors.Is(err, ErrBadRequest) {
		t.Errorf("Account(\"\"): %v", err)
	}
	if _, err := c.RemoveDevice(ctx, "a", " ", ActionAuth{}); !errors.Is(err, ErrBadRequest) {
		t.Errorf("RemoveDevice with empty device: %v", err)
	}
	if _, err := c.CreateCase(ctx, data.Case{}); !errors.Is(err, ErrBadRequest) {
		t.Errorf("CreateCase without id: %v", err)
	}
	if _, err := c.SearchAccounts(ctx, AccountQuery{}); !errors.Is(err, ErrBadRequest) {
		t.Errorf("empty search: %v", err)
	}
	if s.hits.Load() != 0 {
		t.Errorf("server saw %d requests, want 0", s.hits.Load())
	}
}

func TestHTTPClientNotModified(t *testing.T) {
	hc := &http.Client{}
	New("http://127.0.0.1:1", Options{HTTPClient: hc})
	if hc.Transport != nil {
		t.Error("New changed the caller's http.Client")
	}
}

func TestAllLoginActivityFollowsCursors(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("cursor") {
		case "":
			writeJSON(w, 200, data.LoginActivityPage{Events: []data.LoginEvent{{ID: "e1"}, {ID: "e2"}}, NextCursor: "c2"})
		case "c2":
			writeJSON(w, 200, data.LoginActivityPage{Events: []data.LoginEvent{{ID: "e3"}}, NextCursor: "c3"})
		default:
			writeJSON(w, 200, data.LoginActivityPage{Events: []data.LoginEvent{{ID: "e4"}}})
		}
	})
	c := New(s.URL, fastOptions())
	ev, err := c.AllLoginActivity(context.Background(), "a", 0)
	if err != nil || len(ev) != 4 || ev[3].ID != "e4" {
		t.Fatalf("AllLoginActivity = %+v, %v", ev, err)
	}
	ev, err = c.AllLoginActivity(context.Background(), "a", 3)
	if err != nil || len(ev) != 3 {
		t.Fatalf("AllLoginActivity max 3 = %+v, %v", ev, err)
	}
}

func TestAllLoginActivityStopsOnLoopingCursor(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, data.LoginActivityPage{Events: []data.LoginEvent{{ID: "e"}}, NextCursor: "same"})
	})
	c := New(s.URL, fastOptions())
	_, err := c.AllLoginActivity(context.Background(), "a", 0)
	if !errors.Is(err, ErrBadResponse) {
		t.Fatalf("got %v, want ErrBadResponse", err)
	}
}

// FuzzClientAnswers puts arbitrary answers (status, Retry-After, the replay
// header, body) behind a real HTTP server and calls every Client method on
// them: each result is a value or an error wrapping a sentinel, never a panic
// or a hang, and the helpers that read errors (Explain, CurrentCase) cope.
func FuzzClientAnswers(f *testing.F) {
	type answer struct {
		status     int
		retryAfter string
		replayed   string
		body       []byte
	}
	var mu sync.Mutex
	var cur answer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		a := cur
		mu.Unlock()
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		if a.replayed != "" {
			w.Header().Set(data.HeaderIdempotentReplayed, a.replayed)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	defer srv.Close()
	c := New(srv.URL, Options{MaxRetries: -1, Timeout: 2 * time.Second, BreakerFailures: 1 << 30})
	c.SetToken("tok")

	f.Add(200, "", "", []byte(`{"id":"acc_1"}`))
	f.Add(200, "", "", []byte(`{"events":[{"id":"e"}],"next_cursor":""}`))
	f.Add(201, "", "true", []byte(`{"delivery":{"id":"d"},"replayed":false}`))
	f.Add(200, "", "", []byte(`{"entries":[{"id":"a","status":200,"outcome":"ok"}],"next_cursor":"AAAA"}`))
	f.Add(200, "", "", []byte(`{"status":"pending","count":3}`))
	f.Add(409, "", "", []byte(`{"code":"conflict","details":{"current":{"id":"c","notes":[{"id":1}]}}}`))
	f.Add(409, "", "", []byte(`{"code":"approval_expired","details":{"expires_at":"x"}}`))
	f.Add(403, "", "", []byte(`{"code":"self_approval","message":"own"}`))
	f.Add(429, "60", "", []byte(`{"code":"rate_limited"}`))
	f.Add(503, "", "", []byte(`<html>`))
	f.Add(204, "", "", []byte{})
	f.Add(301, "", "", []byte{})
	f.Fuzz(func(t *testing.T, status int, retryAfter, replayed string, body []byte) {
		status = 200 + abs(status)%400 // valid final statuses, 200-599
		if !validHeaderValue(retryAfter) {
			retryAfter = ""
		}
		if !validHeaderValue(replayed) {
			replayed = ""
		}
		mu.Lock()
		cur = answer{status, retryAfter, replayed, body}
		mu.Unlock()
		ctx := context.Background()
		check := func(what string, err error) {
			if err == nil {
				return
			}
			_ = Explain(err, time.UTC)
			_, _ = CurrentCase(err)
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("%s: status %d: %v wraps no sentinel", what, status, err)
		}
		auth := ActionAuth{Proof: "p"}
		calls := map[string]func() error{
			"SignIn":         func() error { _, err := c.SignIn(ctx, "ana", "demo"); c.SetToken("tok"); return err },
			"Me":             func() error { _, err := c.Me(ctx); return err },
			"SearchAccounts": func() error { _, err := c.SearchAccounts(ctx, AccountQuery{Phone: "+1"}); return err },
			"Account":        func() error { _, err := c.Account(ctx, "acc_1"); return err },
			"Reveal":         func() error { _, err := c.Reveal(ctx, "acc_1", "phone", "r"); return err },
			"Deliveries":     func() error { _, err := c.Deliveries(ctx, "acc_1"); return err },
			"Resend":         func() error { _, err := c.Resend(ctx, "acc_1", data.ResendRequest{}, "k"); return err },
			"RateLimits":     func() error { _, err := c.RateLimits(ctx, "acc_1"); return err },
			"TrustedDevices": func() error { _, err := c.TrustedDevices(ctx, "acc_1"); return err },
			"RemoveDevice":   func() error { _, err := c.RemoveDevice(ctx, "acc_1", "d", auth); return err },
			"Disable2FA":     func() error { _, err := c.Disable2FA(ctx, "acc_1", auth); return err },
			"ChangeContact": func() error {
				_, err := c.ChangeContact(ctx, "acc_1", data.ContactChange{Email: "e"}, auth)
				return err
			},
			"RevokeSessions":     func() error { _, err := c.RevokeSessions(ctx, "acc_1", auth); return err },
			"LoginActivity":      func() error { _, err := c.LoginActivity(ctx, "acc_1", "", 10); return err },
			"AllLoginActivity":   func() error { _, err := c.AllLoginActivity(ctx, "acc_1", 20); return err },
			"StartIdentityCheck": func() error { _, err := c.StartIdentityCheck(ctx, "acc_1", data.ChannelEmail); return err },
			"VerifyIdentity":     func() error { _, err := c.VerifyIdentity(ctx, "ic", "123456"); return err },
			"DemoInbox":          func() error { _, err := c.DemoInbox(ctx, "acc_1"); return err },
			"ListApprovals":      func() error { _, err := c.ListApprovals(ctx, ApprovalQuery{Status: data.ApprovalPending}); return err },
			"PendingApprovals":   func() error { _, err := c.PendingApprovals(ctx); return err },
			"RequestApproval":    func() error { _, err := c.RequestApproval(ctx, data.ApprovalRequest{}); return err },
			"Approve":            func() error { _, err := c.Approve(ctx, "ap", "ok"); return err },
			"Reject":             func() error { _, err := c.Reject(ctx, "ap", "no"); return err },
			"Cases":              func() error { _, err := c.Cases(ctx, CaseQuery{}); return err },
			"CreateCase":         func() error { _, err := c.CreateCase(ctx, data.Case{ID: "c"}); return err },
			"Case":               func() error { _, err := c.Case(ctx, "c"); return err },
			"UpdateCase":         func() error { _, err := c.UpdateCase(ctx, "c", data.CasePatch{}); return err },
			"AddNote":            func() error { _, err := c.AddNote(ctx, "c", data.Note{ID: "n"}); return err },
			"AuditPage":          func() error { _, err := c.AuditPage(ctx, AuditQuery{Limit: 10}); return err },
			"RecordChainHead":    func() error { _, err := c.RecordChainHead(ctx, data.ChainHeadRequest{ConsoleID: "d"}); return err },
			"LatestChainHead":    func() error { _, err := c.LatestChainHead(ctx, "d"); return err },
			"SignOut":            func() error { err := c.SignOut(ctx); c.SetToken("tok"); return err },
		}
		for name, call := range calls {
			check(name, call())
		}
	})
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // math.MinInt
			return 0
		}
		return -n
	}
	return n
}

// validHeaderValue keeps the fuzzer to header values net/http will send.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f {
			return false
		}
	}
	return len(v) < 200
}

// TestErrorsCarryNoSecrets checks that error text (which ends up in logs) names
// the route but never the identity-check code, the password or the searched
// phone number.
func TestErrorsCarryNoSecrets(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusInternalServerError, data.ErrCodeInternal, "internal error")
	})
	opts := fastOptions()
	opts.MaxRetries = -1
	c := New(s.URL, opts)
	ctx := context.Background()
	_, err1 := c.VerifyIdentity(ctx, "ic_1", "493817")
	_, err2 := c.SignIn(ctx, "ana", "s3cret-pass")
	_, err3 := c.SearchAccounts(ctx, AccountQuery{Phone: "+447911123456"})
	for _, err := range []error{err1, err2, err3} {
		if err == nil {
			t.Fatal("want an error")
		}
		for _, secret := range []string{"493817", "s3cret-pass", "447911123456"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error text %q holds %q", err, secret)
			}
		}
	}
	if !strings.Contains(err1.Error(), "/v1/identity-checks/ic_1/verify") {
		t.Errorf("error text %q does not name the route", err1)
	}
}

func TestServiceUnavailableRetryAfter(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "600")
		writeAPIError(w, http.StatusServiceUnavailable, data.ErrCodeInternal, "maintenance")
	})
	c := New(s.URL, fastOptions())
	_, err := c.Account(context.Background(), "a")
	if !errors.Is(err, ErrServer) {
		t.Fatalf("got %v, want ErrServer", err)
	}
	// Coming back in ten minutes is not worth waiting for inside one call.
	if s.hits.Load() != 1 {
		t.Errorf("server saw %d requests, want 1", s.hits.Load())
	}
}
