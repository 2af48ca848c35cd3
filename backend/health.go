package backend

import (
	"encoding/binary"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// The statistics of GET /v1/delivery-health (also in openapi.yaml):
//   - A window is the 5-minute buckets that overlap it, ending now: the last
//     15 minutes are 15 to 20 minutes of sends, from the bucket holding
//     now − 15 min to now.
//   - The baseline is the 14 days before the 24-hour window: a trailing
//     rate that today's incident cannot pull down. It reads hourly rollups
//     (and 5-minute ones at its ends), so its cost does not grow with traffic
//     beyond the number of distinct dimensions.
//   - Verdict: too_few under minWindowSends sends in the window or
//     minBaselineSends in the baseline; else, with [lo, hi] the 95% Wilson
//     score interval of delivered/sent, outage when hi < baseline/2 (the
//     rate is, with 95% confidence, under half the usual), degraded when
//     hi < baseline − degradedMargin, normal otherwise. Random noise at the
//     baseline's rate puts hi under the baseline about 2.5% of the time, and
//     under it by the margin or by half far less often.
//   - No row under privacyMin sends in the 24 hours, no window counts under it.
const (
	minWindowSends   = 20
	minBaselineSends = 20
	degradedMargin   = 0.05
	wilsonZ          = 1.96
	privacyMin       = 5
	baselineDays     = 14
	// Surges: Authgear's max(20, 0.2 × rolling maximum of daily verified sends).
	surgeFloor    = 20
	surgeFraction = 0.2
)

var windowSpans = map[string]time.Duration{data.Window15m: 15 * time.Minute, data.Window1h: time.Hour, data.Window24h: 24 * time.Hour}

// healthQuery is a parsed GET /v1/delivery-health.
type healthQuery struct {
	channel, country, network, prefix string
	windows                           []string
}

var healthParams = map[string]bool{"channel": true, "country": true, "network": true, "prefix": true, "window": true}

// parseHealthQuery reads the filters; anything it does not know is a 400.
func parseHealthQuery(v url.Values) (healthQuery, error) {
	q := healthQuery{windows: data.HealthWindows}
	for name, vals := range v {
		if !healthParams[name] {
			return q, badRequest("unknown filter %q: use channel, country, network, prefix or window", truncate(name, 40)).with("field", truncate(name, 40))
		}
		if len(vals) != 1 {
			return q, badRequest("%s may be given once", name).with("field", name)
		}
	}
	q.channel = v.Get("channel")
	if _, ok := v["channel"]; ok && !validChannels[q.channel] {
		return q, badRequest("channel must be sms, email or app_push").with("field", "channel")
	}
	if c, ok := v["country"]; ok {
		q.country = strings.ToUpper(c[0])
		if len(q.country) != 2 || q.country[0] < 'A' || q.country[0] > 'Z' || q.country[1] < 'A' || q.country[1] > 'Z' ||
			phonenumbers.GetCountryCodeForRegion(q.country) == 0 {
			return q, badRequest("country must be an ISO 3166 region code with a calling code, such as GB").with("field", "country")
		}
	}
	if n, ok := v["network"]; ok {
		q.network = n[0]
		if q.network == "" || len(q.network) > maxDimLen || !utf8.ValidString(q.network) || strings.IndexFunc(q.network, unicode.IsControl) >= 0 {
			return q, badRequest("network must be 1 to %d printable characters", maxDimLen).with("field", "network")
		}
	}
	if p, ok := v["prefix"]; ok {
		q.prefix = strings.TrimPrefix(p[0], "+")
		if !validPrefix(q.prefix) {
			return q, badRequest("prefix must be 1 to %d digits starting with a country calling code, such as 447911", rollupPrefixDigits).with("field", "prefix")
		}
	}
	if w, ok := v["window"]; ok {
		if _, known := windowSpans[w[0]]; !known {
			return q, badRequest("window must be 15m, 1h or 24h (24h is the largest)").with("field", "window")
		}
		q.windows = []string{w[0]}
	}
	return q, nil
}

// validPrefix: 1 to 6 digits that start with a country calling code, or are
// the start of one.
func validPrefix(p string) bool {
	if p == "" || len(p) > rollupPrefixDigits {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		s := strconv.Itoa(cc)
		if strings.HasPrefix(p, s) || strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// wilson is the Wilson score interval of k successes in n at z.
func wilson(k, n int64, z float64) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	nf, p := float64(n), float64(k)/float64(n)
	z2 := z * z
	centre := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / (1 + z2/nf)
	return max(0, centre-half), min(1, centre+half)
}

// verdict judges delivered of sent against a baseline rate of baseSent sends.
func verdict(sent, delivered int64, baseRate float64, baseSent int64) string {
	if sent < minWindowSends || baseSent < minBaselineSends {
		return data.VerdictTooFew
	}
	_, hi := wilson(delivered, sent, wilsonZ)
	switch {
	case hi < baseRate/2:
		return data.VerdictOutage
	case hi < baseRate-degradedMargin:
		return data.VerdictDegraded
	}
	return data.VerdictNormal
}

// latencyQuantile is the upper bound (seconds) of the histogram bucket
// holding quantile q of the delivered, or nil.
func latencyQuantile(h [latencySlots]int64, q float64) *float64 {
	var total int64
	for _, c := range h {
		total += c
	}
	if total == 0 {
		return nil
	}
	rank := int64(math.Ceil(q * float64(total)))
	var seen int64
	for i, c := range h {
		seen += c
		if seen >= rank {
			if i == len(latencyBounds) {
				return nil
			}
			s := latencyBounds[i].Seconds()
			return &s
		}
	}
	return nil
}

func ratio(a, b int64) *float64 {
	r := float64(a) / float64(b)
	return &r
}

// healthAcc is one row being summed.
type healthAcc struct {
	dims     rollupDims // Prefix unused
	baseline rollupRec
	windows  map[string]*rollupRec
	hourly   [24]rollupRec
}

// prefixAcc is one prefix being summed for surges.
type prefixAcc struct {
	country    string
	unverified int64
	verified   [baselineDays]int64
}

// deliveryHealth computes the answer at now from the rollups alone.
func deliveryHealth(tx *bolt.Tx, q healthQuery, now time.Time) data.DeliveryHealth {
	now = now.UTC()
	dayFrom := bucketStart(now.Add(-24 * time.Hour))
	baseFrom := dayFrom.Add(-baselineDays * 24 * time.Hour)
	out := data.DeliveryHealth{GeneratedAt: now, BaselineFrom: baseFrom, BaselineTo: dayFrom,
		Rows: []data.HealthRow{}, Surges: []data.PrefixSurge{}}
	froms := map[string]time.Time{}
	for w, span := range windowSpans {
		froms[w] = bucketStart(now.Add(-span))
	}
	rows := map[rollupDims]*healthAcc{}
	prefixes := map[string]*prefixAcc{}
	// The baseline reads the hourly tier for its whole hours and the
	// 5-minute tier for the parts of hours at its ends; the windows read the
	// 5-minute tier. Days of verified sends (surges) are 24-hour periods back
	// from the hour holding the 24-hour window's start.
	hourFrom := baseFrom.Truncate(time.Hour)
	if hourFrom.Before(baseFrom) {
		hourFrom = hourFrom.Add(time.Hour)
	}
	hourTo := dayFrom.Truncate(time.Hour)
	visit := func(at time.Time, dims rollupDims, r *rollupRec) {
		rowDims := rollupDims{Channel: dims.Channel, Country: dims.Country, Network: dims.Network}
		acc := rows[rowDims]
		if acc == nil {
			acc = &healthAcc{dims: rowDims, windows: map[string]*rollupRec{}}
			rows[rowDims] = acc
		}
		if at.Before(dayFrom) {
			acc.baseline.merge(r)
		} else {
			for w, from := range froms {
				if !at.Before(from) {
					if acc.windows[w] == nil {
						acc.windows[w] = &rollupRec{}
					}
					acc.windows[w].merge(r)
				}
			}
			// Hour 23 is the bucket holding now and the eleven before it.
			if h := 23 - int(now.Sub(at)/time.Hour); h >= 0 && h < 24 {
				acc.hourly[h].merge(r)
			}
		}
		if dims.Channel == data.ChannelSMS && dims.Prefix != "" {
			p := prefixes[dims.Prefix]
			if p == nil {
				p = &prefixAcc{country: dims.Country}
				prefixes[dims.Prefix] = p
			}
			if at.Before(dayFrom) {
				day := int((hourTo.Sub(at) - 1) / (24 * time.Hour))
				if day >= 0 && day < baselineDays {
					p.verified[day] += r.Sent - r.Unverified
				}
			} else {
				p.unverified += r.Unverified
			}
		}
	}
	scan := newRollupScan()
	scan.scanRollups(tx, bucketRollups, baseFrom, hourFrom, q, visit)
	scan.scanRollups(tx, bucketRollupsHour, hourFrom, hourTo, q, visit)
	scan.scanRollups(tx, bucketRollups, hourTo, dayFrom, q, visit)
	scan.scanRollups(tx, bucketRollups, dayFrom, now.Add(time.Nanosecond), q, visit)
	for _, acc := range rows {
		day := acc.windows[data.Window24h]
		if day == nil || day.Sent < privacyMin {
			continue
		}
		row := data.HealthRow{Channel: acc.dims.Channel, Country: acc.dims.Country, Network: acc.dims.Network,
			Windows: []data.HealthWindow{}, HourlyRate: make([]*float64, 24)}
		baseRate := 0.0
		if acc.baseline.Sent >= privacyMin {
			row.BaselineSent = acc.baseline.Sent
			row.BaselineRate = ratio(acc.baseline.Delivered, acc.baseline.Sent)
			baseRate = *row.BaselineRate
		}
		if h := acc.windows[data.Window1h]; h != nil && h.Sent >= privacyMin {
			row.Impact = float64(h.Sent) * max(0, baseRate-float64(h.Delivered)/float64(h.Sent))
		}
		for _, w := range q.windows {
			row.Windows = append(row.Windows, healthWindow(w, froms[w], now, acc.windows[w], baseRate, row.BaselineSent))
		}
		for h := range acc.hourly {
			if r := acc.hourly[h]; r.Sent >= privacyMin {
				row.HourlyRate[h] = ratio(r.Delivered, r.Sent)
			}
		}
		out.Rows = append(out.Rows, row)
	}
	sort.Slice(out.Rows, func(i, j int) bool {
		a, b := out.Rows[i], out.Rows[j]
		if a.Impact != b.Impact {
			return a.Impact > b.Impact
		}
		if a.Channel != b.Channel {
			return a.Channel > b.Channel
		}
		if a.Country != b.Country {
			return a.Country < b.Country
		}
		return a.Network < b.Network
	})
	if q.channel == "" || q.channel == data.ChannelSMS {
		for prefix, p := range prefixes {
			var maxDay int64
			for _, n := range p.verified {
				maxDay = max(maxDay, n)
			}
			threshold := max(int64(surgeFloor), int64(math.Ceil(surgeFraction*float64(maxDay))))
			if p.unverified > threshold {
				out.Surges = append(out.Surges, data.PrefixSurge{Prefix: prefix, Country: p.country,
					UnverifiedSends: p.unverified, VerifiedDailyMax: maxDay, Threshold: threshold})
			}
		}
		sort.Slice(out.Surges, func(i, j int) bool {
			a, b := out.Surges[i], out.Surges[j]
			if ra, rb := float64(a.UnverifiedSends)/float64(a.Threshold), float64(b.UnverifiedSends)/float64(b.Threshold); ra != rb {
				return ra > rb
			}
			return a.Prefix < b.Prefix
		})
	}
	return out
}

// rollupScan is what the scans of one health query share, so that reading
// thousands of rollups allocates for what is new only: each distinct key's
// dimensions parsed once (a key repeats its dimensions in every bucket),
// failure codes interned, one record decoded into.
type rollupScan struct {
	dims  map[string]scannedDims
	codes map[string]string
	rec   rollupRec
}

type scannedDims struct {
	dims rollupDims
	ok   bool
}

func newRollupScan() *rollupScan {
	return &rollupScan{dims: map[string]scannedDims{}, codes: map[string]string{}}
}

// scanRollups calls visit for the rollups of bucket in [from, to) that match
// q's filters; a rollup that does not decode is skipped. The record visit
// gets is reused by the next call.
func (s *rollupScan) scanRollups(tx *bolt.Tx, bucket []byte, from, to time.Time, q healthQuery, visit func(time.Time, rollupDims, *rollupRec)) {
	if !from.Before(to) {
		return
	}
	c := tx.Bucket(bucket).Cursor()
	lo := make([]byte, 4)
	binary.BigEndian.PutUint32(lo, uint32(from.Unix()))
	for k, v := c.Seek(lo); k != nil; k, v = c.Next() {
		if len(k) < 4 {
			continue
		}
		at := time.Unix(int64(binary.BigEndian.Uint32(k)), 0).UTC()
		if !at.Before(to) {
			return
		}
		sd, seen := s.dims[string(k[4:])]
		if !seen {
			_, d, ok := parseRollupKey(k)
			sd = scannedDims{dims: d, ok: ok}
			s.dims[string(k[4:])] = sd
		}
		dims := sd.dims
		if !sd.ok || (q.channel != "" && dims.Channel != q.channel) || (q.country != "" && dims.Country != q.country) ||
			(q.network != "" && dims.Network != q.network) || (q.prefix != "" && !strings.HasPrefix(dims.Prefix, q.prefix)) {
			continue
		}
		if decodeRollupInto(v, &s.rec, s.codes) != nil {
			continue
		}
		visit(at, dims, &s.rec)
	}
}

// healthWindow is one window of a row (r nil: no sends).
func healthWindow(name string, from, to time.Time, r *rollupRec, baseRate float64, baseSent int64) data.HealthWindow {
	w := data.HealthWindow{Window: name, From: from, To: to, Failed: map[string]int64{}, Verdict: data.VerdictTooFew}
	if r == nil || r.Sent < privacyMin {
		w.Suppressed = true
		return w
	}
	w.Sent, w.Delivered, w.Unverified = r.Sent, r.Delivered, r.Unverified
	for k, n := range r.Failed {
		w.Failed[k] = n
	}
	w.DeliveryRate = ratio(r.Delivered, r.Sent)
	lo, hi := wilson(r.Delivered, r.Sent, wilsonZ)
	w.RateLow, w.RateHigh = &lo, &hi
	w.LatencyP50 = latencyQuantile(r.Latency, 0.5)
	w.LatencyP90 = latencyQuantile(r.Latency, 0.9)
	w.Verdict = verdict(r.Sent, r.Delivered, baseRate, baseSent)
	w.Followed, w.Converted = r.Followed, r.Converted
	if r.Followed >= privacyMin {
		w.ConversionRate = ratio(r.Converted, r.Followed)
	}
	return w
}

// getDeliveryHealth serves GET /v1/delivery-health to every signed-in agent
// (agents and supervisors). It is not audited: it holds no account's data.
func (s *Server) getDeliveryHealth(c *call) (any, error) {
	q, err := parseHealthQuery(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	var out data.DeliveryHealth
	err = s.db.View(func(tx *bolt.Tx) error {
		out = deliveryHealth(tx, q, s.now())
		return nil
	})
	return out, err
}
