package cache

import (
	"testing"
	"time"

	"verifydesk/data"
)

// TestStatsCountsCasesThroughPutAndPurge: Stats reads a count kept with the
// cases (not a walk of every page), which must follow puts, updates and purges.
func TestStatsCountsCasesThroughPutAndPurge(t *testing.T) {
	clk := newClock()
	now := clk.Now()
	c, _ := newCache(t, clk)
	put := func(id, status string, updated time.Time) {
		t.Helper()
		if err := c.PutCase(CaseRecord{Case: data.Case{ID: id, AccountID: "acc_1", Status: status, UpdatedAt: updated, Version: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int {
		t.Helper()
		s, err := c.Stats()
		if err != nil {
			t.Fatal(err)
		}
		return s.Cases
	}
	put("c1", data.CaseOpen, now)
	put("c2", data.CaseResolved, now.Add(-60*24*time.Hour))
	put("c1", data.CaseWaiting, now) // an update is not a new case
	if n := count(); n != 2 {
		t.Fatalf("%d cases counted, want 2", n)
	}
	if n, err := c.Purge(30*24*time.Hour, now); err != nil || n != 1 {
		t.Fatalf("purged %d (%v)", n, err)
	}
	if n := count(); n != 1 {
		t.Errorf("%d cases counted after the purge, want 1", n)
	}
}
