package client

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"verifydesk/data"
)

// TestSignOutKeepsANewerSession: a sign-in that completes while a sign-out is
// still on its way keeps its session; the sign-out ends the session that was
// current when it started.
func TestSignOutKeepsANewerSession(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	var deleted, meAuth []string
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		switch {
		case r.Method == http.MethodDelete:
			mu.Lock()
			deleted = append(deleted, auth)
			mu.Unlock()
			close(arrived)
			<-release
			w.WriteHeader(http.StatusNoContent)
		case r.URL.Path == "/v1/agent/sessions":
			writeJSON(w, http.StatusCreated, data.Session{Token: "tok-2", Agent: data.Agent{ID: "ag_lee", Username: "lee", Role: data.RoleAgent}})
		default:
			mu.Lock()
			meAuth = append(meAuth, auth)
			mu.Unlock()
			writeJSON(w, http.StatusOK, data.Agent{ID: "ag_lee", Username: "lee", Role: data.RoleAgent})
		}
	})
	c := New(s.URL, fastOptions())
	c.SetToken("tok-1")
	ctx := context.Background()
	done := make(chan error, 1)
	go func() { done <- c.SignOut(ctx) }()
	<-arrived
	if _, err := c.SignIn(ctx, "lee", "demo"); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	if _, err := c.Me(ctx); err != nil {
		t.Fatalf("Me after the new sign-in: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(deleted) != 1 || deleted[0] != "Bearer tok-1" {
		t.Errorf("sign-out ended %q, want the session it started with (tok-1)", deleted)
	}
	if len(meAuth) != 1 || meAuth[0] != "Bearer tok-2" {
		t.Errorf("the next call sent %q, want the new session's token (tok-2)", meAuth)
	}
}

// TestSignOutWithoutSessionSendsNothing: there is nothing to end.
func TestSignOutWithoutSessionSendsNothing(t *testing.T) {
	s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	c := New(s.URL, fastOptions())
	if err := c.SignOut(context.Background()); err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	if n := s.hits.Load(); n != 0 {
		t.Errorf("sign-out without a session sent %d requests", n)
	}
}
