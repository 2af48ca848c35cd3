package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"verifydesk/data"
	"verifydesk/services/i18n"
)

// Sentinel errors. Every error a Client method returns wraps exactly one of these
// (ErrCircuitOpen also wraps ErrOffline, ErrBadCredentials also wraps
// ErrUnauthorized, and ErrNotConfirmed comes with the reason no answer came:
// ErrOffline, ErrTimeout, ErrServer, ErrRateLimited or context.Canceled), so
// callers branch with errors.Is and show words with Explain.
var (
	// ErrOffline: the backend could not be reached (connection refused, reset,
	// DNS failure) or the circuit breaker is open.
	ErrOffline = errors.New("auth backend unreachable")
	// ErrTimeout: the backend did not answer before the attempt timeout or the
	// caller's deadline.
	ErrTimeout = errors.New("auth backend timed out")
	// ErrUnauthorized: 401, the token is missing, expired or revoked.
	ErrUnauthorized = errors.New("not signed in")
	// ErrBadCredentials: sign-in refused the username or password (401 on
	// sign-in). It wraps ErrUnauthorized.
	ErrBadCredentials = fmt.Errorf("wrong username or password: %w", ErrUnauthorized)
	// ErrForbidden: 403, the agent's role does not allow the call.
	ErrForbidden = errors.New("forbidden")
	// ErrIdentityRequired: 403 identity_check_required, a sensitive action needs
	// a valid identity-check proof or an approved approval.
	ErrIdentityRequired = errors.New("identity check required")
	// ErrLocked: the account or identity check is locked after too many wrong
	// codes (error code "locked").
	ErrLocked = errors.New("locked")
	// ErrWrongCode: VerifyIdentity was given a wrong code (403 wrong_code);
	// attempts remain (Explain says how many). It wraps ErrForbidden.
	ErrWrongCode = fmt.Errorf("wrong code: %w", ErrForbidden)
	// ErrNotFound: 404.
	ErrNotFound = errors.New("not found")
	// ErrConflict: 409, a stale version (CurrentCase gives the case as it is),
	// a reused idempotency key with another body, a decision on a decided
	// approval, or an audit chain head behind the one recorded.
	ErrConflict = errors.New("conflict")
	// ErrChannelUnavailable: 422, the channel cannot work for this account
	// (VoIP or landline number, no trusted device with notifications).
	ErrChannelUnavailable = errors.New("channel unavailable")
	// ErrRateLimited: 429. The error is a *RateLimitError carrying when to retry.
	ErrRateLimited = errors.New("rate limited")
	// ErrBadRequest: 400 or another 4xx: the backend refused the input.
	ErrBadRequest = errors.New("bad request")
	// ErrServer: 5xx.
	ErrServer = errors.New("auth backend error")
	// ErrBadResponse: the answer could not be read (truncated, not JSON, wrong
	// shape, too large, unexpected status).
	ErrBadResponse = errors.New("unreadable answer from auth backend")
	// ErrBadAnswer: the answer decoded but holds a value that cannot be true
	// (a negative count, an end before its start, a send limit below its
	// use); the error is a *BadAnswerError naming it. It wraps
	// ErrBadResponse.
	ErrBadAnswer = fmt.Errorf("impossible values: %w", ErrBadResponse)
	// ErrNotConfirmed: a write reached the backend, or may have, and its
	// answer was lost (the connection dropped, the deadline passed): the
	// write may have happened. It is not "not sent": a write refused before
	// anything was sent (connection refused, circuit open) is ErrOffline
	// alone. The error is a *NotConfirmedError.
	ErrNotConfirmed = errors.New("write not confirmed")
	// ErrRedirect: the backend answered with a redirect the client does not
	// follow (a write redirected anywhere, a read redirected to another
	// origin or in a loop); nothing was sent past it. The error is a
	// *RedirectError.
	ErrRedirect = errors.New("redirect not followed")
	// ErrCircuitOpen: the circuit breaker is open after repeated failures, so the
	// call failed fast without reaching the backend. It wraps ErrOffline.
	ErrCircuitOpen = fmt.Errorf("circuit open: %w", ErrOffline)
	// ErrSelfApproval: a supervisor tried to decide a request they made
	// themselves (403 self_approval; four eyes). It wraps ErrForbidden.
	ErrSelfApproval = fmt.Errorf("own request: %w", ErrForbidden)
	// ErrApprovalExpired: the request expired before anyone decided it (409
	// approval_expired); the agent must ask again. It wraps ErrConflict.
	ErrApprovalExpired = fmt.Errorf("approval expired: %w", ErrConflict)
)

// APIError is a 4xx or 5xx answer of the backend with its decoded error body
// (Body is zero when the body was not the contract's error shape). It wraps the
// sentinel matching its status and code, so errors.Is(err, ErrNotFound) works.
type APIError struct {
	Status int
	Body   data.APIError

	retryAfter time.Duration // a 503's Retry-After, honoured by the retry loop
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("auth backend answered %d", e.Status)
	if e.Body.Code != "" {
		s += " " + e.Body.Code
	}
	if e.Body.Message != "" {
		s += ": " + e.Body.Message
	}
	return s
}

// Unwrap returns the sentinel for the status and code.
func (e *APIError) Unwrap() error { return sentinelFor(e.Status, e.Body.Code) }

// data.ErrCodeWrongCode is the contract's error code of a wrong identity-check code.
// It belongs beside the other codes in data (data.ErrCode*); it is spelled here
// and in backend until it moves there, and the contract tests hold both to
// openapi.yaml.

// sentinelFor maps an HTTP status and the contract's error code to a sentinel.
// The code refines the status where the contract gives one status two meanings.
func sentinelFor(status int, code string) error {
	switch {
	case code == data.ErrCodeLocked:
		return ErrLocked
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden && code == data.ErrCodeIdentityRequired:
		return ErrIdentityRequired
	case status == http.StatusForbidden && code == data.ErrCodeWrongCode:
		return ErrWrongCode
	case status == http.StatusForbidden && code == data.ErrCodeSelfApproval:
		return ErrSelfApproval
	case status == http.StatusConflict && code == data.ErrCodeApprovalExpired:
		return ErrApprovalExpired
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusConflict:
		return ErrConflict
	case status == http.StatusUnprocessableEntity && code != data.ErrCodeBadRequest:
		return ErrChannelUnavailable
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status >= 500:
		return ErrServer
	case status >= 400:
		return ErrBadRequest
	default:
		return ErrBadResponse
	}
}

// RateLimitError is a 429 answer: nothing was done, and the same request can be
// made again at Until (zero when the backend did not say). Reason is the
// backend's explanation. errors.Is(err, ErrRateLimited) is true.
type RateLimitError struct {
	Until  time.Time
	Reason string

	api   *APIError // the full answer, for errors.As(err, **APIError)
	sends bool      // a code send was limited: Explain speaks of codes
}

func (e *RateLimitError) Error() string {
	s := "rate limited"
	if !e.Until.IsZero() {
		s += " until " + e.Until.UTC().Format(time.RFC3339)
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Is reports ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Unwrap gives the underlying *APIError when there is one.
func (e *RateLimitError) Unwrap() error {
	if e.api == nil {
		return nil
	}
	return e.api
}

// NotConfirmedError is a write whose answer was lost after the request may
// have reached the backend: it may have happened. errors.Is(err,
// ErrNotConfirmed) is true, and so is errors.Is with the reason no answer came
// (ErrOffline, ErrTimeout, ...).
type NotConfirmedError struct {
	Method string
	// SafeToRepeat is true when the write carried the caller's idempotency
	// key or client-made id: repeating it with the same key or id does it at
	// most once. False when the client made the key for that call alone, or
	// when the write has none (a sensitive action): check before repeating.
	SafeToRepeat bool

	err error
}

func (e *NotConfirmedError) Error() string {
	return fmt.Sprintf("%v: %s sent, no answer: %v", ErrNotConfirmed, e.Method, e.err)
}

// Unwrap gives ErrNotConfirmed and the reason no answer came.
func (e *NotConfirmedError) Unwrap() []error { return []error{ErrNotConfirmed, e.err} }

// timeoutError is ErrTimeout with how long the call waited, so Explain can say
// "did not answer in 5 s".
type timeoutError struct {
	after time.Duration
	err   error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("%v after %v: %v", ErrTimeout, e.after.Round(time.Millisecond), e.err)
}

func (e *timeoutError) Unwrap() []error { return []error{ErrTimeout, e.err} }

// Unreachable reports whether err says the backend could not be reached
// (refused, reset, timed out, the circuit open: ErrCircuitOpen wraps
// ErrOffline), as opposed to any answer from it, a refusal included.
func Unreachable(err error) bool {
	return errors.Is(err, ErrOffline) || errors.Is(err, ErrTimeout)
}

// Explain turns any error into a short sentence an agent can act on, in the
// agent's language. It never returns Go error text; backend messages are
// quoted only where they carry the reason the agent needs (a refused
// channel, a refused input), cleaned and cut short, as the backend wrote
// them. Times are shown in loc (the agent's zone; nil means time.Local).
// Explain(nil) is "". The errors' own Error texts stay English, for logs.
func Explain(err error, loc *time.Location) string { return ExplainIn(i18n.Agent(), err, loc) }

// ExplainIn is Explain in l's language: i18n.In(i18n.English) for a text
// that is stored or logged and read whatever the agent's language.
func ExplainIn(l *i18n.Localizer, err error, loc *time.Location) string {
	if err == nil {
		return ""
	}
	if loc == nil {
		loc = time.Local
	}
	var rl *RateLimitError
	var te *timeoutError
	var nc *NotConfirmedError
	var ba *BadAnswerError
	switch {
	case errors.As(err, &nc):
		if nc.SafeToRepeat {
			return l.L("Not confirmed: the auth backend may have done it, but its answer was lost. Try again: it will not be done twice.")
		}
		return l.L("Not confirmed: the auth backend may have done it, but its answer was lost. Check before you try again.")
	case errors.Is(err, context.Canceled):
		return l.X("client.cancelled", "Cancelled.")
	case errors.Is(err, ErrCircuitOpen):
		return l.L("The auth backend is not answering. The console will try again in a few seconds.")
	case errors.As(err, &te):
		secs := int(te.after.Round(time.Second) / time.Second)
		if secs < 1 {
			secs = 1
		}
		return l.L("The auth backend did not answer in {{.Seconds}} s.", i18n.M{"Seconds": secs})
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return l.L("The auth backend did not answer in time.")
	case errors.Is(err, ErrOffline):
		return l.L("Cannot reach the auth backend. Check the network or the backend address in Settings.")
	case errors.As(err, &rl):
		return explainRateLimit(l, rl, loc)
	case errors.Is(err, ErrRateLimited):
		return l.X("client.too_many_requests", "Too many requests: try again later.")
	case errors.Is(err, ErrSSORefused):
		return withReason(l.L("Single sign-on did not sign you in:"), err)
	case errors.Is(err, ErrBadCredentials):
		return l.X("client.bad_credentials", "Wrong username or password.")
	case errors.Is(err, ErrUnauthorized):
		return l.L("Your session ended: sign in again.")
	case errors.Is(err, ErrIdentityRequired):
		return l.L("Check the caller's identity first.")
	case errors.Is(err, ErrLocked):
		return explainLocked(l, err, loc)
	case errors.Is(err, ErrWrongCode):
		if n, ok := detailInt(err, "attempts_left"); ok {
			return l.XN("client.wrong_code_tries", "Wrong code: {{.Count}} tries left.", n)
		}
		return l.X("client.wrong_code", "Wrong code.")
	case errors.Is(err, ErrSelfApproval):
		return l.L("You asked for this yourself: another supervisor must decide it.")
	case errors.Is(err, ErrForbidden):
		return l.X("client.forbidden", "You are not allowed to do this.")
	case errors.Is(err, ErrApprovalExpired):
		return l.L("This request expired before anyone decided it: the agent must ask again.")
	case errors.Is(err, ErrNotFound):
		return l.X("client.not_found", "Not found.")
	case errors.Is(err, ErrConflict):
		return withReason(l.L("This was changed or decided in the meantime: reload and try again."), err)
	case errors.Is(err, ErrChannelUnavailable):
		return withReason(l.L("This channel cannot be used for this account."), err)
	case errors.Is(err, ErrBadRequest):
		return withReason(l.L("The auth backend refused the request."), err)
	case errors.Is(err, ErrServer):
		return l.L("The auth backend had an internal error. Try again in a moment.")
	case errors.Is(err, ErrRedirect):
		return l.L("The auth backend sent the console to another address, which it does not follow. Check the backend address in Settings (https:// or another host?).")
	case errors.As(err, &ba):
		// The problem is the client's own words for the field and its value.
		return l.L("The auth backend sent an answer that cannot be right ({{.Problem}}), so the console does not show it.", i18n.M{"Problem": ba.Problem})
	case errors.Is(err, ErrBadResponse):
		return l.L("The auth backend sent an answer the console cannot read.")
	default:
		return l.X("client.something_wrong", "Something went wrong. Try again.")
	}
}

func explainLocked(l *i18n.Localizer, err error, loc *time.Location) string {
	var ae *APIError
	if errors.As(err, &ae) {
		if s, ok := ae.Body.Details["until"].(string); ok {
			if t, perr := time.Parse(time.RFC3339, s); perr == nil {
				return l.L("Too many wrong codes: identity checks are locked until {{.Time}}.", i18n.M{"Time": clock(l, t, loc)})
			}
		}
	}
	return l.L("Too many wrong codes: start a new identity check later.")
}

// detailInt reads a number from the error body's details.
func detailInt(err error, key string) (int, bool) {
	var ae *APIError
	if !errors.As(err, &ae) {
		return 0, false
	}
	f, ok := ae.Body.Details[key].(float64)
	if !ok || f < 0 || f > 1e6 {
		return 0, false
	}
	return int(f), true
}

// clock shows t in loc as "14:05", or "14:05 on Mon 2 Jan" when t is not
// today (in l's language), rounded up to the minute so the time shown is
// never too early.
func clock(l *i18n.Localizer, t time.Time, loc *time.Location) string {
	u := t.In(loc)
	if u.Second() > 0 || u.Nanosecond() > 0 {
		u = u.Truncate(time.Minute).Add(time.Minute)
	}
	if sameDay(u, time.Now().In(loc)) {
		return i18n.Clock(u)
	}
	return l.X("client.time_on_day", "{{.Time}} on {{.Day}}", i18n.M{"Time": i18n.Clock(u), "Day": i18n.WeekdayDay(l.Language(), u)})
}

func explainRateLimit(l *i18n.Localizer, rl *RateLimitError, loc *time.Location) string {
	if rl.Until.IsZero() {
		if rl.sends {
			return l.L("Too many codes: wait before sending another.")
		}
		return l.X("client.too_many_requests", "Too many requests: try again later.")
	}
	if rl.sends {
		return l.L("Too many codes: the next one can be sent at {{.Time}}.", i18n.M{"Time": clock(l, rl.Until, loc)})
	}
	return l.L("Too many requests: try again at {{.Time}}.", i18n.M{"Time": clock(l, rl.Until, loc)})
}

// withReason appends the backend's message when the error carries one, so the
// agent sees e.g. why a channel was refused.
func withReason(base string, err error) string {
	var ae *APIError
	if !errors.As(err, &ae) {
		return base
	}
	msg := cleanMessage(ae.Body.Message)
	if msg == "" {
		return base
	}
	return base + " " + msg
}

// cleanMessage makes a backend message safe to show: printable characters only,
// one line, at most 160 runes, ending with a full stop.
func cleanMessage(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n >= 160 {
			b.WriteString("…")
			break
		}
		switch {
		case unicode.IsSpace(r):
			r = ' '
		case !unicode.IsPrint(r):
			continue
		}
		b.WriteRune(r)
		n++
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	if out == "" {
		return ""
	}
	runes := []rune(out)
	runes[0] = unicode.ToUpper(runes[0])
	out = string(runes)
	if !strings.HasSuffix(out, ".") && !strings.HasSuffix(out, "…") {
		out += "."
	}
	return out
}

func sameDay(a, b time.Time) bool {
	y1, m1, d1 := a.Date()
	y2, m2, d2 := b.Date()
	return y1 == y2 && m1 == m2 && d1 == d2
}
