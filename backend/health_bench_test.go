package backend

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// BenchmarkDeliveryHealth measures the health query (no filter, every
// window) over generated accounts' 30-70 days of deliveries;
// VERIFYDESK_BENCH_HEALTH_ACCOUNTS sets how many (default 20,000).
func BenchmarkDeliveryHealth(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("VERIFYDESK_BENCH_HEALTH_ACCOUNTS")); err == nil && v > 0 {
		n = v
	}
	now := time.Now()
	path := filepath.Join(b.TempDir(), "health.db")
	st, err := Generate(context.Background(), path, n, now, 42)
	if err != nil {
		b.Fatal(err)
	}
	db, err := openDB(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var keys int
	_ = db.View(func(tx *bolt.Tx) error { keys = tx.Bucket(bucketRollups).Stats().KeyN; return nil })
	q := healthQuery{windows: data.HealthWindows}
	b.ResetTimer()
	for b.Loop() {
		if err := db.View(func(tx *bolt.Tx) error {
			_ = deliveryHealth(tx, q, now)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	// After the loop: ResetTimer drops metrics reported before it.
	b.ReportMetric(float64(st.Deliveries), "deliveries")
	b.ReportMetric(float64(keys), "rollups")
}

// healthBenchDB is a backend file of generated traffic holding at least want
// deliveries, made once in $VERIFYDESK_BENCH_HEALTH_DIR, else the system
// temp dir (accounts added in runs of
// Generate until the count is reached) and reused; the time it was
// generated at is kept beside it, so the benchmark's server reads the
// windows as they were then, whatever the file's age.
func healthBenchDB(b *testing.B, want int) (string, time.Time, int) {
	b.Helper()
	dir := os.Getenv("VERIFYDESK_BENCH_HEALTH_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("verifydesk-health-bench-%d.db", want))
	if raw, err := os.ReadFile(path + ".meta"); err == nil {
		var at int64
		var n int
		if _, err := fmt.Sscanf(string(raw), "%d %d", &at, &n); err == nil {
			if _, err := os.Stat(path); err == nil {
				return path, time.Unix(at, 0), n
			}
		}
	}
	tmp := path + ".tmp"
	os.Remove(tmp)
	now := time.Now().Truncate(time.Second)
	total := 0
	for total < want {
		// About 37 deliveries per account (their own and the traffic).
		st, err := Generate(context.Background(), tmp, max(1000, min(50000, (want-total)/37+1)), now, uint64(total)+42)
		if err != nil {
			b.Fatal(err)
		}
		total += st.Deliveries
		b.Logf("generated %d deliveries of %d", total, want)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path+".meta", fmt.Appendf(nil, "%d %d", now.Unix(), total), 0o600); err != nil {
		b.Fatal(err)
	}
	return path, now, total
}

// BenchmarkDeliveryHealthHTTP measures the health query as a console sees
// it: GET /v1/delivery-health with no filter (every row, every window, the
// surges) and its decode, on loopback, over 14 days of generated traffic of
// VERIFYDESK_BENCH_HEALTH_DELIVERIES deliveries (comma-separated sizes for a
// curve; default 1,000,000). Target (issue 22): p95 <= 20 ms at 10 million.
// The files are made once in TMPDIR (10 million: several minutes and
// gigabytes) and reused.
func BenchmarkDeliveryHealthHTTP(b *testing.B) {
	sizes := []int{1_000_000}
	if v := os.Getenv("VERIFYDESK_BENCH_HEALTH_DELIVERIES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("VERIFYDESK_BENCH_HEALTH_DELIVERIES: %q is not a size", f)
			}
			sizes = append(sizes, n)
		}
	}
	for _, want := range sizes {
		b.Run(fmt.Sprintf("deliveries=%d", want), func(b *testing.B) {
			path, at, total := healthBenchDB(b, want)
			s, err := Open(Config{DBPath: path, Now: func() time.Time { return at }})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if err := s.AddAgent(context.Background(), "ag_hbench", "hbench", "Bench", data.RoleAgent, "pw"); err != nil {
				b.Fatal(err)
			}
			var rollups int
			_ = s.db.View(func(tx *bolt.Tx) error { rollups = tx.Bucket(bucketRollups).Stats().KeyN; return nil })
			srv := httptest.NewServer(s.Handler())
			defer srv.Close()
			res, err := http.Post(srv.URL+"/v1/agent/sessions", "application/json", jsonBody(data.SignInRequest{Username: "hbench", Password: "pw"}))
			if err != nil {
				b.Fatal(err)
			}
			var sess data.Session
			_ = json.NewDecoder(res.Body).Decode(&sess)
			res.Body.Close()
			lat := make([]time.Duration, 0, 64)
			rows := 0
			for b.Loop() {
				t0 := time.Now()
				req, _ := http.NewRequest("GET", srv.URL+"/v1/delivery-health", nil)
				req.Header.Set("Authorization", "Bearer "+sess.Token)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var h data.DeliveryHealth
				err = json.NewDecoder(res.Body).Decode(&h)
				res.Body.Close()
				if err != nil || res.StatusCode != http.StatusOK {
					b.Fatalf("%d %v", res.StatusCode, err)
				}
				lat = append(lat, time.Since(t0))
				rows = len(h.Rows)
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(total), "deliveries")
			b.ReportMetric(float64(rollups), "rollups")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}
