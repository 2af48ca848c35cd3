package screens

import (
	"strconv"
	"strings"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/i18n"
)

// outcomeNotice is what the requester reads when their request was decided;
// name gives an agent's name for an id.
func outcomeNotice(ap data.Approval, name func(string) string) string {
	what := i18n.L("{{.Action}} on {{.Customer}}", i18n.M{"Action": actionTitle(ap.Action, ap.Params), "Customer": approvalCustomer(ap)})
	switch ap.Status {
	case data.ApprovalApproved:
		s := i18n.L("{{.Agent}} approved: {{.What}}. Done.", i18n.M{"Agent": name(ap.DecidedBy), "What": what})
		if ap.Result != nil && ap.Result.NoticeDeliveryID != "" {
			s = i18n.Sentences(i18n.Current(), s, i18n.L("The customer was sent a security notice."))
		}
		return s
	case data.ApprovalRejected:
		return i18n.L("{{.Agent}} rejected: {{.What}}. Comment: {{.Comment}}", i18n.M{"Agent": name(ap.DecidedBy), "What": what, "Comment": ap.Note})
	case data.ApprovalExpired:
		return i18n.L("Nobody decided in time, the request expired: {{.What}}.", i18n.M{"What": what})
	}
	return what + ": " + approvalStatusWords(ap.Status)
}

// approvalStatusWords names a request's status (the backend's value) in the
// agent's language.
func approvalStatusWords(status string) string {
	switch status {
	case data.ApprovalPending:
		return i18n.X("approval.status.pending", "pending")
	case data.ApprovalApproved:
		return i18n.X("approval.status.approved", "approved")
	case data.ApprovalRejected:
		return i18n.X("approval.status.rejected", "rejected")
	case data.ApprovalExpired:
		return i18n.X("approval.status.expired", "expired")
	}
	return status
}

// approvalCustomer names the request's customer for people: their name, or
// "the account" for a request made before the backend carried it.
func approvalCustomer(ap data.Approval) string {
	if ap.AccountName != "" {
		return i18n.L("{{.Name}}'s account", i18n.M{"Name": ap.AccountName})
	}
	return i18n.L("the account")
}

// approvalIDs is the request's labelled id line, for whoever needs the ids.
func approvalIDs(ap data.Approval) string {
	parts := []string{i18n.X("approval.ids.request", "request {{.ID}}", i18n.M{"ID": ap.ID}),
		i18n.X("approval.ids.account", "account {{.ID}}", i18n.M{"ID": ap.AccountID})}
	if d := ap.Params["device_id"]; d != "" {
		parts = append(parts, i18n.X("approval.ids.device", "device {{.ID}}", i18n.M{"ID": d}))
	}
	if ap.CaseID != "" {
		parts = append(parts, i18n.X("approval.ids.case", "case {{.ID}}", i18n.M{"ID": ap.CaseID}))
	}
	return idsLine(parts...)
}

// resultWords is what an approved action did, in sentences; "" for nothing
// to say.
func resultWords(r *data.ActionResult) string {
	if r == nil {
		return ""
	}
	s := ""
	if r.SessionsRevoked > 0 {
		s = i18n.N("{{.Count}} sessions signed out.", r.SessionsRevoked)
	}
	if r.NoticeDeliveryID != "" {
		s = i18n.Sentences(i18n.Current(), s, i18n.L("The customer was sent a security notice."))
	}
	return s
}

// actionTitle names a sensitive action for people, in the agent's language:
// "remove "Ana's iPhone" from the trusted devices", "change the email to
// n***@example.com". The device's id is for the id line (approvalIDs), not
// the title.
func actionTitle(action string, params map[string]string) string {
	return actionTitleIn(i18n.Agent(), action, params)
}

// actionTitleIn is actionTitle in l's language: English for the audit's
// detail.
func actionTitleIn(l *i18n.Localizer, action string, params map[string]string) string {
	switch action {
	case data.ActionRemoveDevice:
		if n := params["device_name"]; n != "" {
			return l.L("remove {{.Device}} from the trusted devices", i18n.M{"Device": strconv.Quote(n)})
		}
		return l.L("remove a trusted device")
	case data.ActionRevokeSessions:
		return l.L("sign the account out everywhere")
	case data.ActionDisable2FA:
		return l.L("turn two-step verification off")
	case data.ActionChangePhone:
		return l.L("change the phone number to {{.Phone}}", i18n.M{"Phone": cases.MaskContact(params["new_phone"])})
	case data.ActionChangeEmail:
		return l.L("change the email to {{.Email}}", i18n.M{"Email": cases.MaskContact(params["new_email"])})
	}
	return strings.ReplaceAll(action, "_", " ")
}

// actionConsequence is what the action does to the customer.
func actionConsequence(action string) string {
	switch action {
	case data.ActionRemoveDevice:
		return i18n.L("The device is signed out at once and needs a verification code next time. The customer gets a security notice.")
	case data.ActionRevokeSessions:
		return i18n.L("Every device is signed out, trusted ones too. The customer gets a security notice and should change the password.")
	case data.ActionDisable2FA:
		return i18n.L("Sign-in then needs only the password: anyone who has it gets in. The customer gets a security notice.")
	case data.ActionChangePhone, data.ActionChangeEmail:
		return i18n.L("Codes go to the new contact from now on; the old one gets a security notice. A takeover often starts with this change: be sure of the caller.")
	}
	return ""
}
