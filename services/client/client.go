// Package client is the console's HTTP client for the auth backend contract
// (SPEC section 4, backend/openapi.yaml): one method per route, returning the
// models of package data and typed errors (errors.go) that Explain turns into
// words for the agent.
//
// It is built to survive a bad network:
//   - every attempt is bounded: by the caller's ctx deadline, or by
//     Options.Timeout when ctx has none, so a call never hangs;
//   - only calls that are safe to repeat are retried (reads, and writes that carry
//     an idempotency key or a client-made id), with exponential backoff and
//     jitter, on transport errors, 5xx and 429 (honouring Retry-After on 429 and
//     503, never sleeping past the ctx deadline or longer than RetryWaitMax);
//   - a circuit breaker counts transport errors and 5xx (not 4xx) and, once open,
//     fails calls at once with ErrCircuitOpen instead of waiting on a dead backend;
//   - a 401 calls Options.OnUnauthorized so the app can send the agent to sign-in;
//   - an answer that cannot be decoded is ErrBadResponse, never a panic, and
//     one that holds an impossible value (a negative count, an end before
//     its start, a limit below its use) is ErrBadAnswer, never data
//     (answers.go);
//   - a write whose request may have reached the backend but whose answer
//     was lost is a *NotConfirmedError (ErrNotConfirmed: it may have
//     happened), never the "not sent" of a connection refused (ErrOffline);
//   - a write follows no redirect, a read none to another origin, and no
//     redirected request carries the token (redirect.go): ErrRedirect.
//
// The client never logs request or response bodies (they carry personal data and
// identity-check codes).
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/sony/gobreaker/v2"

	"verifydesk/data"
)

// Defaults of Options.
const (
	DefaultTimeout         = 5 * time.Second
	DefaultMaxRetries      = 3
	DefaultRetryWaitMin    = 200 * time.Millisecond
	DefaultRetryWaitMax    = 3 * time.Second
	DefaultBreakerFailures = 5
	DefaultBreakerCooldown = 10 * time.Second
)

// maxResponseBody bounds what one answer may hold; a bigger one is
// ErrBadResponse rather than a console eating its memory.
const maxResponseBody = 32 << 20

// Options tune a Client. The zero value gives the defaults.
type Options struct {
	// Timeout bounds each attempt when ctx has no deadline (default 5s). When ctx
	// has a deadline, that deadline bounds the attempts and the whole call.
	Timeout time.Duration
	// MaxRetries is how many times a call that is safe to repeat is tried again
	// (default 3; negative: never).
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff between attempts (defaults
	// 200ms and 3s). A Retry-After longer than RetryWaitMax is not waited for:
	// the call returns a *RateLimitError at once.
	RetryWaitMin, RetryWaitMax time.Duration
	// OnUnauthorized is called when a call gets 401 (token expired or revoked),
	// from the goroutine that made the call, before the call returns: the app
	// sends the agent to sign-in. Not called for SignIn and SignOut.
	OnUnauthorized func()
	// HTTPClient is the transport to use (optional; copied, never modified).
	HTTPClient *http.Client
	// BreakerFailures is how many consecutive failed attempts (transport
	// errors, timeouts, 5xx) open the circuit (default 5).
	BreakerFailures int
	// BreakerCooldown is how long the circuit stays open before one trial call
	// is let through (default 10s).
	BreakerCooldown time.Duration
}

// Client calls the auth backend. It is safe for concurrent use.
type Client struct {
	base string
	opts Options
	rc   *resty.Client
	cb   *gobreaker.CircuitBreaker[*resty.Response]

	mu    sync.RWMutex
	token string
}

// New returns a client of the backend at baseURL (e.g. "http://127.0.0.1:8080",
// without /v1). It does no I/O.
func New(baseURL string, opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	switch {
	case opts.MaxRetries == 0:
		opts.MaxRetries = DefaultMaxRetries
	case opts.MaxRetries < 0:
		opts.MaxRetries = 0
	}
	if opts.RetryWaitMin <= 0 {
		opts.RetryWaitMin = DefaultRetryWaitMin
	}
	if opts.RetryWaitMax <= 0 {
		opts.RetryWaitMax = DefaultRetryWaitMax
	}
	if opts.RetryWaitMax < opts.RetryWaitMin {
		opts.RetryWaitMax = opts.RetryWaitMin
	}
	if opts.BreakerFailures <= 0 {
		opts.BreakerFailures = DefaultBreakerFailures
	}
	if opts.BreakerCooldown <= 0 {
		opts.BreakerCooldown = DefaultBreakerCooldown
	}

	// resty.NewWithClient fills in a nil Transport; work on a copy so the
	// caller's client is left as it was.
	hc := &http.Client{}
	if opts.HTTPClient != nil {
		cp := *opts.HTTPClient
		hc = &cp
	}
	// Ours whatever the caller's client says: where a request may go is the
	// client's rule, not the transport's (redirect.go).
	hc.CheckRedirect = checkRedirect
	rc := resty.NewWithClient(hc).
		SetLogger(quietLogger{}).
		SetResponseBodyLimit(maxResponseBody).
		SetRetryCount(0). // retries are ours: resty's know nothing of idempotency or the breaker
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", "verifydesk-console")

	failures := uint32(opts.BreakerFailures)
	cb := gobreaker.NewCircuitBreaker[*resty.Response](gobreaker.Settings{
		Name:        "auth-backend",
		MaxRequests: 1,
		Timeout:     opts.BreakerCooldown,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= failures },
		// The agent giving up on a call says nothing about the backend's health.
		IsExcluded: func(err error) bool { return errors.Is(err, context.Canceled) },
	})

	return &Client{base: strings.TrimRight(baseURL, "/"), opts: opts, rc: rc, cb: cb}
}

// BaseURL is the backend address the client was made with, without a trailing
// slash.
func (c *Client) BaseURL() string { return c.base }

// SetToken sets the bearer token sent with every call ("" sends none).
func (c *Client) SetToken(token string) {
	c.mu.Lock()
	c.token = token
	c.mu.Unlock()
}

// clearToken forgets the token if it is still old, so a token set meanwhile
// (a new sign-in) stays.
func (c *Client) clearToken(old string) {
	c.mu.Lock()
	if c.token == old {
		c.token = ""
	}
	c.mu.Unlock()
}

func (c *Client) currentToken() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.token
}

// call describes one route call.
type call struct {
	method string
	path   string // escaped, from /v1 on
	query  url.Values
	body   any
	header map[string]string
	// repeatable marks a write that is safe to send twice (idempotency key or
	// client-made id). GETs are always repeatable.
	repeatable bool
	// freshKey marks a repeatable write whose idempotency key the client made
	// for this call only: the caller cannot repeat it safely.
	freshKey bool
	// session marks sign-in and sign-out: their 401 is not an expired session.
	session bool
	// sso marks the single sign-on exchange: its 401 is ErrSSORefused.
	sso bool
	// sends marks a code send, so a 429 is explained in words about codes.
	sends bool
	// token, when set, is sent instead of the client's current token (a
	// sign-out ends the session it started with).
	token string
	// replayed, when set, receives whether the 2xx answer was the replay of
	// the first answer of an earlier call (the Idempotent-Replayed header):
	// a replay after an attempt of this call that may have reached the
	// backend (a lost answer) is this call's own write, not an earlier one.
	replayed *bool
}

// errServerStatus tells the breaker that an attempt that got an answer still
// failed (5xx).
var errServerStatus = errors.New("server status")

// do runs cl with retries and decodes a 2xx JSON object answer into out (nil:
// the body is ignored).
func (c *Client) do(ctx context.Context, cl call, out any) error {
	start := time.Now()
	retries := 0
	if cl.method == http.MethodGet || cl.repeatable {
		retries = c.opts.MaxRetries
	}
	mayHaveWritten := false // an earlier attempt may have reached the backend
	for attempt := 0; ; attempt++ {
		resp, sent, err := c.attempt(ctx, cl, start)
		if err != nil && sent {
			mayHaveWritten = true
		}
		if err == nil {
			if rerr := redirectError(cl.method, resp.RawResponse); rerr != nil {
				return c.wrap(cl, rerr)
			}
			if resp.StatusCode() == http.StatusUnauthorized && redirected(resp.RawResponse) {
				// The redirected read went without the token, so its 401 says
				// nothing about the session: no sign-out for it.
				return c.wrap(cl, &RedirectError{Status: http.StatusUnauthorized, Method: cl.method,
					To: origin(resp.RawResponse.Request.URL)})
			}
			if resp.StatusCode() >= 200 && resp.StatusCode() < 300 {
				if cl.replayed != nil {
					*cl.replayed = !mayHaveWritten &&
						strings.EqualFold(strings.TrimSpace(resp.Header().Get(data.HeaderIdempotentReplayed)), "true")
				}
				return c.wrap(cl, decodeAnswer(resp.Body(), out))
			}
			err = parseError(resp.StatusCode(), resp.Header(), resp.Body(), time.Now())
			var rl *RateLimitError
			if errors.As(err, &rl) {
				rl.sends = cl.sends
			}
			if resp.StatusCode() == http.StatusUnauthorized {
				if cl.sso {
					return c.wrap(cl, fmt.Errorf("%w: %w", ErrSSORefused, err))
				}
				if cl.session {
					return c.wrap(cl, fmt.Errorf("%w: %w", ErrBadCredentials, err))
				}
				if c.opts.OnUnauthorized != nil {
					c.opts.OnUnauthorized()
				}
			}
		}
		if attempt >= retries || !retryable(err) {
			return c.wrap(cl, c.unconfirmed(cl, mayHaveWritten, err))
		}
		wait := c.backoff(attempt)
		var rl *RateLimitError
		var ae *APIError
		switch {
		case errors.As(err, &rl) && !rl.Until.IsZero():
			wait = time.Until(rl.Until)
			if wait > c.opts.RetryWaitMax {
				return c.wrap(cl, err)
			}
		case errors.As(err, &ae) && ae.retryAfter > 0:
			if ae.retryAfter > c.opts.RetryWaitMax {
				return c.wrap(cl, err)
			}
			wait = max(wait, ae.retryAfter)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			// waiting would only end in the deadline
			return c.wrap(cl, c.unconfirmed(cl, mayHaveWritten, err))
		}
		t := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return c.wrap(cl, c.unconfirmed(cl, mayHaveWritten, ctxError(ctx, start)))
		case <-t.C:
		}
	}
}

// wrap names the route in the error for logs, keeping the sentinel reachable.
// Only the path is named: queries carry phone numbers and emails.
func (c *Client) wrap(cl call, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", cl.method, cl.path, err)
}

// unconfirmed is err, the final error of cl, as a *NotConfirmedError when cl
// is a write that may have reached the backend (mayHaveWritten) and got no
// answer: a lost answer, not a request that was never sent. Sign-in and
// sign-out stay as they are: a session that may exist is not something the
// agent checks, and signing in again is harmless.
func (c *Client) unconfirmed(cl call, mayHaveWritten bool, err error) error {
	if !mayHaveWritten || readMethod(cl.method) || cl.session || !lostAnswer(err) {
		return err
	}
	return &NotConfirmedError{Method: cl.method, SafeToRepeat: cl.repeatable && !cl.freshKey, err: err}
}

// lostAnswer reports whether err says no answer came (as opposed to an
// answer saying no).
func lostAnswer(err error) bool {
	return errors.Is(err, ErrOffline) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrServer) ||
		errors.Is(err, ErrRateLimited) || errors.Is(err, context.Canceled)
}

// attempt sends cl once through the breaker. A nil error means an HTTP answer
// arrived (of any status); otherwise the error is classified, and sent says
// whether the request may have reached the backend: a connection was made for
// it, so the backend may have read it and acted before the answer was lost. A
// connection refused, a failed name lookup or an open circuit send nothing.
func (c *Client) attempt(ctx context.Context, cl call, start time.Time) (resp *resty.Response, sent bool, err error) {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if _, ok := ctx.Deadline(); !ok {
		actx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
	}
	defer cancel()
	// GotConn rather than WroteRequest: the transport writes on a goroutine
	// of its own, and a deadline can end the call before it reports; a
	// connection handed over is the last point where "nothing was sent" is
	// certain.
	var gotConn atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) }})

	req := c.rc.R().SetContext(actx)
	tok := cl.token
	if tok == "" {
		tok = c.currentToken()
	}
	if tok != "" {
		req.SetAuthToken(tok)
	}
	if cl.query != nil {
		req.SetQueryParamsFromValues(cl.query)
	}
	if cl.body != nil {
		req.SetHeader("Content-Type", "application/json").SetBody(cl.body)
	}
	for k, v := range cl.header {
		req.SetHeader(k, v)
	}

	resp, err = c.cb.Execute(func() (*resty.Response, error) {
		resp, err := req.Execute(cl.method, c.base+cl.path)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode() >= 500 {
			return resp, errServerStatus
		}
		return resp, nil
	})
	sent = gotConn.Load()
	switch {
	case err == nil, errors.Is(err, errServerStatus):
		return resp, sent, nil
	case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
		return nil, false, ErrCircuitOpen
	case ctx.Err() != nil:
		return nil, sent, ctxError(ctx, start)
	case errors.Is(err, context.DeadlineExceeded) || isNetTimeout(err):
		return nil, sent, &timeoutError{after: time.Since(start), err: err}
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		return nil, sent, fmt.Errorf("%w: %w", ErrBadResponse, err)
	default:
		return nil, sent, fmt.Errorf("%w: %w", ErrOffline, err)
	}
}

func isNetTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// ctxError is the error of a call whose ctx ended.
func ctxError(ctx context.Context, start time.Time) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &timeoutError{after: time.Since(start), err: ctx.Err()}
	}
	return ctx.Err()
}

// retryable reports whether err is worth another attempt of a repeatable call.
// An open circuit is not: failing fast is its point.
func retryable(err error) bool {
	switch {
	case errors.Is(err, ErrCircuitOpen), errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, ErrTimeout), errors.Is(err, ErrOffline),
		errors.Is(err, ErrServer), errors.Is(err, ErrRateLimited):
		return true
	}
	return false
}

// backoff is the wait before retry number attempt+1: exponential from
// RetryWaitMin, capped at RetryWaitMax, with "equal jitter" (half fixed, half
// random) so clients that failed together do not retry together.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.opts.RetryWaitMin << min(attempt, 30)
	if d <= 0 || d > c.opts.RetryWaitMax {
		d = c.opts.RetryWaitMax
	}
	half := d / 2
	return half + rand.N(half+1)
}

// decodeBody decodes a 2xx answer. Every answer of the contract is a JSON
// object; anything else (empty, truncated, an array, HTML) is ErrBadResponse.
func decodeBody(body []byte, out any) error {
	if out == nil {
		return nil
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return fmt.Errorf("%w: not a JSON object", ErrBadResponse)
	}
	if err := json.Unmarshal(trimmed, out); err != nil {
		return fmt.Errorf("%w: %w", ErrBadResponse, err)
	}
	return nil
}

// decodeAnswer decodes a 2xx answer and holds it to what can be true
// (checkAnswer): an impossible value is a *BadAnswerError, not data.
func decodeAnswer(body []byte, out any) error {
	if err := decodeBody(body, out); err != nil {
		return err
	}
	return checkAnswer(out)
}

// parseError builds the error of a non-2xx answer: a *RateLimitError for 429,
// an *APIError for other 4xx and 5xx, ErrBadResponse for anything else. A body
// that is not the contract's error shape still gives the status's error.
func parseError(status int, header http.Header, body []byte, now time.Time) error {
	if status < 400 || status > 599 {
		return fmt.Errorf("%w: unexpected status %d", ErrBadResponse, status)
	}
	ae := &APIError{Status: status}
	var b data.APIError
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
		if json.Unmarshal(trimmed, &b) == nil {
			ae.Body = b
		}
	}
	if status != http.StatusTooManyRequests {
		if d, ok := parseRetryAfter(header.Get("Retry-After"), now); ok && status >= 500 {
			ae.retryAfter = d // an overloaded backend saying when to come back
		}
		return ae
	}
	rl := &RateLimitError{Reason: ae.Body.Message, api: ae}
	if d, ok := parseRetryAfter(header.Get("Retry-After"), now); ok {
		rl.Until = now.Add(d)
	} else if ae.Body.RetryAfter > 0 && ae.Body.RetryAfter <= maxRetryAfterSeconds {
		rl.Until = now.Add(time.Duration(ae.Body.RetryAfter) * time.Second)
	}
	return rl
}

// maxRetryAfterSeconds caps a Retry-After (a week): a larger value is garbage,
// and seconds beyond it would overflow a time.Duration.
const maxRetryAfterSeconds = 7 * 24 * 3600

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 section 10.2.3). ok is false when it is absent or unreadable.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		n := 0
		for _, r := range v {
			if r < '0' || r > '9' {
				return 0, false
			}
			n = n*10 + int(r-'0')
			if n > maxRetryAfterSeconds {
				return 0, false
			}
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	if d > maxRetryAfterSeconds*time.Second {
		return 0, false
	}
	return d, true
}

// quietLogger drops resty's own log lines: they can quote errors with URLs
// holding phone numbers, and the app reports errors through Explain.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}
