package screens

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"verifydesk/backend"
	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/geo"
)

// The curves of SPEC section 10 ("how cost grows", issue 14): the same
// screen work at 1k, 10k and 100k, each reporting p50-ms and p95-ms of the
// single operations (the goals are on p95, which ns/op, a mean, hides).
// `bash .ci/bench` runs them with the other figures; alone:
//
//	go test -run '^$' -bench 'OverviewCurve|ActivityCurve' ./screens/
//
// VERIFYDESK_BENCH_SIZES (say "1000,10000") picks the sizes.

func benchSizes(b *testing.B) []int {
	sizes := []int{1_000, 10_000, 100_000}
	if v := os.Getenv("VERIFYDESK_BENCH_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("VERIFYDESK_BENCH_SIZES: %q is not a size", f)
			}
			sizes = append(sizes, n)
		}
	}
	return sizes
}

// reportLatency adds p50-ms and p95-ms of the operations' durations.
func reportLatency(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(q float64) float64 {
		return float64(d[int(q*float64(len(d)-1))].Nanoseconds()) / 1e6
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}

// generatedBackend is a reference backend file with n generated accounts. It
// is made once and kept in the system temp folder under the name the backend
// package's own benchmarks use (same generator, same seed), since 100k
// accounts take most of a minute to generate; `bash .ci/bench` points TMPDIR
// at a fresh copy of its own.
func generatedBackend(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("verifydesk-bench-%d.db", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".tmp"
	_ = os.Remove(tmp)
	if _, err := backend.Generate(context.Background(), tmp, n, time.Now(), 42); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkOverviewCurve is "account search to rendered overview" (target:
// p95 <= 16.7 ms with 100k accounts) at each size, beside its floor on the
// same backend: one bare GET /v1/accounts/{id} with net/http and a JSON decode
// of the same accounts. The overview is what BenchmarkSearchToOverview
// measures: the id searched, the account and its send limits fetched, the
// overview filled in on the test canvas.
func BenchmarkOverviewCurve(b *testing.B) {
	for _, n := range benchSizes(b) {
		path := generatedBackend(b, n)
		srv := backendtest.New(b, func(c *backend.Config) { c.DBPath = path })
		b.Run(fmt.Sprintf("accounts=%d/overview", n), func(b *testing.B) {
			a := test.NewTempApp(b)
			w := a.NewWindow("Verifydesk")
			w.Resize(fyne.NewSize(1280, 800))
			u := NewUI(w, Config{Demo: true, DemoUser: "ana", DemoPassword: "demo", Region: "US", Background: runNow})
			w.SetContent(u.Content())
			u.SetBackend(client.New(srv.URL, client.Options{}), "bench")
			u.SubmitSignIn()
			if u.work == nil {
				b.Fatal("not signed in")
			}
			d := make([]time.Duration, 0, 1024)
			i := 0
			for b.Loop() {
				id := fmt.Sprintf("gen_%07d", 1+(i*7919)%n)
				i++
				start := time.Now()
				u.work.startSearch("US", id)
				d = append(d, time.Since(start))
				if u.work.account == nil || u.work.account.ID != id {
					b.Fatalf("search %s opened %v", id, u.work.account)
				}
			}
			reportLatency(b, d)
		})
		b.Run(fmt.Sprintf("accounts=%d/bare_get", n), func(b *testing.B) {
			token := signInRaw(b, srv.URL)
			hc := &http.Client{}
			d := make([]time.Duration, 0, 1024)
			i := 0
			for b.Loop() {
				id := fmt.Sprintf("gen_%07d", 1+(i*7919)%n)
				i++
				start := time.Now()
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/accounts/"+id, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var acc data.Account
				err = json.NewDecoder(res.Body).Decode(&acc)
				res.Body.Close()
				d = append(d, time.Since(start))
				if err != nil || res.StatusCode != http.StatusOK || acc.ID != id {
					b.Fatalf("GET %s: %d %v", id, res.StatusCode, err)
				}
			}
			reportLatency(b, d)
		})
	}
}

// signInRaw signs the demo agent in with net/http alone and returns the token.
func signInRaw(b *testing.B, base string) string {
	b.Helper()
	body, _ := json.Marshal(data.SignInRequest{Username: "ana", Password: "demo"})
	res, err := http.Post(base+"/v1/agent/sessions", "application/json", strings.NewReader(string(body)))
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var s data.Session
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil || s.Token == "" {
		b.Fatalf("sign-in: %d %v", res.StatusCode, err)
	}
	return s.Token
}

// curveEvents is a long history over the demo networks: three devices, a
// thousand distinct addresses (so the per-address lookups are not all
// cached), now and then a trip abroad.
func curveEvents(n int) memorySource {
	nets := []string{"198.51.100.%d", "192.0.2.%d", "203.0.113.%d", "2001:db8:91::%x"}
	devices := []string{"Emily's iPhone", "Living room iPad", "Galaxy A51"}
	out := make(memorySource, n)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		ip := fmt.Sprintf(nets[0], 1+i%200)
		if i%10 == 0 { // a trip: another network
			ip = fmt.Sprintf(nets[1+(i/10)%3], 1+(i/10)%250)
		}
		out[i] = data.LoginEvent{ID: fmt.Sprintf("ev%06d", i), At: t0.Add(time.Duration(i) * 13 * time.Minute),
			DeviceID: strconv.Itoa(i % 3), DeviceName: devices[i%3], IP: ip, Outcome: data.OutcomePasswordOK}
	}
	return out
}

// BenchmarkActivityCurve is "login events geolocated, flagged and listed"
// (targets: 10k p95 <= 16.7 ms, 100k <= 100 ms) at each size: the Activity
// tab's whole load of a history already fetched (analysis, filters, map
// points, the table's refresh), as BenchmarkActivityRefresh10k, with p95.
// The fetch is the client's (services/client BenchmarkLoginActivityFetch).
func BenchmarkActivityCurve(b *testing.B) {
	test.NewTempApp(b)
	loc, err := geo.OpenDemo()
	if err != nil {
		b.Fatal(err)
	}
	defer loc.Close()
	for _, n := range benchSizes(b) {
		events := curveEvents(n)
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			w := test.NewWindow(nil)
			defer w.Close()
			p := newActivityPanel(events, loc, &recordingActions{}, w)
			w.SetContent(p.build())
			w.Resize(fyne.NewSize(1400, 800))
			acct := &data.Account{ID: "acc_bench", TimeZone: "America/Los_Angeles"}
			ctx := context.Background()
			d := make([]time.Duration, 0, 256)
			for b.Loop() {
				start := time.Now()
				p.setAccount(acct)
				if err := loadNow(ctx, p, *acct); err != nil {
					b.Fatal(err)
				}
				d = append(d, time.Since(start))
			}
			if len(p.rows) != n {
				b.Fatalf("%d rows, want %d", len(p.rows), n)
			}
			reportLatency(b, d)
		})
	}
}
