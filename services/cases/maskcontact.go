package cases

import (
	"strings"
	"unicode/utf8"
)

// MaskContact hides most of a phone number or email address the way the
// backend masks what it stores ("+44 7*** **456" style: the first and last
// digits; "n***@example.com"), for values the console holds in clear (a new
// contact typed by an agent, an export). It never cuts a character in two.
func MaskContact(s string) string {
	s = strings.TrimSpace(s)
	if at := strings.LastIndexByte(s, '@'); at > 0 {
		first, _ := utf8.DecodeRuneInString(s)
		return string(first) + "***" + s[at:]
	}
	r := []rune(s)
	if len(r) <= 5 {
		return strings.Repeat("*", len(r))
	}
	// Keep at most three at each end, and never more than a third in all:
	// a short number keeps one at each end, so something is always hidden.
	k := min(3, (len(r)-1)/3)
	return string(r[:k]) + strings.Repeat("*", len(r)-2*k) + string(r[len(r)-k:])
}
