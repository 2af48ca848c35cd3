package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"verifydesk/data"
)

// ErrSSORefused: the backend refused the provider's ID token (another issuer
// or audience, expired, nonce differs, already used), refused the person (in
// no Verifydesk group), has no single sign-on, or could not reach the
// provider. Explain quotes the backend's reason. Nothing was signed in.
var ErrSSORefused = errors.New("single sign-on refused")

// SignInMethods asks the backend how agents sign in: the password form, the
// company's single sign-on, or both. Asked before the sign-in screen.
func (c *Client) SignInMethods(ctx context.Context) (data.SignInMethods, error) {
	var m data.SignInMethods
	if err := c.do(ctx, call{method: http.MethodGet, path: "/v1/agent/sign-in-methods", session: true}, &m); err != nil {
		return data.SignInMethods{}, err
	}
	if m.OIDC != nil && (m.OIDC.Issuer == "" || m.OIDC.ClientID == "") {
		return data.SignInMethods{}, c.wrap(call{method: http.MethodGet, path: "/v1/agent/sign-in-methods"},
			&BadAnswerError{Problem: "single sign-on without an issuer or client id"})
	}
	return m, nil
}

// SignInOIDC exchanges the provider's ID token (and the nonce the console put
// in its sign-in request) for an agent session, and stores the session's
// token for later calls as SignIn does. A refusal is ErrSSORefused with the
// backend's reason; it is never retried.
func (c *Client) SignInOIDC(ctx context.Context, idToken, nonce string) (data.Session, error) {
	var s data.Session
	cl := call{method: http.MethodPost, path: "/v1/agent/sessions/oidc",
		body: data.OIDCSignInRequest{IDToken: idToken, Nonce: nonce}, session: true, sso: true}
	if err := c.do(ctx, cl, &s); err != nil {
		var ae *APIError
		if !errors.Is(err, ErrSSORefused) && errors.As(err, &ae) && (ae.Status == http.StatusForbidden ||
			ae.Status == http.StatusNotFound || ae.Body.Code == data.ErrCodeProviderUnavailable) {
			return data.Session{}, fmt.Errorf("%w: %w", ErrSSORefused, err)
		}
		return data.Session{}, err
	}
	if s.Token == "" {
		return data.Session{}, c.wrap(cl, fmt.Errorf("%w: session without token", ErrBadResponse))
	}
	c.SetToken(s.Token)
	return s, nil
}
