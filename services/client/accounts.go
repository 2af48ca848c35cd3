package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"

	"verifydesk/data"
)

// AccountQuery is an exact account search; set one field. Phone is E.164 (the
// backend also tries the stored trunk-0 form).
type AccountQuery struct{ Phone, Email, ID string }

// SearchAccounts finds the accounts matching q exactly (usually zero or one).
// No match is an empty slice, not ErrNotFound.
func (c *Client) SearchAccounts(ctx context.Context, q AccountQuery) ([]data.Account, error) {
	v := url.Values{}
	if q.Phone != "" {
		v.Set("phone", q.Phone)
	}
	if q.Email != "" {
		v.Set("email", q.Email)
	}
	if q.ID != "" {
		v.Set("id", q.ID)
	}
	if len(v) == 0 {
		return nil, fmt.Errorf("%w: empty search", ErrBadRequest)
	}
	var l data.AccountList
	if err := c.do(ctx, call{method: http.MethodGet, path: path("accounts"), query: v}, &l); err != nil {
		return nil, err
	}
	return nonNil(l.Accounts), nil
}

// Account is one account's detail (phone and email masked).
func (c *Client) Account(ctx context.Context, id string) (data.Account, error) {
	var a data.Account
	if err := needIDs(id); err != nil {
		return a, err
	}
	err := c.do(ctx, call{method: http.MethodGet, path: path("accounts", id)}, &a)
	return a, err
}

// Reveal returns the full value of a masked field ("phone" or "email"). The
// backend requires a reason and audits the call. Not retried: every reveal is
// an audited act of its own.
func (c *Client) Reveal(ctx context.Context, accountID, field, reason string) (string, error) {
	if err := needIDs(accountID); err != nil {
		return "", err
	}
	var r data.RevealResult
	err := c.do(ctx, call{method: http.MethodPost, path: path("accounts", accountID, "reveal"),
		body: data.RevealRequest{Field: field, Reason: reason}}, &r)
	return r.Value, err
}

// Deliveries is every code and security notice sent to the account, newest
// first.
func (c *Client) Deliveries(ctx context.Context, accountID string) ([]data.Delivery, error) {
	if err := needIDs(accountID); err != nil {
		return nil, err
	}
	var l data.DeliveryList
	if err := c.do(ctx, call{method: http.MethodGet, path: path("accounts", accountID, "deliveries")}, &l); err != nil {
		return nil, err
	}
	return nonNil(l.Deliveries), nil
}

// NewIdempotencyKey returns a fresh key (a random UUID) for Resend and
// RequestApproval. Make one per agent intent (one click), not per attempt:
// the same key on a repeat returns the first result and does nothing again.
func NewIdempotencyKey() string { return uuid.NewString() }

// Resend sends a new code. The idempotency key makes it safe to retry: a
// repeated key returns the first result and sends nothing (Replayed is true,
// from the backend's Idempotent-Replayed header, when an earlier call with the
// key sent the code; a retry inside this call after a lost answer is this
// call's own send and leaves it false), so
// make one key per agent intent with NewIdempotencyKey and reuse it when the
// agent repeats the same attempt. An empty key gets a fresh one for this call
// only (the backend requires a key). Over the send limits the error is a
// *RateLimitError saying when the next code can go; a channel that cannot work
// is ErrChannelUnavailable.
func (c *Client) Resend(ctx context.Context, accountID string, req data.ResendRequest, idempotencyKey string) (data.ResendResult, error) {
	var r data.ResendResult
	if err := needIDs(accountID); err != nil {
		return r, err
	}
	fresh := idempotencyKey == ""
	if fresh {
		idempotencyKey = NewIdempotencyKey()
	}
	var replayed bool
	err := c.do(ctx, call{method: http.MethodPost, path: path("accounts", accountID, "codes"), body: req,
		header:     map[string]string{data.HeaderIdempotencyKey: idempotencyKey},
		repeatable: true, freshKey: fresh, sends: true, replayed: &replayed}, &r)
	// Backends from before the header said it in the body.
	r.Replayed = r.Replayed || replayed
	return r, err
}

// RateLimits is the send-limit state of the account's destinations.
func (c *Client) RateLimits(ctx context.Context, accountID string) (data.RateLimits, error) {
	var r data.RateLimits
	if err := needIDs(accountID); err != nil {
		return r, err
	}
	err := c.do(ctx, call{method: http.MethodGet, path: path("accounts", accountID, "rate-limits")}, &r)
	return r, err
}

// TrustedDevices lists the account's trusted devices.
func (c *Client) TrustedDevices(ctx context.Context, accountID string) ([]data.TrustedDevice, error) {
	if err := needIDs(accountID); err != nil {
		return nil, err
	}
	var l data.TrustedDeviceList
	if err := c.do(ctx, call{method: http.MethodGet, path: path("accounts", accountID, "trusted-devices")}, &l); err != nil {
		return nil, err
	}
	return nonNil(l.Devices), nil
}

// ActionAuth authorises a sensitive action: the proof of a passed identity
// check, or the id of an approved approval. Without either the backend answers
// ErrIdentityRequired. A proof is good for one action: the backend uses it up
// when the action runs (a refused action leaves it usable), so a second action
// needs a new identity check.
type ActionAuth struct{ Proof, ApprovalID string }

func (a ActionAuth) header() map[string]string {
	h := map[string]string{}
	if a.Proof != "" {
		h[data.HeaderIdentityProof] = a.Proof
	}
	if a.ApprovalID != "" {
		h[data.HeaderApprovalID] = a.ApprovalID
	}
	return h
}

// RemoveDevice removes a trusted device and logs it out. Never retried.
func (c *Client) RemoveDevice(ctx context.Context, accountID, deviceID string, auth ActionAuth) (data.ActionResult, error) {
	var r data.ActionResult
	if err := needIDs(accountID, deviceID); err != nil {
		return r, err
	}
	err := c.do(ctx, call{method: http.MethodDelete, path: path("accounts", accountID, "trusted-devices", deviceID),
		header: auth.header()}, &r)
	return r, err
}

// Disable2FA turns two-step verification off for the account (the turn-2FA-off
// action, data.ActionDisable2FA). Never retried.
func (c *Client) Disable2FA(ctx context.Context, accountID string, auth ActionAuth) (data.ActionResult, error) {
	var r data.ActionResult
	if err := needIDs(accountID); err != nil {
		return r, err
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("accounts", accountID, "two-factor", "disable"),
		header: auth.header()}, &r)
	return r, err
}

// ChangeContact replaces the account's phone (E.164) or email: set exactly one
// in change. The new value is unverified until the customer confirms it. Never
// retried.
func (c *Client) ChangeContact(ctx context.Context, accountID string, change data.ContactChange, auth ActionAuth) (data.ActionResult, error) {
	var r data.ActionResult
	if err := needIDs(accountID); err != nil {
		return r, err
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("accounts", accountID, "contact"),
		body: change, header: auth.header()}, &r)
	return r, err
}

// RevokeSessions logs the account out everywhere. Never retried.
func (c *Client) RevokeSessions(ctx context.Context, accountID string, auth ActionAuth) (data.ActionResult, error) {
	var r data.ActionResult
	if err := needIDs(accountID); err != nil {
		return r, err
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("accounts", accountID, "sessions", "revoke"),
		header: auth.header()}, &r)
	return r, err
}

// LoginActivity is one page of login events, newest first. cursor is "" for
// the first page, then the previous page's NextCursor; limit <= 0 lets the
// backend choose.
func (c *Client) LoginActivity(ctx context.Context, accountID, cursor string, limit int) (data.LoginActivityPage, error) {
	var p data.LoginActivityPage
	if err := needIDs(accountID); err != nil {
		return p, err
	}
	v := url.Values{}
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	err := c.do(ctx, call{method: http.MethodGet, path: path("accounts", accountID, "login-activity"), query: v}, &p)
	p.Events = nonNil(p.Events)
	return p, err
}

// maxPages guards AllLoginActivity against a backend whose cursors never end.
const maxPages = 10000

// AllLoginActivity follows the cursors and returns up to max events (max <= 0:
// all), newest first. On an error it returns the events read so far with it.
func (c *Client) AllLoginActivity(ctx context.Context, accountID string, max int) ([]data.LoginEvent, error) {
	out := []data.LoginEvent{}
	cursor := ""
	seen := map[string]bool{}
	for range maxPages {
		limit := 0
		if max > 0 {
			limit = min(max-len(out), 500)
		}
		p, err := c.LoginActivity(ctx, accountID, cursor, limit)
		if err != nil {
			return out, err
		}
		out = append(out, p.Events...)
		if max > 0 && len(out) >= max {
			return out[:max], nil
		}
		if p.NextCursor == "" {
			return out, nil
		}
		if seen[p.NextCursor] || len(p.Events) == 0 {
			return out, fmt.Errorf("login activity: %w: cursor does not advance", ErrBadResponse)
		}
		seen[p.NextCursor] = true
		cursor = p.NextCursor
	}
	return out, fmt.Errorf("login activity: %w: more than %d pages", ErrBadResponse, maxPages)
}

// nonNil gives screens an empty slice rather than nil for "none".
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
