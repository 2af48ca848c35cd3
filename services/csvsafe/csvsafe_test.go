package csvsafe_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"verifydesk/services/csvsafe"
)

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"acc_1001":                "acc_1001",
		"search":                  "search",
		"a=b":                     "a=b",
		"'=already":               "'=already",
		"  plain":                 "  plain",
		"=HYPERLINK(\"x\",\"y\")": "'=HYPERLINK(\"x\",\"y\")",
		"+1":                      "'+1",
		"-2+3":                    "'-2+3",
		"@SUM(A1)":                "'@SUM(A1)",
		"\tx":                     "'\tx",
		"\rx":                     "'\rx",
		"\nx":                     "'\nx",
		" =1+1":                   "' =1+1",
		"\u00a0\u3000-1":          "'\u00a0\u3000-1",
		"＝1+1":                    "'＝1+1",
	} {
		if got := csvsafe.Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriterNeutralisesEveryCell: the id columns too, not only free text.
func TestWriterNeutralisesEveryCell(t *testing.T) {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	row := []string{"=HYPERLINK(\"http://evil.example\",\"y\")", "@x", "+x", "-x", " =x", "ok, \"quoted\""}
	if err := w.WriteAll([][]string{{"a", "b", "c", "d", "e", "f"}, row}); err != nil {
		t.Fatal(err)
	}
	if row[0][0] != '=' {
		t.Error("Write changed the caller's slice")
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range recs[1] {
		if i < 5 && !strings.HasPrefix(c, "'") {
			t.Errorf("cell %d = %q: not neutralised", i, c)
		}
	}
	if recs[1][5] != "ok, \"quoted\"" {
		t.Errorf("plain cell = %q", recs[1][5])
	}
}

// FuzzCell: whatever the text, the cell a spreadsheet sees starts with no
// formula character, even after white space; only a quote is ever added; and
// neutralising twice changes nothing.
func FuzzCell(f *testing.F) {
	for _, s := range []string{"", "=1+1", " @x", "\t-1", "\r\n+", "'=x", "＝", "\u2003=x", "abc", "\xff="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := csvsafe.Cell(s)
		if got != s && got != "'"+s {
			t.Fatalf("Cell(%q) = %q: more than a leading quote changed", s, got)
		}
		if csvsafe.Cell(got) != got {
			t.Fatalf("Cell is not idempotent on %q", s)
		}
		if got == "" {
			return
		}
		if strings.ContainsRune("=+-@\t\r\n", rune(got[0])) {
			t.Fatalf("Cell(%q) = %q starts with a formula character", s, got)
		}
		r, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(got, unicode.IsSpace))
		if got[0] != '\'' && strings.ContainsRune("=+-@＝＋－＠", r) {
			t.Fatalf("Cell(%q) = %q: a formula after white space", s, got)
		}
		var b bytes.Buffer
		w := csvsafe.NewWriter(&b)
		if err := w.WriteAll([][]string{{s, s}}); err != nil {
			return // csv refuses nothing but a broken io.Writer; not a crash
		}
		if recs, err := csv.NewReader(&b).ReadAll(); err == nil && len(recs) == 1 && recs[0][0] != got && utf8.ValidString(s) && !strings.Contains(s, "\r") {
			t.Fatalf("CSV round trip of %q = %q, want %q", s, recs[0][0], got)
		}
	})
}
