package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"verifydesk/data"
)

func TestExplainWords(t *testing.T) {
	taipei, err := time.LoadLocation("Asia/Taipei")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	now := time.Now()
	// A limit that frees later today in Taipei, on a whole minute.
	until := now.In(taipei).Truncate(time.Minute).Add(2 * time.Minute)
	if !sameDay(until, now.In(taipei)) {
		until = now.In(taipei).Truncate(time.Minute) // just before midnight: stay today
	}
	hhmm := until.Format("15:04")
	wrapped := func(e error) error { return fmt.Errorf("GET /v1/accounts/x: %w", e) }

	cases := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{wrapped(fmt.Errorf("%w: dial tcp 127.0.0.1:1: connect: connection refused", ErrOffline)),
			"Cannot reach the auth backend. Check the network or the backend address in Settings."},
		{wrapped(&timeoutError{after: 5 * time.Second, err: context.DeadlineExceeded}), "The auth backend did not answer in 5 s."},
		{wrapped(ErrCircuitOpen), "The auth backend is not answering. The console will try again in a few seconds."},
		{wrapped(&RateLimitError{Until: until, sends: true}), "Too many codes: the next one can be sent at " + hhmm + "."},
		{wrapped(&RateLimitError{Until: until}), "Too many requests: try again at " + hhmm + "."},
		{wrapped(&RateLimitError{sends: true}), "Too many codes: wait before sending another."},
		{wrapped(&APIError{Status: 403, Body: data.APIError{Code: data.ErrCodeForbidden}}), "You are not allowed to do this."},
		{wrapped(&APIError{Status: 403, Body: data.APIError{Code: data.ErrCodeIdentityRequired, Message: "the identity proof expired"}}),
			"Check the caller's identity first."},
		{wrapped(&APIError{Status: 404, Body: data.APIError{Code: data.ErrCodeNotFound, Message: "account not found"}}), "Not found."},
		{wrapped(&APIError{Status: 401}), "Your session ended: sign in again."},
		{fmt.Errorf("%w: %w", ErrBadCredentials, &APIError{Status: 401}), "Wrong username or password."},
		{wrapped(&APIError{Status: 422, Body: data.APIError{Code: data.ErrCodeChannelUnavailable, Message: "SMS refused: the number is VoIP"}}),
			"This channel cannot be used for this account. SMS refused: the number is VoIP."},
		{wrapped(&APIError{Status: 409, Body: data.APIError{Code: data.ErrCodeConflict}}),
			"This was changed or decided in the meantime: reload and try again."},
		{wrapped(&APIError{Status: 400, Body: data.APIError{Message: "a reason is required\n\x00"}}),
			"The auth backend refused the request. A reason is required."},
		{wrapped(&APIError{Status: 503}), "The auth backend had an internal error. Try again in a moment."},
		{wrapped(fmt.Errorf("%w: json: unexpected end of JSON input", ErrBadResponse)), "The auth backend sent an answer the console cannot read."},
		{fmt.Errorf("%w: %w", ErrWrongCode, &APIError{Status: 403, Body: data.APIError{Details: map[string]any{"attempts_left": 1.0}}}),
			"Wrong code: 1 try left."},
		{wrapped(&APIError{Status: 403, Body: data.APIError{Code: data.ErrCodeWrongCode, Details: map[string]any{"attempts_left": 2.0}}}),
			"Wrong code: 2 tries left."},
		{wrapped(&APIError{Status: 403, Body: data.APIError{Code: data.ErrCodeWrongCode}}), "Wrong code."},
		{&APIError{Status: 403, Body: data.APIError{Code: data.ErrCodeLocked, Details: map[string]any{"until": until.UTC().Format(time.RFC3339)}}},
			"Too many wrong codes: identity checks are locked until " + hhmm + "."},
		{wrapped(&RedirectError{Status: 307, Method: "POST", To: "http://evil.example:80", CrossOrigin: true}),
			"The auth backend sent the console to another address, which it does not follow. Check the backend address in Settings (https:// or another host?)."},
		{wrapped(&NotConfirmedError{Method: "POST", SafeToRepeat: true, err: ErrOffline}),
			"Not confirmed: the auth backend may have done it, but its answer was lost. Try again: it will not be done twice."},
		{wrapped(&NotConfirmedError{Method: "POST", err: &timeoutError{after: time.Second, err: context.DeadlineExceeded}}),
			"Not confirmed: the auth backend may have done it, but its answer was lost. Check before you try again."},
		{context.Canceled, "Cancelled."},
		{errors.New("open /etc/shadow: permission denied"), "Something went wrong. Try again."},
	}
	for _, tc := range cases {
		if got := Explain(tc.err, taipei); got != tc.want {
			t.Errorf("Explain(%v)\n got %q\nwant %q", tc.err, got, tc.want)
		}
	}
}

func TestExplainOtherDay(t *testing.T) {
	until := time.Now().Add(50 * time.Hour).UTC().Truncate(time.Minute)
	got := Explain(&RateLimitError{Until: until, sends: true}, time.UTC)
	want := "Too many codes: the next one can be sent at " + until.Format("15:04 on Mon 2 Jan") + "."
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCleanMessageIsBounded(t *testing.T) {
	long := strings.Repeat("é", 1000)
	if got := []rune(cleanMessage(long)); len(got) > 162 {
		t.Errorf("cleanMessage kept %d runes", len(got))
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 120 * time.Second, true},
		{" 0 ", 0, true},
		{"Mon, 23 Nov 2026 14:05:00 GMT", 5 * time.Minute, true},
		{"Mon, 23 Nov 2026 13:00:00 GMT", 0, true}, // in the past: now
		{"", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"99999999999999999999", 0, false},
		{"soon", 0, false},
	}
	for _, tc := range cases {
		d, ok := parseRetryAfter(tc.in, now)
		if d != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, d, ok, tc.want, tc.ok)
		}
	}
}

func TestParseErrorRateLimitFromBodyOnly(t *testing.T) {
	now := time.Now()
	err := parseError(429, http.Header{}, []byte(`{"code":"rate_limited","message":"m","retry_after":90}`), now)
	var rl *RateLimitError
	if !errors.As(err, &rl) || !rl.Until.Equal(now.Add(90*time.Second)) {
		t.Fatalf("got %v", err)
	}
}

// sentinels is every error Client methods wrap.
var sentinels = []error{ErrOffline, ErrTimeout, ErrUnauthorized, ErrForbidden, ErrIdentityRequired, ErrLocked,
	ErrNotFound, ErrConflict, ErrChannelUnavailable, ErrRateLimited, ErrBadRequest, ErrServer, ErrBadResponse, ErrRedirect}

func FuzzParseError(f *testing.F) {
	f.Add(429, "120", []byte(`{"code":"rate_limited","message":"too many","retry_after":120}`))
	f.Add(403, "", []byte(`{"code":"identity_check_required","details":{"attempts_left":2}}`))
	f.Add(403, "", []byte(`{"code":"locked","details":{"until":"2026-11-23T14:05:00Z"}}`))
	f.Add(422, "", []byte(`{"code":"channel_unavailable","message":"VoIP"}`))
	f.Add(500, "", []byte(`<html>`))
	f.Add(429, "Mon, 23 Nov 2026 14:05:00 GMT", []byte(`{"retry_after":-1}`))
	f.Add(302, "", []byte(``))
	f.Add(404, "", []byte(`{"details":{"attempts_left":1e300}}`))
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		now := time.Now()
		err := parseError(status, h, body, now)
		if err == nil {
			t.Fatal("nil error")
		}
		matched := false
		for _, s := range sentinels {
			if errors.Is(err, s) {
				matched = true
			}
		}
		if !matched {
			t.Fatalf("error %v wraps no sentinel", err)
		}
		var rl *RateLimitError
		if status == 429 {
			if !errors.As(err, &rl) {
				t.Fatalf("429 gave %T", err)
			}
			if !rl.Until.IsZero() && (rl.Until.Before(now) || rl.Until.After(now.Add(8*24*time.Hour))) {
				t.Fatalf("Until %v out of range", rl.Until)
			}
		}
		_ = err.Error()
		for _, wrap := range []func(error) error{
			func(e error) error { return e },
			func(e error) error { return fmt.Errorf("%w: %w", ErrWrongCode, e) },
		} {
			msg := Explain(wrap(err), time.UTC)
			if msg == "" || len(msg) > 400 || strings.ContainsAny(msg, "\n\r\x00") {
				t.Fatalf("Explain = %q", msg)
			}
		}
	})
}

func FuzzDecodeBody(f *testing.F) {
	f.Add([]byte(`{"token":"t","expires_at":"2026-11-23T14:05:00Z","agent":{"id":"a"}}`))
	f.Add([]byte(`{"accounts":[{"id":"acc_1","lock":{"until":null}}]}`))
	f.Add([]byte(`{"events":[{"at":"bad"}],"next_cursor":"x"}`))
	f.Add([]byte(`{"notes":[{"id":1}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"a":`))
	f.Fuzz(func(t *testing.T, body []byte) {
		outs := []any{&data.Session{}, &data.Agent{}, &data.AccountList{}, &data.Account{}, &data.RevealResult{},
			&data.DeliveryList{}, &data.ResendResult{}, &data.RateLimits{}, &data.TrustedDeviceList{},
			&data.ActionResult{}, &data.LoginActivityPage{}, &data.IdentityCheck{}, &data.IdentityProof{},
			&data.ApprovalList{}, &data.Approval{}, &data.ApprovalCount{}, &data.CaseList{}, &data.Case{}, &data.AuditList{},
			&data.ChainHead{}, &data.DemoInbox{}}
		for _, out := range outs {
			if err := decodeBody(body, out); err != nil && !errors.Is(err, ErrBadResponse) {
				t.Fatalf("decode into %T: %v is not ErrBadResponse", out, err)
			}
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", "Mon, 23 Nov 2026 14:05:00 GMT", "Monday, 23-Nov-26 14:05:00 GMT", "Mon Nov 23 14:05:00 2026", "9999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, time.Now())
		if d < 0 || d > maxRetryAfterSeconds*time.Second || (!ok && d != 0) {
			t.Fatalf("parseRetryAfter(%q) = %v, %v", v, d, ok)
		}
	})
}

// TestWrongCodeIsItsOwnError: the contract's wrong_code is ErrWrongCode (and
// so ErrForbidden) from any call, with or without the attempts left.
func TestWrongCodeIsItsOwnError(t *testing.T) {
	err := fmt.Errorf("POST /v1/identity-checks/x/verify: %w", &APIError{Status: http.StatusForbidden, Body: data.APIError{Code: data.ErrCodeWrongCode}})
	if !errors.Is(err, ErrWrongCode) || !errors.Is(err, ErrForbidden) || errors.Is(err, ErrLocked) {
		t.Errorf("403 wrong_code: ErrWrongCode %v, ErrForbidden %v, ErrLocked %v",
			errors.Is(err, ErrWrongCode), errors.Is(err, ErrForbidden), errors.Is(err, ErrLocked))
	}
}

// FuzzCurrentCase reads arbitrary 409 bodies as a stale update's conflict.
func FuzzCurrentCase(f *testing.F) {
	f.Add([]byte(`{"code":"conflict","details":{"current_version":2,"current":{"id":"c","version":2}}}`))
	f.Add([]byte(`{"code":"conflict","details":{"current":"not a case"}}`))
	f.Add([]byte(`{"code":"conflict","details":{"current":{"id":"c","notes":[{"at":"bad"}]}}}`))
	f.Add([]byte(`{"details":{"current":null}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		err := parseError(http.StatusConflict, http.Header{}, body, time.Now())
		if !errors.Is(err, ErrConflict) {
			t.Fatalf("409 gave %v", err)
		}
		if cs, ok := CurrentCase(fmt.Errorf("PATCH /v1/cases/c: %w", err)); ok && cs.ID == "" {
			t.Fatalf("a current case without an id: %+v", cs)
		}
	})
}
