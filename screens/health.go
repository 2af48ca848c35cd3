package screens

import (
	"fmt"
	"math"

	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/phone"
)

// "Is it just this caller?": the Codes tab's one line on how SMS to the
// customer's network delivers for everyone (GET /v1/delivery-health), beside
// this customer's own failures.

// smsNetwork is the network this customer's SMS reached lately, from their
// own delivery log (newest first); "" when none says.
func smsNetwork(rows []data.Delivery) string {
	for _, d := range rows {
		if d.Channel == data.ChannelSMS && d.NetworkReached != "" {
			return d.NetworkReached
		}
	}
	return ""
}

// healthLine words the row of h about network (the one the customer's
// codes reached) or, when that is not known, the worst row of the
// customer's country; ok is false when there is nothing to say.
func healthLine(h data.DeliveryHealth, network string) (text string, importance widget.Importance, ok bool) {
	var row *data.HealthRow
	for i := range h.Rows {
		r := &h.Rows[i]
		if r.Channel != data.ChannelSMS {
			continue
		}
		if network != "" {
			if r.Network == network {
				row = r
				break
			}
			continue
		}
		if row == nil || verdictRank(hourVerdict(*r)) > verdictRank(hourVerdict(*row)) {
			row = r
		}
	}
	if row == nil {
		return "", widget.MediumImportance, false
	}
	w, found := window(*row, data.Window1h)
	if !found {
		return "", widget.MediumImportance, false
	}
	where := fmt.Sprintf("SMS to %s (%s)", shown(row.Network), phone.RegionName(row.Country))
	if network == "" || row.Network == "" {
		// Not this number's network: the worst in the country, which only
		// matters when it is failing.
		if v := w.Verdict; v != data.VerdictOutage && v != data.VerdictDegraded {
			return "", widget.MediumImportance, false
		}
		where = fmt.Sprintf("SMS in %s (this number's network is not known; the worst one", phone.RegionName(row.Country))
		if row.Network != "" {
			where += ", " + shown(row.Network)
		}
		where += ")"
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

func hourVerdict(r data.HealthRow) string {
	w, _ := window(r, data.Window1h)
	return w.Verdict
}

func verdictRank(v string) int {
	switch v {
	case data.VerdictOutage:
		return 3
	case data.VerdictDegraded:
		return 2
	case data.VerdictNormal:
		return 1
	}
	return 0
}

func percent(r float64) string { return fmt.Sprintf("%d%%", int(math.Round(100*r))) }

func percentOf(r *float64) string {
	if r == nil {
		return "no share"
	}
	return percent(*r)
}
