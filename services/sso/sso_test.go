package sso_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"verifydesk/backend"
	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/sso"
	"verifydesk/services/sso/ssotest"
)

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func config(p *ssotest.Provider, b *ssotest.Browser) sso.Config {
	return sso.Config{Issuer: p.Issuer, ClientID: ssotest.ClientID, Open: b.Open}
}

// console is a backend with single sign-on at p, and a client to it.
func console(t testing.TB, p *ssotest.Provider) *client.Client {
	srv := backendtest.New(t, func(c *backend.Config) {
		c.OIDC = &backend.OIDCConfig{Issuer: p.Issuer, ClientID: ssotest.ClientID, ProviderName: "Example"}
	})
	return client.New(srv.URL, client.Options{})
}

// signedIn asserts that nothing is signed in with c.
func notSignedIn(t *testing.T, c *client.Client) {
	t.Helper()
	if _, err := c.Me(testCtx(t)); !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("signed in after a refusal: %v", err)
	}
}

// TestSignInAsNativeApp runs the whole flow against the real provider and
// backend: a new agent and a supervisor by group get their session; someone
// in neither group is refused with the reason.
func TestSignInAsNativeApp(t *testing.T) {
	p := ssotest.Start(t)
	c := console(t, p)
	for _, tc := range []struct {
		user ssotest.User
		role string
	}{{ssotest.Agent, data.RoleAgent}, {ssotest.Supervisor, data.RoleSupervisor}} {
		var auth *url.URL
		b := &ssotest.Browser{User: tc.user, AuthURL: func(u *url.URL) { auth = u }}
		res, err := sso.SignIn(testCtx(t), config(p, b))
		if err != nil {
			t.Fatalf("%s: %v", tc.user.Username, err)
		}
		// RFC 8252: PKCE S256, a loopback redirect at a port of this sign-in,
		// a state and a nonce.
		q := auth.Query()
		redirect, _ := url.Parse(q.Get("redirect_uri"))
		if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("nonce") != res.Nonce ||
			redirect.Hostname() != "127.0.0.1" || redirect.Port() == "" || redirect.Path != sso.CallbackPath || q.Get("client_id") != ssotest.ClientID {
			t.Errorf("authorization request %s", auth)
		}
		if status, page := b.Page(); status != 200 || !strings.Contains(page, "Signed in. You can close this tab") {
			t.Errorf("the browser shows %d %q", status, page)
		}
		if lo, _ := url.Parse(res.LogoutURL(ssotest.ClientID)); lo == nil || !strings.HasPrefix(lo.String(), p.Issuer+"/") ||
			lo.Query().Get("id_token_hint") != res.IDToken {
			t.Errorf("logout address %q", res.LogoutURL(ssotest.ClientID))
		}
		if res.Subject != tc.user.ID || !res.Expiry.After(time.Now()) {
			t.Errorf("result %+v", res)
		}
		s, err := c.SignInOIDC(testCtx(t), res.IDToken, res.Nonce)
		if err != nil {
			t.Fatalf("%s: exchange: %v", tc.user.Username, err)
		}
		if s.Agent.Role != tc.role || s.Agent.Name != tc.user.Name || s.ExpiresAt.After(res.Expiry) {
			t.Errorf("%s: session %+v until %v (token until %v)", tc.user.Username, s.Agent, s.ExpiresAt, res.Expiry)
		}
		if _, err := c.Me(testCtx(t)); err != nil {
			t.Errorf("%s: not signed in: %v", tc.user.Username, err)
		}
		if err := c.SignOut(testCtx(t)); err != nil {
			t.Fatal(err)
		}
	}

	b := &ssotest.Browser{User: ssotest.Outsider}
	res, err := sso.SignIn(testCtx(t), config(p, b))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SignInOIDC(testCtx(t), res.IDToken, res.Nonce)
	if got := client.Explain(err, nil); !errors.Is(err, client.ErrSSORefused) ||
		!strings.Contains(got, `in neither the "verifydesk-agents" nor the "verifydesk-supervisors" group`) {
		t.Errorf("outsider: %v (%q)", err, got)
	}
	notSignedIn(t, c)

	// The ports differ from one sign-in to the next.
	ports := map[string]bool{}
	for range 3 {
		b := &ssotest.Browser{User: ssotest.Agent}
		if _, err := sso.SignIn(testCtx(t), config(p, b)); err != nil {
			t.Fatal(err)
		}
		ports[b.Callbacks()[0].Port()] = true
	}
	if len(ports) < 2 {
		t.Errorf("every sign-in on port %v", ports)
	}
}

func TestSignInRefusesBadAnswers(t *testing.T) {
	p := ssotest.Start(t)
	c := console(t, p)

	// A first sign-in's code, replayed into a second sign-in.
	first := &ssotest.Browser{User: ssotest.Agent}
	if _, err := sso.SignIn(testCtx(t), config(p, first)); err != nil {
		t.Fatal(err)
	}
	usedCode := first.Callbacks()[0].Query().Get("code")

	// A listener of another program on another port.
	var mu sync.Mutex
	var stolen []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		stolen = append(stolen, r.URL.Query().Get("code"))
		mu.Unlock()
	}))
	t.Cleanup(other.Close)

	for _, tc := range []struct {
		name     string
		auth     func(*url.URL)
		callback func(*url.URL)
		wait     time.Duration
		want     error
		says     string
		page     int
	}{
		{name: "state mismatch", callback: setQuery("state", "someone-elses"), want: sso.ErrState, says: "does not belong to this sign-in", page: 400},
		{name: "no state", callback: setQuery("state", ""), want: sso.ErrState, says: "its state differs", page: 400},
		{name: "nonce mismatch", auth: setQuery("nonce", "someone-elses"), want: sso.ErrNonce, says: "issued for another sign-in", page: 200},
		{name: "replayed code", callback: setQuery("code", usedCode), want: sso.ErrCode, says: "refused the sign-in code", page: 200},
		{name: "provider refuses", callback: func(u *url.URL) {
			q := u.Query()
			u.RawQuery = url.Values{"error": {"access_denied"}, "error_description": {"the user said no"}, "state": {q.Get("state")}}.Encode()
		}, want: sso.ErrRefused, says: "access_denied: the user said no", page: 400},
		{name: "another issuer in the redirect", callback: setQuery("iss", "https://evil.example"), want: sso.ErrRefused, says: "comes from another provider", page: 400},
		{name: "a path the console did not open", callback: func(u *url.URL) { u.Path = "/other" }, wait: 300 * time.Millisecond, want: sso.ErrNoAnswer, says: "no answer from the browser", page: 404},
		{name: "a port the console did not open", auth: func(u *url.URL) {
			q := u.Query()
			q.Set("redirect_uri", other.URL+sso.CallbackPath)
			u.RawQuery = q.Encode()
		}, wait: 300 * time.Millisecond, want: sso.ErrNoAnswer, says: "no answer from the browser", page: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &ssotest.Browser{User: ssotest.Agent, AuthURL: tc.auth, Callback: tc.callback}
			cfg := config(p, b)
			cfg.Wait = tc.wait
			res, err := sso.SignIn(testCtx(t), cfg)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %v, want %v saying %q", err, tc.want, tc.says)
			}
			if res.IDToken != "" {
				t.Errorf("a token after a refusal")
			}
			if status, page := b.Page(); status != tc.page {
				t.Errorf("the browser shows %d %q", status, page)
			}
			notSignedIn(t, c)
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if len(stolen) != 1 || stolen[0] == "" {
		t.Errorf("the other port got %q", stolen)
	}
}

func setQuery(key, value string) func(*url.URL) {
	return func(u *url.URL) {
		q := u.Query()
		if value == "" {
			q.Del(key)
		} else {
			q.Set(key, value)
		}
		u.RawQuery = q.Encode()
	}
}

func TestSignInProviderDownOrGarbage(t *testing.T) {
	closed := ssotest.ClosedURL(t)
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"issuer": 12, "authorization_endpoint": "\u0000`))
	}))
	t.Cleanup(garbage.Close)
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("<html>maintenance</html>"))
	}))
	t.Cleanup(html.Close)
	opened := false
	open := func(context.Context, string) error { opened = true; return nil }
	for _, tc := range []struct {
		issuer string
		want   error
	}{
		{closed, sso.ErrProviderUnreachable},
		{garbage.URL, sso.ErrProviderAnswer},
		{html.URL, sso.ErrProviderAnswer},
		{"http://example.com", sso.ErrProviderAnswer},
	} {
		_, err := sso.SignIn(testCtx(t), sso.Config{Issuer: tc.issuer, ClientID: ssotest.ClientID, Open: open})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.issuer, err, tc.want)
		}
	}
	if opened {
		t.Error("the browser was opened for a provider that does not work")
	}

	// The provider goes down while the agent is in the browser.
	p := ssotest.Start(t)
	b := &ssotest.Browser{User: ssotest.Agent, Callback: func(*url.URL) { p.Stop() }}
	_, err := sso.SignIn(testCtx(t), config(p, b))
	if !errors.Is(err, sso.ErrProviderUnreachable) {
		t.Errorf("provider down at the exchange: %v", err)
	}

	// A browser that cannot be opened.
	p = ssotest.Start(t)
	_, err = sso.SignIn(testCtx(t), sso.Config{Issuer: p.Issuer, ClientID: ssotest.ClientID,
		Open: func(context.Context, string) error { return errors.New("no display") }})
	if !errors.Is(err, sso.ErrNoBrowser) || !strings.Contains(err.Error(), "no display") {
		t.Errorf("no browser: %v", err)
	}
}

// BenchmarkSignIn measures a sign-in on loopback from its start to the
// agent's session: discovery, listener, browser and login form, code
// exchange, token verification, backend exchange.
func BenchmarkSignIn(b *testing.B) {
	p := ssotest.Start(b)
	c := console(b, p)
	br := &ssotest.Browser{User: ssotest.Supervisor}
	ctx := testCtx(b)
	for b.Loop() {
		res, err := sso.SignIn(ctx, config(p, br))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.SignInOIDC(ctx, res.IDToken, res.Nonce); err != nil {
			b.Fatal(err)
		}
	}
}

// The system browser is $BROWSER when set: here the player's script, as the
// window walk runs the console.
func TestSignInThroughBrowserEnv(t *testing.T) {
	p := ssotest.Start(t)
	browser, opened := p.Player(t, ssotest.Agent)
	t.Setenv("BROWSER", browser)
	res, err := sso.SignIn(testCtx(t), sso.Config{Issuer: p.Issuer, ClientID: ssotest.ClientID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Subject != ssotest.Agent.ID || len(opened()) != 1 {
		t.Errorf("result %+v, opened %q", res, opened())
	}
	t.Setenv("BROWSER", "/nonexistent/browser")
	if _, err := sso.SignIn(testCtx(t), sso.Config{Issuer: p.Issuer, ClientID: ssotest.ClientID}); !errors.Is(err, sso.ErrNoBrowser) {
		t.Errorf("a browser that does not exist: %v", err)
	}
}

// A provider whose token endpoint answers garbage (an HTML error page, or
// JSON that is not a token answer): the discovery document of a front that
// sends the browser to the real provider but the code to the garbage.
func TestSignInTokenEndpointGarbage(t *testing.T) {
	p := ssotest.Start(t)
	for _, tc := range []struct {
		name   string
		status int
		body   string
		says   string
	}{
		{"html 500", 500, "<html>Internal Server Error</html>", "its token endpoint answered 500"},
		{"not a token", 200, `{"hello": "world"`, "its token endpoint's answer cannot be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var front *httptest.Server
			front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/.well-known/openid-configuration":
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":%q,"token_endpoint":%q,"jwks_uri":%q}`,
						front.URL, p.Issuer+"/auth", front.URL+"/token", p.Issuer+"/keys")
				case "/token":
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(tc.status)
					_, _ = w.Write([]byte(tc.body))
				}
			}))
			t.Cleanup(front.Close)
			b := &ssotest.Browser{User: ssotest.Agent}
			_, err := sso.SignIn(testCtx(t), sso.Config{Issuer: front.URL, ClientID: ssotest.ClientID, Open: b.Open})
			if !errors.Is(err, sso.ErrProviderAnswer) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("%v, want %v saying %q", err, sso.ErrProviderAnswer, tc.says)
			}
		})
	}
}
