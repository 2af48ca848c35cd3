package client

import (
	"context"
	"math"
	"net/http"
	"net/url"

	"verifydesk/data"
)

// HealthQuery filters GET /v1/delivery-health; zero fields do not filter.
// Country is an ISO 3166 region code ("GB"), Network a row's network as the
// backend names it, Prefix 1 to 6 digits with the country code first
// ("447911"), Window one of data.Window15m, Window1h, Window24h (only that
// window in each row). A filter the backend does not accept is an *APIError
// with status 400 (ErrBadRequest) naming the field.
type HealthQuery struct {
	Channel, Country, Network, Prefix, Window string
}

func (q HealthQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"channel": q.Channel, "country": q.Country, "network": q.Network,
		"prefix": q.Prefix, "window": q.Window} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// DeliveryHealth is the delivery health matching q: rows per channel, country
// and network with their windows beside the baseline, ordered by impact, and
// prefix surges. Agents and supervisors may read it. Rows and Surges are never
// nil. An answer that cannot be true (a rate above 1, more delivered than
// sent, a window of 1 to 4 sends shown, a surge under its threshold) is a
// *BadAnswerError.
func (c *Client) DeliveryHealth(ctx context.Context, q HealthQuery) (data.DeliveryHealth, error) {
	var h data.DeliveryHealth
	err := c.do(ctx, call{method: http.MethodGet, path: path("delivery-health"), query: q.values()}, &h)
	if err != nil {
		return data.DeliveryHealth{}, err
	}
	h.Rows, h.Surges = nonNil(h.Rows), nonNil(h.Surges)
	return h, nil
}

// privacyMin is the fewest sends the backend shows in a row or window.
const privacyMin = 5

func checkDeliveryHealth(h *data.DeliveryHealth) error {
	if err := inOrder("delivery health baseline_to", h.BaselineFrom, h.BaselineTo); err != nil {
		return err
	}
	if err := inOrder("delivery health generated_at", h.BaselineTo, h.GeneratedAt); err != nil {
		return err
	}
	if err := checkEach(h.Rows, checkHealthRow); err != nil {
		return err
	}
	return checkEach(h.Surges, checkSurge)
}

// aRate refuses a rate that is not a fraction.
func aRate(what string, r *float64) error {
	if r != nil && (math.IsNaN(*r) || *r < 0 || *r > 1) {
		return impossible("%s is %v, not between 0 and 1", what, *r)
	}
	return nil
}

func checkHealthRow(r *data.HealthRow) error {
	if err := nonNegative("health row baseline_sent", r.BaselineSent); err != nil {
		return err
	}
	if err := aRate("health row baseline_rate", r.BaselineRate); err != nil {
		return err
	}
	if math.IsNaN(r.Impact) || r.Impact < 0 {
		return impossible("health row impact is %v", r.Impact)
	}
	if len(r.HourlyRate) > 24 {
		return impossible("health row has %d hours in 24", len(r.HourlyRate))
	}
	for _, h := range r.HourlyRate {
		if err := aRate("hourly delivery rate", h); err != nil {
			return err
		}
	}
	return checkEach(r.Windows, checkHealthWindow)
}

func checkHealthWindow(w *data.HealthWindow) error {
	what := "the " + w.Window + " window"
	switch w.Window {
	case data.Window15m, data.Window1h, data.Window24h:
	default:
		return impossible("a health window is not 15m, 1h or 24h")
	}
	switch w.Verdict {
	case data.VerdictNormal, data.VerdictDegraded, data.VerdictOutage, data.VerdictTooFew:
	default:
		return impossible("%s has a verdict that is not one", what)
	}
	if err := inOrder(what+"'s end", w.From, w.To); err != nil {
		return err
	}
	var failed int64
	for _, n := range w.Failed {
		if n < 0 {
			return impossible("%s has %d failures of one code", what, n)
		}
		failed += n
	}
	for _, n := range []int64{w.Sent, w.Delivered, w.Unverified, w.Followed, w.Converted} {
		if err := nonNegative(what+" count", n); err != nil {
			return err
		}
	}
	if w.Delivered+failed > w.Sent || w.Unverified > w.Sent {
		return impossible("%s has %d delivered, %d failed and %d unverified of %d sent", what, w.Delivered, failed, w.Unverified, w.Sent)
	}
	if w.Converted > w.Followed || w.Followed > w.Sent {
		return impossible("%s has %d converted of %d followed of %d sent", what, w.Converted, w.Followed, w.Sent)
	}
	if w.Suppressed && (w.Sent != 0 || w.DeliveryRate != nil || w.ConversionRate != nil || w.Verdict != data.VerdictTooFew) {
		return impossible("%s is suppressed but shows its counts or a verdict", what)
	}
	if !w.Suppressed && w.Sent < privacyMin {
		return impossible("%s shows %d sends, under the %d the backend may show", what, w.Sent, privacyMin)
	}
	if w.ConversionRate != nil && (w.Followed == 0 || math.Abs(*w.ConversionRate-float64(w.Converted)/float64(w.Followed)) > 1e-6) {
		return impossible("%s's conversion rate is not converted / followed", what)
	}
	for _, r := range []*float64{w.DeliveryRate, w.RateLow, w.RateHigh, w.ConversionRate} {
		if err := aRate(what+" rate", r); err != nil {
			return err
		}
	}
	const slack = 1e-9
	if w.DeliveryRate != nil && w.Sent > 0 && math.Abs(*w.DeliveryRate-float64(w.Delivered)/float64(w.Sent)) > 1e-6 {
		return impossible("%s's delivery rate is not delivered / sent", what)
	}
	if w.DeliveryRate != nil && ((w.RateLow != nil && *w.RateLow > *w.DeliveryRate+slack) || (w.RateHigh != nil && *w.RateHigh < *w.DeliveryRate-slack)) {
		return impossible("%s's delivery rate is outside its own interval", what)
	}
	for _, p := range []*float64{w.LatencyP50, w.LatencyP90} {
		if p != nil && (math.IsNaN(*p) || *p < 0) {
			return impossible("%s has a latency of %v seconds", what, *p)
		}
	}
	if w.LatencyP50 != nil && w.LatencyP90 != nil && *w.LatencyP90 < *w.LatencyP50 {
		return impossible("%s's p90 latency is under its p50", what)
	}
	return nil
}

func checkSurge(s *data.PrefixSurge) error {
	if err := nonNegative("surge verified_daily_max", s.VerifiedDailyMax); err != nil {
		return err
	}
	if s.Threshold < 20 || s.UnverifiedSends <= s.Threshold {
		return impossible("a prefix surge of %d unverified sends at a threshold of %d", s.UnverifiedSends, s.Threshold)
	}
	return nil
}
