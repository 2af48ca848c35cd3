package app

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// `verifydesk --help` and `verifydesk help` print the console's flags and the
// commands, each once, on stdout, and exit 0 (issue 9, point 8: they listed
// the commands only, pointing at themselves for the flags).
func TestHelpHasConsoleFlagsAndCommands(t *testing.T) {
	var consoleHelp bytes.Buffer
	if _, status, ok := parseConsoleFlags([]string{"--help"}, Stdio{Out: &consoleHelp, Err: &consoleHelp}); ok || status != exitOK {
		t.Fatalf("the console's --help: ok %v, status %d", ok, status)
	}
	for _, arg := range []string{"--help", "help", "-h", "-help"} {
		code, out, errs := runMain(t, arg)
		if code != exitOK || errs != "" {
			t.Errorf("%s: exit %d, stderr %q", arg, code, errs)
		}
		if !strings.Contains(out, consoleHelp.String()) {
			t.Errorf("%s: the console's usage and flags are not in the help:\n%s", arg, out)
		}
		for _, flag := range []string{"-backend", "-demo", "-exit-when-ready", "-linger", "-search", "-tab"} {
			if n := len(regexp.MustCompile(`(?m)^  `+flag+`( |$)`).FindAllString(out, -1)); n != 1 {
				t.Errorf("%s: console flag %s listed %d times", arg, flag, n)
			}
		}
		for _, c := range commands() {
			if n := strings.Count(out, "\n  "+c.name+" "); n != 1 {
				t.Errorf("%s: command %s listed %d times:\n%s", arg, c.name, n, out)
			}
		}
		for _, once := range []string{"Usage:", "Commands:"} {
			if n := strings.Count(out, once); n != 1 {
				t.Errorf("%s: %q %d times", arg, once, n)
			}
		}
		if strings.Contains(out, "verifydesk --help' for") {
			t.Errorf("%s: the help still sends the reader to itself:\n%s", arg, out)
		}
	}
}

// An unknown command prints the same help, on stderr, with status 2.
func TestUnknownCommandPrintsHelpOnStderr(t *testing.T) {
	_, help, _ := runMain(t, "--help")
	code, out, errs := runMain(t, "frobnicate")
	if code != exitUsage || out != "" || !strings.HasSuffix(errs, help) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
