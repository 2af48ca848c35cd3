package deliveries

import (
	"testing"
	"time"

	"verifydesk/data"
)

func TestByFormCountsEachFormAndOrdersE164First(t *testing.T) {
	now := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	dels := []data.Delivery{
		{ID: "z1", Channel: data.ChannelSMS, DestinationForm: data.FormTrunk0, Status: data.StatusUndelivered, ProviderError: "30003", RequestedAt: now.Add(-2 * time.Hour)},
		{ID: "e1", Channel: data.ChannelSMS, DestinationForm: data.FormE164, Status: data.StatusDelivered, RequestedAt: now.Add(-3 * time.Hour), NetworkReached: "Chunghwa Telecom"},
		{ID: "e2", Channel: data.ChannelSMS, Status: data.StatusDelivered, RequestedAt: now.Add(-time.Hour), NetworkReached: "Taiwan Mobile", DestinationMasked: "+886 9** *** 456"},
		{ID: "old", Channel: data.ChannelSMS, DestinationForm: data.FormE164, Status: data.StatusFailed, RequestedAt: now.Add(-31 * 24 * time.Hour)},
		{ID: "mail", Channel: data.ChannelEmail, Status: data.StatusBounced, RequestedAt: now.Add(-time.Hour)},
	}
	rows := ByForm(dels, now)
	if len(rows) != 2 || rows[0].Form != data.FormE164 || rows[1].Form != data.FormTrunk0 {
		t.Fatalf("rows %+v", rows)
	}
	e, z := rows[0], rows[1]
	if e.Sent != 2 || e.Delivered != 2 || e.Failed != 0 || e.Last.ID != "e2" || e.To != "+886 9** *** 456" {
		t.Errorf("E.164 form %+v (the empty form counts as E.164; the 31-day-old one is outside)", e)
	}
	if e.Network != "Taiwan Mobile" {
		t.Errorf("network %q: want the latest reported", e.Network)
	}
	if z.Sent != 1 || z.Failed != 1 || z.LastReason == "" {
		t.Errorf("trunk-0 form %+v: want one failure with its meaning", z)
	}
	if p := CheckPorting(rows, "Chunghwa Telecom"); !p.Ported || p.Reached != "Taiwan Mobile" {
		t.Errorf("porting %+v: want ported to Taiwan Mobile", p)
	}
	if p := CheckPorting(rows, "Taiwan Mobile Co., Ltd."); p.Ported {
		t.Errorf("porting %+v: same brand spelt differently is not a port", p)
	}
	if p := CheckPorting(rows, ""); p.Ported || p.Reached == "" {
		t.Errorf("porting %+v: an unknown carrier says nothing", p)
	}
	if c := CountAt(dels, now); c != (Counts{Total: 4, Delivered: 2, Failed: 2}) {
		t.Errorf("count %+v: the 31-day-old failure is outside the window", c)
	}
}

// TestCountKeepsToTheWindow: "N sent in the last 30 days" counts those of the
// last 30 days, however far back the backend's list goes (issue 21 point 15:
// 11 counted back to February).
func TestCountKeepsToTheWindow(t *testing.T) {
	now := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	at := func(ago time.Duration, status string) data.Delivery {
		return data.Delivery{Channel: data.ChannelSMS, Status: status, RequestedAt: now.Add(-ago)}
	}
	day := 24 * time.Hour
	dels := []data.Delivery{
		at(-2*time.Second, data.StatusQueued), // the backend's clock a little ahead
		at(time.Hour, data.StatusDelivered),
		at(29*day, data.StatusUndelivered),
		at(Window, data.StatusDelivered), // exactly 30 days: still in
		at(Window+time.Second, data.StatusFailed),
		at(200*day, data.StatusDelivered), // February
		at(280*day, data.StatusBounced),
		{Channel: data.ChannelSMS, Status: data.StatusDelivered}, // no time at all
	}
	if c := CountAt(dels, now); c != (Counts{Total: 4, Delivered: 2, Failed: 1}) {
		t.Errorf("CountAt = %+v, want 4 sent in the window: 2 delivered, 1 failed", c)
	}
	if c := CountAt(nil, now); c != (Counts{}) {
		t.Errorf("CountAt(nil) = %+v", c)
	}
	// Count is the same on the real clock.
	real := time.Now()
	recent := []data.Delivery{
		{Status: data.StatusDelivered, RequestedAt: real.Add(-time.Hour)},
		{Status: data.StatusDelivered, RequestedAt: real.Add(-60 * day)},
	}
	if c := Count(recent); c != (Counts{Total: 1, Delivered: 1}) {
		t.Errorf("Count = %+v, want only the delivery of the last hour", c)
	}
}

func TestSameNetwork(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"Far EasTone", "FarEasTone", true},
		{"Vodafone UK", "Vodafone", true},
		{"EE", "Vodafone", false},
		{"", "", false},
		{"O2", "", false},
	} {
		if got := SameNetwork(c.a, c.b); got != c.want {
			t.Errorf("SameNetwork(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestAllowanceForTakesTheTightestDestination(t *testing.T) {
	now := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	soon, later := now.Add(42*time.Second), now.Add(20*time.Minute)
	rl := data.RateLimits{Limits: []data.DestinationLimits{
		{Channel: data.ChannelSMS, Purpose: data.PurposeLogin, DestinationMasked: "+44 7*** ***456", Blocked: true, NextAllowedAt: &soon,
			Windows: []data.LimitWindow{{Window: "minute", Limit: 1, Used: 1}, {Window: "hour", Limit: 5, Used: 2}}},
		{Channel: data.ChannelSMS, Purpose: data.PurposeLogin, DestinationMasked: "+44 07*** ***456", Blocked: true, NextAllowedAt: &later},
		{Channel: data.ChannelEmail, Purpose: data.PurposeLogin, DestinationMasked: "o***@example.co.uk"},
	}}
	a, ok := AllowanceFor(rl, data.ChannelSMS, data.PurposeLogin)
	if !ok || !a.NextAt.Equal(later) || !a.Blocked(now) || a.Blocked(later) {
		t.Errorf("sms allowance %+v: want blocked until %v", a, later)
	}
	if e, ok := AllowanceFor(rl, data.ChannelEmail, data.PurposeLogin); !ok || e.Blocked(now) {
		t.Errorf("email allowance %+v: want free", e)
	}
	if _, ok := AllowanceFor(rl, data.ChannelAppPush, data.PurposeLogin); ok {
		t.Error("no limits for app notifications, yet an allowance")
	}
}

func TestHistogramBucketsTheLastDay(t *testing.T) {
	now := time.Date(2026, 11, 24, 14, 30, 0, 0, time.UTC)
	at := func(d time.Duration, status string) data.Delivery {
		return data.Delivery{RequestedAt: now.Add(-d), Status: status}
	}
	dels := []data.Delivery{
		at(0, data.StatusQueued), at(10*time.Minute, data.StatusDelivered), at(20*time.Minute, data.StatusUndelivered),
		at(3*time.Hour, data.StatusBounced), at(25*time.Hour, data.StatusDelivered), // a day ago: outside
	}
	h := Histogram(dels, now, time.Hour, 24)
	if len(h) != 24 {
		t.Fatalf("%d buckets", len(h))
	}
	last := h[23]
	if !last.Start.Equal(time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)) || last.Delivered != 1 || last.Failed != 1 || last.Pending != 1 {
		t.Errorf("the current hour %+v", last)
	}
	if h[20].Failed != 1 || h[20].Total() != 1 {
		t.Errorf("three hours ago %+v", h[20])
	}
	total := 0
	for _, b := range h {
		total += b.Total()
	}
	if total != 4 {
		t.Errorf("%d deliveries counted, want the 4 of the last day", total)
	}
	if Histogram(dels, now, 0, 24) != nil || Histogram(dels, now, time.Hour, 0) != nil {
		t.Error("a bad span gives buckets")
	}
}

func TestSuggestFormPicksTheFormThatDelivered(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	sms := func(form, status string) data.Delivery {
		return data.Delivery{ID: form + status, Channel: data.ChannelSMS, DestinationForm: form, Status: status, RequestedAt: now.Add(-time.Hour)}
	}
	for _, c := range []struct {
		name   string
		stored string
		dels   []data.Delivery
		want   FormChoice
		ok     bool
	}{
		{"one form only", data.FormE164, []data.Delivery{sms(data.FormE164, data.StatusDelivered)}, FormChoice{}, false},
		{"no history: as carriers route it", data.FormTrunk0, nil, FormChoice{Form: data.FormE164}, true},
		{"the trunk-0 form failed, the other delivered", data.FormTrunk0,
			[]data.Delivery{sms(data.FormTrunk0, data.StatusUndelivered), sms(data.FormTrunk0, data.StatusUndelivered), sms(data.FormE164, data.StatusDelivered)},
			FormChoice{Form: data.FormE164, Sent: 1, Delivered: 1, OtherSent: 2}, true},
		{"only the stored form ever delivered", data.FormTrunk0,
			[]data.Delivery{sms(data.FormTrunk0, data.StatusDelivered), sms(data.FormE164, data.StatusUndelivered)},
			FormChoice{Form: data.FormTrunk0, Sent: 1, Delivered: 1, OtherSent: 1}, true},
	} {
		got, ok := SuggestForm(ByForm(c.dels, now), c.stored)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: got %+v %v, want %+v %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
