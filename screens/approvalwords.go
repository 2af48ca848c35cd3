package screens

import (
	"fmt"
	"strings"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/words"
)

// outcomeNotice is what the requester reads when their request was decided;
// name gives an agent's name for an id.
func outcomeNotice(ap data.Approval, name func(string) string) string {
	what := actionTitle(ap.Action, ap.Params) + " on " + approvalCustomer(ap)
	switch ap.Status {
	case data.ApprovalApproved:
		s := name(ap.DecidedBy) + " approved: " + what + ". Done."
		if ap.Result != nil && ap.Result.NoticeDeliveryID != "" {
			s += " The customer was sent a security notice."
		}
		return s
	case data.ApprovalRejected:
		return name(ap.DecidedBy) + " rejected: " + what + ". Comment: " + ap.Note
	case data.ApprovalExpired:
		return "Nobody decided in time, the request expired: " + what + "."
	}
	return what + ": " + ap.Status
}

// approvalCustomer names the request's customer for people: their name, or
// "the account" for a request made before the backend carried it.
func approvalCustomer(ap data.Approval) string {
	if ap.AccountName != "" {
		return ap.AccountName + "'s account"
	}
	return "the account"
}

// approvalIDs is the request's labelled id line, for whoever needs the ids.
func approvalIDs(ap data.Approval) string {
	s := idsLine("request "+ap.ID, "account "+ap.AccountID)
	if d := ap.Params["device_id"]; d != "" {
		s += ", device " + d
	}
	if ap.CaseID != "" {
		s += ", case " + ap.CaseID
	}
	return s
}

func resultWords(r *data.ActionResult) string {
	if r == nil {
		return ""
	}
	s := ""
	if r.SessionsRevoked > 0 {
		s += fmt.Sprintf(" %d session%s signed out.", r.SessionsRevoked, words.Plural(r.SessionsRevoked))
	}
	if r.NoticeDeliveryID != "" {
		s += " The customer was sent a security notice."
	}
	return s
}

// actionTitle names a sensitive action for people: "remove "Ana's iPhone"
// from the trusted devices", "change the email to n***@example.com". The
// device's id is for the id line (approvalIDs), not the title.
func actionTitle(action string, params map[string]string) string {
	switch action {
	case data.ActionRemoveDevice:
		if n := params["device_name"]; n != "" {
			return fmt.Sprintf("remove %q from the trusted devices", n)
		}
		return "remove a trusted device"
	case data.ActionRevokeSessions:
		return "sign the account out everywhere"
	case data.ActionDisable2FA:
		return "turn two-step verification off"
	case data.ActionChangePhone:
		return "change the phone number to " + cases.MaskContact(params["new_phone"])
	case data.ActionChangeEmail:
		return "change the email to " + cases.MaskContact(params["new_email"])
	}
	return strings.ReplaceAll(action, "_", " ")
}

// actionConsequence is what the action does to the customer.
func actionConsequence(action string) string {
	switch action {
	case data.ActionRemoveDevice:
		return "The device is signed out at once and needs a verification code next time. The customer gets a security notice."
	case data.ActionRevokeSessions:
		return "Every device is signed out, trusted ones too. The customer gets a security notice and should change the password."
	case data.ActionDisable2FA:
		return "Sign-in then needs only the password: anyone who has it gets in. The customer gets a security notice."
	case data.ActionChangePhone, data.ActionChangeEmail:
		return "Codes go to the new contact from now on; the old one gets a security notice. A takeover often starts with this change: be sure of the caller."
	}
	return ""
}
