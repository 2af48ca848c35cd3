package cases

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// MaskContact hides most of a phone number or email address the way the
// backend masks what it stores, for values the console holds in clear (a new
// contact typed by an agent, a cached case, an export): the one contact mask
// of the console, used by the screens, the CLI and every export.
//
//   - a number with its country code: the code, the first national digit and
//     the last three, in groups: "+44 7*** *** 456";
//   - a number without it: its layout, every digit but the last three starred
//     ("**** *** 456"); a short one keeps at most a third of its digits;
//   - an email: the first character and the domain, "m***@example.com";
//   - anything else: "***".
//
// The last digits always show: they are what an agent reads back to the
// caller. It never cuts a character in two and never returns the value whole.
func MaskContact(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ""
	case maskedAlready(s):
		return s // the backend's answers are
	}
	if at := strings.LastIndexByte(s, '@'); at > 0 && at < len(s)-1 {
		first, _ := utf8.DecodeRuneInString(s)
		return string(first) + "***" + strings.ToLower(s[at:])
	}
	if looksLikePhone(s) {
		return maskPhone(s)
	}
	return "***"
}

// maskedAlready: s is a number masked as the backend masks them ("+44 7***
// *** 456"): only what numbers are written with, and at least half of it
// behind three stars or more. A star or two among digits that all show is
// no mask.
func maskedAlready(s string) bool {
	stars := strings.Count(s, "*")
	return stars >= 3 && 2*stars >= len(digitsOf(s)) && strings.Trim(s, "0123456789+ -.()/*") == ""
}

// maskPhone masks a value that holds a phone number and nothing else.
func maskPhone(s string) string {
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "＋") {
		// The digits as written after the country code, as the backend masks
		// what it stores: a legacy "+886 0936…" keeps its trunk 0.
		if n, err := phonenumbers.Parse(s, ""); err == nil {
			cc := strconv.Itoa(int(n.GetCountryCode()))
			if d := digitsOf(s); strings.HasPrefix(d, cc) && len(d)-len(cc) >= 5 {
				return maskE164(n.GetCountryCode(), d[len(cc):])
			}
		}
	}
	return maskDigits(s)
}
