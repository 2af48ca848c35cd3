package client

import (
	"context"
	"net/http"

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
// short-lived proof sensitive actions need. Never retried (each try uses up an
// attempt); the code is never logged.
func (c *Client) VerifyIdentity(ctx context.Context, checkID, code string) (data.IdentityProof, error) {
	var p data.IdentityProof
	if err := needIDs(checkID); err != nil {
		return p, err
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("identity-checks", checkID, "verify"),
		body: data.VerifyRequest{Code: code}}, &p)
	return p, err
}
