package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"verifydesk/data"
)

// StartIdentityCheck sends a one-time code to a channel the real owner controls
// (data.ChannelAppPush or data.ChannelEmail). Never retried: a repeat would send
// a second code.
func (c *Client) StartIdentityCheck(ctx context.Context, accountID, channel string) (data.IdentityCheck, error) {
	var ic data.IdentityCheck
	if err := needIDs(accountID); err != nil {
		return ic, err
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("accounts", accountID, "identity-checks"),
		body: data.IdentityCheckRequest{Channel: channel}}, &ic)
	return ic, err
}

// VerifyIdentity checks the code the caller read back and returns the
// short-lived, single-use proof a sensitive action needs. A wrong code is ErrWrongCode while
// attempts remain, ErrLocked after the last one; an expired check is
// ErrIdentityRequired. Never retried (each try uses up an attempt); the code is
// never logged.
func (c *Client) VerifyIdentity(ctx context.Context, checkID, code string) (data.IdentityProof, error) {
	var p data.IdentityProof
	if err := needIDs(checkID); err != nil {
		return p, err
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("identity-checks", checkID, "verify"),
		body: data.VerifyRequest{Code: code}}, &p)
	if _, ok := detailInt(err, "attempts_left"); ok && errors.Is(err, ErrForbidden) && !errors.Is(err, ErrLocked) && !errors.Is(err, ErrWrongCode) {
		// Backends from before the wrong_code error code answer a wrong code
		// with 403 forbidden and the attempts left; the agent needs "wrong
		// code", not "not allowed".
		err = fmt.Errorf("%w: %w", ErrWrongCode, err)
	}
	return p, err
}

// DemoInbox is what the simulated customer received, codes included, newest
// first. It exists on a demo backend only (ErrNotFound otherwise) and is for
// training and tests: the console never shows codes to an agent.
func (c *Client) DemoInbox(ctx context.Context, accountID string) ([]data.DemoMessage, error) {
	if err := needIDs(accountID); err != nil {
		return nil, err
	}
	var in data.DemoInbox
	if err := c.do(ctx, call{method: http.MethodGet, path: path("demo", "inbox"),
		query: url.Values{"account_id": {accountID}}}, &in); err != nil {
		return nil, err
	}
	return nonNil(in.Messages), nil
}
