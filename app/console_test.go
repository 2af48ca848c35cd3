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

	"fyne.io/fyne/v2/test"

	"verifydesk/backend"
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
	c := newConsole(a, consoleOptions{exitWhenReady: true, linger: time.Hour}, Stdio{Err: &stderr})
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
	if _, err := c.backendAddress(); !errors.Is(err, errBadBackendURL) {
		t.Errorf("a bad saved address gives %v, want errBadBackendURL", err)
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
