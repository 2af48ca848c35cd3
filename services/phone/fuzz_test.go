package phone

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDiagnose feeds arbitrary regions and text: no input may panic, and every
// diagnosis keeps the invariants (a valid number has a "+" E.164 the library
// reads back; letters never give a number).
func FuzzDiagnose(f *testing.F) {
	for _, c := range cases {
		f.Add(c.region, c.raw)
	}
	f.Add("TW", "+886 0936-123-456")
	f.Add("IT", "+39 0000000000")
	f.Add("XX", "+++0000")
	f.Add("", "\xff\xfe0936")
	f.Add("TW", "0936\u200b123456")
	f.Add("AR", "0 11 15 15 15 15")
	f.Fuzz(func(t *testing.T, region, raw string) {
		d := Diagnose(region, raw)
		checkInvariants(t, d)
		// A stored number read aloud keeps its digits, whatever it holds.
		if r := Readable(raw); digitsIn(r) != digitsIn(raw) {
			t.Errorf("Readable(%q) = %q changes the digits", raw, r)
		}
		if d.Input != raw {
			t.Fatalf("input not kept: %q", d.Input)
		}
		hasLetter := false
		for _, r := range raw {
			if r != utf8.RuneError && isLetter(r) {
				hasLetter = true
			}
		}
		if hasLetter && (d.Valid || !d.Has(CodeLetters)) {
			t.Fatalf("%q: letters but %v valid=%v", raw, d.Codes(), d.Valid)
		}
		if strings.TrimSpace(raw) == "" && !d.Has(CodeEmpty) {
			t.Fatalf("%q: blank but %v", raw, d.Codes())
		}
		_ = d.Text()
	})
}

func digitsIn(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}
