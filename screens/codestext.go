package screens

import (
	"fmt"
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/deliveries"
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
			to += " (with 0)"
		}
		return to
	case 3:
		return strings.ReplaceAll(d.Purpose, "_", " ")
	case 4:
		if d.RequestedBy == data.RequesterAgent {
			return "agent"
		}
		return d.RequestedBy
	case 5:
		return d.Status
	case 6:
		if pe, ok := data.ProviderErrors[d.ProviderError]; ok {
			return pe.Meaning
		}
		if d.ProviderError != "" {
			return "provider error " + d.ProviderError
		}
		if d.NetworkReached != "" {
			return "reached " + d.NetworkReached
		}
		return ""
	case 7:
		return d.Sender
	}
	return ""
}

// deliverySummary is the one line an agent reads first: how many arrived.
func deliverySummary(rows []data.Delivery, now time.Time) string {
	c := deliveries.CountAt(rows, now)
	// One line: what each delivery means is in the table and below it.
	s := fmt.Sprintf("%d sent in the last 30 days: %d delivered, %d did not arrive.", c.Total, c.Delivered, c.Failed)
	if last := rows[0]; last.Status != data.StatusDelivered {
		s += " The latest is " + last.Status + "."
	}
	return s
}

// deliveryDetail explains one delivery: its meaning, the advice from the help
// pages, and the sender the customer should look for.
func deliveryDetail(d data.Delivery) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s to %s, %s, status %s.\n", words.Method(d.Channel), d.DestinationMasked, strings.ReplaceAll(d.Purpose, "_", " "), d.Status)
	if pe, ok := data.ProviderErrors[d.ProviderError]; ok {
		fmt.Fprintf(&b, "\nWhat happened: %s\nWhat the customer can do: %s\n", pe.Meaning, pe.Advice)
	}
	if d.NetworkReached != "" {
		fmt.Fprintf(&b, "\nThe provider reached the network %s. If that is not the carrier the number was issued by (Phone check tab), the number was ported; after a recent port SMS can take a day to work again.\n", d.NetworkReached)
	}
	if d.Sender != "" {
		switch d.SenderKind {
		case "email":
			fmt.Fprintf(&b, "\nThe email comes from %s: ask the customer to check Spam/Junk and add it to safe senders.\n", d.Sender)
		case "app":
			b.WriteString("\nIt arrives as an app notification on the trusted devices: notifications must be allowed for the app.\n")
		default:
			fmt.Fprintf(&b, "\nThe SMS comes from %s: ask the customer to check their spam filter, blocked senders and security apps for it.\n", d.Sender)
		}
	}
	if d.Status == data.StatusQueued || d.Status == data.StatusSent {
		b.WriteString("\nSMS can be delayed by network congestion: wait 5-10 minutes before sending another; repeated requests trigger the send limits.\n")
	}
	return b.String()
}
