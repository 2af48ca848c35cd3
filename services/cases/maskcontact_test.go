package cases

import (
	"testing"
	"unicode/utf8"
)

func TestMaskContact(t *testing.T) {
	for in, want := range map[string]string{
		"emily.new@example.com": "e***@example.com",
		"王芳@example.cn":         "王***@example.cn",
		"+447911123456":         "+44*******456",
		"12345":                 "*****",
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
	})
}
