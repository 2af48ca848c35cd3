package app

import (
	"flag"
	"fmt"
	"io"
	"runtime"

	"fyne.io/fyne/v2"
)

// The identity of this build, from FyneApp.toml: main parses the file it
// embeds (LoadMetadata) and hands the result to SetMetadata before anything
// else runs; from then on they are read-only. `verifydesk version`, the About
// information and the package metadata (the fyne tool reads the same file)
// all come from there.
var (
	// ID is the application id; Fyne keeps the preferences and storage
	// under it.
	ID string
	// Version is the release, [Details] Version.
	Version string
	// BuildNumber is the build of that release, [Details] Build.
	BuildNumber int
)

// SetMetadata records the metadata main parsed from FyneApp.toml (the same
// value main gives to Fyne's app.SetMetadata).
func SetMetadata(m fyne.AppMetadata) {
	ID, Version, BuildNumber = m.ID, m.Version, m.Build
}

func runVersion(args []string, std Stdio) int {
	fs := flag.NewFlagSet("verifydesk version", flag.ContinueOnError)
	if status, ok := parseFlags(fs, args, std, versionUsage); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(std.Err, "verifydesk version: unexpected argument %q\n", fs.Arg(0))
		versionUsage(fs, std.Err)
		return exitUsage
	}
	if Version == "" {
		fmt.Fprintln(std.Err, "verifydesk version: this binary carries no metadata (main did not load "+MetadataFile+")")
		return exitFail
	}
	fmt.Fprintf(std.Out, "version %s\n", Version)
	fmt.Fprintf(std.Out, "build %d\n", BuildNumber)
	fmt.Fprintf(std.Out, "go %s\n", runtime.Version())
	fmt.Fprintf(std.Out, "os/arch %s/%s\n", runtime.GOOS, runtime.GOARCH)
	return exitOK
}

func versionUsage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "Usage: verifydesk version")
	fmt.Fprintln(w, "\nPrint the release and build number (from "+MetadataFile+"), the Go version and the OS/architecture, one \"name value\" line each.")
}
