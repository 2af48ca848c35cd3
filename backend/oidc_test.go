package backend

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
	"verifydesk/services/sso/ssotest"
)

// ssoEnv is a backend with single sign-on at a real provider on loopback,
// its clock at the real time (the provider signs with the real time).
func ssoEnv(t *testing.T, p *ssotest.Provider, opts ...func(*OIDCConfig)) *env {
	t.Helper()
	oc := OIDCConfig{Issuer: p.Issuer, ClientID: ssotest.ClientID, ProviderName: "Example SSO"}
	for _, o := range opts {
		o(&oc)
	}
	e := newEnv(t, func(c *Config) { c.OIDC = &oc; c.Demo = false })
	e.clock.mu.Lock()
	e.clock.t = time.Now()
	e.clock.mu.Unlock()
	return e
}

func idToken(t *testing.T, p *ssotest.Provider, u ssotest.User, clientID, nonce string) string {
	t.Helper()
	tok, _, err := p.IDToken(context.Background(), u, clientID, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// refused checks that an exchange is refused with status and a message that
// says why, and that no session came with it.
func refused(t *testing.T, r resp, status int, says string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	e := r.apiErr(t)
	if !strings.Contains(e.Message, says) {
		t.Errorf("message %q does not say %q", e.Message, says)
	}
	if strings.Contains(string(r.Body), `"token"`) {
		t.Errorf("a refusal carries a token: %s", r.Body)
	}
}

func TestSignInMethodsAdvertised(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var m data.SignInMethods
	r := e.do("GET", "/v1/agent/sign-in-methods", "", nil)
	e.want(r, 200)
	r.decode(t, &m)
	if !m.Password || m.OIDC != nil {
		t.Errorf("without single sign-on: %+v", m)
	}

	p := ssotest.Start(t)
	e = newEnv(t, func(c *Config) {
		c.OIDC = &OIDCConfig{Issuer: p.Issuer, ClientID: "vd", ProviderName: "Okta"}
		c.PasswordSignInOff = true
	})
	r = e.do("GET", "/v1/agent/sign-in-methods", "", nil)
	e.want(r, 200)
	m = data.SignInMethods{}
	r.decode(t, &m)
	if m.Password || m.OIDC == nil || m.OIDC.Issuer != p.Issuer || m.OIDC.ClientID != "vd" || m.OIDC.ProviderName != "Okta" ||
		strings.Join(m.OIDC.Scopes, " ") != "openid profile email" {
		t.Errorf("with single sign-on only: %+v %+v", m, m.OIDC)
	}
	refused(t, e.do("POST", "/v1/agent/sessions", "", data.SignInRequest{Username: "ana", Password: "demo"}), 403, "password sign-in is turned off")
}

func TestSSOSignInGivesRoleFromGroups(t *testing.T) {
	t.Parallel()
	p := ssotest.Start(t)
	e := ssoEnv(t, p)
	for _, tc := range []struct {
		user ssotest.User
		role string
	}{{ssotest.Agent, data.RoleAgent}, {ssotest.Supervisor, data.RoleSupervisor}} {
		raw := idToken(t, p, tc.user, ssotest.ClientID, "nonce-"+tc.user.ID)
		claims, err := readTokenClaims(raw)
		if err != nil {
			t.Fatal(err)
		}
		r := e.do("POST", "/v1/agent/sessions/oidc", "", data.OIDCSignInRequest{IDToken: raw, Nonce: "nonce-" + tc.user.ID})
		e.want(r, 201)
		var s data.Session
		r.decode(t, &s)
		if s.Agent.Role != tc.role || s.Agent.Name != tc.user.Name || s.Agent.Username != tc.user.Username || !strings.HasPrefix(s.Agent.ID, "sso-") {
			t.Errorf("%s: session agent %+v", tc.user.Username, s.Agent)
		}
		// The session ends with the provider's token (1 hour here), never
		// later than 8 hours.
		if !s.ExpiresAt.Equal(time.Unix(claims.Expiry, 0)) {
			t.Errorf("%s: session ends %v, the token %v", tc.user.Username, s.ExpiresAt, time.Unix(claims.Expiry, 0))
		}
		r = e.do("GET", "/v1/agent/me", s.Token, nil)
		e.want(r, 200)
		var me data.Agent
		r.decode(t, &me)
		if me != s.Agent {
			t.Errorf("me %+v, session %+v", me, s.Agent)
		}
		// Signing in again gives the same agent.
		raw = idToken(t, p, tc.user, ssotest.ClientID, "again")
		r = e.do("POST", "/v1/agent/sessions/oidc", "", data.OIDCSignInRequest{IDToken: raw, Nonce: "again"})
		e.want(r, 201)
		var s2 data.Session
		r.decode(t, &s2)
		if s2.Agent.ID != s.Agent.ID || s2.Token == s.Token {
			t.Errorf("second sign-in: %+v after %+v", s2.Agent, s.Agent)
		}
	}
}

// ssoSignIn signs the agent in with single sign-on and returns the token.
func (e *env) ssoSignIn(t *testing.T, p *ssotest.Provider) string {
	t.Helper()
	raw := idToken(t, p, ssotest.Agent, ssotest.ClientID, "n")
	r := e.do("POST", "/v1/agent/sessions/oidc", "", data.OIDCSignInRequest{IDToken: raw, Nonce: "n"})
	e.want(r, 201)
	var s data.Session
	r.decode(t, &s)
	return s.Token
}

func TestSSOSessionEndsWithToken(t *testing.T) {
	t.Parallel()
	p := ssotest.Start(t)
	e := ssoEnv(t, p)
	tok := e.ssoSignIn(t, p)
	e.want(e.do("GET", "/v1/agent/me", tok, nil), 200)
	e.clock.Advance(59 * time.Minute)
	e.want(e.do("GET", "/v1/agent/me", tok, nil), 200)
	e.clock.Advance(2 * time.Minute)
	refused(t, e.do("GET", "/v1/agent/me", tok, nil), 401, "session expired")
}

func TestSSORefusesOutsiders(t *testing.T) {
	t.Parallel()
	p := ssotest.Start(t)
	e := ssoEnv(t, p)
	raw := idToken(t, p, ssotest.Outsider, ssotest.ClientID, "n")
	refused(t, e.do("POST", "/v1/agent/sessions/oidc", "", data.OIDCSignInRequest{IDToken: raw, Nonce: "n"}), 403,
		`you are in neither the "verifydesk-agents" nor the "verifydesk-supervisors" group`)

	// Group names and the claim are the backend's configuration.
	e = ssoEnv(t, p, func(c *OIDCConfig) { c.SupervisorGroup = "staff" })
	raw = idToken(t, p, ssotest.Outsider, ssotest.ClientID, "n")
	r := e.do("POST", "/v1/agent/sessions/oidc", "", data.OIDCSignInRequest{IDToken: raw, Nonce: "n"})
	e.want(r, 201)
	var s data.Session
	r.decode(t, &s)
	if s.Agent.Role != data.RoleSupervisor {
		t.Errorf("staff as supervisor group: %+v", s.Agent)
	}
	e = ssoEnv(t, p, func(c *OIDCConfig) { c.GroupsClaim = "roles" })
	raw = idToken(t, p, ssotest.Supervisor, ssotest.ClientID, "n")
	refused(t, e.do("POST", "/v1/agent/sessions/oidc", "", data.OIDCSignInRequest{IDToken: raw, Nonce: "n"}), 403, `carries no "roles" claim`)
}

func TestSSORefusesBadTokens(t *testing.T) {
	t.Parallel()
	p := ssotest.Start(t)
	other := ssotest.Start(t)
	e := ssoEnv(t, p)
	exchange := func(raw, nonce string) resp {
		return e.do("POST", "/v1/agent/sessions/oidc", "", data.OIDCSignInRequest{IDToken: raw, Nonce: nonce})
	}

	refused(t, exchange(idToken(t, other, ssotest.Agent, ssotest.ClientID, "n"), "n"), 401, "comes from another provider")
	refused(t, exchange(idToken(t, p, ssotest.Agent, ssotest.OtherClientID, "n"), "n"), 401, "issued to another application")
	refused(t, exchange(idToken(t, p, ssotest.Agent, ssotest.ClientID, "n"), "other"), 401, "nonce differs")
	refused(t, exchange(idToken(t, p, ssotest.Agent, ssotest.ClientID, ""), "n"), 401, "nonce differs")

	raw := idToken(t, p, ssotest.Agent, ssotest.ClientID, "n")
	parts := strings.Split(raw, ".")
	sig := []byte(parts[2])
	sig[10] ^= 1
	refused(t, exchange(parts[0]+"."+parts[1]+"."+string(sig), "n"), 401, "signature does not match")
	refused(t, exchange("garbage", "n"), 401, "not a token from the provider")
	refused(t, exchange("a.b.c", "n"), 401, "not a token from the provider")
	refused(t, exchange("", "n"), 400, "id_token and nonce are required")

	// A token is exchanged once.
	e.want(exchange(raw, "n"), 201)
	refused(t, exchange(raw, "n"), 401, "already used")

	// An expired token.
	raw = idToken(t, p, ssotest.Agent, ssotest.ClientID, "n")
	e.clock.Advance(61 * time.Minute)
	refused(t, exchange(raw, "n"), 401, "your sign-in has expired")

	// Nothing was signed in by the refusals: one sign-in session only.
	var n int
	if err := e.s.db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucketSessions).Stats().KeyN; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d sessions after one sign-in and the refusals", n)
	}
}

func TestSSOProviderDownOrGarbage(t *testing.T) {
	t.Parallel()
	closed := ssotest.ClosedURL(t)
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>503 upstream sad</html>"))
	}))
	t.Cleanup(garbage.Close)
	p := ssotest.Start(t)
	raw := idToken(t, p, ssotest.Agent, ssotest.ClientID, "n")
	for _, issuer := range []string{closed, garbage.URL} {
		e := newEnv(t, func(c *Config) { c.OIDC = &OIDCConfig{Issuer: issuer, ClientID: ssotest.ClientID} })
		r := e.do("POST", "/v1/agent/sessions/oidc", "", data.OIDCSignInRequest{IDToken: raw, Nonce: "n"})
		refused(t, r, 502, "the sign-in provider "+issuer+" cannot be reached or did not answer as an OpenID provider")
		if r.apiErr(t).Code != data.ErrCodeProviderUnavailable {
			t.Errorf("code %s", r.Body)
		}
	}
	// The provider goes away after discovery: its keys cannot be fetched.
	p2 := ssotest.Start(t)
	e := ssoEnv(t, p2)
	e.ssoSignIn(t, p2)
	raw = idToken(t, p2, ssotest.Agent, ssotest.ClientID, "n")
	p2.Stop()
	// The keys are cached: a token signed with a known key still verifies.
	e.want(e.do("POST", "/v1/agent/sessions/oidc", "", data.OIDCSignInRequest{IDToken: raw, Nonce: "n"}), 201)
}

func FuzzReadTokenClaims(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4IiwiYXVkIjpbImEiLCJiIl0sImV4cCI6MX0.c2ln")
	f.Add("a.b.c")
	f.Add("...")
	f.Add("e30.e30.e30")
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := readTokenClaims(raw)
		if err != nil && (c.Issuer != "" || len(c.Audience) != 0) && strings.Count(raw, ".") != 2 {
			t.Errorf("claims from a token that is not one: %+v", c)
		}
		s := &Server{oidc: newOIDCState(OIDCConfig{Issuer: "https://i", ClientID: "c"}, time.Now), now: time.Now}
		if msg := s.explainToken(raw, errTest); msg == "" {
			t.Error("no explanation")
		}
	})
}

var errTest = &apiError{status: 401}
