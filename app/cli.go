// Package app owns Verifydesk's start and stop: the subcommands, settings, the
// demo backend, the services and the window.
package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// Stdio are the streams a subcommand reads and writes.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// Exit statuses of every subcommand.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

type command struct {
	name    string
	summary string
	run     func(args []string, std Stdio) int
}

func commands() []command {
	return []command{
		{"backend", "serve the reference auth backend", runBackend},
		{"phone", "diagnose phone numbers as a customer typed them", runPhone},
		{"geo", "locate IP addresses", runGeo},
		{"cases", "review the local case cache: list, search, show, export", runCases},
		{"audit", "verify or export the local audit log", runAudit},
		{"paths", "print where settings, cache, key file and logs live", runPaths},
		{"policy", "print the settings your organisation pins, and where each setting comes from", runPolicy},
		{"version", "print the version, build, Go version and OS/arch", runVersion},
		{"screenshot", "render a screen with demo data to a PNG, without a display", runScreenshot},
	}
}

// Main runs the subcommand named by args[0], or the console when there is none,
// and returns the process exit status. newApp is only called for the console.
func Main(args []string, std Stdio, newApp func() fyne.App, started time.Time) int {
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help", "help":
			usage(std.Out)
			return exitOK
		}
		for _, c := range commands() {
			if args[0] == c.name {
				return c.run(args[1:], std)
			}
		}
		if args[0] != "" && args[0][0] != '-' {
			fmt.Fprintf(std.Err, "verifydesk: unknown command %q\n\n", args[0])
			usage(std.Err)
			return exitUsage
		}
	}
	return runConsole(args, std, newApp, started)
}

// parseFlags parses a command's flags the same way for every command: --help
// prints usage on stdout and ends the command with status 0; a bad flag prints
// the flag package's message and the usage on stderr and ends it with status 2.
// ok is false when the command should return status now.
func parseFlags(fs *flag.FlagSet, args []string, std Stdio, usage func(*flag.FlagSet, io.Writer)) (status int, ok bool) {
	fs.SetOutput(std.Err)
	// The flag package calls Usage for --help too, before returning ErrHelp:
	// printing here would show the usage twice, once on each stream.
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(fs, std.Out)
			return exitOK, false
		}
		usage(fs, std.Err)
		return exitUsage, false
	}
	return exitOK, true
}

// usage is the whole help: the console's usage and flags (the console's own
// --help, console.go), then the commands.
func usage(w io.Writer) {
	parseConsoleFlags([]string{"--help"}, Stdio{In: strings.NewReader(""), Out: w, Err: w})
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'verifydesk <command> --help' for a command's flags.")
}
