package screens

import (
	"strings"
	"testing"
	"time"

	"verifydesk/data"
	"verifydesk/services/deliveries"
)

func TestRelativeTime(t *testing.T) {
	loc := time.FixedZone("agent", 0)
	now := time.Date(2026, 11, 23, 14, 7, 0, 0, loc)
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now.Add(-20 * time.Second), "14:06 (just now)"},
		{now.Add(-5 * time.Minute), "14:02 (5 min ago)"},
		{now.Add(-3 * time.Hour), "11:07 (3 h ago)"},
		{now.Add(-20 * time.Hour), "22 Nov 18:07 (20 h ago)"},
		{now.Add(-72 * time.Hour), "20 Nov 14:07 (3 days ago)"},
		{now.Add(-60 * 24 * time.Hour), "24 Sep 2026"},
		{now.Add(-400 * 24 * time.Hour), "19 Oct 2025"},
		{now.Add(2 * time.Minute), "14:09"},       // a limit freeing later today
		{now.Add(12 * time.Hour), "24 Nov 02:07"}, // tomorrow says so
		{time.Date(2027, 1, 2, 9, 0, 0, 0, loc), "2 Jan 2027 09:00"},
	} {
		if got := relativeTime(c.t, now, loc); got != c.want {
			t.Errorf("relativeTime(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

func TestAllowanceTextCountsDown(t *testing.T) {
	now := time.Date(2026, 11, 24, 14, 0, 0, 0, time.Local)
	a := deliveries.Allowance{Windows: []data.LimitWindow{{Window: "minute", Limit: 1, Used: 1}, {Window: "hour", Limit: 5, Used: 2}},
		NextAt: now.Add(42 * time.Second)}
	got := a.Text(true, data.ChannelSMS, data.PurposeLogin, now).String()
	want := "SMS for login: 1 of 1 this minute, 2 of 5 this hour. Send limit reached: next possible in 0:42 (at 14:00:42)."
	if !strings.HasPrefix(got, want) {
		t.Errorf("got %q\nwant %q…", got, want)
	}
	if got := a.Text(true, data.ChannelSMS, data.PurposeLogin, now.Add(41*time.Second)).String(); !strings.Contains(got, "in 0:01") {
		t.Errorf("a second before: %q", got)
	}
	if got := a.Text(true, data.ChannelSMS, data.PurposeLogin, now.Add(42*time.Second)).String(); !strings.HasSuffix(got, "A code can be sent now.") {
		t.Errorf("once free: %q", got)
	}
	if got := countdown(90 * time.Minute); got != "1 h 30 min" {
		t.Errorf("countdown 90 min = %q", got)
	}
}
