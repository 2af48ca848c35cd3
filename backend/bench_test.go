package backend

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// benchAccounts is how many generated accounts the lookup benchmark searches
// (SPEC: 100k); VERIFYDESK_BENCH_ACCOUNTS overrides it.
func benchAccounts() int {
	if n, err := strconv.Atoi(os.Getenv("VERIFYDESK_BENCH_ACCOUNTS")); err == nil && n > 0 {
		return n
	}
	return 100000
}

// benchDB generates the accounts once into the system temp dir and reuses the
// file across runs: generating 100k accounts takes tens of seconds.
func benchDB(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("verifydesk-bench-%d.db", n))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".tmp"
	os.Remove(tmp)
	if _, err := Generate(context.Background(), tmp, n, time.Now(), 42); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkAccountLookup measures parallel exact phone searches over loopback
// HTTP from at least 50 concurrent clients against a backend holding generated
// accounts (target: >= 10,000/s). Every lookup is audited, so this also holds
// the audit writer (and its indexes) to that rate.
func BenchmarkAccountLookup(b *testing.B) {
	n := benchAccounts()
	path := benchDB(b, n)
	s, err := Open(Config{DBPath: path})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.AddAgent(context.Background(), "ag_bench", "bench", "Bench", data.RoleAgent, "pw"); err != nil {
		b.Fatal(err)
	}
	var phones []string
	_ = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketPhoneIdx).Cursor()
		for k, _ := c.First(); k != nil && len(phones) < 5000; k, _ = c.Next() {
			phones = append(phones, string(k))
		}
		return nil
	})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	res, err := client.Post(srv.URL+"/v1/agent/sessions", "application/json", jsonBody(data.SignInRequest{Username: "bench", Password: "pw"}))
	if err != nil {
		b.Fatal(err)
	}
	var sess data.Session
	json.NewDecoder(res.Body).Decode(&sess)
	res.Body.Close()

	var i atomic.Int64
	// At least 50 clients at once, whatever GOMAXPROCS is (SPEC section 10).
	procs := runtime.GOMAXPROCS(0)
	par := (50 + procs - 1) / procs
	b.SetParallelism(par)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p := phones[int(i.Add(1))%len(phones)]
			req, _ := http.NewRequest("GET", srv.URL+"/v1/accounts?phone="+url.QueryEscape(p), nil)
			req.Header.Set("Authorization", "Bearer "+sess.Token)
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			var l data.AccountList
			err = json.NewDecoder(res.Body).Decode(&l)
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if err != nil || res.StatusCode != 200 || len(l.Accounts) != 1 {
				b.Errorf("lookup %s: %d %v %d", p, res.StatusCode, err, len(l.Accounts))
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "lookups/s")
	b.ReportMetric(float64(par*procs), "clients")
}

func jsonBody(v any) io.Reader {
	r, w := io.Pipe()
	go func() { w.CloseWithError(json.NewEncoder(w).Encode(v)) }()
	return r
}

// BenchmarkAuditFirstPage measures the audit screen's first page over 100,000
// entries on loopback: one GET /v1/audit with the screen's filters and its
// decode (SPEC section 10: p95 <= 50 ms). VERIFYDESK_BENCH_AUDIT overrides the
// entry count.
func BenchmarkAuditFirstPage(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("VERIFYDESK_BENCH_AUDIT")); err == nil && v > 0 {
		n = v
	}
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	s, err := Open(Config{DBPath: filepath.Join(b.TempDir(), "audit.db"), Demo: true, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for done := 0; done < n; done += 10000 {
		seedAudit(b, s, min(10000, n-done), now.Add(-time.Duration(n-done)*time.Second/3))
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	res, err := http.Post(srv.URL+"/v1/agent/sessions", "application/json", jsonBody(data.SignInRequest{Username: "sam", Password: "demo"}))
	if err != nil {
		b.Fatal(err)
	}
	var sess data.Session
	json.NewDecoder(res.Body).Decode(&sess)
	res.Body.Close()
	for _, q := range []struct{ name, query string }{
		{"all", ""},
		{"agent", "agent=ag_lee"},
		{"action", "action=reveal"},
		{"agent+action", "agent=ag_ana&action=case_note"},
		{"account", "account=acc_1003"},
		{"outcome", "outcome=failed"},
		// The worst case: nothing matches, the page stops at the scan budget.
		{"account_absent", "account=acc_none"},
		{"last_hour", "since=" + url.QueryEscape(now.Add(-time.Hour).Format(time.RFC3339))},
	} {
		b.Run(q.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			entries := 0
			for b.Loop() {
				t0 := time.Now()
				req, _ := http.NewRequest("GET", srv.URL+"/v1/audit?limit=100&"+q.query, nil)
				req.Header.Set("Authorization", "Bearer "+sess.Token)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var l data.AuditList
				err = json.NewDecoder(res.Body).Decode(&l)
				res.Body.Close()
				if err != nil || res.StatusCode != 200 {
					b.Fatalf("%d %v", res.StatusCode, err)
				}
				lat = append(lat, time.Since(t0))
				entries = len(l.Entries)
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(entries), "entries")
		})
	}
}
