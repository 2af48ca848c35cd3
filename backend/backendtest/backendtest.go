// Package backendtest starts the real reference backend for other packages'
// tests: a demo-seeded bbolt file in t.TempDir() served by httptest.
package backendtest

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"verifydesk/backend"
)

// New starts a demo-seeded reference backend over a bbolt file in t.TempDir()
// on httptest, closed at cleanup. opts adjust the Config (a fake clock, limits,
// a provider) before it opens. Demo agents: ana, lee (agent), sam (supervisor),
// password "demo".
func New(t testing.TB, opts ...func(*backend.Config)) *httptest.Server {
	t.Helper()
	cfg := backend.Config{DBPath: filepath.Join(t.TempDir(), "backend.db"), Demo: true}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := backend.Open(cfg)
	if err != nil {
		t.Fatalf("backendtest: open backend: %v", err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		if err := s.Close(); err != nil {
			t.Errorf("backendtest: close backend: %v", err)
		}
	})
	return srv
}
