package cases

import (
	"time"

	"verifydesk/data"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
)

// NetworkHealth is how SMS to the customer's network delivered for everyone
// (GET /v1/delivery-health) when the case was decided: part of the evidence,
// and kept in the case's snapshot, so a reader later sees what the checklist
// was pre-filled on.
type NetworkHealth struct {
	// At is the health answer's generated_at.
	At      time.Time `json:"at"`
	Channel string    `json:"channel"`
	Country string    `json:"country"`
	Network string    `json:"network"`
	// Reached is true when Network is the one the customer's own SMS
	// reached; false when it is the worst SMS row of the country (the
	// customer's network not known).
	Reached bool `json:"reached"`
	// Verdict, Sent, Delivered and Rate are the last hour's (Rate nil under
	// 5 sends); UsualRate the baseline's.
	Verdict   string   `json:"verdict"`
	Sent      int64    `json:"sent_last_hour"`
	Delivered int64    `json:"delivered_last_hour"`
	Rate      *float64 `json:"delivery_rate_last_hour"`
	UsualRate *float64 `json:"usual_rate"`
}

// HealthRow is the SMS row of h about network (the one the customer's codes
// reached) or, when network is "", the country's row with the worst verdict
// in the last hour; nil when there is none.
func HealthRow(h data.DeliveryHealth, network string) *data.HealthRow {
	var row *data.HealthRow
	for i := range h.Rows {
		r := &h.Rows[i]
		if r.Channel != data.ChannelSMS {
			continue
		}
		if network != "" {
			if r.Network == network {
				return r
			}
			continue
		}
		if row == nil || verdictRank(lastHour(*r).Verdict) > verdictRank(lastHour(*row).Verdict) {
			row = r
		}
	}
	return row
}

// SMSNetwork is the network the newest SMS of ds (any order) reached; "" when
// none says.
func SMSNetwork(ds []data.Delivery) string {
	var newest *data.Delivery
	for i := range ds {
		d := &ds[i]
		if d.Channel == data.ChannelSMS && d.NetworkReached != "" && (newest == nil || d.RequestedAt.After(newest.RequestedAt)) {
			newest = d
		}
	}
	if newest == nil {
		return ""
	}
	return newest.NetworkReached
}

// NewNetworkHealth is the evidence's health of the customer's SMS network
// (network from SMSNetwork; "" takes the country's worst row): nil when h has
// no row for it.
func NewNetworkHealth(h data.DeliveryHealth, network string) *NetworkHealth {
	r := HealthRow(h, network)
	if r == nil {
		return nil
	}
	w := lastHour(*r)
	return &NetworkHealth{At: h.GeneratedAt, Channel: r.Channel, Country: r.Country, Network: r.Network, Reached: network != "",
		Verdict: w.Verdict, Sent: w.Sent, Delivered: w.Delivered, Rate: w.DeliveryRate, UsualRate: r.BaselineRate}
}

// Down reports whether SMS to the network fails for everyone: an outage or a
// degraded delivery in the last hour.
func (n *NetworkHealth) Down() bool {
	return n != nil && (n.Verdict == data.VerdictOutage || n.Verdict == data.VerdictDegraded)
}

// Words says it in a sentence, in English (the export): "SMS to JT
// (Guernsey) is in an outage: 12% of 86 delivered in the last hour, usually
// 97% (7 Dec 08:15 UTC)."
func (n *NetworkHealth) Words() string { return n.WordsIn(i18n.In(i18n.English)) }

// WordsIn says it in lc's language.
func (n *NetworkHealth) WordsIn(lc *i18n.Localizer) string {
	lang := lc.Language()
	m := i18n.M{"Network": n.Network, "When": whenIn(lc, n.At), "Sent": n.Sent}
	var where string
	if n.Country != "" {
		m["Country"] = phone.RegionNameIn(lang, n.Country)
	}
	switch {
	case n.Network == "" && n.Country != "":
		where = lc.X("health.unnamed_country", "SMS to an unnamed network ({{.Country}})", m)
	case n.Network == "":
		where = lc.X("health.unnamed", "SMS to an unnamed network")
	case n.Country != "":
		where = lc.L("SMS to {{.Network}} ({{.Country}})", m)
	default:
		where = lc.X("health.where", "SMS to {{.Network}}", m)
	}
	if !n.Reached {
		where = lc.X("health.worst", "{{.Where}}, the worst network of the customer's country (theirs is not known),", i18n.M{"Where": where})
	}
	m["Where"] = where
	var s string
	switch n.Verdict {
	case data.VerdictOutage:
		s = lc.X("health.outage", "{{.Where}} is in an outage", m)
	case data.VerdictDegraded:
		s = lc.X("health.degraded", "{{.Where}} is degraded", m)
	case data.VerdictNormal:
		s = lc.X("health.normal", "{{.Where}} delivers normally", m)
	default:
		return lc.X("health.too_few", "{{.Where}} had too few sends in the last hour to say how it delivers ({{.When}}).", m)
	}
	if n.Rate != nil {
		m["Rate"], m["State"] = i18n.Percent(lang, *n.Rate), s
		s = lc.X("health.rate", "{{.State}}: {{.Rate}} of {{.Sent}} delivered in the last hour", m)
	}
	if n.UsualRate != nil {
		m["Usual"], m["State"] = i18n.Percent(lang, *n.UsualRate), s
		s = lc.X("health.usual", "{{.State}}, usually {{.Usual}}", m)
	}
	return lc.X("health.when", "{{.State}} ({{.When}}).", i18n.M{"State": s, "When": m["When"]})
}

func lastHour(r data.HealthRow) data.HealthWindow {
	if w, ok := r.Window(data.Window1h); ok {
		return w
	}
	return data.HealthWindow{Verdict: data.VerdictTooFew}
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

// phoneSteps are the steps about the customer's phone and line: not the
// cause while SMS to their network fails for everyone.
var phoneSteps = map[string]bool{"sms.signal": true, "sms.spam_filter": true, "sms.restart": true,
	"sms.line_status": true, "sms.carrier": true}

// networkDown overrides a checklist step while the customer's network fails
// for everyone: the phone steps are not the cause, and the other way in is
// the email code. ok is false for a step it leaves alone.
func (f *facts) networkDown(id string) (finding, reason string, ok bool) {
	if !f.health.Down() {
		return "", "", false
	}
	switch {
	case phoneSteps[id]:
		return FindingNotTheCause, f.lc.L("Not the cause: {{.Health}} The network fails for everyone, not this phone.",
			i18n.M{"Health": f.health.WordsIn(f.lc)}), true
	case id == "sms.fallback" && f.acct != nil && f.acct.EmailMasked != "":
		return FindingCause, f.lc.L("Send the code by email to {{.Email}}: {{.Health}}",
			i18n.M{"Email": f.acct.EmailMasked, "Health": f.health.WordsIn(f.lc)}), true
	}
	return "", "", false
}

// matchNetworkDown: the customer's SMS fail while their network fails for
// everyone; the network is the explanation, not the phone.
func matchNetworkDown(f *facts) (string, bool) {
	if !f.health.Down() || f.lastSMS == nil || !(f.lastSMS.Failed() || f.lastSMS.Status == data.StatusSent || f.lastSMS.Status == data.StatusQueued) {
		return "", false
	}
	m := i18n.M{"Health": f.health.WordsIn(f.lc), "Last": outcomeIn(f.lc, lastSMS(f.lc), f.lastSMS)}
	if f.acct != nil && f.acct.EmailMasked != "" {
		m["Email"] = f.acct.EmailMasked
		return f.lc.L("{{.Health}} A network problem, not the customer's phone. {{.Last}} Send the code by email instead ({{.Email}}), or wait for the network to recover.", m), true
	}
	return f.lc.L("{{.Health}} A network problem, not the customer's phone. {{.Last}} Wait for the network to recover.", m), true
}
