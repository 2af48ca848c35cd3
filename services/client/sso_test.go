package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"verifydesk/backend"
	"verifydesk/services/client"
	"verifydesk/services/sso/ssotest"
)

func TestSingleSignOnCalls(t *testing.T) {
	p := ssotest.Start(t)
	e := newEnv(t, func(c *backend.Config) {
		c.OIDC = &backend.OIDCConfig{Issuer: p.Issuer, ClientID: ssotest.ClientID, ProviderName: "Keycloak"}
	})
	c := client.New(e.url, client.Options{})
	m, err := c.SignInMethods(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Password || m.OIDC == nil || m.OIDC.ProviderName != "Keycloak" || m.OIDC.Issuer != p.Issuer {
		t.Fatalf("methods %+v", m)
	}
	tok, _, err := p.IDToken(context.Background(), ssotest.Supervisor, ssotest.ClientID, "n1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.SignInOIDC(ctx(t), tok, "n1")
	if err != nil {
		t.Fatal(err)
	}
	if s.Agent.Role != "supervisor" || s.Agent.Name != ssotest.Supervisor.Name {
		t.Errorf("session %+v", s.Agent)
	}
	// The session's token is the client's: the agent directory answers.
	if _, err := c.Agents(ctx(t)); err != nil {
		t.Errorf("agents after sign-in: %v", err)
	}

	// Refusals carry the backend's reason and sign nothing in.
	other := client.New(e.url, client.Options{})
	for _, tc := range []struct {
		user  ssotest.User
		nonce string
		says  string
	}{
		{ssotest.Outsider, "n2", "Single sign-on did not sign you in: You are in neither"},
		{ssotest.Agent, "wrong", "Single sign-on did not sign you in: The sign-in token was not issued for this sign-in"},
	} {
		tok, _, err := p.IDToken(context.Background(), tc.user, ssotest.ClientID, "n2")
		if err != nil {
			t.Fatal(err)
		}
		_, err = other.SignInOIDC(ctx(t), tok, tc.nonce)
		if !errors.Is(err, client.ErrSSORefused) || !strings.HasPrefix(client.Explain(err, nil), tc.says) {
			t.Errorf("%s: %v (%q)", tc.user.Username, err, client.Explain(err, nil))
		}
		if _, err := other.Me(ctx(t)); !errors.Is(err, client.ErrUnauthorized) {
			t.Errorf("%s: signed in after a refusal: %v", tc.user.Username, err)
		}
	}
}
