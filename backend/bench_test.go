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
// HTTP against a backend holding generated accounts (target: >= 10,000/s).
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
	b.SetParallelism(8)
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
}

func jsonBody(v any) io.Reader {
	r, w := io.Pipe()
	go func() { w.CloseWithError(json.NewEncoder(w).Encode(v)) }()
	return r
}
