package screens

import (
	"fmt"
	"math"

	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/phone"
)

// "Is it just this caller?": the Codes tab's one line on how SMS to the
// customer's network delivers for everyone (GET /v1/delivery-health), beside
// this customer's own failures.

// smsNetwork is the network this customer's SMS reached lately, from their
// own delivery log (newest first); "" when none says.
func smsNetwork(rows []data.Delivery) string { return cases.SMSNetwork(rows) }

// healthRow is the row of h about network (the one the customer's codes
// reached) or, when that is not known, the worst SMS row of the customer's
// country; nil when there is none. The case's evidence picks the same.
func healthRow(h data.DeliveryHealth, network string) *data.HealthRow {
	return cases.HealthRow(h, network)
}

// customerNetwork is the network to judge for this customer: the one their
// SMS reached lately, else (planned) the carrier the numbering plan first
// gave the number, from the phone search that found the account; "" when
// neither is known.
func customerNetwork(rows []data.Delivery, acct accountView) (network string, planned bool) {
	if n := smsNetwork(rows); n != "" {
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
	row = healthRow(h, network)
	if row == nil && planned {
		network, row = "", healthRow(h, "")
	}
	if row == nil {
		return "", widget.MediumImportance, nil, false
	}
	w, found := window(*row, data.Window1h)
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
		usual = ", usually " + percent(*row.BaselineRate)
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

func window(r data.HealthRow, name string) (data.HealthWindow, bool) {
	for _, w := range r.Windows {
		if w.Window == name {
			return w, true
		}
	}
	return data.HealthWindow{}, false
}

func percent(r float64) string { return fmt.Sprintf("%d%%", int(math.Round(100*r))) }

func percentOf(r *float64) string {
	if r == nil {
		return "no share"
	}
	return percent(*r)
}
