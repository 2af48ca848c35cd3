package cases

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
)

// maxFileStem bounds SafeFileName's result: well under the 255 bytes every
// file system allows, with room for a prefix and an extension, and short
// enough for Windows' 260-character paths in a deep folder.
const maxFileStem = 80

// windowsReserved are the device names Windows opens instead of a file, in
// any case and with any extension ("con.json", "COM1.md").
var windowsReserved = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true}

func init() {
	for _, d := range "0123456789" {
		windowsReserved["COM"+string(d)] = true
		windowsReserved["LPT"+string(d)] = true
	}
}

// SafeFileName turns an untrusted id (a case id from the backend, which any
// agent can choose) into a file name that stays in the folder it is joined
// to, on Linux, macOS and Windows:
//
//   - only ASCII letters, digits, '-', '_' and '.' are kept; anything else
//     (/, \, :, drive letters' colon, control characters, spaces, non-ASCII)
//     becomes '_';
//   - it never starts with '.' (no "..", no hidden file) and never ends with
//     '.' (Windows drops trailing dots and spaces);
//   - a Windows device name (CON, NUL, COM1, LPT1...) before the first dot
//     gets a '_' in front;
//   - it is at most 80 bytes and never empty.
//
// When the id had to be changed, 9 characters of its SHA-256 are added
// ("-" and 8 hex digits), so two ids never share a name because their
// differences were replaced. An extension the caller appends (".json", ".md")
// keeps the name safe.
func SafeFileName(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			b.WriteByte(c)
		} else {
			b.WriteByte('_')
		}
	}
	name := b.String()
	if strings.HasPrefix(name, ".") {
		name = "_" + name[1:]
	}
	if strings.HasSuffix(name, ".") {
		name = name[:len(name)-1] + "_"
	}
	stem, _, _ := strings.Cut(name, ".")
	if windowsReserved[strings.ToUpper(stem)] {
		name = "_" + name
	}
	if name != "" && name == id && len(name) <= maxFileStem {
		return name
	}
	sum := sha256.Sum256([]byte(id))
	tag := "-" + hex.EncodeToString(sum[:4])
	if len(name) > maxFileStem-len(tag) {
		name = name[:maxFileStem-len(tag)]
	}
	return name + tag
}

// ExportFileName is the name of a case's export file with extension ext
// (".json", ".md": chosen by code, never by the backend): "case-" and the
// case id through SafeFileName, without a second "case-" when the id has one
// already ("case-3f2a….json", not "case-case-3f2a….json").
func ExportFileName(caseID, ext string) string {
	return "case-" + SafeFileName(strings.TrimPrefix(caseID, "case-")) + ext
}

// CreateExport creates (or truncates) the export file at path readable by
// its owner alone: 0600, also when a file of that name was there with a
// looser mode (O_CREATE's mode applies to new files only). The one way the
// console writes an export, for the CLI and the window.
func CreateExport(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// WriteExport writes b into a new export file at path (CreateExport).
func WriteExport(path string, b []byte) error {
	f, err := CreateExport(path)
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	return errors.Join(werr, f.Close())
}
