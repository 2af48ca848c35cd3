package cases_test

import (
	"fmt"
	"time"

	"verifydesk/data"
	"verifydesk/services/cases"
)

// A customer whose codes stopped arriving while roaming: the evidence picks
// the category and answers part of the checklist before the agent asks
// anything.
func Example() {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	sms := func(ago time.Duration, status, perr string) data.Delivery {
		return data.Delivery{Channel: data.ChannelSMS, DestinationMasked: "+44 7*** *** 456", Sender: "TP-Link", SenderKind: "sender_id",
			Purpose: data.PurposeLogin, RequestedAt: now.Add(-ago), RequestedBy: data.RequesterUser, Status: status, ProviderError: perr}
	}
	ev := cases.Evidence{
		Account: &data.Account{ID: "acc_1", App: data.AppTapo, Region: "GB", PhoneMasked: "+44 7*** *** 456", PasswordSet: true},
		Deliveries: []data.Delivery{
			sms(9*time.Minute, data.StatusUndelivered, data.ProviderUnreachable),
			sms(26*time.Minute, data.StatusUndelivered, data.ProviderUnreachable),
			sms(20*24*time.Hour, data.StatusDelivered, ""),
		},
		Now: now,
	}
	category, why := cases.SuggestCategory(ev)
	fmt.Println(category)
	fmt.Println(why)
	steps, _ := cases.NewChecklist(category, ev)
	for _, s := range steps {
		if s.Prefilled() {
			fmt.Printf("%s [%s]: %s\n", s.ID, s.State, s.Reason)
		}
	}
	// Output:
	// sms_not_arriving
	// The last SMS (1 Dec 08:51 UTC) was undelivered (30003). The handset could not be reached (switched off, no signal, or roaming without SMS).
	// sms.country_code [done]: 1 of 3 SMS to the number on file (+44 7*** *** 456) arrived in the last 30 days: the number and its country code are right.
	// sms.signal [todo]: The last SMS (1 Dec 08:51 UTC) was undelivered (30003). The handset could not be reached (switched off, no signal, or roaming without SMS).
	// sms.wait [failed]: The customer already waited between requests: 2 codes, 17 minutes apart, and none arrived.
	// sms.spam_filter [todo]: Codes come from the sender name TP-Link: that is the sender to look for and unblock.
	// sms.line_status [todo]: The last SMS (1 Dec 08:51 UTC) was undelivered: the handset could not be reached, so the line may be off, suspended or roaming.
	// sms.fallback [todo]: The account has a password.
}
