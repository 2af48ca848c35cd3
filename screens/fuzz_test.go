package screens

import (
	"strings"
	"testing"
	"unicode/utf8"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/casework"
)

// FuzzParseQuery gives the search box's parser whatever an agent can type or
// paste, in any country (even one the picker does not have): it never
// panics, and decides exactly one thing: a problem to show, or one field to
// search, in the form the backend searches it.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []struct{ text, region string }{
		{"+16502530000", "US"}, {"0936-123-456", "TW"}, {"07911 123456", "GB"}, {"0936ABC456", "TW"},
		{"2FA.Pending@Example.com", "US"}, {"acc_1014", "BR"}, {"acc-1", ""}, {"", "US"}, {"   ", "US"},
		{"@", "US"}, {"+", "ZZ"}, {"00886936123456", "TW"}, {"+44 (0) 7911 123456", "GB"},
		{"٠٩٣٦١٢٣٤٥٦", "TW"}, {"\u202e+16502530000", "US"}, {"e\u0301@example.com", "FR"},
		{"\xff\xfe", "US"}, {"acc_\x00", "US"}, {strings.Repeat("9", 5000), "US"}, {"+1 650 253 0000 ext. 12", "us"},
	} {
		f.Add(s.text, s.region)
	}
	f.Fuzz(func(t *testing.T, text, region string) {
		q := parseQuery(text, region)
		set := 0
		for _, v := range []string{q.problem, q.q.Email, q.q.ID, q.q.Phone} {
			if v != "" {
				set++
			}
		}
		if set != 1 {
			t.Fatalf("parseQuery(%q, %q) = %+v: want a problem or exactly one field", text, region, q)
		}
		switch {
		case q.q.Email != "":
			if !strings.Contains(q.q.Email, "@") || q.q.Email != strings.ToLower(q.q.Email) || q.q.Email != strings.TrimSpace(q.q.Email) {
				t.Errorf("email %q from %q", q.q.Email, text)
			}
		case q.q.ID != "":
			if !accountIDPattern.MatchString(q.q.ID) {
				t.Errorf("account id %q from %q", q.q.ID, text)
			}
		case q.q.Phone != "":
			if !isE164(q.q.Phone) || q.diagnosis == nil {
				t.Errorf("phone %q from %q (diagnosis %v)", q.q.Phone, text, q.diagnosis != nil)
			}
		}
		hint := searchHint(q)
		if hint == "" {
			t.Errorf("no hint for %q", text)
		}
		if utf8.ValidString(text) && !utf8.ValidString(hint) {
			t.Errorf("the hint for %q is not valid UTF-8: %q", text, hint)
		}
	})
}

// isE164 reports whether s is + and 2 to 15 digits.
func isE164(s string) bool {
	if len(s) < 3 || len(s) > 16 || s[0] != '+' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// FuzzWordsOfOutsideText feeds the helpers that put text from the backend
// or an agent on screen (a masked contact in an approval, a case's short id,
// an action's title): they never panic and never cut a character in half.
func FuzzWordsOfOutsideText(f *testing.F) {
	for _, s := range []string{"", "a@b", "é@example.com", "+447911123456", "王芳@example.cn", "+٩٦٦٥٠١٢٣٤٥٦٧",
		"case-3f2a9c1e-aaaa", "case-ééééééé", "\u202e", "👩‍💻👩‍💻@x"} {
		f.Add(s, data.ActionChangeEmail)
	}
	f.Add("+8613812345678", data.ActionChangePhone)
	f.Add("dv_1", data.ActionRemoveDevice)
	f.Fuzz(func(t *testing.T, s, action string) {
		valid := utf8.ValidString(s)
		out := map[string]string{
			"maskContact": cases.MaskContact(s),
			"shortID":     casework.ShortID(s),
			"actionTitle": actionTitle(action, map[string]string{"new_email": s, "new_phone": s, "device_id": s, "device_name": s}),
		}
		for name, v := range out {
			if valid && utf8.ValidString(action) && !utf8.ValidString(v) {
				t.Errorf("%s of %q cuts a character: %q", name, s, v)
			}
		}
		if m := cases.MaskContact(s); len(strings.TrimSpace(s)) > 5 && strings.Contains(s, m) && !strings.Contains(m, "*") {
			t.Errorf("cases.MaskContact(%q) = %q hides nothing", s, m)
		}
	})
}
