// Package sso is the console's side of single sign-on with the company's
// OpenID Connect provider, as a native app (RFC 8252): the authorization code
// flow with PKCE (S256) in the system browser, the redirect received on
// 127.0.0.1 at a port picked for that sign-in, state and nonce checked. The
// ID token it returns goes to the backend, which checks it again and gives
// the agent session (client.SignInOIDC). Nothing is typed into the console.
package sso

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"verifydesk/services/i18n"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// CallbackPath is the path of the loopback redirect; register
// http://127.0.0.1/callback (any port) at the provider.
const CallbackPath = "/callback"

// Errors of a sign-in. Each says what went wrong in words an agent can act
// on; nothing is signed in after any of them.
var (
	// ErrProviderUnreachable: the provider's discovery document could not be
	// fetched (network, DNS, refused).
	ErrProviderUnreachable = errors.New("the sign-in provider cannot be reached")
	// ErrProviderAnswer: the provider answered, but not as an OpenID provider
	// (not discovery JSON, another issuer, no token endpoint).
	ErrProviderAnswer = errors.New("the sign-in provider did not answer as an OpenID provider")
	// ErrNoBrowser: the system browser could not be opened.
	ErrNoBrowser = errors.New("the browser could not be opened")
	// ErrNoAnswer: the browser did not come back before the sign-in timed out.
	ErrNoAnswer = errors.New("no answer from the browser in time")
	// ErrState: the redirect's state is not this sign-in's (a stale tab or a
	// forged redirect).
	ErrState = errors.New("the answer from the browser does not belong to this sign-in (its state differs)")
	// ErrRefused: the provider refused the sign-in (error= in the redirect).
	ErrRefused = errors.New("the sign-in provider refused the sign-in")
	// ErrCode: the provider would not exchange the code (already used,
	// expired, PKCE verifier differs).
	ErrCode = errors.New("the sign-in provider refused the sign-in code (already used or expired)")
	// ErrToken: the provider's ID token did not verify (signature, issuer,
	// audience, expiry) or was missing.
	ErrToken = errors.New("the sign-in provider's token did not verify")
	// ErrNonce: the ID token was issued for another sign-in (nonce differs).
	ErrNonce = errors.New("the sign-in token was issued for another sign-in (its nonce differs)")
)

// Opener opens url in the system browser (or in a test's player).
type Opener func(ctx context.Context, url string) error

// Config is one sign-in.
type Config struct {
	Issuer   string
	ClientID string
	Scopes   []string // nil = openid profile email
	// Open opens the authorization URL; nil = the system browser
	// (SystemBrowser).
	Open Opener
	// HTTPClient talks to the provider; nil = a client with a 15 s timeout.
	HTTPClient *http.Client
	// Wait is how long the browser may take; zero = 5 minutes.
	Wait time.Duration
}

// Result is a signed-in person at the provider.
type Result struct {
	IDToken string    // raw, for the backend
	Nonce   string    // the nonce this sign-in sent, for the backend
	Expiry  time.Time // when the ID token ends
	Subject string
	// EndSession is the provider's RP-initiated logout endpoint (OpenID
	// Connect RP-Initiated Logout 1.0); "" when it has none.
	EndSession string
}

// LogoutURL is the address that signs the agent out at the provider too,
// "" when the provider offers no RP-initiated logout.
func (r Result) LogoutURL(clientID string) string {
	if r.EndSession == "" {
		return ""
	}
	u, err := url.Parse(r.EndSession)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	q := u.Query()
	q.Set("id_token_hint", r.IDToken)
	q.Set("client_id", clientID)
	u.RawQuery = q.Encode()
	return u.String()
}

// SignIn runs one sign-in: discovery, a loopback listener on 127.0.0.1 at a
// free port, the authorization URL opened in the browser, the redirect
// checked, the code exchanged with its PKCE verifier and the ID token
// verified, nonce included. It returns when the token is in hand, the wait is
// over or ctx ends.
func SignIn(ctx context.Context, cfg Config) (Result, error) {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	open := cfg.Open
	if open == nil {
		open = SystemBrowser
	}
	wait := cfg.Wait
	if wait <= 0 {
		wait = 5 * time.Minute
	}
	scopes := cfg.Scopes
	if len(scopes) == 0 {
		scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	}
	octx := oidc.ClientContext(ctx, hc)
	provider, err := discover(octx, cfg.Issuer)
	if err != nil {
		return Result{}, err
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Result{}, fmt.Errorf("the console cannot listen for the browser's answer on 127.0.0.1: %w", err)
	}
	host := ln.Addr().String()
	conf := &oauth2.Config{ClientID: cfg.ClientID, Endpoint: provider.Endpoint(), Scopes: scopes,
		RedirectURL: "http://" + host + CallbackPath}
	state, nonce, verifier := random(), random(), oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))

	answers := make(chan callbackResult, 1)
	srv := &http.Server{Handler: callbackHandler(host, cfg.Issuer, state, answers), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	if err := open(ctx, authURL); err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrNoBrowser, err)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var ans callbackResult
	select {
	case ans = <-answers:
	case <-timer.C:
		return Result{}, fmt.Errorf("%w (%s): sign in again", ErrNoAnswer, wait.Round(time.Second))
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	if ans.err != nil {
		return Result{}, ans.err
	}
	tok, err := conf.Exchange(octx, ans.code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		var ne net.Error
		switch {
		case errors.As(err, &re) && re.ErrorCode != "":
			return Result{}, fmt.Errorf("%w: %s", ErrCode, bounded(re.ErrorCode+" "+re.ErrorDescription))
		case errors.As(err, &re):
			return Result{}, fmt.Errorf("%w: its token endpoint answered %d", ErrProviderAnswer, re.Response.StatusCode)
		case errors.As(err, &ne):
			return Result{}, fmt.Errorf("%w: %s", ErrProviderUnreachable, bounded(err.Error()))
		}
		return Result{}, fmt.Errorf("%w: its token endpoint's answer cannot be read", ErrProviderAnswer)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Result{}, fmt.Errorf("%w: the answer carries no ID token", ErrToken)
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}).Verify(octx, raw)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %s", ErrToken, bounded(err.Error()))
	}
	if idt.Nonce != nonce {
		return Result{}, ErrNonce
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = provider.Claims(&meta)
	return Result{IDToken: raw, Nonce: nonce, Expiry: idt.Expiry, Subject: idt.Subject, EndSession: meta.EndSession}, nil
}

// discover reads the provider's discovery document, words its failures.
func discover(ctx context.Context, issuer string) (*oidc.Provider, error) {
	if !strings.HasPrefix(issuer, "https://") && !strings.HasPrefix(issuer, "http://127.0.0.1") && !strings.HasPrefix(issuer, "http://localhost") {
		return nil, fmt.Errorf("%w: the issuer %q is not an https:// address", ErrProviderAnswer, bounded(issuer))
	}
	p, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		var ne net.Error
		var oe *net.OpError
		if errors.As(err, &ne) || errors.As(err, &oe) {
			return nil, fmt.Errorf("%w at %s: %s", ErrProviderUnreachable, bounded(issuer), bounded(err.Error()))
		}
		return nil, fmt.Errorf("%w at %s: %s", ErrProviderAnswer, bounded(issuer), bounded(err.Error()))
	}
	if p.Endpoint().AuthURL == "" || p.Endpoint().TokenURL == "" {
		return nil, fmt.Errorf("%w at %s: no authorization or token endpoint", ErrProviderAnswer, bounded(issuer))
	}
	return p, nil
}

type callbackResult struct {
	code string
	err  error
}

// callbackHandler answers the browser's redirect on the loopback listener:
// only GET host/callback counts (another path is a 404 and the sign-in keeps
// waiting); the first redirect there ends the sign-in, right or wrong.
func callbackHandler(host, issuer, state string, answers chan<- callbackResult) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path != CallbackPath || r.Method != http.MethodGet || r.Host != host {
			// A DNS-rebound page or a stray request: not this sign-in.
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write(page("Not a Verifydesk sign-in address."))
			return
		}
		code, err := ParseCallback(r.URL.RawQuery, state, issuer)
		select {
		case answers <- callbackResult{code: code, err: err}:
		default:
			w.WriteHeader(http.StatusGone)
			_, _ = w.Write(page("This sign-in is already over. Return to Verifydesk."))
			return
		}
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write(page("Verifydesk did not sign you in: " + err.Error() + ". Return to Verifydesk and sign in again."))
			return
		}
		_, _ = w.Write(page("Signed in. You can close this tab and return to Verifydesk."))
	})
}

func page(text string) []byte {
	return []byte("<!DOCTYPE html><html><head><title>Verifydesk</title></head><body><p>" + html.EscapeString(text) + "</p></body></html>\n")
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// bounded cuts outside text for messages: one line, at most 200 bytes.
func bounded(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if len(s) > 200 {
		n := 200
		for n > 0 && s[n]&0xc0 == 0x80 {
			n--
		}
		s = s[:n] + "…"
	}
	return s
}

// SystemBrowser opens url in the system browser: $BROWSER when set (as a
// command given the URL), else xdg-open, open (macOS) or the Windows shell.
// It does not wait for the browser to close.
func SystemBrowser(_ context.Context, url string) error {
	var cmd *exec.Cmd
	switch b := browserEnv(); {
	case b != "":
		cmd = exec.Command(b, url)
	case runtime.GOOS == "darwin":
		cmd = exec.Command("open", url)
	case runtime.GOOS == "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

// browserEnv is the first command of $BROWSER (a colon-separated list).
func browserEnv() string {
	b, _, _ := strings.Cut(os.Getenv("BROWSER"), string(os.PathListSeparator))
	return strings.TrimSpace(b)
}

// Explain words a sign-in error for the agent, in the agent's language; ""
// when err is not one of this package's (a backend error: the client
// explains those).
func Explain(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrProviderUnreachable):
		return i18n.L("Cannot reach the sign-in provider. Check the network; if it persists, ask IT whether the provider is down.")
	case errors.Is(err, ErrProviderAnswer):
		return i18n.L("The sign-in provider did not answer as an OpenID provider. Ask IT to check the backend's single sign-on settings.")
	case errors.Is(err, ErrNoBrowser):
		return i18n.L("The browser could not be opened for the sign-in. Set a default browser (or BROWSER) and try again.")
	case errors.Is(err, ErrNoAnswer):
		return i18n.L("The sign-in in the browser did not finish in time. Sign in again.")
	case errors.Is(err, ErrState), errors.Is(err, ErrNonce), errors.Is(err, ErrCode), errors.Is(err, ErrToken), errors.Is(err, ErrRefused):
		// The provider's or the check's own words, as they came.
		return i18n.L("Single sign-on did not sign you in: {{.Why}}. Sign in again.", i18n.M{"Why": bounded(err.Error())})
	}
	return ""
}
