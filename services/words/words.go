// Package words holds the console's words for what the backend says in
// codes: the channel a code went by, a case's status, a number's stored form,
// a login's flags, counts. One of each, for the screens, the CLI and the
// exports alike, so the same thing reads the same everywhere. Each is said in
// the agent's language (i18n); the ...In functions say it in another (the
// customer's).
package words

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"verifydesk/data"
	"verifydesk/services/i18n"
	"verifydesk/services/logins"
)

// Method names a 2FA method or a channel: "SMS", "email", "app
// notification"; "none" for no method.
func Method(m string) string { return method(i18n.Agent(), m) }

// MethodIn is Method in lang (the customer's language).
func MethodIn(lang i18n.Language, m string) string { return method(i18n.In(lang), m) }

func method(l *i18n.Localizer, m string) string {
	switch m {
	case data.ChannelAppPush:
		return l.X("words.method.app_push", "app notification")
	case data.ChannelEmail:
		return l.X("words.method.email", "email")
	case data.ChannelSMS:
		return l.X("words.method.sms", "SMS")
	case "":
		return l.X("words.method.none", "none")
	}
	return m
}

// Purpose names what a code was sent for: "login", "reset password". A
// purpose without words reads with spaces for its underscores.
func Purpose(p string) string { return purpose(i18n.Agent(), p) }

// PurposeIn is Purpose in lang (the customer's language).
func PurposeIn(lang i18n.Language, p string) string { return purpose(i18n.In(lang), p) }

func purpose(l *i18n.Localizer, p string) string {
	switch p {
	case data.PurposeLogin:
		return l.X("words.purpose.login", "login")
	case data.PurposeRegister:
		return l.X("words.purpose.register", "register")
	case data.PurposeResetPassword:
		return l.X("words.purpose.reset_password", "reset password")
	case data.PurposeEnable2FA:
		return l.X("words.purpose.enable_2fa", "enable 2fa")
	case data.PurposeNewDevice:
		return l.X("words.purpose.new_device", "new device")
	case data.PurposeIdentityCheck:
		return l.X("words.purpose.identity_check", "identity check")
	case data.PurposeSecurityNotice:
		return l.X("words.purpose.security_notice", "security notice")
	}
	return strings.ReplaceAll(p, "_", " ")
}

// Percent is a rate from 0 to 1 as a whole percentage in the agent's
// language: 0.126 -> "13%" (Russian "13 %").
func Percent(r float64) string { return i18n.Percent(i18n.Current(), r) }

// Thousands is v rounded, grouped in the agent's language: "12,345"
// (Russian "12 345").
func Thousands(v float64) string { return i18n.Number(i18n.Current(), v) }

// CaseStatus names a case's status: "open", "waiting on customer",
// "escalated", "resolved".
func CaseStatus(s string) string { return CaseStatusIn(i18n.Current(), s) }

// CaseStatusIn is CaseStatus in lang: English in the export.
func CaseStatusIn(lang i18n.Language, s string) string {
	l := i18n.In(lang)
	switch s {
	case data.CaseWaiting:
		return l.X("words.status.waiting_on_customer", "waiting on customer")
	case data.CaseOpen, "":
		return l.X("words.status.open", "open")
	case data.CaseEscalated:
		return l.X("words.status.escalated", "escalated")
	case data.CaseResolved:
		return l.X("words.status.resolved", "resolved")
	}
	return s
}

// Form names the form a number is stored or sent in: "without the 0
// (E.164)", "with the trunk 0 (legacy)".
func Form(form string) string { return FormIn(i18n.Current(), form) }

// FormIn is Form in lang: a checklist's language, English in the export.
func FormIn(lang i18n.Language, form string) string {
	l := i18n.In(lang)
	switch form {
	case data.FormE164:
		return l.X("words.form.e164", "without the 0 (E.164)")
	case data.FormTrunk0:
		return l.X("words.form.trunk_0", "with the trunk 0 (legacy)")
	}
	return l.X("words.form.other", "form {{.Form}}", i18n.M{"Form": form})
}

// LoginFlags says why a login stands out: "new country, new device,
// impossible travel"; "" when nothing does.
func LoginFlags(e logins.Event) string { return LoginFlagsIn(i18n.Current(), e) }

// LoginFlagsIn is LoginFlags in lang: a checklist's language, English in the export.
func LoginFlagsIn(lang i18n.Language, e logins.Event) string {
	l := i18n.In(lang)
	var f []string
	if e.NewCountry {
		f = append(f, l.X("words.login.new_country", "new country"))
	}
	if e.NewDevice {
		f = append(f, l.X("words.login.new_device", "new device"))
	}
	if e.ImpossibleTravel {
		f = append(f, l.X("words.login.impossible_travel", "impossible travel"))
	}
	return strings.Join(f, i18n.ListSeparator(lang))
}

// Capital is s with its first letter upper case (a table's label); a
// language without case (Chinese) is left as it is.
func Capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// Lock says whether an account is locked, why and until when ("locked: too
// many wrong passwords until 14:05"); when words the end time. The reason is
// the backend's, as it gave it.
func Lock(l data.Lock, when func(time.Time) string) string { return LockIn(i18n.Current(), l, when) }

// LockIn is Lock in lang: English in the export.
func LockIn(lang i18n.Language, lock data.Lock, when func(time.Time) string) string {
	l := i18n.In(lang)
	switch {
	case !lock.Locked:
		return l.X("words.lock.not_locked", "not locked")
	case lock.Reason != "" && lock.Until != nil:
		return l.X("words.lock.reason_until", "locked: {{.Reason}} until {{.Until}}",
			i18n.M{"Reason": lock.Reason, "Until": when(*lock.Until)})
	case lock.Reason != "":
		return l.X("words.lock.reason", "locked: {{.Reason}}", i18n.M{"Reason": lock.Reason})
	case lock.Until != nil:
		return l.X("words.lock.until", "locked until {{.Until}}", i18n.M{"Until": when(*lock.Until)})
	}
	return l.X("words.lock.locked", "locked")
}

// auditActions are the words for the actions the backend's audit records
// (keys said with i18n.T where shown).
var auditActions = map[string]string{
	"sign_in": i18n.Mark("signed in"), "sign_out": i18n.Mark("signed out"), "search_accounts": i18n.Mark("searched accounts"),
	"view_account": i18n.Mark("viewed an account"), "reveal": i18n.Mark("revealed a contact"),
	"list_deliveries": i18n.Mark("read the delivery log"), "resend_code": i18n.Mark("resent a code"),
	"list_devices": i18n.Mark("read the trusted devices"), "remove_device": i18n.Mark("removed a trusted device"),
	"revoke_sessions": i18n.Mark("signed the account out everywhere"), "disable_2fa": i18n.Mark("turned two-step verification off"),
	"change_contact": i18n.Mark("changed a contact"), "identity_check_start": i18n.Mark("identity check started"),
	"identity_check_verify": i18n.Mark("identity check verified"), "approval_request": i18n.Mark("asked for approval"),
	"approval_decide": i18n.Mark("decided an approval"), "approval_approved": i18n.Mark("approved a request"),
	"approval_rejected": i18n.Mark("rejected a request"), "view_login_activity": i18n.Mark("read the login activity"),
	"view_rate_limits": i18n.Mark("read the send limits"), "case_create": i18n.Mark("opened a case"), "case_update": i18n.Mark("updated a case"),
	"case_note": i18n.Mark("added a case note"), "case_view": i18n.Mark("viewed a case"), "case_list": i18n.Mark("listed cases"),
	"audit_chain_head": i18n.Mark("recorded the audit chain"), "audit_denied": i18n.Mark("was refused"),
	"audit_export": i18n.Mark("exported the audit"), "demo_inbox": i18n.Mark("read the demo inbox"),
	"case_attachment": i18n.Mark("attached a file to a case"), "case_conflict": i18n.Mark("settled a case conflict"),
	"case_export": i18n.Mark("exported a case"),
}

// AuditAction names an audit action in words: "identity_check_verify" is
// "identity check verified". An action without words reads with spaces for
// its underscores.
func AuditAction(action string) string {
	if w, ok := auditActions[action]; ok {
		return i18n.T(w)
	}
	return strings.ReplaceAll(action, "_", " ")
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
		return i18n.X("words.outcome.done", "done")
	case data.AuditDenied:
		if status == 404 {
			return i18n.X("words.outcome.not_found", "refused: not found")
		}
		if status == 429 {
			return i18n.X("words.outcome.too_many", "refused: too many")
		}
		return i18n.X("words.outcome.refused", "refused")
	case data.AuditFailed:
		return i18n.X("words.outcome.failed", "failed")
	}
	return outcome
}

// DeliveryStatus names a delivery's status: "delivered"; one the console does
// not know as the backend says it.
func DeliveryStatus(status string) string {
	switch status {
	case data.StatusQueued:
		return i18n.X("codes.status.queued", "queued")
	case data.StatusSent:
		return i18n.X("codes.status.sent", "sent")
	case data.StatusDelivered:
		return i18n.X("codes.status.delivered", "delivered")
	case data.StatusUndelivered:
		return i18n.X("codes.status.undelivered", "undelivered")
	case data.StatusFailed:
		return i18n.X("codes.status.failed", "failed")
	case data.StatusBounced:
		return i18n.X("codes.status.bounced", "bounced")
	}
	return status
}
