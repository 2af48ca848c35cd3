package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"verifydesk/data"
	"verifydesk/services/client"
)

// loginPagesServer serves an account's n login events as the reference
// backend pages them (newest first, a cursor per page), with every page
// encoded before the benchmark starts: what is left is the loopback round
// trips and the client's decode.
func loginPagesServer(b *testing.B, n int) *httptest.Server {
	b.Helper()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	events := make([]data.LoginEvent, n)
	for i := range events {
		events[i] = data.LoginEvent{ID: fmt.Sprintf("acc_1_le%06d", n-i), At: t0.Add(time.Duration(n-i) * 13 * time.Minute),
			DeviceID: "dev_" + strconv.Itoa(i%3), DeviceName: "Emily's iPhone", DeviceModel: "iPhone 15",
			IP: fmt.Sprintf("198.51.100.%d", 1+i%200), UserAgent: "Tapo/3.4.510 (iPhone 15; iOS 18.1)", Outcome: data.OutcomePasswordOK}
	}
	pages := map[string][]byte{} // "limit/cursor" -> body
	page := func(limit int, from int) []byte {
		key := fmt.Sprintf("%d/%d", limit, from)
		if body, ok := pages[key]; ok {
			return body
		}
		p := data.LoginActivityPage{Events: events[from:min(from+limit, n)]}
		if from+limit < n {
			p.NextCursor = strconv.Itoa(from + limit)
		}
		body, _ := json.Marshal(p)
		pages[key] = body
		return body
	}
	for _, limit := range []int{500, 1000} {
		for from := 0; from < n; from += limit {
			page(limit, from)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		from, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
		body, ok := pages[fmt.Sprintf("%d/%d", limit, from)]
		if !ok {
			http.Error(w, "no such page", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkLoginActivityFetch is the "fetched" part of SPEC section 10's
// login activity row: the Activity tab's fetch of an account's 10,000 login
// events (AllLoginActivity, 500 a page, as the tab asks) over loopback from a
// server whose pages are ready-made. It reports p50-ms and p95-ms.
func BenchmarkLoginActivityFetch(b *testing.B) {
	const n = 10_000
	srv := loginPagesServer(b, n)
	c := client.New(srv.URL, client.Options{})
	ctx := context.Background()
	d := make([]time.Duration, 0, 256)
	for b.Loop() {
		start := time.Now()
		events, err := c.AllLoginActivity(ctx, "acc_1", n)
		d = append(d, time.Since(start))
		if err != nil || len(events) != n {
			b.Fatalf("%d events, %v", len(events), err)
		}
	}
	reportPercentiles(b, d)
}
