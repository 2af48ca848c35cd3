package data

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestValidClientID(t *testing.T) {
	for _, id := range []string{"c1", "case-" + uuid.NewString(), "note-" + uuid.NewString(), "console-" + uuid.NewString(),
		uuid.NewString(), "desk_7", strings.Repeat("a", MaxClientIDLen)} {
		if !ValidClientID(id) {
			t.Errorf("%q refused", id)
		}
	}
	for _, id := range []string{"", "../../tmp/x", `..\..\Users\Public\Desktop\evil`, "..", ".", "-x", "_x", "a/b", `a\b`,
		"C:", "a b", "a\x00b", "a\nb", "case-1.md", "саse-1", strings.Repeat("a", MaxClientIDLen+1), "a%2F"} {
		if ValidClientID(id) {
			t.Errorf("%q admitted", id)
		}
	}
}

// FuzzValidClientID holds ValidClientID to ClientIDPattern, the pattern
// openapi.yaml documents.
func FuzzValidClientID(f *testing.F) {
	re := regexp.MustCompile(ClientIDPattern)
	for _, s := range []string{"c1", "../x", "a-", "-a", strings.Repeat("z", 65), "é", "a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if got, want := ValidClientID(id), re.MatchString(id); got != want {
			t.Fatalf("ValidClientID(%q) = %v, the pattern says %v", id, got, want)
		}
	})
}
