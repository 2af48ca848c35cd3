package app

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

func TestVersionCommand(t *testing.T) {
	loadRepoMetadata(t)
	code, out, errs := runMain(t, "version")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	want := fmt.Sprintf("version %s\nbuild %d\ngo %s\nos/arch %s/%s\n", Version, BuildNumber, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if Version == "" || out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if code, _, errs := runMain(t, "version", "extra"); code != exitUsage || !strings.Contains(errs, "Usage") {
		t.Errorf("stray argument: exit %d, stderr %q", code, errs)
	}
	if code, out, _ := runMain(t, "version", "--help"); code != exitOK || !strings.Contains(out, "Usage: verifydesk version") {
		t.Errorf("--help: exit %d, %q", code, out)
	}
}

func TestVersionWithoutMetadataFails(t *testing.T) {
	loadRepoMetadata(t) // restores the values afterwards
	Version = ""
	if code, out, errs := runMain(t, "version"); code != exitFail || out != "" || !strings.Contains(errs, MetadataFile) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
