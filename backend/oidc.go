package backend

import (
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// OIDCConfig is the company's OpenID Connect provider agents sign in with.
// The backend advertises Issuer, ClientID and ProviderName to the console and
// checks the ID tokens the console brings against them.
type OIDCConfig struct {
	Issuer       string // e.g. https://login.example.com/realms/support
	ClientID     string // the console's public (native) client id: the tokens' audience
	ProviderName string // shown as "Sign in with <ProviderName>"; "" = "single sign-on"
	// GroupsClaim is the ID token claim listing the user's groups; "" =
	// "groups". Its value is a list of strings (or one string).
	GroupsClaim string
	// SupervisorGroup and AgentGroup are the group names (or ids, for Entra
	// ID) that make a supervisor and an agent; "" = verifydesk-supervisors and
	// verifydesk-agents. Someone in neither is refused.
	SupervisorGroup, AgentGroup string
	// HTTPClient fetches the provider's discovery document and keys; nil = a
	// client with a 10 s timeout.
	HTTPClient *http.Client
}

// Defaults of OIDCConfig.
const (
	DefaultGroupsClaim     = "groups"
	DefaultSupervisorGroup = "verifydesk-supervisors"
	DefaultAgentGroup      = "verifydesk-agents"
)

// Scopes the console asks the provider for.
var oidcScopes = []string{"openid", "profile", "email"}

func (c OIDCConfig) withDefaults() OIDCConfig {
	if c.ProviderName == "" {
		c.ProviderName = "single sign-on"
	}
	if c.GroupsClaim == "" {
		c.GroupsClaim = DefaultGroupsClaim
	}
	if c.SupervisorGroup == "" {
		c.SupervisorGroup = DefaultSupervisorGroup
	}
	if c.AgentGroup == "" {
		c.AgentGroup = DefaultAgentGroup
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return c
}

// oidcState is the backend's side of single sign-on: the provider, found on
// the first sign-in (so the backend starts while the provider is down), and
// the ID tokens already exchanged, refused if they come again.
type oidcState struct {
	cfg OIDCConfig
	now func() time.Time

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	used     map[[32]byte]time.Time // sha256 of an exchanged token -> its expiry
}

func newOIDCState(cfg OIDCConfig, now func() time.Time) *oidcState {
	return &oidcState{cfg: cfg.withDefaults(), now: now, used: map[[32]byte]time.Time{}}
}

// tokenVerifier is the provider's ID token verifier, after discovery.
func (o *oidcState) tokenVerifier(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	v := o.verifier
	o.mu.Unlock()
	if v != nil {
		return v, nil
	}
	ctx = oidc.ClientContext(ctx, o.cfg.HTTPClient)
	p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
	if err != nil {
		return nil, errf(http.StatusBadGateway, data.ErrCodeProviderUnavailable,
			"the sign-in provider %s cannot be reached or did not answer as an OpenID provider: %s", o.cfg.Issuer, truncate(err.Error(), 200))
	}
	// The provider's key set lives as long as the backend with the client
	// it was discovered with, and the verifier takes the signing algorithms
	// the provider advertises.
	v = p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID, Now: o.now})
	o.mu.Lock()
	o.verifier = v
	o.mu.Unlock()
	return v, nil
}

// firstUse records the token as exchanged; false if it was already.
func (o *oidcState) firstUse(raw string, expires time.Time) bool {
	k := sha256.Sum256([]byte(raw))
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	for h, exp := range o.used {
		if now.After(exp) {
			delete(o.used, h)
		}
	}
	if _, ok := o.used[k]; ok {
		return false
	}
	o.used[k] = expires
	return true
}

func (s *Server) signInMethods(c *call) (any, error) {
	m := data.SignInMethods{Password: !s.cfg.PasswordSignInOff}
	if s.oidc != nil {
		m.OIDC = &data.OIDCMethod{Issuer: s.oidc.cfg.Issuer, ClientID: s.oidc.cfg.ClientID,
			ProviderName: s.oidc.cfg.ProviderName, Scopes: oidcScopes}
	}
	return m, nil
}

// ssoClaims are the ID token claims the backend reads.
type ssoClaims struct {
	Subject           string `json:"sub"`
	Name              string `json:"name"`
	PreferredUsername string `json:"preferred_username"`
	Email             string `json:"email"`
}

// signInOIDC exchanges the provider's ID token for an agent session: the
// same session a password sign-in gives, ending when the token does (at
// most 8 hours).
func (s *Server) signInOIDC(c *call) (any, error) {
	act := c.audit("sign_in", "")
	act.Detail = "single sign-on"
	if s.oidc == nil {
		return nil, notFound("single sign-on on this backend")
	}
	var req data.OIDCSignInRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.IDToken == "" || req.Nonce == "" {
		return nil, badRequest("id_token and nonce are required")
	}
	v, err := s.oidc.tokenVerifier(c.r.Context())
	if err != nil {
		return nil, err
	}
	tok, err := v.Verify(c.r.Context(), req.IDToken)
	if err != nil {
		if isFetchError(err) {
			return nil, errf(http.StatusBadGateway, data.ErrCodeProviderUnavailable,
				"the sign-in provider's keys cannot be fetched: %s", truncate(err.Error(), 200))
		}
		return nil, errf(http.StatusUnauthorized, data.ErrCodeUnauthorized, "%s", s.explainToken(req.IDToken, err))
	}
	if subtle.ConstantTimeCompare([]byte(tok.Nonce), []byte(req.Nonce)) != 1 {
		return nil, errf(http.StatusUnauthorized, data.ErrCodeUnauthorized,
			"the sign-in token was not issued for this sign-in (its nonce differs): sign in again")
	}
	var cl ssoClaims
	var all map[string]any
	if err := tok.Claims(&cl); err != nil {
		return nil, errf(http.StatusUnauthorized, data.ErrCodeUnauthorized, "the sign-in token's claims cannot be read")
	}
	_ = tok.Claims(&all)
	act.Detail = "single sign-on, subject " + truncate(cl.Subject, 64)
	role, why := s.roleFor(all[s.oidc.cfg.GroupsClaim])
	if role == "" {
		return nil, forbidden("%s", why)
	}
	if !s.oidc.firstUse(req.IDToken, tok.Expiry) {
		return nil, errf(http.StatusUnauthorized, data.ErrCodeUnauthorized,
			"this sign-in token was already used: sign in again")
	}
	agent := data.Agent{ID: ssoAgentID(tok.Issuer, cl.Subject), Name: cl.Name, Role: role,
		Username: cmp.Or(cl.PreferredUsername, cl.Email, cl.Subject)}
	if agent.Name == "" {
		agent.Name = agent.Username
	}
	agent.Name, agent.Username = truncate(agent.Name, 200), truncate(agent.Username, 200)
	if err := s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketAgents), []byte(agent.ID), agentRec{Agent: agent})
	}); err != nil {
		return nil, err
	}
	c.agent = agent
	return s.newSession(c, agent, tok.Expiry)
}

// roleFor is the role a groups claim gives, or why it gives none.
func (s *Server) roleFor(claim any) (role, why string) {
	cfg := s.oidc.cfg
	var groups []string
	switch g := claim.(type) {
	case string:
		groups = []string{g}
	case []any:
		for _, x := range g {
			if str, ok := x.(string); ok {
				groups = append(groups, str)
			}
		}
	}
	switch {
	case slices.Contains(groups, cfg.SupervisorGroup):
		return data.RoleSupervisor, ""
	case slices.Contains(groups, cfg.AgentGroup):
		return data.RoleAgent, ""
	case claim == nil:
		return "", fmt.Sprintf("your sign-in carries no %q claim, so Verifydesk cannot tell your role: ask your administrator to send the groups claim to Verifydesk", cfg.GroupsClaim)
	}
	return "", fmt.Sprintf("you are in neither the %q nor the %q group: ask your administrator for access to Verifydesk", cfg.AgentGroup, cfg.SupervisorGroup)
}

// ssoAgentID is the agent id of a provider's user: stable across sign-ins,
// apart from password agents' ids.
func ssoAgentID(issuer, subject string) string {
	h := sha256.Sum256([]byte(issuer + "\x00" + subject))
	return "sso-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:10]))
}

func isFetchError(err error) bool {
	return strings.Contains(err.Error(), "fetching keys") || strings.Contains(err.Error(), "failed to verify signature: fetching")
}

// tokenClaims are the claims a refusal explains, read without verification.
type tokenClaims struct {
	Issuer   string   `json:"iss"`
	Audience audience `json:"aud"`
	Expiry   int64    `json:"exp"`
}

type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

// readTokenClaims reads a compact JWT's payload without checking it.
func readTokenClaims(raw string) (tokenClaims, error) {
	var c tokenClaims
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return c, errors.New("not a signed token")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal(payload, &c)
}

// explainToken says in the agent's words why an ID token was refused.
func (s *Server) explainToken(raw string, err error) string {
	var exp *oidc.TokenExpiredError
	if errors.As(err, &exp) {
		return "your sign-in has expired (the token ended " + exp.Expiry.UTC().Format(time.RFC3339) + "): sign in again"
	}
	c, perr := readTokenClaims(raw)
	switch {
	case perr != nil:
		return "the sign-in token is not a token from the provider: sign in again"
	case c.Issuer != s.oidc.cfg.Issuer:
		return fmt.Sprintf("the sign-in token comes from another provider (%s), not %s", truncate(c.Issuer, 100), s.oidc.cfg.Issuer)
	case !slices.Contains(c.Audience, s.oidc.cfg.ClientID):
		return "the sign-in token was issued to another application, not to Verifydesk (" + s.oidc.cfg.ClientID + ")"
	case c.Expiry != 0 && !s.now().Before(time.Unix(c.Expiry, 0)):
		return "your sign-in has expired: sign in again"
	}
	return "the sign-in token's signature does not match the provider's keys: sign in again"
}

// newSession writes a session for agent ending at expires or in 8 hours,
// whichever comes first, and answers it.
func (s *Server) newSession(c *call, agent data.Agent, expires time.Time) (any, error) {
	end := s.now().Add(sessionTTL)
	if !expires.IsZero() && expires.Before(end) {
		end = expires
	}
	token := randomToken(32)
	sess := data.Session{Token: token, ExpiresAt: end.UTC(), Agent: agent, Demo: s.cfg.Demo}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		// Drop expired sessions here, so the bucket never grows past the
		// sessions of the last 8 hours.
		var expired [][]byte
		_ = b.ForEach(func(k, v []byte) error {
			var old sessionRec
			if json.Unmarshal(v, &old) != nil || !s.now().Before(old.ExpiresAt) {
				expired = append(expired, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range expired {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return putJSON(b, tokenKey(token), sessionRec{AgentID: agent.ID, ExpiresAt: sess.ExpiresAt})
	}); err != nil {
		return nil, err
	}
	c.status = http.StatusCreated
	return sess, nil
}
