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

// healthLine words healthRow(h, network); ok is false when there is nothing
// to say.
func healthLine(h data.DeliveryHealth, network string) (text string, importance widget.Importance, ok bool) {
	row := healthRow(h, network)
	if row == nil {
		return "", widget.MediumImportance, false
	}
	w, found := window(*row, data.Window1h)
	if !found {
		return "", widget.MediumImportance, false
	}
	where := fmt.Sprintf("SMS to %s (%s)", shown(row.Network), phone.RegionName(row.Country))
	if network == "" {
		where += ", the network of this number not known: the worst in the country"
	}
	usual := ""
	if row.BaselineRate != nil {
		usual = ", usually " + percent(*row.BaselineRate)
	}
	switch w.Verdict {
	case data.VerdictOutage, data.VerdictDegraded:
		return fmt.Sprintf("%s: %s delivered in the last hour%s. The network, not this caller's phone: wait, or use email.",
			where, percentOf(w.DeliveryRate), usual), widget.DangerImportance, true
	case data.VerdictNormal:
		return fmt.Sprintf("%s delivers normally: %s in the last hour%s. Look at this caller's phone.",
			where, percentOf(w.DeliveryRate), usual), widget.MediumImportance, true
	}
	return where + ": too few sends in the last hour to say how it delivers.", widget.MediumImportance, true
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
