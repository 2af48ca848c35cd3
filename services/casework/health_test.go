package casework_test

import (
	"testing"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/casework"
)

// The case is decided on the health of the customer's network, asked when
// it opens, and keeps it: opened again from the cache with the backend
// away, the snapshot's health still marks the phone steps not the cause.
func TestCaseKeepsTheHealthItWasDecidedOn(t *testing.T) {
	be := newStoppable(t)
	ana := quickAgent(t, be.url, "ana")
	svc := casework.New(ana, openCache(t))
	req, rec := openAndStart(t, svc, ana) // acc_1002: +447911123456, on JT
	if rec.Case.Category != cases.CategorySMSNotArriving {
		t.Fatalf("category %q", rec.Case.Category)
	}
	online, err := svc.Open(ctx(t), req)
	if err != nil {
		t.Fatal(err)
	}
	h := online.Evidence.Health
	if h == nil || h.Network != "JT" || h.Verdict != data.VerdictOutage || h.Sent < 20 {
		t.Fatalf("the evidence's health: %+v", h)
	}
	signal := func(steps []cases.Step) cases.Step {
		for _, s := range steps {
			if s.ID == "sms.signal" {
				return s
			}
		}
		t.Fatal("no sms.signal step")
		return cases.Step{}
	}
	if s := signal(online.Steps); s.Finding != cases.FindingNotTheCause || s.State != cases.StateSkipped {
		t.Errorf("online, the signal step: %+v", s)
	}

	be.stop()
	cached, err := svc.Open(ctx(t), req)
	if err != nil || !cached.Cached {
		t.Fatalf("offline open: cached %v, %v", cached.Cached, err)
	}
	if c := cached.Evidence.Health; c == nil || *c.Rate != *h.Rate || c.Network != h.Network || !c.At.Equal(h.At) {
		t.Fatalf("the cached snapshot's health %+v, decided on %+v", c, h)
	}
	if s := signal(cached.Steps); s.Finding != cases.FindingNotTheCause {
		t.Errorf("offline, the signal step: %+v", s)
	}
}
