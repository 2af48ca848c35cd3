package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"verifydesk/data"
)

// elsewhere is a second server, another origin (another port of 127.0.0.1):
// it records everything that reaches it.
type elsewhere struct {
	*counted
	mu     sync.Mutex
	bodies []string
	auth   []string
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.counted = newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.bodies = append(e.bodies, string(b))
		e.auth = append(e.auth, r.Header.Get("Authorization"))
		e.mu.Unlock()
		writeJSON(w, http.StatusOK, data.Session{Token: "stolen", Agent: data.Agent{ID: "ag_x"}})
	})
	return e
}

// redirecting answers every request with status and a Location of to+path.
func redirecting(t *testing.T, status int, to string) *counted {
	return newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", to+r.URL.Path)
		w.WriteHeader(status)
	})
}

// TestSignInRedirectToAnotherHostSendsNoPassword is issue 21 point 1: a 307
// from POST /v1/agent/sessions to another host must not carry the password
// there, and the agent is told in words.
func TestSignInRedirectToAnotherHostSendsNoPassword(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		other := newElsewhere(t)
		srv := redirecting(t, status, other.URL)
		c := New(srv.URL, fastOptions())
		_, err := c.SignIn(context.Background(), "ana", "demo")
		if n := other.hits.Load(); n != 0 {
			t.Errorf("%d: the other host received %d requests: %q", status, n, other.bodies)
		}
		if srv.hits.Load() != 1 {
			t.Errorf("%d: the backend saw %d sign-ins, want 1 (a redirect is not retried)", status, srv.hits.Load())
		}
		var re *RedirectError
		if !errors.Is(err, ErrRedirect) || !errors.As(err, &re) || !re.CrossOrigin || re.Status != status {
			t.Fatalf("%d: SignIn error %v (%#v), want a cross-origin *RedirectError", status, err, re)
		}
		if strings.Contains(err.Error(), "demo") {
			t.Errorf("%d: error text %q holds the password", status, err)
		}
		if got := Explain(err, nil); !strings.Contains(got, "another address") || strings.Contains(got, "Cannot reach") {
			t.Errorf("%d: Explain = %q", status, got)
		}
		if c.currentToken() != "" {
			t.Errorf("%d: a token was kept after a refused redirect", status)
		}
	}
}

// TestReadsFollowNoRedirectToAnotherOrigin: a GET carries the token, so it
// goes to no other origin either.
func TestReadsFollowNoRedirectToAnotherOrigin(t *testing.T) {
	other := newElsewhere(t)
	srv := redirecting(t, http.StatusFound, other.URL)
	c := New(srv.URL, fastOptions())
	c.SetToken("secret-token")
	_, err := c.Me(context.Background())
	if !errors.Is(err, ErrRedirect) {
		t.Fatalf("Me through a redirect to another origin: %v, want ErrRedirect", err)
	}
	if n := other.hits.Load(); n != 0 {
		t.Errorf("the other origin received %d requests (Authorization %q)", n, other.auth)
	}
}

// TestWritesFollowNoRedirect: a write is not sent again anywhere, not even to
// the same origin, whatever the 3xx.
func TestWritesFollowNoRedirect(t *testing.T) {
	ctx := context.Background()
	auth := ActionAuth{Proof: "proof"}
	writes := map[string]func(c *Client) error{
		"POST Resend": func(c *Client) error {
			_, err := c.Resend(ctx, "acc_1", data.ResendRequest{Channel: data.ChannelSMS, Purpose: data.PurposeLogin}, "k")
			return err
		},
		"POST RequestApproval": func(c *Client) error {
			_, err := c.RequestApproval(ctx, data.ApprovalRequest{AccountID: "acc_1", Action: data.ActionRevokeSessions, Reason: "r"})
			return err
		},
		"PATCH UpdateCase":    func(c *Client) error { _, err := c.UpdateCase(ctx, "c", data.CasePatch{Version: 1}); return err },
		"DELETE RemoveDevice": func(c *Client) error { _, err := c.RemoveDevice(ctx, "acc_1", "dv_1", auth); return err },
		"DELETE SignOut":      func(c *Client) error { return c.SignOut(ctx) },
	}
	for name, write := range writes {
		for _, status := range []int{301, 302, 303, 307, 308} {
			var hits, redirectedHits atomic.Int64
			srv := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/moved") {
					redirectedHits.Add(1)
					writeJSON(w, http.StatusOK, map[string]any{})
					return
				}
				hits.Add(1)
				w.Header().Set("Location", "/moved"+r.URL.Path) // same origin
				w.WriteHeader(status)
			})
			c := New(srv.URL, fastOptions())
			c.SetToken("secret-token")
			err := write(c)
			if !errors.Is(err, ErrRedirect) {
				t.Errorf("%s answered %d: %v, want ErrRedirect", name, status, err)
			}
			if hits.Load() != 1 || redirectedHits.Load() != 0 {
				t.Errorf("%s answered %d: %d requests, %d followed; want 1 and none", name, status, hits.Load(), redirectedHits.Load())
			}
		}
	}
}

// TestSameOriginReadRedirectDropsTheToken: a read may follow a redirect within
// its origin, but without the bearer token; a 401 there is not an ended
// session.
func TestSameOriginReadRedirectDropsTheToken(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		switch r.URL.Path {
		case "/v1/agent/me":
			http.Redirect(w, r, "/v1/agent/me/", http.StatusMovedPermanently)
		case "/v1/agent/me/":
			if r.Header.Get("Authorization") != "" {
				writeJSON(w, http.StatusOK, data.Agent{ID: "ag_ana"})
				return
			}
			writeAPIError(w, http.StatusUnauthorized, data.ErrCodeUnauthorized, "no token")
		default:
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound) // a loop
		}
	})
	opts := fastOptions()
	signedOut := false
	opts.OnUnauthorized = func() { signedOut = true }
	c := New(srv.URL, opts)
	c.SetToken("secret-token")
	_, err := c.Me(context.Background())
	mu.Lock()
	got := append([]string(nil), seen...)
	mu.Unlock()
	if len(got) != 2 || got[0] != "/v1/agent/me Bearer secret-token" || got[1] != "/v1/agent/me/ " {
		t.Errorf("requests %q: want the redirect followed once, without the token", got)
	}
	if !errors.Is(err, ErrRedirect) || errors.Is(err, ErrUnauthorized) || signedOut {
		t.Errorf("Me = %v (signed out: %v): want ErrRedirect, and no sign-out for a request sent without the token", err, signedOut)
	}

	srv.hits.Store(0)
	_, err = c.Account(context.Background(), "loop")
	if !errors.Is(err, ErrRedirect) || srv.hits.Load() != maxRedirects+1 {
		t.Errorf("a redirect loop: %v after %d requests, want ErrRedirect after %d", err, srv.hits.Load(), maxRedirects+1)
	}
}

func TestOrigin(t *testing.T) {
	same := [][2]string{
		{"http://h/v1/a", "http://H:80/v1/b"},
		{"https://h.example/", "https://h.example:443/x?y"},
	}
	other := [][2]string{
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8081/"},
		{"http://h/", "https://h/"},
		{"http://h/", "http://h.evil/"},
		{"http://h:80/", "http://h:8080/"},
	}
	o := func(s string) string {
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return origin(u)
	}
	for _, p := range same {
		if o(p[0]) != o(p[1]) {
			t.Errorf("%s and %s: want one origin (%s, %s)", p[0], p[1], o(p[0]), o(p[1]))
		}
	}
	for _, p := range other {
		if o(p[0]) == o(p[1]) {
			t.Errorf("%s and %s: want two origins", p[0], p[1])
		}
	}
}
