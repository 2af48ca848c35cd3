package screens

import (
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/deliveries"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

func (p *codesPanel) cell(row, col int) string {
	d := p.rows[row]
	switch col {
	case 0:
		return relativeTime(d.RequestedAt, p.w.now(), nil)
	case 1:
		return words.Method(d.Channel)
	case 2:
		to := d.DestinationMasked
		if d.DestinationForm == data.FormTrunk0 {
			to = i18n.L("{{.To}} (with 0)", i18n.M{"To": to})
		}
		return to
	case 3:
		return deliveryPurposeWords(d.Purpose)
	case 4:
		return deliveryRequesterWords(d.RequestedBy)
	case 5:
		return words.DeliveryStatus(d.Status)
	case 6:
		if pe, ok := data.ProviderErrors[d.ProviderError]; ok {
			return i18n.T(pe.Meaning)
		}
		if d.ProviderError != "" {
			return i18n.L("provider error {{.Code}}", i18n.M{"Code": d.ProviderError})
		}
		if d.NetworkReached != "" {
			return i18n.L("reached {{.Network}}", i18n.M{"Network": d.NetworkReached})
		}
		return ""
	case 7:
		return d.Sender
	}
	return ""
}

// codesLongest is the longest of texts, in characters.
func codesLongest(texts []string) string {
	out := ""
	for _, t := range texts {
		if len([]rune(t)) > len([]rune(out)) {
			out = t
		}
	}
	return out
}

// deliveryPurposeLabel names a purpose as the resend row offers it: in English the
// backend's word ("reset_password").
func deliveryPurposeLabel(purpose string) string {
	switch purpose {
	case data.PurposeLogin:
		return i18n.X("codes.purpose.login", "login")
	case data.PurposeRegister:
		return i18n.X("codes.purpose.register", "register")
	case data.PurposeResetPassword:
		return i18n.X("codes.purpose.reset_password", "reset_password")
	case data.PurposeEnable2FA:
		return i18n.X("codes.purpose.enable_2fa", "enable_2fa")
	case data.PurposeNewDevice:
		return i18n.X("codes.purpose.new_device", "new_device")
	case data.PurposeIdentityCheck:
		return i18n.X("codes.purpose.identity_check", "identity_check")
	case data.PurposeSecurityNotice:
		return i18n.X("codes.purpose.security_notice", "security_notice")
	}
	return purpose
}

// deliveryPurposeWords names a purpose in a sentence: "reset password".
func deliveryPurposeWords(purpose string) string { return words.Purpose(purpose) }

// deliveryRequesterWords names who asked for a delivery: "agent".
func deliveryRequesterWords(by string) string {
	switch by {
	case data.RequesterAgent:
		return i18n.X("codes.requester.agent", "agent")
	case data.RequesterUser:
		return i18n.X("codes.requester.user", "user")
	case data.RequesterSystem:
		return i18n.X("codes.requester.system", "system")
	}
	return by
}

// deliverySummary is the one line an agent reads first: how many arrived.
func deliverySummary(rows []data.Delivery, now time.Time) string {
	c := deliveries.CountAt(rows, now)
	// One line: what each delivery means is in the table and below it.
	s := i18n.N("{{.Count}} sent in the last 30 days: {{.Delivered}} delivered, {{.Failed}} did not arrive.", c.Total,
		i18n.M{"Delivered": c.Delivered, "Failed": c.Failed})
	if last := rows[0]; last.Status != data.StatusDelivered {
		s = i18n.L("{{.Summary}} The latest is {{.Status}}.", i18n.M{"Summary": s, "Status": words.DeliveryStatus(last.Status)})
	}
	return s
}

// deliveryDetail explains one delivery: its meaning, the advice from the help
// pages (in the customer's language too, with cust), and the sender the
// customer should look for.
func deliveryDetail(d data.Delivery, cust *i18n.Localizer) string {
	var b strings.Builder
	b.WriteString(i18n.L("{{.Channel}} to {{.To}}, {{.Purpose}}, status {{.Status}}.", i18n.M{
		"Channel": words.Method(d.Channel), "To": d.DestinationMasked, "Purpose": deliveryPurposeWords(d.Purpose), "Status": words.DeliveryStatus(d.Status)}) + "\n")
	if pe, ok := data.ProviderErrors[d.ProviderError]; ok {
		var theirs string
		if cust != nil {
			theirs = cust.T(pe.Advice)
		}
		b.WriteString("\n" + i18n.L("What happened: {{.Meaning}}", i18n.M{"Meaning": i18n.T(pe.Meaning)}) +
			"\n" + inCustomerLanguage(i18n.L("What the customer can do: {{.Advice}}", i18n.M{"Advice": i18n.T(pe.Advice)}), cust, theirs) + "\n")
	}
	if d.NetworkReached != "" {
		b.WriteString("\n" + i18n.L("The provider reached the network {{.Network}}. If that is not the carrier the number was issued by (Phone check tab), "+
			"the number was ported; after a recent port SMS can take a day to work again.", i18n.M{"Network": d.NetworkReached}) + "\n")
	}
	if d.Sender != "" {
		switch d.SenderKind {
		case "email":
			b.WriteString("\n" + i18n.L("The email comes from {{.Sender}}: ask the customer to check Spam/Junk and add it to safe senders.",
				i18n.M{"Sender": d.Sender}) + "\n")
		case "app":
			b.WriteString("\n" + i18n.L("It arrives as an app notification on the trusted devices: notifications must be allowed for the app.") + "\n")
		default:
			b.WriteString("\n" + i18n.L("The SMS comes from {{.Sender}}: ask the customer to check their spam filter, blocked senders and security apps for it.",
				i18n.M{"Sender": d.Sender}) + "\n")
		}
	}
	if d.Status == data.StatusQueued || d.Status == data.StatusSent {
		b.WriteString("\n" + i18n.L("SMS can be delayed by network congestion: wait 5-10 minutes before sending another; repeated requests trigger the send limits.") + "\n")
	}
	return b.String()
}
