package app

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	noApp := func() fyne.App { t.Fatal("the console was started"); return nil }
	code := Main(args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb}, noApp, time.Now())
	return code, out.String(), errb.String()
}

func TestMainHelpListsCommands(t *testing.T) {
	for _, arg := range []string{"help", "--help", "-h"} {
		code, out, _ := runMain(t, arg)
		if code != exitOK {
			t.Errorf("%s: exit %d", arg, code)
		}
		for _, cmd := range []string{"backend", "phone", "geo"} {
			if !strings.Contains(out, cmd) {
				t.Errorf("%s: usage does not list %q:\n%s", arg, cmd, out)
			}
		}
	}
}

func TestMainUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},                     // unknown command
		{"--frobnicate"},                   // unknown console flag
		{"--search", "x", "stray"},         // stray argument
		{"--backend", "ftp://example.com"}, // not an http address
		{"backend", "--frobnicate"},
		{"phone", "--frobnicate"},
		{"geo", "--frobnicate"},
	} {
		code, _, errs := runMain(t, args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
		if !strings.Contains(strings.ToLower(errs), "usage") && !strings.Contains(errs, "verifydesk") {
			t.Errorf("%q: no usage message on stderr: %q", args, errs)
		}
	}
}

func TestSubcommandsHaveHelp(t *testing.T) {
	for _, cmd := range []string{"backend", "phone", "geo", "--demo"} {
		code, out, errs := runMain(t, cmd, "--help")
		if code != exitOK {
			t.Errorf("%s --help: exit %d (stderr %q)", cmd, code, errs)
		}
		if !strings.Contains(out, "Usage") {
			t.Errorf("%s --help prints no usage on stdout: %q", cmd, out)
		}
		if errs != "" {
			t.Errorf("%s --help also writes to stderr: %q", cmd, errs)
		}
	}
}

func TestConsoleHelp(t *testing.T) {
	code, out, _ := runMain(t, "--help")
	if code != exitOK || !strings.Contains(out, "Commands") {
		t.Errorf("exit %d, out %q", code, out)
	}
}
