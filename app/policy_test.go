package app

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"verifydesk/backend/backendtest"
	"verifydesk/screens"
	"verifydesk/services/policy"
)

// The app's tests run under an empty policy unless a test names another: a
// computer's own policy (a developer's machine with the .deb installed, a
// managed CI runner) must not change what they check.
func init() {
	if os.Getenv(policy.EnvFile) == "" {
		empty, err := filepath.Abs(filepath.Join("testdata", "no-policy.json"))
		if err != nil {
			panic(err)
		}
		os.Setenv(policy.EnvFile, empty)
	}
}

// usePolicy points the policy at a file holding content, for this test.
func usePolicy(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(policy.EnvFile, path)
	return path
}

// TestBadPolicyNeverFallsBackToDemo: a mistyped backend address in the
// policy starts the console with a message naming the file and the key, and
// it connects to nothing: no demo backend, no demo data.
func TestBadPolicyNeverFallsBackToDemo(t *testing.T) {
	path := usePolicy(t, `{"backendUrl": "htps://auth.example.com"}`)
	a := test.NewTempApp(t)
	var stderr lockedBuffer
	c := newConsole(a, consoleOptions{exitWhenReady: true, demo: true}, Stdio{Err: &stderr})
	c.background = func(f func()) { f() }
	if c.demo() {
		t.Fatal("a bad policy runs demo mode")
	}
	c.createWindow()
	t.Cleanup(c.stop)
	c.connectBackend()
	if c.exitCode == 0 || c.demoBase != "" {
		t.Fatalf("exit %d, demo backend %q; stderr %q", c.exitCode, c.demoBase, stderr.String())
	}
	want := "policy " + path + ": backendUrl: \"htps://auth.example.com\" is not an http:// or https:// address"
	if got := stderr.String(); !strings.Contains(got, "not ready: Your organisation's policy cannot be used: "+want) {
		t.Errorf("stderr %q: want the reason naming the file and the key", got)
	}
	if c.demoStop != nil {
		t.Error("the demo backend was started")
	}
}

// TestPinnedBackendWins: the policy's backend beats the agent's saved one,
// --backend and --demo, and the Settings form cannot change it.
func TestPinnedBackendWins(t *testing.T) {
	srv := backendtest.New(t)
	path := usePolicy(t, `{"backendUrl": "`+srv.URL+`", "retentionDays": 7, "geoDatabases": []}`)
	a := test.NewTempApp(t)
	s := Settings{a.Preferences()}
	s.SetBackendURL("https://agents-own.example.com")
	s.SetRetentionDays(90)
	s.SetGeoDatabases([]string{"/home/agent/City.mmdb"})
	var stderr lockedBuffer
	c := newConsole(a, consoleOptions{backendURL: "https://flag.example.com", demo: true, exitWhenReady: true}, Stdio{Err: &stderr})
	c.background = func(f func()) { f() }
	for _, flag := range []string{"--backend", "--demo"} {
		if !strings.Contains(stderr.String(), "verifydesk: "+flag+" is ignored: the backend is set by your organisation (policy "+path+")") {
			t.Errorf("no note that %s is ignored: %q", flag, stderr.String())
		}
	}
	if c.demo() || c.backendInUse() != srv.URL || c.settings.RetentionDays() != 7 || len(c.settings.GeoDatabases()) != 0 {
		t.Fatalf("demo %v, backend %q, retention %d, geo %q: want the policy's", c.demo(), c.backendInUse(), c.settings.RetentionDays(), c.settings.GeoDatabases())
	}
	c.createWindow()
	t.Cleanup(c.stop)
	c.connectBackend()
	select {
	case <-c.readyCh:
	default:
		t.Fatalf("not ready on the pinned backend; stderr %q", stderr.String())
	}
	// A form saved with other values changes nothing the policy pins.
	c.applySettings(screens.SettingsForm{BackendURL: "https://other.example.com", RetentionDays: 30, GeoDatabases: []string{"/x.mmdb"}})
	if c.backendInUse() != srv.URL || s.BackendURL() != "https://agents-own.example.com" || s.RetentionDays() != 90 ||
		!slices.Equal(s.GeoDatabases(), []string{"/home/agent/City.mmdb"}) {
		t.Errorf("after Save: in use %q, stored %q, %d days, %q", c.backendInUse(), s.BackendURL(), s.RetentionDays(), s.GeoDatabases())
	}
}

// TestDemoOffByPolicy: with demo mode turned off and no backend, the console
// says so instead of starting demo data.
func TestDemoOffByPolicy(t *testing.T) {
	path := usePolicy(t, `{"allowDemo": false}`)
	a := test.NewTempApp(t)
	var stderr lockedBuffer
	c := newConsole(a, consoleOptions{exitWhenReady: true}, Stdio{Err: &stderr})
	c.background = func(f func()) { f() }
	c.createWindow()
	t.Cleanup(c.stop)
	c.connectBackend()
	want := "Your organisation does not allow demo mode (policy " + path + ": allowDemo is false): set the auth backend's address in Settings."
	if c.exitCode == 0 || c.demoBase != "" || !strings.Contains(stderr.String(), want) {
		t.Errorf("exit %d, demo %q, stderr %q", c.exitCode, c.demoBase, stderr.String())
	}
	if msg := backendProblem(&demoOffError{source: path, locked: true}); !strings.HasSuffix(msg, "): ask your IT department for the auth backend's address.") {
		t.Errorf("demo off and the backend locked: %q", msg)
	}
}

// TestBackendChangeForbidden: allowBackendChange false keeps the agent's saved
// backend and ignores --backend and a changed form.
func TestBackendChangeForbidden(t *testing.T) {
	usePolicy(t, `{"allowBackendChange": false}`)
	a := test.NewTempApp(t)
	Settings{a.Preferences()}.SetBackendURL("https://saved.example.com")
	c := newConsole(a, consoleOptions{backendURL: "https://flag.example.com"}, Stdio{Err: &lockedBuffer{}})
	c.background = func(f func()) {}
	c.createWindow()
	t.Cleanup(c.stop)
	c.applySettings(screens.SettingsForm{BackendURL: "https://typed.example.com"})
	if got := c.backendInUse(); got != "https://saved.example.com" {
		t.Errorf("in use %q, want the saved one", got)
	}
}

// TestPolicyCommand: `verifydesk policy` prints each setting, its value and
// where it comes from: the policy, the agent's settings or the default.
func TestPolicyCommand(t *testing.T) {
	loadRepoMetadata(t)
	home := fakeHome(t)
	prefs := filepath.Join(home, ".config", "fyne", ID, prefsFileName)
	if err := os.MkdirAll(filepath.Dir(prefs), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prefs, []byte(`{"backend.url": "https://saved.example.com", "cache.retentionDays": 45}`), 0o600); err != nil {
		t.Fatal(err)
	}
	path := usePolicy(t, `{"_comment": "IT", "retentionDays": 14, "ssoIssuer": "https://login.example.com", "allowDemo": false}`)
	code, out, errOut := runMain(t, "policy")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		`^policy +` + regexp.QuoteMeta(path) + ` \(from \$VERIFYDESK_POLICY_FILE\)$`,
		`^backendUrl +https://saved\.example\.com +settings ` + regexp.QuoteMeta(prefs) + `$`,
		`^allowBackendChange +true +default$`,
		`^allowDemo +false +policy ` + regexp.QuoteMeta(path) + `$`,
		`^ssoIssuer +https://login\.example\.com +policy `,
		`^ssoClientId +\(none\) +default$`,
		`^retentionDays +14 +policy `,
		`^geoDatabases +\(none: demo locations\) +default$`,
		`^idleLockMinutes +15 +default$`, // the idle lock's default (issue 23)
	} {
		if !regexp.MustCompile(`(?m)` + want).MatchString(out) {
			t.Errorf("no line %s in\n%s", want, out)
		}
	}

	// Without a policy the agent's retention shows, from the settings file.
	t.Setenv(policy.EnvFile, "")
	if _, err := os.Stat(policy.SystemSources[0]); err == nil {
		t.Skip(policy.SystemSources[0] + " exists on this computer")
	}
	_, out, _ = runMain(t, "policy")
	if !regexp.MustCompile(`(?m)^retentionDays +45 +settings `).MatchString(out) || !regexp.MustCompile(`(?m)^policy +none \(looked in `).MatchString(out) {
		t.Errorf("without a policy:\n%s", out)
	}
}

// TestPolicyCommandBadPolicy: every bad key is named with the file, and the
// command exits 1.
func TestPolicyCommandBadPolicy(t *testing.T) {
	path := usePolicy(t, `{"backendUrl": "auth.example.com", "idleLockMinutes": 0, "backendUrk": "x"}`)
	code, out, errOut := runMain(t, "policy")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, key := range []string{"backendUrl", "backendUrk", "idleLockMinutes"} {
		if !strings.Contains(errOut, "  policy "+path+": "+key+": ") {
			t.Errorf("stderr does not name %s: %q", key, errOut)
		}
	}
}

// TestSettingsShowPinnedLocked: the Settings form the console opens has
// what the policy pins, locked, with the policy's values.
func TestSettingsShowPinnedLocked(t *testing.T) {
	usePolicy(t, `{"backendUrl": "https://auth.example.com", "retentionDays": 7}`)
	a := test.NewTempApp(t)
	Settings{a.Preferences()}.SetRetentionDays(60)
	c := newConsole(a, consoleOptions{}, Stdio{Err: &lockedBuffer{}})
	f := c.settingsForm()
	if !f.BackendLocked || !f.RetentionLocked || f.GeoLocked || f.BackendURL != "https://auth.example.com" || f.RetentionDays != 7 {
		t.Errorf("form %+v: want the backend and the retention locked at the policy's values", f)
	}
	usePolicy(t, `{"allowBackendChange": false}`)
	if f := newConsole(a, consoleOptions{}, Stdio{Err: &lockedBuffer{}}).settingsForm(); !f.BackendLocked || f.RetentionLocked || f.RetentionDays != 60 {
		t.Errorf("form %+v: want only the backend locked", f)
	}
}

// TestPolicyCommandBackendPinned: a pinned backend also forbids changing it,
// and says so.
func TestPolicyCommandBackendPinned(t *testing.T) {
	loadRepoMetadata(t)
	fakeHome(t)
	path := usePolicy(t, `{"backendUrl": "https://auth.example.com"}`)
	code, out, _ := runMain(t, "policy")
	if code != 0 || !regexp.MustCompile(`(?m)^allowBackendChange +false +policy `+regexp.QuoteMeta(path)+` \(backendUrl\)$`).MatchString(out) {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
