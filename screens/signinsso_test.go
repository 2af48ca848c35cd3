package screens

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"verifydesk/backend"
	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/sso/ssotest"
)

// ssoUI is the sign-in screen over a real backend with single sign-on at a
// real provider on loopback; the browser is a player signing in as user.
func ssoUI(t *testing.T, p *ssotest.Provider, b *ssotest.Browser, passwordOff bool) *UI {
	t.Helper()
	srv := backendtest.New(t, func(c *backend.Config) {
		c.OIDC = &backend.OIDCConfig{Issuer: p.Issuer, ClientID: ssotest.ClientID, ProviderName: "Example SSO"}
		c.PasswordSignInOff = passwordOff
	})
	u, _ := newTestUIFull(t, srv, func(a API) API { return a }, func(c *Config) { c.OpenURL = b.Open })
	return u
}

func TestSignInWithSSOShowsWorkspace(t *testing.T) {
	p := ssotest.Start(t)
	b := &ssotest.Browser{User: ssotest.Supervisor}
	u := ssoUI(t, p, b, false)
	s := u.signIn
	if !s.sso.Visible() || s.sso.Text != "Sign in with Example SSO" || !s.form.Visible() || !s.or.Visible() {
		t.Fatalf("sign-in methods not shown: sso %v %q, form %v", s.sso.Visible(), s.sso.Text, s.form.Visible())
	}
	test.Tap(s.sso)
	if u.work == nil {
		t.Fatalf("not signed in; screen says:\n%s", screenText(u.Content()))
	}
	if u.work.agent.Name != ssotest.Supervisor.Name || u.work.agent.Role != "supervisor" {
		t.Errorf("signed in as %+v", u.work.agent)
	}
	if st, page := b.Page(); st != 200 || !strings.Contains(page, "Signed in") {
		t.Errorf("the browser shows %d %q", st, page)
	}
}

func TestSignInSSOOnly(t *testing.T) {
	p := ssotest.Start(t)
	u := ssoUI(t, p, &ssotest.Browser{User: ssotest.Agent}, true)
	s := u.signIn
	if !s.sso.Visible() || s.form.Visible() || s.submit.Visible() || s.or.Visible() {
		t.Fatalf("password form shown while turned off: form %v submit %v", s.form.Visible(), s.submit.Visible())
	}
	test.Tap(s.sso)
	if u.work == nil || u.work.agent.Role != "agent" {
		t.Fatalf("not signed in; screen says:\n%s", screenText(u.Content()))
	}
}

func TestSignInSSORefusalsSaySo(t *testing.T) {
	p := ssotest.Start(t)
	for _, tc := range []struct {
		name    string
		browser *ssotest.Browser
		says    string
	}{
		{"outsider", &ssotest.Browser{User: ssotest.Outsider}, `Single sign-on did not sign you in: You are in neither the "verifydesk-agents" nor the "verifydesk-supervisors" group`},
		{"state", &ssotest.Browser{User: ssotest.Agent, Callback: func(u *url.URL) {
			q := u.Query()
			q.Set("state", "forged")
			u.RawQuery = q.Encode()
		}}, "Single sign-on did not sign you in: the answer from the browser does not belong to this sign-in"},
		{"nonce", &ssotest.Browser{User: ssotest.Agent, AuthURL: func(u *url.URL) {
			q := u.Query()
			q.Set("nonce", "forged")
			u.RawQuery = q.Encode()
		}}, "Single sign-on did not sign you in: the sign-in token was issued for another sign-in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := ssoUI(t, p, tc.browser, false)
			test.Tap(u.signIn.sso)
			if u.work != nil {
				t.Fatal("signed in")
			}
			if got := screenText(u.Content()); !strings.Contains(got, tc.says) {
				t.Errorf("screen lacks %q:\n%s", tc.says, got)
			}
			if u.signIn.sso.Disabled() {
				t.Error("the button stays disabled: no second try")
			}
		})
	}

	down := ssotest.Start(t)
	u := ssoUI(t, down, &ssotest.Browser{User: ssotest.Agent}, false)
	down.Stop()
	test.Tap(u.signIn.sso)
	if got := screenText(u.Content()); u.work != nil || !strings.Contains(got, "Cannot reach the sign-in provider") {
		t.Errorf("provider down:\n%s", got)
	}
}

func TestSignInMethodsAskedAgainWhenTheBackendAnswers(t *testing.T) {
	p := ssotest.Start(t)
	srv := backendtest.New(t, func(c *backend.Config) {
		c.OIDC = &backend.OIDCConfig{Issuer: p.Issuer, ClientID: ssotest.ClientID, ProviderName: "Example SSO"}
		c.PasswordSignInOff = true
	})
	ts := &timers{}
	var down atomic.Bool
	down.Store(true)
	u, _ := newTestUIFull(t, srv, func(a API) API { return &methodsDown{API: a, down: &down} },
		func(c *Config) { c.After = ts.after; c.OpenURL = (&ssotest.Browser{User: ssotest.Agent}).Open })
	if u.signIn.sso.Visible() {
		t.Fatal("single sign-on shown while the backend did not answer")
	}
	down.Store(false)
	ts.fire()
	if !u.signIn.sso.Visible() || u.signIn.form.Visible() {
		t.Fatalf("after the backend answered: sso %v, form %v", u.signIn.sso.Visible(), u.signIn.form.Visible())
	}
	test.Tap(u.signIn.sso)
	if u.work == nil {
		t.Fatalf("not signed in:\n%s", screenText(u.Content()))
	}
}

// methodsDown is the real client whose sign-in-methods call finds the
// backend away while down is set.
type methodsDown struct {
	API
	down *atomic.Bool
}

func (m *methodsDown) SignInMethods(ctx context.Context) (data.SignInMethods, error) {
	if m.down.Load() {
		return data.SignInMethods{}, fmt.Errorf("test: %w", client.ErrOffline)
	}
	return m.API.(ssoAPI).SignInMethods(ctx)
}

func (m *methodsDown) SignInOIDC(ctx context.Context, idToken, nonce string) (data.Session, error) {
	return m.API.(ssoAPI).SignInOIDC(ctx, idToken, nonce)
}

// BenchmarkSSOClickToWorkspace measures single sign-on on loopback from the
// click on "Sign in with …" to the workspace shown: discovery, the loopback
// listener, the browser (a player filling the provider's login form over
// HTTP), the code exchange, the token checked by the console and by the
// backend, and the workspace built.
func BenchmarkSSOClickToWorkspace(b *testing.B) {
	p := ssotest.Start(b)
	srv := backendtest.New(b, func(c *backend.Config) {
		c.OIDC = &backend.OIDCConfig{Issuer: p.Issuer, ClientID: ssotest.ClientID, ProviderName: "Example SSO"}
	})
	a := test.NewTempApp(b)
	w := a.NewWindow("Verifydesk")
	w.Resize(fyne.NewSize(1280, 800))
	u := NewUI(w, Config{Region: "US", Background: runNow, After: func(time.Duration, func()) {},
		OpenURL: (&ssotest.Browser{User: ssotest.Supervisor}).Open})
	w.SetContent(u.Content())
	u.SetBackend(client.New(srv.URL, client.Options{}), "bench")
	for b.Loop() {
		test.Tap(u.signIn.sso)
		if u.work == nil {
			b.Fatalf("not signed in:\n%s", screenText(u.Content()))
		}
		b.StopTimer()
		u.onSignOutRequested()
		b.StartTimer()
	}
}

func TestSignOutOffersProviderLogout(t *testing.T) {
	p := ssotest.Start(t)
	b := &ssotest.Browser{User: ssotest.Agent}
	var logout string
	var logoutPage string
	open := func(ctx context.Context, u string) error {
		if !strings.Contains(u, "end_session") {
			return b.Open(ctx, u)
		}
		logout = u
		res, err := http.Get(u)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		logoutPage = string(body)
		return nil
	}
	srv := backendtest.New(t, func(c *backend.Config) {
		c.OIDC = &backend.OIDCConfig{Issuer: p.Issuer, ClientID: ssotest.ClientID, ProviderName: "Example SSO"}
	})
	u, _ := newTestUIFull(t, srv, func(a API) API { return a }, func(c *Config) { c.OpenURL = open })
	test.Tap(u.signIn.sso)
	if u.work == nil {
		t.Fatalf("not signed in:\n%s", screenText(u.Content()))
	}
	u.onSignOutRequested()
	if !u.signIn.provLogout.Visible() || u.signIn.provLogout.Text != "Also sign out of Example SSO" {
		t.Fatalf("no provider logout offered:\n%s", screenText(u.Content()))
	}
	test.Tap(u.signIn.provLogout)
	q, _ := url.Parse(logout)
	if q == nil || q.Query().Get("id_token_hint") == "" || q.Query().Get("client_id") != ssotest.ClientID || !strings.HasPrefix(logout, p.Issuer) {
		t.Errorf("logout address %q", logout)
	}
	if !strings.Contains(logoutPage, "signed out successfully") {
		t.Errorf("the provider answered the logout with %q", logoutPage)
	}
	if u.signIn.provLogout.Visible() {
		t.Error("the logout button stays")
	}

	// A password sign-in afterwards offers no provider logout.
	u.SubmitSignIn()
	u.onSignOutRequested()
	if u.signIn.provLogout.Visible() {
		t.Error("provider logout offered after a password session")
	}
}

func TestSignInSSOCancelled(t *testing.T) {
	p := ssotest.Start(t)
	var u *UI
	var cancelShown bool
	// The agent closes the browser tab and presses Cancel in the console.
	open := func(context.Context, string) error {
		cancelShown = u.signIn.ssoCancelBtn.Visible()
		test.Tap(u.signIn.ssoCancelBtn)
		return nil
	}
	srv := backendtest.New(t, func(c *backend.Config) {
		c.OIDC = &backend.OIDCConfig{Issuer: p.Issuer, ClientID: ssotest.ClientID, ProviderName: "Example SSO"}
	})
	u, _ = newTestUIFull(t, srv, func(a API) API { return a }, func(c *Config) { c.OpenURL = open })
	test.Tap(u.signIn.sso)
	if !cancelShown {
		t.Error("no Cancel while the browser is open")
	}
	if got := screenText(u.Content()); u.work != nil || !strings.Contains(got, "Cancelled.") {
		t.Errorf("after Cancel:\n%s", got)
	}
	if u.signIn.ssoCancelBtn.Visible() || u.signIn.sso.Disabled() {
		t.Error("Cancel stays, or single sign-on cannot be tried again")
	}
}

// The organisation's policy pins the provider: a backend advertising another
// issuer (or client) is not followed; single sign-on is not offered and the
// screen says why. The pinned one is offered as usual.
func TestSignInSSOFollowsOnlyThePinnedProvider(t *testing.T) {
	p := ssotest.Start(t)
	b := &ssotest.Browser{User: ssotest.Agent}
	srv := backendtest.New(t, func(c *backend.Config) {
		c.OIDC = &backend.OIDCConfig{Issuer: p.Issuer, ClientID: ssotest.ClientID, ProviderName: "Example SSO"}
	})
	for _, c := range []struct {
		issuer, client string
		offered        bool
	}{
		{"https://login.example.com/realms/support", "", false},
		{p.Issuer, "another-client", false},
		{p.Issuer + "/", ssotest.ClientID, true},
	} {
		u, w := newTestUIFull(t, srv, func(a API) API { return a }, func(cfg *Config) {
			cfg.OpenURL, cfg.SSOIssuer, cfg.SSOClientID = b.Open, c.issuer, c.client
		})
		s := u.signIn
		if s.sso.Visible() != c.offered {
			t.Errorf("policy %s %q: single sign-on offered %v", c.issuer, c.client, s.sso.Visible())
		}
		if !c.offered && !strings.Contains(screenText(w.Content()), "not at the provider your organisation set") {
			t.Errorf("policy %s: the screen does not say why there is no single sign-on:\n%s", c.issuer, screenText(w.Content()))
		}
		if c.offered {
			test.Tap(s.sso)
			if u.work == nil {
				t.Errorf("the pinned provider did not sign in:\n%s", screenText(w.Content()))
			}
		}
	}
}
