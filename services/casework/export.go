package casework

import (
	"os"
	"path/filepath"
	"strings"

	"verifydesk/services/cases"
)

// Export writes the escalation package pkg (masked: cases.NewPackage) as
// verifydesk-<short id>.md and .json into dir, readable by the agent only,
// and answers the two paths. I/O.
func Export(dir string, pkg cases.Package) ([]string, error) {
	js, err := cases.ExportJSON(pkg)
	if err != nil {
		return nil, err
	}
	base := filepath.Join(dir, "verifydesk-"+ShortID(pkg.Case.ID))
	md, jsPath := base+".md", base+".json"
	if err := os.WriteFile(md, cases.ExportMarkdown(pkg), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(jsPath, js, 0o600); err != nil {
		return nil, err
	}
	return []string{md, jsPath}, nil
}

// ShortID is a case id short enough to read out: "case-3f2a9c1e" for a
// console-made "case-<uuid>"; any other id as it is.
func ShortID(id string) string {
	if strings.HasPrefix(id, "case-") && len(id) > 13 {
		return id[:13]
	}
	return id
}
