package cases

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskContact(t *testing.T) {
	for in, want := range map[string]string{
		"emily.new@example.com": "e***@example.com",
		"王芳@example.cn":         "王***@example.cn",
		"Chen.Mei@Example.com":  "C***@example.com",
		"+447911123456":         "+44 7*** *** 456",
		"+44 7911 123456":       "+44 7*** *** 456",
		"+886936123456":         "+886 9** *** 456",
		"0936 123 456":          "**** *** 456",
		"123456":                "****56",
		"12345":                 "***",
		"call me":               "***",
		"+44 7*** *** 456":      "+44 7*** *** 456",
		"0*0000000000000000":    "***",
		"":                      "",
	} {
		if got := MaskContact(in); got != want {
			t.Errorf("MaskContact(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzMaskContact(f *testing.F) {
	for _, s := range []string{"a@b.c", "+447911123456", "王芳@example.cn", "\xff@x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MaskContact(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("MaskContact(%q) = %q cuts a character", s, got)
		}
		if t2 := strings.TrimSpace(s); len(t2) > 5 && !strings.Contains(t2, "*") && strings.Contains(got, t2) {
			t.Fatalf("MaskContact(%q) = %q shows it whole", s, got)
		}
	})
}
