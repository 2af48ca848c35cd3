package screens

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
	"verifydesk/services/sso"
	"verifydesk/services/words"
)

// ssoAPI is the backend's side of single sign-on (services/client has it).
type ssoAPI interface {
	SignInMethods(ctx context.Context) (data.SignInMethods, error)
	SignInOIDC(ctx context.Context, idToken, nonce string) (data.Session, error)
}

// ssoWait is how long the sign-in in the browser may take.
const ssoWait = 5 * time.Minute

// askMethods asks the backend how agents sign in, and shows "Sign in with
// <provider>", the password form, or both. A backend that cannot say keeps
// the password form. UI thread.
func (s *signInScreen) askMethods() {
	sa, ok := s.api.(ssoAPI)
	if !ok {
		return
	}
	api := s.api
	var m data.SignInMethods
	newRunner(s.cfg).run(job{name: "sign-in methods", timeout: 10 * time.Second,
		wanted: func() bool { return s.api == api },
		work:   func(ctx context.Context) (err error) { m, err = sa.SignInMethods(ctx); return err },
		done: func(err error) {
			if err != nil {
				s.cfg.log().Warn("sign-in methods unknown: the password form stays", "error", err)
				if client.Unreachable(err) {
					// Ask again once the backend answers: a backend with
					// single sign-on only would leave no way in.
					newRunner(s.cfg).later(maxRetry, "sign-in methods retry", func() {
						if s.api == api && s.methods == nil {
							s.askMethods()
						}
					})
				}
				return
			}
			s.setMethods(m)
		},
	})
}

// setMethods shows the sign-in methods the backend offers. UI thread.
func (s *signInScreen) setMethods(m data.SignInMethods) {
	if o := m.OIDC; o != nil && !pinnedProvider(s.cfg, *o) {
		s.cfg.log().Warn("single sign-on not offered: not the provider the policy sets",
			"issuer", o.Issuer, "client_id", o.ClientID, "policy_issuer", s.cfg.SSOIssuer, "policy_client_id", s.cfg.SSOClientID)
		s.showStatus(i18n.L("This backend offers single sign-on at {{.Issuer}}, not at the provider your organisation set ({{.Pinned}}): ask IT.",
			i18n.M{"Issuer": words.Shown(o.Issuer, 80, false), "Pinned": words.Shown(s.cfg.SSOIssuer, 80, false)}), widget.WarningImportance)
		m.OIDC = nil
	}
	s.methods = &m
	if m.OIDC != nil {
		s.sso.SetText(i18n.L("Sign in with {{.Provider}}", i18n.M{"Provider": words.Shown(m.OIDC.ProviderName, 40, false)}))
	}
	password := m.Password || m.OIDC == nil
	// One primary button: single sign-on when the backend offers it.
	s.submit.Importance = widget.HighImportance
	if m.OIDC != nil {
		s.submit.Importance = widget.MediumImportance
	}
	s.submit.Refresh()
	showIf(s.sso, m.OIDC != nil)
	showIf(s.or, m.OIDC != nil && password)
	showIf(s.form, password)
	showIf(s.submit, password)
}

// onSSO signs in with the company's provider in the system browser, then
// exchanges its token at the backend. UI thread.
func (s *signInScreen) onSSO() {
	if s.methods == nil || s.methods.OIDC == nil || s.sso.Disabled() {
		return
	}
	sa, ok := s.api.(ssoAPI)
	if !ok {
		return
	}
	m := *s.methods.OIDC
	s.sso.Disable()
	s.submit.Disable()
	s.progress.Show()
	s.progress.Start()
	s.showStatus(i18n.L("Continue in your browser: sign in with {{.Provider}} there.", i18n.M{"Provider": words.Shown(m.ProviderName, 40, false)}), widget.MediumImportance)
	open := s.cfg.OpenURL
	var sess data.Session
	var res sso.Result
	given, giveUp := context.WithCancel(context.Background())
	s.ssoCancel = giveUp
	s.ssoCancelBtn.Show()
	newRunner(s.cfg).run(job{name: "single sign-on", timeout: ssoWait + 30*time.Second,
		work: func(ctx context.Context) (err error) {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			stop := context.AfterFunc(given, cancel)
			defer stop()
			res, err = sso.SignIn(ctx, sso.Config{Issuer: m.Issuer, ClientID: m.ClientID, Scopes: m.Scopes, Open: open, Wait: ssoWait})
			if err != nil {
				return err
			}
			sess, err = sa.SignInOIDC(ctx, res.IDToken, res.Nonce)
			return err
		},
		done: func(err error) {
			giveUp()
			s.ssoCancel = nil
			s.ssoCancelBtn.Hide()
			if err == nil {
				s.lastSSO = &ssoSession{name: m.ProviderName, logout: res.LogoutURL(m.ClientID)}
			}
			s.ssoDone(sess, err)
		},
	})
}

// ssoDone shows the outcome of a single sign-on. UI thread.
func (s *signInScreen) ssoDone(sess data.Session, err error) {
	s.progress.Stop()
	s.progress.Hide()
	s.sso.Enable()
	s.submit.Enable()
	if err != nil {
		s.showStatus(Explain(err), widget.DangerImportance)
		s.cfg.log().Info("single sign-on failed", "error", err)
		return
	}
	s.retryGen++ // a pending password retry is moot
	s.provLogout.Hide()
	s.onSignedIn(sess)
}

// ssoSession is what signing out of the provider needs.
type ssoSession struct {
	name   string
	logout string // the provider's logout address; "" when it has none
}

// offerProviderLogout offers, after the agent signed out of Verifydesk, to
// sign out of the provider too (RP-initiated logout), when the session was
// a single sign-on at a provider that supports it. UI thread.
func (s *signInScreen) offerProviderLogout() {
	last := s.lastSSO
	s.lastSSO = nil
	if last == nil || last.logout == "" {
		return
	}
	open := s.cfg.OpenURL
	if open == nil {
		open = sso.SystemBrowser
	}
	s.provLogout.SetText(i18n.L("Also sign out of {{.Provider}}", i18n.M{"Provider": words.Shown(last.name, 40, false)}))
	s.provLogout.OnTapped = handler("provider logout", func() {
		s.provLogout.Hide()
		newRunner(s.cfg).run(job{name: "provider logout", local: true,
			work: func(ctx context.Context) error { return open(ctx, last.logout) },
			done: func(err error) {
				if err != nil {
					s.showStatus(Explain(fmt.Errorf("%w: %w", sso.ErrNoBrowser, err)), widget.DangerImportance)
				}
			},
		})
	})
	s.provLogout.Show()
}

// pinnedProvider says whether o is the provider the organisation's policy
// sets, or whether the policy sets none.
func pinnedProvider(cfg Config, o data.OIDCMethod) bool {
	return (cfg.SSOIssuer == "" || strings.TrimSuffix(o.Issuer, "/") == strings.TrimSuffix(cfg.SSOIssuer, "/")) &&
		(cfg.SSOClientID == "" || o.ClientID == cfg.SSOClientID)
}
