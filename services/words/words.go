// Package words holds the console's words for what the backend says in
// codes: the channel a code went by, a case's status, a number's stored form,
// a login's flags, counts. One of each, for the screens, the CLI and the
// exports alike, so the same thing reads the same everywhere.
package words

import (
	"math"
	"strconv"
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/logins"
)

// Plural is "s" unless n is 1: fmt.Sprintf("%d case%s", n, Plural(n)).
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Method names a 2FA method or a channel: "SMS", "email", "app
// notification"; "none" for no method.
func Method(m string) string {
	switch m {
	case data.ChannelAppPush:
		return "app notification"
	case data.ChannelEmail:
		return "email"
	case data.ChannelSMS:
		return "SMS"
	case "":
		return "none"
	}
	return m
}

// Thousands is v rounded, with a comma every three digits: "12,345".
func Thousands(v float64) string {
	n := int64(math.Round(v))
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// CaseStatus names a case's status: "open", "waiting on customer",
// "escalated", "resolved".
func CaseStatus(s string) string {
	switch s {
	case data.CaseWaiting:
		return "waiting on customer"
	case "":
		return "open"
	}
	return s
}

// Form names the form a number is stored or sent in: "without the 0
// (E.164)", "with the trunk 0 (legacy)".
func Form(form string) string {
	switch form {
	case data.FormE164:
		return "without the 0 (E.164)"
	case data.FormTrunk0:
		return "with the trunk 0 (legacy)"
	}
	return "form " + form
}

// LoginFlags says why a login stands out: "new country, new device,
// impossible travel"; "" when nothing does.
func LoginFlags(e logins.Event) string {
	var f []string
	if e.NewCountry {
		f = append(f, "new country")
	}
	if e.NewDevice {
		f = append(f, "new device")
	}
	if e.ImpossibleTravel {
		f = append(f, "impossible travel")
	}
	return strings.Join(f, ", ")
}

// Capital is s with its first letter upper case (a table's label).
func Capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Lock says whether an account is locked, why and until when ("locked: too
// many wrong passwords until 14:05"); when words the end time.
func Lock(l data.Lock, when func(time.Time) string) string {
	if !l.Locked {
		return "not locked"
	}
	s := "locked"
	if l.Reason != "" {
		s += ": " + l.Reason
	}
	if l.Until != nil {
		s += " until " + when(*l.Until)
	}
	return s
}
