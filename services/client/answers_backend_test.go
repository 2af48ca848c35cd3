package client_test

import (
	"fmt"
	"testing"

	"verifydesk/data"
	"verifydesk/services/client"
)

// TestReferenceBackendAnswersArePossible: the client's checks of what can be
// true never refuse the reference backend, on every demo account, and on a
// destination whose minute window was just used up.
func TestReferenceBackendAnswersArePossible(t *testing.T) {
	e := newEnv(t)
	ana := e.as("ana")
	cx := ctx(t)
	for i := 1001; i <= 1015; i++ {
		id := fmt.Sprintf("acc_%d", i)
		if _, err := ana.Account(cx, id); err != nil {
			t.Errorf("Account %s: %v", id, err)
		}
		if _, err := ana.Deliveries(cx, id); err != nil {
			t.Errorf("Deliveries %s: %v", id, err)
		}
		if _, err := ana.RateLimits(cx, id); err != nil {
			t.Errorf("RateLimits %s: %v", id, err)
		}
		if _, err := ana.TrustedDevices(cx, id); err != nil {
			t.Errorf("TrustedDevices %s: %v", id, err)
		}
	}
	if _, err := ana.Resend(cx, "acc_1008", data.ResendRequest{Channel: data.ChannelEmail, Purpose: data.PurposeLogin}, client.NewIdempotencyKey()); err != nil {
		t.Fatal(err)
	}
	if _, err := ana.RateLimits(cx, "acc_1008"); err != nil {
		t.Errorf("RateLimits right after a send: %v", err)
	}
	if _, err := ana.Cases(cx, client.CaseQuery{}); err != nil {
		t.Errorf("Cases: %v", err)
	}
	if _, err := e.as("sam").ListApprovals(cx, client.ApprovalQuery{}); err != nil {
		t.Errorf("ListApprovals: %v", err)
	}
}
