package app

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeHome points every variable the OS's user folders come from at a fresh
// temporary folder, and leaves the working directory elsewhere.
func fakeHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("USERPROFILE", home)
	t.Setenv("AppData", filepath.Join(home, "AppData", "Roaming"))
	t.Setenv("LocalAppData", filepath.Join(home, "AppData", "Local"))
	t.Chdir(t.TempDir())
	return home
}

func TestPathsUnderUserFolders(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the expected paths below are Linux's (XDG)")
	}
	loadRepoMetadata(t)
	home := fakeHome(t)
	want := map[string]string{
		"settings":     home + "/.config/fyne/com.verifydesk.console/preferences.json",
		"storage":      home + "/.config/fyne/com.verifydesk.console",
		"demo-backend": home + "/.config/fyne/com.verifydesk.console/demo-backend.db",
		"cache":        home + "/.cache/verifydesk/cache.db",
		"cache-key":    home + "/.cache/verifydesk/cache.db.key",
		"logs":         home + "/.cache/verifydesk/logs",
		"backend-data": home + "/.config/verifydesk/backend.db",
	}
	code, out, errs := runMain(t, "paths")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Errorf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 2 {
			t.Errorf("line %q is not \"name path\"", l)
			continue
		}
		if want[f[0]] != f[1] {
			t.Errorf("%s: %s, want %s", f[0], f[1], want[f[0]])
		}
	}
	if p, err := DefaultCachePath(); err != nil || p != want["cache"] {
		t.Errorf("DefaultCachePath() = %q, %v", p, err)
	}

	// XDG variables move them.
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "cfg"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cch"))
	paths, err := appPaths(ID)
	if err != nil {
		t.Fatal(err)
	}
	if paths["settings"] != home+"/cfg/fyne/com.verifydesk.console/preferences.json" || paths["cache"] != home+"/cch/verifydesk/cache.db" ||
		paths["cache-key"] != home+"/cch/verifydesk/cache.db.key" || paths["logs"] != home+"/cch/verifydesk/logs" {
		t.Errorf("with XDG_*_HOME set: %v", paths)
	}
}

// Every path is absolute and none is under the working directory.
func TestPathsNeverTheWorkingDirectory(t *testing.T) {
	loadRepoMetadata(t)
	fakeHome(t)
	wd, _ := os.Getwd()
	paths, err := appPaths(ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pathNames {
		path := paths[p.name]
		if !filepath.IsAbs(path) || strings.HasPrefix(path, wd) {
			t.Errorf("%s: %q (working directory %q)", p.name, path, wd)
		}
	}
}

// With no home folder there is nowhere to keep the files: an error, not ".".
func TestPathsWithoutHome(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("unsetting HOME only removes the user folders on Linux")
	}
	loadRepoMetadata(t)
	fakeHome(t)
	t.Setenv("HOME", "")
	if code, out, errs := runMain(t, "paths"); code != exitFail || out != "" || errs == "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if p, err := DefaultCachePath(); err == nil {
		t.Errorf("DefaultCachePath() = %q without a home", p)
	}
}

func TestPathsUsage(t *testing.T) {
	code, out, _ := runMain(t, "paths", "--help")
	if code != exitOK {
		t.Errorf("exit %d", code)
	}
	for _, p := range pathNames {
		if !strings.Contains(out, p.name) {
			t.Errorf("--help does not explain %s:\n%s", p.name, out)
		}
	}
	if code, _, _ := runMain(t, "paths", "extra"); code != exitUsage {
		t.Errorf("stray argument: exit %d", code)
	}
}

// runtimeIsNotXDG: the OS's user folders do not come from HOME and XDG_*.
func runtimeIsNotXDG() bool { return runtime.GOOS != "linux" }
