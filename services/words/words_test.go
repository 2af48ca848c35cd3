package words

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"verifydesk/data"
	"verifydesk/services/logins"
)

func TestWords(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Method(data.ChannelSMS), "SMS"}, {Method(data.ChannelAppPush), "app notification"}, {Method(""), "none"},
		{Thousands(1234567.4), "1,234,567"}, {Thousands(999), "999"}, {Thousands(-12345), "-12,345"}, {Thousands(0), "0"},
		{CaseStatus(data.CaseWaiting), "waiting on customer"}, {CaseStatus(""), "open"}, {CaseStatus(data.CaseResolved), "resolved"},
		{Form(data.FormTrunk0), "with the trunk 0 (legacy)"}, {Form(data.FormE164), "without the 0 (E.164)"},
		{LoginFlags(logins.Event{NewCountry: true, ImpossibleTravel: true}), "new country, impossible travel"},
		{LoginFlags(logins.Event{}), ""},
		{Capital("with the 0"), "With the 0"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestShown(t *testing.T) {
	for _, c := range []struct {
		in    string
		max   int
		lines bool
		want  string
	}{
		{"Lena Fischer", 0, false, "Lena Fischer"},
		{"Lena\r\nFischer", 0, false, `Lena\r\nFischer`},
		{"line one\r\nline two", 0, true, "line one\nline two"},
		{"\u202eRTL-gnp.exe", 0, false, "<U+202E>RTL-gnp.exe"},
		{"a\x1bb\x07c\x00d", 0, false, `a\x1bb\x07c\x00d`},
		{"zero\u200bwidth", 0, false, "zero<U+200B>width"},
		{"הלקוח \u200f(iPhone 15)\u200f", 0, false, "הלקוח \u200f(iPhone 15)\u200f"},
		{"👩🏽\u200d💻", 0, false, "👩🏽\u200d💻"},
		{"\xff", 0, false, "\uFFFD"},
		{"王芳", 0, false, "王芳"},
		{strings.Repeat("x", 10000), 79, false, strings.Repeat("x", 79) + "…(+9,921 characters)"},
		{"tab\there", 0, false, "tab\there"},
		{"\u0085next", 0, false, `\u0085next`},
	} {
		if got := Shown(c.in, c.max, c.lines); got != c.want {
			t.Errorf("Shown(%q, %d, %v) = %q, want %q", c.in, c.max, c.lines, got, c.want)
		}
	}
}

// FuzzShown: whatever comes in, what is shown is valid UTF-8, holds no
// control character but a kept line break or tab, no direction override or
// invisible character, and is bounded.
func FuzzShown(f *testing.F) {
	for _, s := range []string{"", "Lena", "\u202eexe", "a\x00b", "\xff\xfe", "line\nline", strings.Repeat("é", 300)} {
		f.Add(s, 80, false)
	}
	f.Fuzz(func(t *testing.T, s string, max int, lines bool) {
		max = max % 1000
		got := Shown(s, max, lines)
		if !utf8.ValidString(got) {
			t.Fatalf("Shown(%q) = %q: not UTF-8", s, got)
		}
		for _, r := range got {
			if (r < 0x20 && r != '\t' && !(lines && (r == '\n' || r == '\r'))) || r == 0x7f || (unicode.IsControl(r) && r >= 0x80) || hidden(r) {
				t.Fatalf("Shown(%q) = %q keeps %U", s, got, r)
			}
		}
		if max > 0 && utf8.RuneCountInString(got) > max+40 {
			t.Fatalf("Shown(%q, %d) is %d characters", s, max, utf8.RuneCountInString(got))
		}
	})
}

func TestLock(t *testing.T) {
	until := time.Date(2026, 12, 7, 14, 5, 0, 0, time.UTC)
	when := func(t time.Time) string { return t.Format("15:04") }
	for _, c := range []struct {
		l    data.Lock
		want string
	}{
		{data.Lock{}, "not locked"},
		{data.Lock{Locked: true}, "locked"},
		{data.Lock{Locked: true, Reason: "too many wrong passwords", Until: &until}, "locked: too many wrong passwords until 14:05"},
	} {
		if got := Lock(c.l, when); got != c.want {
			t.Errorf("Lock(%+v) = %q, want %q", c.l, got, c.want)
		}
	}
}

func TestAuditWords(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"identity_check_verify", "identity check verified"},
		{"remove_device", "removed a trusted device"},
		{"something_new", "something new"},
	} {
		if got := AuditAction(c.in); got != c.want {
			t.Errorf("AuditAction(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		outcome string
		status  int
		want    string
	}{{"ok", 201, "done"}, {"", 200, "done"}, {"denied", 403, "refused"}, {"", 404, "refused: not found"}, {"failed", 500, "failed"}} {
		if got := AuditOutcome(c.outcome, c.status); got != c.want {
			t.Errorf("AuditOutcome(%q, %d) = %q, want %q", c.outcome, c.status, got, c.want)
		}
	}
}
