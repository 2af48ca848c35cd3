package cases_test

import (
	"path/filepath"
	"strings"
	"testing"

	"verifydesk/services/cases"
)

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"case-3f2a9c1e-0b1d-4c57-9d55-1f0e2a3b4c5d": "case-3f2a9c1e-0b1d-4c57-9d55-1f0e2a3b4c5d",
		"c-1":         "c-1",
		"v1.2_final":  "v1.2_final",
		"":            "-e3b0c442",
		".":           "_-cdb4ee2a",
		"..":          "__-5ec1f7e7",
		"con":         "_con-1143da2b",
		"COM1.json":   "_COM1.json-af337650",
		"lpt9":        "_lpt9-06f4d3cd",
		"nul.":        "nul_-7f362d12",
		"report. ":    "report._-ae1512f2",
		"a\x00b\x1bc": "a_b_c-3027c05b",
	} {
		got := cases.SafeFileName(in)
		if got != want {
			t.Errorf("SafeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSafeFileNameStaysInFolder are the ids the hostile checks used: none may
// name a file outside the chosen folder, on any system.
func TestSafeFileNameStaysInFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exports")
	for _, id := range []string{
		"../../../../tmp/x", `..\..\Users\Public\Desktop\evil`, "/etc/passwd", `C:\Windows\evil`, "C:evil",
		`\\server\share\x`, "..", "...", "a/../../b", "CON", "aux.md", "x\u202egnp.exe", strings.Repeat("a", 5000),
		"  ", "\r\n", "ÄÖÜ", "case-../../x",
	} {
		name := cases.SafeFileName(id)
		checkInFolder(t, dir, id, name)
		checkInFolder(t, dir, id, cases.ExportFileName(id, ".json"))
	}
	if a, b := cases.SafeFileName("a/b"), cases.SafeFileName("a_b"); a == b {
		t.Errorf("two ids share the name %q", a)
	}
}

func TestExportFileName(t *testing.T) {
	if got := cases.ExportFileName("case-3f2a9c1e", ".json"); got != "case-3f2a9c1e.json" {
		t.Errorf("ExportFileName = %q: one case- prefix", got)
	}
	if got := cases.ExportFileName("c-1", ".md"); got != "case-c-1.md" {
		t.Errorf("ExportFileName = %q", got)
	}
}

// checkInFolder fails when name is empty, not one plain element of dir, or a
// name Windows would treat otherwise.
func checkInFolder(t *testing.T, dir, id, name string) {
	t.Helper()
	if name == "" || len(name) > 100 {
		t.Fatalf("name of %q = %q: empty or too long", id, name)
	}
	p := filepath.Join(dir, name)
	if filepath.Dir(p) != dir || filepath.Base(p) != name {
		t.Fatalf("name of %q = %q leaves %s: %s", id, name, dir, p)
	}
	if strings.ContainsAny(name, `/\:*?"<>|`) || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
		t.Fatalf("name of %q = %q is not a plain file name on every system", id, name)
	}
	for _, r := range name {
		if r < 0x20 || r > 0x7e {
			t.Fatalf("name of %q = %q holds %U", id, name, r)
		}
	}
	stem, _, _ := strings.Cut(strings.ToUpper(name), ".")
	switch stem {
	case "CON", "PRN", "AUX", "NUL":
		t.Fatalf("name of %q = %q is a Windows device", id, name)
	}
	if len(stem) == 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) && stem[3] >= '0' && stem[3] <= '9' {
		t.Fatalf("name of %q = %q is a Windows device", id, name)
	}
}

// FuzzSafeFileName: for any id, the name is non-empty and joined to a folder
// stays a plain element of it, with or without an extension.
func FuzzSafeFileName(f *testing.F) {
	for _, s := range []string{"", ".", "..", "../x", `..\x`, "C:x", "CON", "com1.txt", "a\x00", "case-1", "x. ", "é/.."} {
		f.Add(s)
	}
	dir := filepath.Join(f.TempDir(), "out")
	f.Fuzz(func(t *testing.T, id string) {
		checkInFolder(t, dir, id, cases.SafeFileName(id))
		checkInFolder(t, dir, id, cases.ExportFileName(id, ".md"))
	})
}
