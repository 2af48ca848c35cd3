package backend

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// TestVerdictTable: observed rates against a baseline, by volume.
func TestVerdictTable(t *testing.T) {
	for _, c := range []struct {
		sent, delivered int64
		base            float64
		baseSent        int64
		want            string
	}{
		{0, 0, 0.97, 1000, data.VerdictTooFew},
		{19, 0, 0.97, 1000, data.VerdictTooFew},       // nothing delivered, but too few to say
		{100, 0, 0.97, 19, data.VerdictTooFew},        // no baseline to compare with
		{20, 19, 0.97, 1000, data.VerdictNormal},      // one lost
		{20, 17, 0.97, 1000, data.VerdictNormal},      // three lost: noise at 20
		{20, 4, 0.97, 1000, data.VerdictOutage},       // 20% delivered
		{20, 0, 0.97, 1000, data.VerdictOutage},       // nothing delivered
		{60, 6, 0.97, 10000, data.VerdictOutage},      // the demo's 40 minutes
		{200, 150, 0.97, 10000, data.VerdictDegraded}, // 75% where 97% is usual
		{2000, 1800, 0.97, 10000, data.VerdictDegraded},
		{2000, 1930, 0.97, 10000, data.VerdictNormal}, // 96.5%: within the margin
		{50, 20, 0.45, 1000, data.VerdictNormal},      // a route that always was poor
		{50, 2, 0.45, 1000, data.VerdictOutage},
	} {
		if got := verdict(c.sent, c.delivered, c.base, c.baseSent); got != c.want {
			lo, hi := wilson(c.delivered, c.sent, wilsonZ)
			t.Errorf("verdict(%d of %d, baseline %.2f of %d) = %s, want %s (interval %.3f-%.3f)",
				c.delivered, c.sent, c.base, c.baseSent, got, c.want, lo, hi)
		}
	}
}

// TestVerdictNoiseNeverOutage: windows drawn at the baseline's own rate,
// at every volume, never say outage and almost never degraded.
func TestVerdictNoiseNeverOutage(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 22))
	for _, p := range []float64{0.6, 0.8, 0.9, 0.97, 0.995} {
		for _, n := range []int64{5, 10, 19, 20, 25, 40, 100, 500, 3000} {
			degraded := 0
			const draws = 2000
			for range draws {
				var k int64
				for range n {
					if rng.Float64() < p {
						k++
					}
				}
				switch verdict(n, k, p, 5000) {
				case data.VerdictOutage:
					t.Fatalf("noise: %d of %d at a usual %.3f says outage", k, n, p)
				case data.VerdictDegraded:
					degraded++
				}
			}
			// The interval's one-sided level is 2.5%; the margin keeps
			// false alarms under it.
			if degraded > draws*25/1000 {
				t.Errorf("noise at %.3f, %d sends: %d of %d draws say degraded", p, n, degraded, draws)
			}
		}
	}
}

// TestVerdictRealDropAlwaysOutage: a window at a tenth of the usual rate (or
// worse) says outage at every volume from the minimum on.
func TestVerdictRealDropAlwaysOutage(t *testing.T) {
	for _, base := range []float64{0.9, 0.95, 0.99} {
		for n := int64(minWindowSends); n <= 2000; n += 7 {
			for _, rate := range []float64{0, 0.05, 0.1, 0.2} {
				k := int64(rate * float64(n))
				if got := verdict(n, k, base, 5000); got != data.VerdictOutage {
					t.Fatalf("%d of %d under a usual %.2f: %s", k, n, base, got)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for n := int64(50); n <= 1000; n += 50 {
		for range 500 {
			var k int64
			for range n {
				if rng.Float64() < 0.1 {
					k++
				}
			}
			if got := verdict(n, k, 0.97, 5000); got != data.VerdictOutage {
				t.Fatalf("drawn at 10%%: %d of %d: %s", k, n, got)
			}
		}
	}
}

func TestWilson(t *testing.T) {
	lo, hi := wilson(0, 10, wilsonZ)
	if lo != 0 || hi < 0.27 || hi > 0.28 {
		t.Errorf("wilson(0, 10) = %.4f, %.4f; want 0, 0.2775", lo, hi)
	}
	lo, hi = wilson(50, 100, wilsonZ)
	if lo < 0.40 || lo > 0.41 || hi < 0.59 || hi > 0.60 {
		t.Errorf("wilson(50, 100) = %.4f, %.4f; want 0.4038, 0.5962", lo, hi)
	}
}

func TestLatencyQuantile(t *testing.T) {
	var h [latencySlots]int64
	if latencyQuantile(h, 0.5) != nil {
		t.Error("a quantile of nothing")
	}
	h[latencySlot(3*time.Second)] = 6 // 5 s bucket
	h[latencySlot(4*time.Minute)] = 4 // 5 min bucket
	if p := latencyQuantile(h, 0.5); p == nil || *p != 5 {
		t.Errorf("p50 = %v, want 5", p)
	}
	if p := latencyQuantile(h, 0.9); p == nil || *p != 300 {
		t.Errorf("p90 = %v, want 300", p)
	}
	h[latencySlots-1] = 100
	if p := latencyQuantile(h, 0.9); p != nil {
		t.Errorf("p90 past the last bound = %v, want nil", *p)
	}
}

// traffic writes synthetic deliveries (no accounts: rollups need none).
type traffic struct {
	t  testing.TB
	tx *bolt.Tx
	n  int
}

func (tr *traffic) send(dest, network string, at time.Time, delivered, unverified bool) {
	tr.n++
	d := deliveryRec{Delivery: data.Delivery{ID: fmt.Sprintf("tr%06d", tr.n), AccountID: "traffic", Channel: data.ChannelSMS,
		RequestedAt: at, StatusAt: at.Add(3 * time.Second), Status: data.StatusDelivered, NetworkReached: network},
		Destination: dest, Unverified: unverified}
	if !delivered {
		d.Status, d.ProviderError, d.StatusAt = data.StatusUndelivered, data.ProviderUnreachable, at.Add(40*time.Second)
	}
	if err := putDelivery(tr.tx, &d); err != nil {
		tr.t.Fatal(err)
	}
}

// seedTraffic: NetA (GB) delivers 97% for 15 days then 10% for the last 40
// minutes (2 sends a minute); NetB (DE) delivers normally; 372555 gets a pumping burst; NetD
// has 3 sends only.
func seedTraffic(t testing.TB, db *bolt.DB, now time.Time) {
	if err := db.Update(func(tx *bolt.Tx) error {
		tr := &traffic{t: t, tx: tx}
		for at := now.Add(-15 * 24 * time.Hour); at.Before(now); at = at.Add(10 * time.Minute) {
			i := tr.n
			if at.After(now.Add(-40 * time.Minute)) {
				for m := range 20 {
					tr.send("+447400123456", "NetA", at.Add(time.Duration(m)*30*time.Second), m%10 == 0, false)
				}
			} else {
				tr.send("+447400123456", "NetA", at, i%33 != 0, false)
			}
			tr.send("+4915123456789", "NetB", at, i%50 != 0, false)
			if at.Sub(now) > -24*time.Hour && at.Sub(now) < -23*time.Hour {
				tr.send("+37255512345", "NetC", at, true, false) // 6 verified a day
			}
		}
		for m := range 40 {
			tr.send("+37255512345", "NetC", now.Add(-time.Duration(m)*3*time.Minute), false, true)
		}
		for m := range 3 {
			tr.send("+33612345678", "NetD", now.Add(-time.Duration(m)*time.Minute), true, false)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestDeliveryHealthRoute(t *testing.T) {
	e := newEnv(t)
	now := e.clock.Now()
	seedTraffic(t, e.s.db, now)
	for _, user := range []string{"ana", "sam"} {
		tok := e.signIn(user)
		r := e.do("GET", "/v1/delivery-health?channel=sms&network=NetA", tok, nil)
		e.want(r, http.StatusOK)
		var h data.DeliveryHealth
		r.decode(t, &h)
		if len(h.Rows) != 1 || h.Rows[0].Network != "NetA" || h.Rows[0].Country != "GB" {
			t.Fatalf("%s: rows %+v, want NetA GB", user, h.Rows)
		}
		a := h.Rows[0]
		for _, w := range a.Windows {
			want := data.VerdictOutage
			if w.Window == data.Window24h {
				want = data.VerdictDegraded
			}
			if w.Verdict != want {
				t.Errorf("NetA %s: %s (%d of %d), want %s", w.Window, w.Verdict, w.Delivered, w.Sent, want)
			}
			if w.Failed[data.ProviderUnreachable] == 0 {
				t.Errorf("NetA %s: failures %v", w.Window, w.Failed)
			}
		}
		if a.BaselineRate == nil || *a.BaselineRate < 0.95 {
			t.Errorf("NetA baseline %v", a.BaselineRate)
		}
		r = e.do("GET", "/v1/delivery-health", tok, nil)
		e.want(r, http.StatusOK)
		h = data.DeliveryHealth{}
		r.decode(t, &h)
		var sawA, sawB bool
		for i, row := range h.Rows {
			if i > 0 && row.Impact > h.Rows[i-1].Impact {
				t.Errorf("row %d has more impact than the row before", i)
			}
			switch row.Network {
			case "NetA":
				sawA = true
			case "NetB":
				sawB = true
				for _, w := range row.Windows {
					if w.Verdict != data.VerdictNormal && w.Verdict != data.VerdictTooFew {
						t.Errorf("NetB %s: %s", w.Window, w.Verdict)
					}
				}
			case "NetD":
				t.Errorf("a row of 3 sends: %+v", row)
			}
		}
		if !sawA || !sawB {
			t.Error("no NetA or NetB row")
		}
		var surge *data.PrefixSurge
		for i := range h.Surges {
			if h.Surges[i].Prefix == "372555" {
				surge = &h.Surges[i]
			}
		}
		if surge == nil || surge.UnverifiedSends != 40 || surge.Threshold != surgeFloor || surge.VerifiedDailyMax != 0 {
			t.Errorf("surges %+v", h.Surges)
		}
	}
	tok := e.signIn("ana")
	r := e.do("GET", "/v1/delivery-health?country=de&window=1h", tok, nil)
	e.want(r, http.StatusOK)
	var h data.DeliveryHealth
	r.decode(t, &h)
	sawB := false
	for _, row := range h.Rows {
		sawB = sawB || row.Network == "NetB"
		if row.Country != "DE" || len(row.Windows) != 1 || row.Windows[0].Window != data.Window1h {
			t.Errorf("country=de&window=1h: row %+v", row)
		}
	}
	if !sawB || len(h.Surges) != 0 {
		t.Errorf("country=de&window=1h: %+v", h)
	}
	r = e.do("GET", "/v1/delivery-health?prefix=%2B3725", tok, nil)
	e.want(r, http.StatusOK)
	h = data.DeliveryHealth{}
	r.decode(t, &h)
	if len(h.Rows) != 1 || h.Rows[0].Network != "NetC" || len(h.Surges) != 1 || h.Surges[0].Prefix != "372555" {
		t.Errorf("prefix=+3725: %+v", h)
	}
	e.want(e.do("GET", "/v1/delivery-health", "", nil), http.StatusUnauthorized)
}

func TestDeliveryHealthBadInput(t *testing.T) {
	e := newEnv(t)
	tok := e.signIn("ana")
	for q, field := range map[string]string{
		"foo=1":                     "foo",
		"country=XX":                "country",
		"country=GBR":               "country",
		"country=":                  "country",
		"prefix=abc":                "prefix",
		"prefix=4479111":            "prefix",
		"prefix=0":                  "prefix",
		"window=7d":                 "window",
		"channel=fax":               "channel",
		"channel=sms&channel=email": "channel",
		"network=":                  "network",
	} {
		r := e.do("GET", "/v1/delivery-health?"+q, tok, nil)
		if r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
			continue
		}
		if ae := r.apiErr(t); ae.Code != data.ErrCodeBadRequest || ae.Details["field"] != field {
			t.Errorf("%s: %+v", q, ae)
		}
	}
}

func FuzzParseHealthQuery(f *testing.F) {
	for _, s := range []string{"", "channel=sms", "country=gb&prefix=447911", "prefix=%2B1", "window=24h&network=EE",
		"country=XX", "prefix=0", "prefix=999999", "a=b", "channel=sms&channel=sms", "network=%00", "country=%C3%A9%C3%A9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseHealthQuery(v)
		if err != nil {
			if ae, ok := err.(*apiError); !ok || ae.status != http.StatusBadRequest {
				t.Fatalf("%q: %v is not a 400", raw, err)
			}
			return
		}
		if q.channel != "" && !validChannels[q.channel] {
			t.Fatalf("%q: channel %q accepted", raw, q.channel)
		}
		if q.country != "" && len(q.country) != 2 {
			t.Fatalf("%q: country %q accepted", raw, q.country)
		}
		if q.prefix != "" && !validPrefix(q.prefix) {
			t.Fatalf("%q: prefix %q accepted", raw, q.prefix)
		}
		if len(q.windows) == 0 {
			t.Fatalf("%q: no window", raw)
		}
	})
}

// TestDemoTellsTheOutage: in the demo, the network of +447911123456 is the
// first row, in outage for the last 15 minutes and hour; Taiwan's route is
// slow; 449098 surges.
func TestDemoTellsTheOutage(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/v1/delivery-health", e.signIn("sam"), nil)
	e.want(r, http.StatusOK)
	var h data.DeliveryHealth
	r.decode(t, &h)
	oliver := dimsOf(&deliveryRec{Delivery: data.Delivery{Channel: data.ChannelSMS}, Destination: "+447911123456"})
	if len(h.Rows) == 0 || h.Rows[0].Network != oliver.Network || h.Rows[0].Country != oliver.Country {
		t.Fatalf("first row %+v, want the network of +447911123456 (%+v)", h.Rows, oliver)
	}
	for _, w := range h.Rows[0].Windows[:2] {
		if w.Verdict != data.VerdictOutage || w.Failed[data.ProviderUnreachable] == 0 || w.Failed[data.ProviderUnknownError] == 0 {
			t.Errorf("%s %s: %+v", oliver.Network, w.Window, w)
		}
	}
	slow := false
	for _, row := range h.Rows {
		if row.Country == "TW" {
			w := row.Windows[2]
			slow = w.LatencyP90 != nil && *w.LatencyP90 >= 120 && w.Verdict == data.VerdictNormal
		}
	}
	if !slow {
		t.Error("no slow route to Taiwan")
	}
	if len(h.Surges) != 1 || h.Surges[0].Prefix != "449098" || h.Surges[0].Country != "GB" {
		t.Errorf("surges %+v", h.Surges)
	}
}

// TestGeneratedIncidents: `verifydesk backend --generate N` tells the
// scripted story: the United Kingdom's network (the generated GB numbers'
// range) in an outage for the last 40 minutes, listed first; the slow route
// to Taiwan with a p90 of minutes while it delivers; the pumping burst to
// the premium-rate prefix 449098, none of its codes used; and everyday
// traffic elsewhere delivering and converting as usual.
func TestGeneratedIncidents(t *testing.T) {
	now := time.Date(2026, 11, 20, 14, 2, 30, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "g.db")
	st, err := Generate(context.Background(), path, 5000, now, 3)
	if err != nil {
		t.Fatal(err)
	}
	if st.Traffic == 0 || st.Traffic >= st.Deliveries {
		t.Fatalf("stats %+v", st)
	}
	db, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var h data.DeliveryHealth
	_ = db.View(func(tx *bolt.Tx) error {
		h = deliveryHealth(tx, healthQuery{windows: data.HealthWindows}, now)
		return nil
	})
	if len(h.Rows) == 0 {
		t.Fatal("no rows")
	}
	first := h.Rows[0]
	if first.Channel != data.ChannelSMS || first.Country != "GB" || first.Windows[1].Verdict != data.VerdictOutage {
		t.Errorf("first row %s %s %s %s, want the GB outage", first.Channel, first.Country, first.Network, first.Windows[1].Verdict)
	}
	if q := first.Windows[0]; q.DeliveryRate == nil || *q.DeliveryRate > 0.3 {
		t.Errorf("the outage's last 15 minutes deliver %v", q.DeliveryRate)
	}
	var sawTW, sawOther bool
	for _, r := range h.Rows[1:] {
		hour := r.Windows[1]
		if r.Channel == data.ChannelSMS && r.Country == "TW" && hour.Sent >= 20 {
			sawTW = true
			if hour.LatencyP90 == nil || *hour.LatencyP90 < 180 {
				t.Errorf("the slow route's p90 %v, want minutes", hour.LatencyP90)
			}
			if hour.Verdict == data.VerdictOutage {
				t.Error("the slow route is called an outage: it delivers")
			}
		}
		if r.Channel == data.ChannelSMS && r.Country == "DE" && hour.Sent >= 20 {
			sawOther = true
			if hour.Verdict != data.VerdictNormal || hour.ConversionRate == nil || *hour.ConversionRate < 0.7 {
				t.Errorf("everyday traffic to Germany: %s, conversion %v", hour.Verdict, hour.ConversionRate)
			}
		}
	}
	if !sawTW || !sawOther {
		t.Errorf("rows: Taiwan %v, Germany %v", sawTW, sawOther)
	}
	found := false
	for _, s := range h.Surges {
		if s.Prefix == "449098" {
			found = true
		}
	}
	if !found {
		t.Errorf("no surge on 449098: %+v", h.Surges)
	}
	// The pumped numbers have no carrier: their row is GB's unnamed network,
	// every code delivered and none used.
	_ = db.View(func(tx *bolt.Tx) error {
		p := deliveryHealth(tx, healthQuery{channel: data.ChannelSMS, prefix: "449098", windows: []string{data.Window24h}}, now)
		if len(p.Rows) != 1 || p.Rows[0].Windows[0].Followed == 0 || p.Rows[0].Windows[0].Converted != 0 {
			t.Errorf("the pumped prefix: %+v", p.Rows)
		}
		return nil
	})
}
