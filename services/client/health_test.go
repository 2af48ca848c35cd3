package client_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"verifydesk/backend"
	"verifydesk/data"
	"verifydesk/services/client"
)

// TestDeliveryHealthAgainstBackend reads delivery health from the reference
// backend over a file of generated traffic, as an agent and as a supervisor,
// through the contract proxy.
func TestDeliveryHealthAgainstBackend(t *testing.T) {
	now := time.Now()
	path := filepath.Join(t.TempDir(), "backend.db")
	if _, err := backend.Generate(context.Background(), path, 600, now, 22); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(cfg *backend.Config) { cfg.DBPath = path })
	for _, user := range []string{"ana", "sam"} {
		c := e.as(user)
		h, err := c.DeliveryHealth(ctx(t), client.HealthQuery{})
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		if len(h.Rows) == 0 {
			t.Fatalf("%s: no rows over generated traffic", user)
		}
		for _, r := range h.Rows {
			if len(r.Windows) != 3 || len(r.HourlyRate) != 24 {
				t.Errorf("row %s %s %s: %d windows, %d hours", r.Channel, r.Country, r.Network, len(r.Windows), len(r.HourlyRate))
			}
			if day := r.Windows[2]; day.Window != data.Window24h || day.Sent < 5 {
				t.Errorf("row %s %s %s: 24h window %+v", r.Channel, r.Country, r.Network, day)
			}
		}
	}
	c := e.as("ana")
	h, err := c.DeliveryHealth(ctx(t), client.HealthQuery{Channel: data.ChannelSMS, Country: "GB", Window: data.Window1h})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range h.Rows {
		if r.Channel != data.ChannelSMS || r.Country != "GB" || len(r.Windows) != 1 || r.Windows[0].Window != data.Window1h {
			t.Errorf("filtered row %+v", r)
		}
	}
	for _, q := range []client.HealthQuery{{Country: "XX"}, {Prefix: "12ab"}, {Window: "7d"}, {Channel: "fax"}} {
		_, err := c.DeliveryHealth(ctx(t), q)
		var ae *client.APIError
		if !errors.Is(err, client.ErrBadRequest) || !errors.As(err, &ae) || ae.Body.Code != data.ErrCodeBadRequest {
			t.Errorf("%+v: %v, want a 400", q, err)
		}
	}
}
