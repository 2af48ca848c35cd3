// Package words holds the console's words for what the backend says in
// codes: the channel a code went by, a case's status, a number's stored form,
// a login's flags, counts. One of each, for the screens, the CLI and the
// exports alike, so the same thing reads the same everywhere.
package words

import (
	"fmt"
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

// Percent is a rate from 0 to 1 as a whole percentage: 0.126 -> "13%".
func Percent(r float64) string { return fmt.Sprintf("%d%%", int(math.Round(100*r))) }

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

// auditActions are the words for the actions the backend's audit records.
var auditActions = map[string]string{
	"sign_in": "signed in", "sign_out": "signed out", "search_accounts": "searched accounts",
	"view_account": "viewed an account", "reveal": "revealed a contact",
	"list_deliveries": "read the delivery log", "resend_code": "resent a code",
	"list_devices": "read the trusted devices", "remove_device": "removed a trusted device",
	"revoke_sessions": "signed the account out everywhere", "disable_2fa": "turned two-step verification off",
	"change_contact": "changed a contact", "identity_check_start": "identity check started",
	"identity_check_verify": "identity check verified", "approval_request": "asked for approval",
	"approval_decide": "decided an approval", "approval_approved": "approved a request",
	"approval_rejected": "rejected a request", "view_login_activity": "read the login activity",
	"view_rate_limits": "read the send limits", "case_create": "opened a case", "case_update": "updated a case",
	"case_note": "added a case note", "case_view": "viewed a case", "case_list": "listed cases",
	"audit_chain_head": "recorded the audit chain", "audit_denied": "was refused",
	"audit_export": "exported the audit", "demo_inbox": "read the demo inbox",
	"case_attachment": "attached a file to a case", "case_conflict": "settled a case conflict",
	"case_export": "exported a case",
}

// AuditAction names an audit action in words: "identity_check_verify" is
// "identity check verified". An action without words reads with spaces for
// its underscores.
func AuditAction(action string) string {
	if w, ok := auditActions[action]; ok {
		return w
	}
	return strings.ReplaceAll(action, "_", " ")
}

// AuditActionCode is the action AuditAction named words, or words itself.
func AuditActionCode(words string) string {
	for code, w := range auditActions {
		if w == words {
			return code
		}
	}
	return words
}

// AuditOutcome says how an audited call ended, in words: "done", "refused"
// (a 4xx: not allowed, not found, bad input, limited) or "failed" (the
// backend's own error). outcome may be empty: status decides then.
func AuditOutcome(outcome string, status int) string {
	if outcome == "" {
		outcome = data.AuditOutcome(status)
	}
	switch outcome {
	case data.AuditOK:
		return "done"
	case data.AuditDenied:
		if status == 404 {
			return "refused: not found"
		}
		if status == 429 {
			return "refused: too many"
		}
		return "refused"
	case data.AuditFailed:
		return "failed"
	}
	return outcome
}
