package screens

import (
	"fmt"

	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/phone"
	"verifydesk/services/words"
)

// "Is it just this caller?": the Codes tab's one line on how SMS to the
// customer's network delivers for everyone (GET /v1/delivery-health), beside
// this customer's own failures.

// customerNetwork is the network to judge for this customer: the one their
// SMS reached lately, else (planned) the carrier the numbering plan first
// gave the number, from the phone search that found the account; "" when
// neither is known.
func customerNetwork(rows []data.Delivery, acct accountView) (network string, planned bool) {
	if n := cases.SMSNetwork(rows); n != "" {
		return n, false
	}
	if f := acct.found; f != nil && f.q.Phone != "" && f.diagnosis != nil && f.diagnosis.Valid &&
		f.diagnosis.Carrier != "" && f.diagnosis.Region == acct.PhoneRegion {
		return f.diagnosis.Carrier, true
	}
	return "", false
}

// healthLine words the row of h about network (planned: the number's first
// carrier, not one its codes reached), else the worst SMS row of the
// country, saying which; row is the row worded, ok false when there is
// nothing to say.
func healthLine(h data.DeliveryHealth, network string, planned bool) (text string, importance widget.Importance, row *data.HealthRow, ok bool) {
	row = cases.HealthRow(h, network) // the row the case's evidence picks too
	if row == nil && planned {
		network, row = "", cases.HealthRow(h, "")
	}
	if row == nil {
		return "", widget.MediumImportance, nil, false
	}
	w, found := row.Window(data.Window1h)
	if !found {
		return "", widget.MediumImportance, nil, false
	}
	where := fmt.Sprintf("SMS to %s (%s)", shown(row.Network), phone.RegionName(row.Country))
	switch {
	case network == "" || row.Network == "":
		// Not this number's network: the worst in the country, which only
		// matters when it is failing.
		if v := w.Verdict; v != data.VerdictOutage && v != data.VerdictDegraded {
			return "", widget.MediumImportance, nil, false
		}
		where = fmt.Sprintf("SMS in %s (this number's network is not known; the worst one", phone.RegionName(row.Country))
		if row.Network != "" {
			where += ", " + shown(row.Network)
		}
		where += ")"
	case planned:
		where = fmt.Sprintf("SMS to %s (%s, the number's first carrier)", shown(row.Network), phone.RegionName(row.Country))
	}
	usual := ""
	if row.BaselineRate != nil {
		usual = ", usually " + words.Percent(*row.BaselineRate)
	}
	switch w.Verdict {
	case data.VerdictOutage, data.VerdictDegraded:
		return fmt.Sprintf("%s: %s delivered in the last hour%s. The network, not this caller's phone: wait, or use email.",
			where, percentOf(w.DeliveryRate), usual), widget.DangerImportance, row, true
	case data.VerdictNormal:
		return fmt.Sprintf("%s delivers normally: %s in the last hour%s. Look at this caller's phone.",
			where, percentOf(w.DeliveryRate), usual), widget.MediumImportance, row, true
	}
	return where + ": too few sends in the last hour to say how it delivers.", widget.MediumImportance, row, true
}

func percentOf(r *float64) string {
	if r == nil {
		return "no share"
	}
	return words.Percent(*r)
}
