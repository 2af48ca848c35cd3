package backend

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
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
