package backendtest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"verifydesk/backend"
)

func TestNewServesDemo(t *testing.T) {
	fixed := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	srv := New(t, func(c *backend.Config) { c.Now = func() time.Time { return fixed } })
	res, err := http.Post(srv.URL+"/v1/agent/sessions", "application/json", strings.NewReader(`{"username":"ana","password":"demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("demo sign-in: %d", res.StatusCode)
	}
}
