package data

import "time"

// Verdicts of a delivery-health window, from the Wilson score interval of the
// window's delivery rate against the row's baseline (see the contract,
// GET /v1/delivery-health).
const (
	VerdictNormal   = "normal"
	VerdictDegraded = "degraded"
	VerdictOutage   = "outage"
	VerdictTooFew   = "too_few"
)

// Windows of a delivery-health row, ending at the answer's generated_at.
const (
	Window15m = "15m"
	Window1h  = "1h"
	Window24h = "24h"
)

// HealthWindows are the windows in the order rows list them.
var HealthWindows = []string{Window15m, Window1h, Window24h}

// DeliveryHealth is the answer of GET /v1/delivery-health: aggregates only,
// never a row or window of fewer than 5 sends.
type DeliveryHealth struct {
	GeneratedAt time.Time `json:"generated_at"`
	// BaselineFrom and BaselineTo bound the baseline: the 14 days before the
	// 24-hour window.
	BaselineFrom time.Time     `json:"baseline_from"`
	BaselineTo   time.Time     `json:"baseline_to"`
	Rows         []HealthRow   `json:"rows"`
	Surges       []PrefixSurge `json:"surges"`
}

// HealthRow is the delivery health of one channel, country and network,
// rows ordered by impact, highest first.
type HealthRow struct {
	Channel string `json:"channel"`
	// Country is the ISO 3166 region of the SMS destinations; "" for email
	// and app_push.
	Country string `json:"country"`
	// Network is the mobile network reached (else the numbering plan's
	// carrier) for SMS, the recipient domain for email, "" when unknown.
	Network string `json:"network"`
	// BaselineSent and BaselineRate are the sends and delivery rate of the
	// baseline; BaselineRate is nil under 5 baseline sends.
	BaselineSent int64    `json:"baseline_sent"`
	BaselineRate *float64 `json:"baseline_rate"`
	// Impact is the deliveries the last hour lost against the baseline:
	// sent × max(0, baseline rate − rate).
	Impact  float64        `json:"impact"`
	Windows []HealthWindow `json:"windows"`
	// HourlyRate is the delivery rate of each of the last 24 hours, oldest
	// first; nil for an hour of fewer than 5 sends.
	HourlyRate []*float64 `json:"hourly_rate"`
}

// Window is the row's window named name (Window15m, Window1h, Window24h);
// false when the row has none of that name.
func (r HealthRow) Window(name string) (HealthWindow, bool) {
	for _, w := range r.Windows {
		if w.Window == name {
			return w, true
		}
	}
	return HealthWindow{}, false
}

// HealthWindow is one window of a row. A window of fewer than 5 sends is
// Suppressed: its counts are 0, its rates nil and its verdict too_few.
type HealthWindow struct {
	Window     string           `json:"window"`
	From       time.Time        `json:"from"`
	To         time.Time        `json:"to"`
	Suppressed bool             `json:"suppressed,omitempty"`
	Sent       int64            `json:"sent"`
	Delivered  int64            `json:"delivered"`
	Failed     map[string]int64 `json:"failed"` // by provider error code
	Unverified int64            `json:"unverified"`
	// DeliveryRate is delivered / sent; RateLow and RateHigh its 95% Wilson
	// score interval.
	DeliveryRate *float64 `json:"delivery_rate"`
	RateLow      *float64 `json:"rate_low"`
	RateHigh     *float64 `json:"rate_high"`
	// LatencyP50 and LatencyP90 (seconds, requested to delivered) are the
	// upper bounds of the histogram buckets holding the quantile; nil when
	// nothing was delivered or the quantile is past the last bound.
	LatencyP50 *float64 `json:"latency_p50_seconds"`
	LatencyP90 *float64 `json:"latency_p90_seconds"`
	Verdict    string   `json:"verdict"`
	// Followed counts the sends whose sign-in or 2FA step the backend
	// learnt the outcome of; Converted those whose step then passed within
	// 10 minutes of the send; ConversionRate is Converted / Followed, nil
	// under 5 followed sends (the backend does not know).
	Followed       int64    `json:"followed"`
	Converted      int64    `json:"converted"`
	ConversionRate *float64 `json:"conversion_rate"`
}

// PrefixSurge is a number prefix whose unverified SMS sends of the last 24
// hours exceed max(20, 0.2 × the highest daily verified sends to it over the
// baseline's 14 days): possible SMS pumping.
type PrefixSurge struct {
	Prefix           string `json:"prefix"`
	Country          string `json:"country"`
	UnverifiedSends  int64  `json:"unverified_sends"`
	VerifiedDailyMax int64  `json:"verified_daily_max"`
	Threshold        int64  `json:"threshold"`
}
