package screens

import (
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/i18n"
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
	country := phone.RegionNameIn(i18n.Current(), row.Country)
	where := i18n.L("SMS to {{.Network}} ({{.Country}})", i18n.M{"Network": shown(row.Network), "Country": country})
	switch {
	case network == "" || row.Network == "":
		// Not this number's network: the worst in the country, which only
		// matters when it is failing.
		if v := w.Verdict; v != data.VerdictOutage && v != data.VerdictDegraded {
			return "", widget.MediumImportance, nil, false
		}
		if row.Network != "" {
			where = i18n.L("SMS in {{.Country}} (this number's network is not known; the worst one, {{.Network}})",
				i18n.M{"Country": country, "Network": shown(row.Network)})
		} else {
			where = i18n.L("SMS in {{.Country}} (this number's network is not known; the worst one)", i18n.M{"Country": country})
		}
	case planned:
		where = i18n.L("SMS to {{.Network}} ({{.Country}}, the number's first carrier)",
			i18n.M{"Network": shown(row.Network), "Country": country})
	}
	m := i18n.M{"Where": where, "Rate": percentOf(w.DeliveryRate)}
	if row.BaselineRate != nil {
		m["Usual"] = words.Percent(*row.BaselineRate)
	}
	switch w.Verdict {
	case data.VerdictOutage, data.VerdictDegraded:
		if row.BaselineRate != nil {
			return i18n.L("{{.Where}}: {{.Rate}} delivered in the last hour, usually {{.Usual}}. "+
				"The network, not this caller's phone: wait, or use email.", m), widget.DangerImportance, row, true
		}
		return i18n.L("{{.Where}}: {{.Rate}} delivered in the last hour. "+
			"The network, not this caller's phone: wait, or use email.", m), widget.DangerImportance, row, true
	case data.VerdictNormal:
		if row.BaselineRate != nil {
			return i18n.L("{{.Where}} delivers normally: {{.Rate}} in the last hour, usually {{.Usual}}. "+
				"Look at this caller's phone.", m), widget.MediumImportance, row, true
		}
		return i18n.L("{{.Where}} delivers normally: {{.Rate}} in the last hour. Look at this caller's phone.", m),
			widget.MediumImportance, row, true
	}
	return i18n.L("{{.Where}}: too few sends in the last hour to say how it delivers.", m), widget.MediumImportance, row, true
}

func percentOf(r *float64) string {
	if r == nil {
		return i18n.L("no share")
	}
	return words.Percent(*r)
}
