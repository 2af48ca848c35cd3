// Package ssotest starts a real OpenID Connect provider on loopback for tests
// (zitadel/oidc's op package with its example storage and login page), and
// plays the system browser against it: it follows the authorization URL,
// fills the provider's login form over HTTP and lets the provider redirect to
// the console's loopback listener.
package ssotest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/net/html"
	"golang.org/x/oauth2"
	"golang.org/x/text/language"
)

// ClientID is the native client every test provider registers for the console
// (redirect http://127.0.0.1/callback, any port, PKCE, no secret).
const ClientID = "verifydesk"

// OtherClientID is a second native client of the same provider: its tokens
// carry another audience.
const OtherClientID = "other-app"

// Group names the tests give users.
const (
	AgentGroup      = "verifydesk-agents"
	SupervisorGroup = "verifydesk-supervisors"
)

// User is someone who can sign in at the provider.
type User struct {
	ID, Username, Password, Name, Email string
	Groups                              []string
}

// Users every provider knows: an agent, a supervisor and someone in no
// Verifydesk group. Their password is "secret".
var (
	Agent      = User{ID: "u-agent", Username: "alex", Password: "secret", Name: "Alex Agent", Email: "alex@example.com", Groups: []string{"staff", AgentGroup}}
	Supervisor = User{ID: "u-super", Username: "sasha", Password: "secret", Name: "Sasha Supervisor", Email: "sasha@example.com", Groups: []string{AgentGroup, SupervisorGroup}}
	Outsider   = User{ID: "u-out", Username: "olly", Password: "secret", Name: "Olly Outsider", Email: "olly@example.com", Groups: []string{"staff"}}
)

var quietOnce sync.Once

// Provider is a running OpenID provider.
type Provider struct {
	Issuer string
	srv    *httptest.Server
}

// Start starts a provider on 127.0.0.1 that knows Agent, Supervisor and
// Outsider; it stops when the test ends.
func Start(t testing.TB) *Provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	users := userStore{}
	for _, u := range []User{Agent, Supervisor, Outsider} {
		users[u.ID] = u
	}
	clients := map[string]*storage.Client{
		ClientID:      storage.NativeClient(ClientID, "http://127.0.0.1/callback"),
		OtherClientID: storage.NativeClient(OtherClientID, "http://127.0.0.1/callback"),
	}
	quietOnce.Do(func() {
		// exampleop logs every request at Info to slog's default logger;
		// the tests keep its warnings and errors only.
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	})
	st := &groupStorage{Storage: storage.NewStorageWithClients(users, clients), users: users}
	router := exampleop.SetupServer(issuer, st, nil, false)
	srv := httptest.NewUnstartedServer(router)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return &Provider{Issuer: issuer, srv: srv}
}

// Stop stops the provider before the test ends (an unreachable provider).
func (p *Provider) Stop() { p.srv.Close() }

type userStore map[string]User

func (u userStore) user(x User) *storage.User {
	return &storage.User{ID: x.ID, Username: x.Username, Password: x.Password, FirstName: x.Name,
		Email: x.Email, EmailVerified: true, PreferredLanguage: language.English}
}

func (u userStore) GetUserByID(id string) *storage.User {
	x, ok := u[id]
	if !ok {
		return nil
	}
	return u.user(x)
}

func (u userStore) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return u.user(x)
		}
	}
	return nil
}

func (u userStore) ExampleClientID() string { return storage.ServiceUserID }

// groupStorage puts the user's name, username, email and groups into the ID
// token, as Entra ID, Okta, Google and Keycloak do when asked to.
type groupStorage struct {
	*storage.Storage
	users userStore
}

func (s *groupStorage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	u, ok := s.users[req.GetSubject()]
	if !ok {
		return errors.New("no such user")
	}
	info.Subject = u.ID
	info.Name = u.Name
	info.PreferredUsername = u.Username
	info.Email = u.Email
	info.AppendClaims("groups", u.Groups)
	return nil
}

// Browser plays the system browser for one user. Its Open is the URL opener
// the console is given.
type Browser struct {
	User User
	// AuthURL, when set, changes the authorization URL before it is followed
	// (a tampered nonce, another redirect port).
	AuthURL func(*url.URL)
	// Callback, when set, changes the provider's redirect to the console
	// before it is delivered (another state, a replayed code, another path).
	Callback func(*url.URL)

	mu        sync.Mutex
	callbacks []*url.URL
	page      string
	status    int
}

// Open follows authURL as a browser would and signs in at the provider's
// login page. It returns once the console's loopback listener answered (or
// the provider refused). The error says where it stopped.
func (b *Browser) Open(_ context.Context, authURL string) error {
	u, err := url.Parse(authURL)
	if err != nil {
		return err
	}
	if b.AuthURL != nil {
		b.AuthURL(u)
	}
	jar, _ := cookiejar.New(nil)
	provider := u.Host
	hc := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != provider {
			return http.ErrUseLastResponse // the redirect to the console: delivered below
		}
		if len(via) > 10 {
			return errors.New("too many redirects")
		}
		return nil
	}}
	resp, err := hc.Get(u.String())
	if err != nil {
		return err
	}
	for range 3 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
			next, err := resp.Request.URL.Parse(loc)
			if err != nil {
				return err
			}
			return b.deliver(hc, next)
		}
		form, err := loginForm(resp.Request.URL, body)
		if err != nil {
			return fmt.Errorf("provider page %s (%d): %w: %.200s", resp.Request.URL.Path, resp.StatusCode, err, body)
		}
		form.values.Set("username", b.User.Username)
		form.values.Set("password", b.User.Password)
		if resp, err = hc.PostForm(form.action.String(), form.values); err != nil {
			return err
		}
	}
	return errors.New("the provider showed its login page again")
}

func (b *Browser) deliver(hc *http.Client, to *url.URL) error {
	if b.Callback != nil {
		b.Callback(to)
	}
	b.mu.Lock()
	b.callbacks = append(b.callbacks, to)
	b.mu.Unlock()
	resp, err := hc.Get(to.String())
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	b.mu.Lock()
	b.page, b.status = string(body), resp.StatusCode
	b.mu.Unlock()
	return nil
}

// Callbacks are the redirects to the console the browser delivered, after
// Callback changed them.
func (b *Browser) Callbacks() []*url.URL {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*url.URL(nil), b.callbacks...)
}

// Page is the status and text of the last page the console's listener showed.
func (b *Browser) Page() (int, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.status, b.page
}

type form struct {
	action *url.URL
	values url.Values
}

// loginForm reads the first form of a page: where it posts and its inputs.
func loginForm(base *url.URL, page []byte) (form, error) {
	doc, err := html.Parse(strings.NewReader(string(page)))
	if err != nil {
		return form{}, err
	}
	var f form
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "form" && f.action == nil {
			f.action, f.values = base, url.Values{}
			for _, a := range n.Attr {
				if a.Key == "action" {
					if u, err := base.Parse(a.Val); err == nil {
						f.action = u
					}
				}
			}
		}
		if n.Type == html.ElementNode && n.Data == "input" && f.values != nil {
			var name, value string
			for _, a := range n.Attr {
				switch a.Key {
				case "name":
					name = a.Val
				case "value":
					value = a.Val
				}
			}
			if name != "" {
				f.values.Set(name, value)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if f.action == nil {
		return form{}, errors.New("no login form")
	}
	return f, nil
}

// IDToken signs user in at the provider for clientID with the given nonce
// (code flow with PKCE, as the console does) and returns the raw ID token
// and the code it was exchanged for. Backend tests use it to get tokens.
func (p *Provider) IDToken(ctx context.Context, user User, clientID, nonce string) (token, code string, err error) {
	got := make(chan url.Values, 1)
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case got <- r.URL.Query():
		default:
		}
		fmt.Fprintln(w, "ok")
	}))
	defer cb.Close()
	conf := p.OAuth2(clientID, cb.URL+"/callback")
	verifier := oauth2.GenerateVerifier()
	b := &Browser{User: user}
	if err := b.Open(ctx, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", nonce))); err != nil {
		return "", "", err
	}
	var q url.Values
	select {
	case q = <-got:
	default:
		return "", "", errors.New("the provider did not redirect back")
	}
	code = q.Get("code")
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return "", code, err
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", code, errors.New("no id_token in the token answer")
	}
	return raw, code, nil
}

// OAuth2 is the provider's endpoints for a client and redirect.
func (p *Provider) OAuth2(clientID, redirect string) *oauth2.Config {
	return &oauth2.Config{ClientID: clientID, RedirectURL: redirect, Scopes: []string{"openid", "profile", "email"},
		Endpoint: oauth2.Endpoint{AuthURL: p.Issuer + "/auth", TokenURL: p.Issuer + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams}}
}

// Player serves a browser player for user on loopback and returns a command
// to set as $BROWSER for a console run as its own process (the window walk):
// a bash script that hands the URL it is given to the player, which then
// signs in as user over HTTP, as Browser.Open does. Opened holds the
// authorization URLs the player was handed.
func (p *Provider) Player(t testing.TB, user User) (browser string, opened func() []string) {
	t.Helper()
	var mu sync.Mutex
	var urls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil || r.Method != http.MethodPost {
			http.Error(w, "POST the URL", http.StatusBadRequest)
			return
		}
		u := strings.TrimSpace(string(body))
		mu.Lock()
		urls = append(urls, u)
		mu.Unlock()
		// The console does not wait for its browser: nor does the script.
		go func() {
			b := &Browser{User: user}
			if err := b.Open(context.Background(), u); err != nil {
				slog.Warn("ssotest player", "error", err)
			}
		}()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	host, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	script := filepath.Join(t.TempDir(), "browser")
	// bash's /dev/tcp: no curl needed. The URL is ASCII, so ${#1} is its
	// length in bytes.
	text := "#!/usr/bin/env bash\nexec 3<>/dev/tcp/" + host + "/" + port + "\n" +
		`printf 'POST /open HTTP/1.0\r\nHost: ` + host + `\r\nContent-Length: %d\r\n\r\n%s' "${#1}" "$1" >&3` + "\n" +
		"cat <&3 >/dev/null\n"
	if err := os.WriteFile(script, []byte(text), 0o700); err != nil {
		t.Fatal(err)
	}
	return script, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), urls...)
	}
}

// ClosedURL is an http address on loopback where nothing listens: a provider
// that cannot be reached.
func ClosedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}
