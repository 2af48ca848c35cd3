package sso

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCallback(t *testing.T) {
	const st, iss = "s-1", "https://login.example.com"
	for _, tc := range []struct {
		query string
		code  string
		want  error
		says  string
	}{
		{query: "code=abc&state=s-1", code: "abc"},
		{query: "code=abc&state=s-1&iss=https%3A%2F%2Flogin.example.com", code: "abc"},
		{query: "code=abc&state=s-2", want: ErrState},
		{query: "code=abc", want: ErrState},
		{query: "code=abc&state=s-1&state=s-1", want: ErrRefused, says: "repeats a parameter"},
		{query: "state=s-1", want: ErrRefused, says: "carries no code"},
		{query: "code=abc&state=s-1&iss=https%3A%2F%2Fevil", want: ErrRefused, says: "another provider (https://evil)"},
		{query: "error=access_denied&state=s-1", want: ErrRefused, says: "refused the sign-in: access_denied"},
		{query: "error=access_denied&error_description=line%0Abreak&state=s-1", want: ErrRefused, says: "access_denied: line break"},
		{query: "error=access_denied&state=s-9", want: ErrState},
		{query: "code=%zz&state=s-1", want: ErrRefused, says: "cannot be read"},
		{query: "code=" + strings.Repeat("a", 5000) + "&state=s-1", want: ErrRefused, says: "too long"},
	} {
		code, err := ParseCallback(tc.query, st, iss)
		if code != tc.code || !errors.Is(err, tc.want) || (tc.want != nil && !strings.Contains(err.Error(), tc.says)) {
			t.Errorf("%.60s: %q %v, want %q %v %q", tc.query, code, err, tc.code, tc.want, tc.says)
		}
	}
	if _, err := ParseCallback("code=abc&state=", "", iss); !errors.Is(err, ErrState) {
		t.Errorf("empty state accepted: %v", err)
	}
}

// FuzzParseCallback: whatever a browser sends to the loopback listener, the
// parser answers a code only with this sign-in's state, never panics, and
// its messages are one bounded line.
func FuzzParseCallback(f *testing.F) {
	f.Add("code=abc&state=s-1", "s-1")
	f.Add("error=access_denied&error_description=no&state=s-1", "s-1")
	f.Add("code=abc&state=s-1&iss=x", "s-1")
	f.Add("%zz", "")
	f.Add("state=&code=", "")
	f.Fuzz(func(t *testing.T, query, state string) {
		code, err := ParseCallback(query, state, "https://login.example.com")
		if err == nil {
			if code == "" || state == "" || len(code) > 4096 {
				t.Fatalf("accepted %q for state %q: code %q", query, state, code)
			}
			return
		}
		if code != "" {
			t.Fatalf("a code with an error: %q %v", code, err)
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\n\r\x00") || len(msg) > 600 || !utf8.ValidString(msg) {
			t.Fatalf("message %q", msg)
		}
	})
}

func TestLogoutURL(t *testing.T) {
	for _, tc := range []struct{ end, want string }{
		{"", ""},
		{"javascript:alert(1)", ""},
		{"https://login.example.com/logout?x=1", "https://login.example.com/logout?client_id=vd&id_token_hint=tok&x=1"},
	} {
		if got := (Result{IDToken: "tok", EndSession: tc.end}).LogoutURL("vd"); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.end, got, tc.want)
		}
	}
}
