package ssotest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestProviderIssuesTokens(t *testing.T) {
	p := Start(t)
	tok, code, err := p.IDToken(context.Background(), Supervisor, ClientID, "n-1")
	if err != nil {
		t.Fatal(err)
	}
	if code == "" || strings.Count(tok, ".") != 2 {
		t.Fatalf("code %q token %q", code, tok)
	}
}

// The $BROWSER player signs in as a console run as its own process would
// have it: the script is handed the URL and returns at once.
func TestPlayerAsBrowserCommand(t *testing.T) {
	p := Start(t)
	browser, opened := p.Player(t, Agent)
	got := make(chan string, 1)
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.Query().Get("code")
	}))
	t.Cleanup(cb.Close)
	conf := p.OAuth2(ClientID, cb.URL+"/callback")
	auth := conf.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	if out, err := exec.Command(browser, auth).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v %s", browser, err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	select {
	case code := <-got:
		if code == "" {
			t.Error("no code")
		}
	case <-ctx.Done():
		t.Fatal("the player never reached the redirect")
	}
	if o := opened(); len(o) != 1 || o[0] != auth {
		t.Errorf("opened %q", o)
	}
}
