package casework

import (
	"path/filepath"
	"strings"

	"verifydesk/services/cases"
)

// Export writes the escalation package pkg (masked: cases.NewPackage) as
// case-<id>.md and .json into dir (cases.ExportFileName), readable by the
// agent only (cases.WriteExport), and answers the two paths. I/O.
func Export(dir string, pkg cases.Package) ([]string, error) {
	js, err := cases.ExportJSON(pkg)
	if err != nil {
		return nil, err
	}
	// The names come from the case id, which the backend hands out and any
	// agent may have made: cases.ExportFileName keeps them inside dir on
	// every platform (no separators, no "..", no device names).
	md := filepath.Join(dir, cases.ExportFileName(pkg.Case.ID, ".md"))
	jsPath := filepath.Join(dir, cases.ExportFileName(pkg.Case.ID, ".json"))
	if err := cases.WriteExport(md, cases.ExportMarkdown(pkg)); err != nil {
		return nil, err
	}
	if err := cases.WriteExport(jsPath, js); err != nil {
		return nil, err
	}
	return []string{md, jsPath}, nil
}

// ShortID is a case id short enough to read out: "case-3f2a9c1e" for a
// console-made "case-<uuid>"; any other id as it is.
func ShortID(id string) string {
	if rest, ok := strings.CutPrefix(id, "case-"); ok {
		if r := []rune(rest); len(r) > 8 {
			return "case-" + string(r[:8]) // whole characters, never a byte of one
		}
	}
	return id
}
