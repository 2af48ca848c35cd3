package app

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"net/http"
	"net/http/httptest"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"verifydesk/backend"
	"verifydesk/backend/backendtest"
	"verifydesk/data/cache"
	"verifydesk/screens"
	"verifydesk/services/geo"
)

// lockedBuffer is a bytes.Buffer safe for the console's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestConsoleDemoModeEndToEnd starts the console as a user would with no
// settings: it starts the embedded reference backend over its own bbolt file,
// signs in with the demo credentials (--exit-when-ready) and reports ready.
func TestConsoleDemoModeEndToEnd(t *testing.T) {
	a := test.NewTempApp(t)
	var stderr lockedBuffer
	c := newConsole(a, consoleOptions{exitWhenReady: true, linger: time.Hour, cachePath: filepath.Join(t.TempDir(), "cache.db")}, Stdio{Err: &stderr})
	c.started = time.Now()
	c.background = func(f func()) { f() }
	if !c.demo() {
		t.Fatal("no backend configured, yet not demo mode")
	}
	// What show does, with the connection and all background work on this
	// goroutine: the test driver runs fyne.Do inline, so widgets must not be
	// touched from two goroutines.
	c.createWindow()
	t.Cleanup(c.stop)
	c.connect()
	select {
	case <-c.readyCh:
	case <-time.After(30 * time.Second):
		t.Fatalf("the console never became ready; stderr: %q", stderr.String())
	}
	if !regexp.MustCompile(`(?m)^ready_ms=\d+$`).MatchString(stderr.String()) {
		t.Errorf("no ready_ms line on stderr: %q", stderr.String())
	}
	db := filepath.Join(a.Storage().RootURI().Path(), "demo-backend.db")
	if _, err := os.Stat(db); err != nil {
		t.Errorf("the demo backend's bbolt file is missing: %v", err)
	}
	if !strings.HasPrefix(c.demoBase, "http://127.0.0.1:") {
		t.Errorf("demo backend not on loopback: %q", c.demoBase)
	}
}

func TestConsoleUsesConfiguredBackend(t *testing.T) {
	a := test.NewTempApp(t)
	s := Settings{a.Preferences()}
	s.SetBackendURL("https://auth.example.com")
	c := newConsole(a, consoleOptions{}, Stdio{Err: &lockedBuffer{}})
	if c.demo() {
		t.Fatal("a configured backend still runs demo mode")
	}
	b, err := c.backendAddress()
	if err != nil || b.base != "https://auth.example.com" || b.label != "auth.example.com" || b.stop != nil {
		t.Errorf("backendAddress = %+v, %v", b, err)
	}
	s.SetBackendURL("auth example")
	_, err = c.backendAddress()
	var bad *badAddressError
	if !errors.As(err, &bad) {
		t.Fatalf("a bad saved address gives %v, want a badAddressError", err)
	}
	if msg := backendProblem(err); !strings.Contains(msg, `"auth example" contains spaces`) || strings.Contains(msg, "bad backend address") {
		t.Errorf("bad address words: %q", msg)
	}
	if c := newConsole(a, consoleOptions{demo: true}, Stdio{}); !c.demo() {
		t.Error("--demo does not force demo mode")
	}
}

// TestSecondInstanceOnDemoData: a second console on the same demo data gets a
// clear message instead of hanging.
func TestSecondInstanceOnDemoData(t *testing.T) {
	a := test.NewTempApp(t)
	first := newConsole(a, consoleOptions{}, Stdio{Err: &lockedBuffer{}})
	b, err := first.backendAddress()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.stop() })
	second := newConsole(a, consoleOptions{}, Stdio{Err: &lockedBuffer{}})
	_, err = second.backendAddress()
	if !errors.Is(err, backend.ErrDBLocked) {
		t.Fatalf("second instance: %v, want ErrDBLocked", err)
	}
	if msg := backendProblem(err); !strings.Contains(msg, "Another Verifydesk window") {
		t.Errorf("unclear message: %q", msg)
	}
}

// TestExitWhenReadyUnreachableBackend: --exit-when-ready with a backend that
// does not answer says so on stderr and exits non-zero instead of waiting.
func TestExitWhenReadyUnreachableBackend(t *testing.T) {
	a := test.NewTempApp(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close() // nothing listens there any more
	var stderr lockedBuffer
	c := newConsole(a, consoleOptions{backendURL: url, exitWhenReady: true}, Stdio{Err: &stderr})
	c.background = func(f func()) { f() }
	c.createWindow()
	t.Cleanup(c.stop)
	c.connectBackend()
	if c.exitCode == 0 {
		t.Fatalf("exit status 0 for an unreachable backend; stderr %q", stderr.String())
	}
	if got := stderr.String(); !strings.Contains(got, "not ready") || !strings.Contains(got, "Cannot reach the auth backend") || strings.Contains(got, "dial tcp") {
		t.Errorf("stderr %q: want the reason in words", got)
	}
}

// TestExitWhenReadyConfiguredBackend: with a backend that answers, ready is the
// usable sign-in form (its credentials are the agent's).
func TestExitWhenReadyConfiguredBackend(t *testing.T) {
	a := test.NewTempApp(t)
	srv := backendtest.New(t)
	var stderr lockedBuffer
	c := newConsole(a, consoleOptions{backendURL: srv.URL, exitWhenReady: true}, Stdio{Err: &stderr})
	c.started = time.Now()
	c.background = func(f func()) { f() }
	c.createWindow()
	t.Cleanup(c.stop)
	c.connectBackend()
	select {
	case <-c.readyCh:
	default:
		t.Fatalf("not ready; stderr %q", stderr.String())
	}
	if c.exitCode != 0 || !strings.Contains(stderr.String(), "ready_ms=") {
		t.Errorf("exit %d, stderr %q", c.exitCode, stderr.String())
	}
}

// TestSettingsBackendChangeAppliesOverFlag: a new backend saved in Settings
// is used now, even when this run started with --backend (the form says a
// change signs you out, and it does).
func TestSettingsBackendChangeAppliesOverFlag(t *testing.T) {
	a := test.NewTempApp(t)
	first, second := backendtest.New(t), backendtest.New(t)
	c := newConsole(a, consoleOptions{backendURL: first.URL}, Stdio{Err: &lockedBuffer{}})
	c.background = func(f func()) { f() }
	c.createWindow()
	t.Cleanup(c.stop)
	if got := c.backendInUse(); got != first.URL {
		t.Fatalf("in use %q, want the flag's %q", got, first.URL)
	}
	// Geolocation only: the backend stays, and the saved address is untouched.
	c.applySettings(screens.SettingsForm{BackendURL: first.URL})
	if c.settings.BackendURL() != "" || c.opts.backendURL != first.URL {
		t.Errorf("an unchanged backend field saved %q / flag %q", c.settings.BackendURL(), c.opts.backendURL)
	}
	before := c.ui
	c.applySettings(screens.SettingsForm{BackendURL: second.URL})
	if c.settings.BackendURL() != second.URL {
		t.Errorf("saved %q", c.settings.BackendURL())
	}
	if got := c.backendInUse(); got != second.URL {
		t.Errorf("in use after the change: %q, want %q", got, second.URL)
	}
	if c.ui == before {
		t.Error("the old session's screen stayed: the change did not sign out")
	}
}

// TestProblemsAreWords: what the console says about a missing database or a
// demo backend that cannot start names the file once, in words.
func TestProblemsAreWords(t *testing.T) {
	_, err := geo.Open("/nonexistent/x.mmdb")
	msg := geoProblem(err)
	if msg != "The geolocation database /nonexistent/x.mmdb does not exist. Showing demo locations." {
		t.Errorf("geo problem %q", msg)
	}
	_, err = os.Open("/nonexistent/demo-backend.db")
	if msg := backendProblem(err); strings.Contains(msg, "open ") || !strings.Contains(msg, "/nonexistent/demo-backend.db does not exist") {
		t.Errorf("backend problem %q", msg)
	}
}

// TestConsoleOpensTheCache: the console opens its case cache at start and
// the UI gets it; a second console on the same file says it is in use.
func TestConsoleOpensTheCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.db")
	a := test.NewTempApp(t)
	c := newConsole(a, consoleOptions{cachePath: path}, Stdio{Err: &lockedBuffer{}})
	c.createWindow()
	t.Cleanup(c.stop)
	c.openCache()
	if c.store == nil {
		t.Fatal("no cache opened")
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("no cache file: %v", err)
	}
	second, err := cache.Open(path, cache.Options{Timeout: 50 * time.Millisecond})
	if err == nil {
		second.Close()
		t.Fatal("a second cache on the same file opened")
	}
	if msg := cacheNotice(nil, err); !strings.Contains(msg, "in use by another Verifydesk window") {
		t.Errorf("second instance: %q", msg)
	}
}

// TestAppearanceFromSettings: a theme chosen in Settings applies now and at
// the next start.
func TestAppearanceFromSettings(t *testing.T) {
	a := test.NewTempApp(t)
	c := newConsole(a, consoleOptions{backendURL: "https://auth.example.com"}, Stdio{Err: &lockedBuffer{}})
	c.background = func(f func()) {}
	c.createWindow()
	t.Cleanup(c.stop)
	c.applySettings(screens.SettingsForm{BackendURL: "https://auth.example.com", Appearance: screens.AppearanceLight})
	if c.settings.Appearance() != screens.AppearanceLight {
		t.Fatalf("stored %q", c.settings.Appearance())
	}
	bg := a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantDark)
	if want := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight); bg != want {
		t.Errorf("background %v, want the light one %v whatever the system says", bg, want)
	}
}
