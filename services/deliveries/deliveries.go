// Package deliveries analyses an account's code deliveries: how many SMS went
// to each form of the number (with or without the trunk 0) and whether they
// arrived, and whether the network the SMS provider reached shows that the
// number was ported. Screens show what it finds; the case snapshot and the
// benchmarks use the same analysis.
package deliveries

import (
	"strings"
	"time"

	"verifydesk/data"
)

// Window is how far back the per-form analysis counts SMS deliveries: the help
// pages' troubleshooting is about recent attempts.
const Window = 30 * 24 * time.Hour

// FormStats is every SMS sent to one form of the number within Window.
type FormStats struct {
	Form      string // data.FormE164, data.FormTrunk0 or another form the backend names
	To        string // masked destination of the latest delivery
	Sent      int
	Delivered int
	Failed    int
	Last      data.Delivery // the latest delivery to this form
	Network   string        // the network the provider last reported reaching
	NetworkAt time.Time     // when it reported that
	// LastReason is what the latest delivery's provider error means
	// (data.ProviderErrors), empty when there was none: an English key, shown
	// with i18n.T.
	LastReason string
}

// ByForm counts the SMS deliveries of the last Window before now per
// destination form: E.164 first, then the trunk-0 form, then any other in the
// order first seen. An empty form counts as E.164.
func ByForm(dels []data.Delivery, now time.Time) []FormStats {
	byForm := map[string]*FormStats{}
	var order []string
	for _, d := range dels {
		if d.Channel != data.ChannelSMS || !InWindow(d, now) {
			continue
		}
		form := formOf(d)
		r := byForm[form]
		if r == nil {
			r = &FormStats{Form: form}
			byForm[form] = r
			order = append(order, form)
		}
		r.Sent++
		switch {
		case d.Status == data.StatusDelivered:
			r.Delivered++
		case d.Failed():
			r.Failed++
		}
		if r.Last.ID == "" || d.RequestedAt.After(r.Last.RequestedAt) {
			r.Last = d
			r.To = d.DestinationMasked
		}
		if d.NetworkReached != "" && d.RequestedAt.After(r.NetworkAt) {
			r.NetworkAt, r.Network = d.RequestedAt, d.NetworkReached
		}
	}
	rows := make([]FormStats, 0, len(order))
	for _, f := range order {
		r := *byForm[f]
		if pe, ok := data.ProviderErrors[r.Last.ProviderError]; ok {
			r.LastReason = pe.Meaning
		}
		rows = append(rows, r)
	}
	for i := 1; i < len(rows); i++ { // insertion sort, stable: two or three rows
		for j := i; j > 0 && formRank(rows[j].Form) < formRank(rows[j-1].Form); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
	return rows
}

func formOf(d data.Delivery) string {
	if d.DestinationForm == "" {
		return data.FormE164
	}
	return d.DestinationForm
}

func formRank(f string) int {
	switch f {
	case data.FormE164:
		return 0
	case data.FormTrunk0:
		return 1
	}
	return 2
}

// Porting is what the deliveries say about the number's network.
type Porting struct {
	// Reached is the network the SMS provider last reported reaching; empty
	// when it never reported one.
	Reached string
	// Carrier is the carrier the numbering plan first gave the number to;
	// empty when not known.
	Carrier string
	// Ported is true when both are known and differ: the number moved to
	// another network.
	Ported bool
}

// CheckPorting compares the latest network reached in rows with the original
// carrier of the number (from the phone diagnosis).
func CheckPorting(rows []FormStats, carrier string) Porting {
	p := Porting{Carrier: carrier}
	var at time.Time
	for _, r := range rows {
		if r.Network != "" && r.NetworkAt.After(at) {
			p.Reached, at = r.Network, r.NetworkAt
		}
	}
	p.Ported = p.Reached != "" && carrier != "" && !SameNetwork(p.Reached, carrier)
	return p
}

// SameNetwork compares carrier names loosely: providers and the numbering plan
// spell brands differently ("Far EasTone" vs "FarEasTone", "Vodafone" vs
// "Vodafone UK").
func SameNetwork(a, b string) bool {
	norm := func(s string) string {
		var out []rune
		for _, r := range strings.ToLower(s) {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				out = append(out, r)
			}
		}
		return string(out)
	}
	na, nb := norm(a), norm(b)
	return na != "" && nb != "" && (na == nb || strings.HasPrefix(na, nb) || strings.HasPrefix(nb, na))
}

// InWindow reports whether d was requested within Window before now. A
// delivery stamped a little after now (the backend's clock ahead of ours)
// is recent, not outside.
func InWindow(d data.Delivery, now time.Time) bool { return now.Sub(d.RequestedAt) <= Window }

// Counts is how many deliveries of the last Window were sent, how many
// arrived and how many did not.
type Counts struct{ Total, Delivered, Failed int }

// CountAt counts by outcome the deliveries of dels requested within Window
// before now; older ones are left out, so "N sent in the last 30 days" says
// what it claims however far back the backend's list goes.
func CountAt(dels []data.Delivery, now time.Time) Counts {
	var c Counts
	for _, d := range dels {
		if !InWindow(d, now) {
			continue
		}
		c.Total++
		switch {
		case d.Status == data.StatusDelivered:
			c.Delivered++
		case d.Failed():
			c.Failed++
		}
	}
	return c
}

// Count is CountAt(dels, time.Now()): the deliveries of the last Window by
// outcome. Callers with a clock of their own (tests, a frozen snapshot) use
// CountAt.
func Count(dels []data.Delivery) Counts { return CountAt(dels, time.Now()) }

// FormChoice is the form of the number a resend by SMS should go to, and
// why.
type FormChoice struct {
	Form string // data.FormE164 or data.FormTrunk0
	// Sent and Delivered count the SMS to the suggested form within Window;
	// OtherSent and OtherDelivered those to the other form.
	Sent, Delivered           int
	OtherSent, OtherDelivered int
}

// SuggestForm picks the form to send an SMS to for a number stored in form
// stored: only a number stored with the trunk 0 has two. The form that
// delivered before wins; without a delivery to either, the form without the
// trunk 0, which is how carriers route numbers. ok is false when the number
// has one form.
func SuggestForm(rows []FormStats, stored string) (FormChoice, bool) {
	if stored != data.FormTrunk0 {
		return FormChoice{}, false
	}
	var e164, trunk FormStats
	for _, r := range rows {
		switch r.Form {
		case data.FormE164:
			e164 = r
		case data.FormTrunk0:
			trunk = r
		}
	}
	if trunk.Delivered > 0 && e164.Delivered == 0 {
		return FormChoice{Form: data.FormTrunk0, Sent: trunk.Sent, Delivered: trunk.Delivered,
			OtherSent: e164.Sent, OtherDelivered: e164.Delivered}, true
	}
	return FormChoice{Form: data.FormE164, Sent: e164.Sent, Delivered: e164.Delivered,
		OtherSent: trunk.Sent, OtherDelivered: trunk.Delivered}, true
}
