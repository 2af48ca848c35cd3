package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"verifydesk/data"
)

// SignIn signs the agent in and stores the session's token for later calls.
// Wrong credentials give ErrBadCredentials (which is also ErrUnauthorized);
// sign-in is never retried.
func (c *Client) SignIn(ctx context.Context, username, password string) (data.Session, error) {
	var s data.Session
	cl := call{method: http.MethodPost, path: "/v1/agent/sessions",
		body: data.SignInRequest{Username: username, Password: password}, session: true}
	if err := c.do(ctx, cl, &s); err != nil {
		return data.Session{}, err
	}
	if s.Token == "" {
		return data.Session{}, c.wrap(cl, fmt.Errorf("%w: session without token", ErrBadResponse))
	}
	c.SetToken(s.Token)
	return s, nil
}

// SignOut ends the session that is current when it is called and forgets its
// token. The token is forgotten even when the call fails; a session that had
// already ended (401) counts as signed out. A sign-in that completes while
// SignOut is under way keeps its new token, which SignOut neither sends nor
// clears. Without a token SignOut does nothing.
func (c *Client) SignOut(ctx context.Context) error {
	tok := c.currentToken()
	if tok == "" {
		return nil
	}
	err := c.do(ctx, call{method: http.MethodDelete, path: "/v1/agent/sessions/current", session: true, token: tok}, nil)
	c.clearToken(tok)
	if errors.Is(err, ErrUnauthorized) {
		return nil
	}
	return err
}

// Me is the signed-in agent.
func (c *Client) Me(ctx context.Context) (data.Agent, error) {
	var a data.Agent
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/agent/me"}, &a)
	return a, err
}

// Agents is the agent directory: every agent's id, name and role, for showing
// agents by name. Any signed-in agent may read it.
func (c *Client) Agents(ctx context.Context) ([]data.AgentInfo, error) {
	var d data.AgentDirectory
	if err := c.do(ctx, call{method: http.MethodGet, path: "/v1/agents"}, &d); err != nil {
		return nil, err
	}
	return d.Agents, nil
}
