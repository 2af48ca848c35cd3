package cache

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// auditFile makes a cache with n audit entries and returns its path and
// the head after them (what the backend would have recorded).
func auditFile(t *testing.T, n int) (string, Head) {
	t.Helper()
	clk := newClock()
	c, path := newCache(t, clk)
	var last AuditEntry
	for i := 1; i <= n; i++ {
		clk.Advance(time.Second)
		e, err := c.Append(AuditEntry{AgentID: "ag_ana", Action: "search", AccountID: fmt.Sprintf("acc_%d", 1000+i), Detail: "by phone"})
		if err != nil {
			t.Fatal(err)
		}
		last = e
	}
	count, hash := c.Head()
	if count != uint64(n) || hash != last.Hash {
		t.Fatalf("Head = %d %s, want %d %s", count, hash, n, last.Hash)
	}
	c.Close()
	return path, Head{Count: count, Hash: hash}
}

func verifyFile(t *testing.T, path string, server *Head) VerifyResult {
	t.Helper()
	c := openAt(t, path, testOptions(newClock()))
	defer c.Close()
	return c.Verify(server)
}

func TestAuditChain(t *testing.T) {
	clk := newClock()
	c, _ := newCache(t, clk)
	if r := c.Verify(nil); !r.OK() || r.Count != 0 {
		t.Errorf("empty log: %+v", r)
	}
	if _, err := c.Append(AuditEntry{AgentID: "ag_ana"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("entry without action: %v", err)
	}
	e1, err := c.Append(AuditEntry{AgentID: "ag_ana", Action: "reveal", AccountID: "acc_1001", Detail: "phone, reason: caller verified"})
	if err != nil {
		t.Fatal(err)
	}
	e2, _ := c.Append(AuditEntry{AgentID: "ag_ana", Action: "case_update", CaseID: "c-1"})
	if e1.Seq != 1 || e1.PrevHash != "" || e2.Seq != 2 || e2.PrevHash != e1.Hash || len(e2.Hash) != 64 {
		t.Errorf("chain: %+v %+v", e1, e2)
	}
	var got []AuditEntry
	if err := c.AuditEntries(1, func(e AuditEntry) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != e1 || got[1] != e2 {
		t.Errorf("AuditEntries = %+v", got)
	}
	if r := c.Verify(&Head{Count: 2, Hash: e2.Hash}); !r.OK() || r.Count != 2 || r.Head.Hash != e2.Hash {
		t.Errorf("Verify = %+v", r)
	}
}

func TestAuditTamper(t *testing.T) {
	const n = 20
	key := func(seq uint64) []byte { return u64(seq) }
	for _, tc := range []struct {
		name   string
		tamper func(tx *bolt.Tx) error
		server bool // verify against the server's head
		want   Break
	}{
		{"untouched", nil, true, Break{}},
		{"one byte changed", func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketAudit)
			v := bytes.Clone(b.Get(key(7)))
			v[len(v)-20] ^= 0x40
			return b.Put(key(7), v)
		}, false, Break{Seq: 7, Kind: BreakChanged}},
		{"entry deleted in the middle", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketAudit).Delete(key(11))
		}, false, Break{Seq: 11, Kind: BreakMissing}},
		{"two entries swapped", func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketAudit)
			a, c := bytes.Clone(b.Get(key(5))), bytes.Clone(b.Get(key(6)))
			return errors.Join(b.Put(key(5), c), b.Put(key(6), a))
		}, false, Break{Seq: 5, Kind: BreakOutOfOrder}},
		{"last three cut", func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketAudit)
			for s := uint64(n - 2); s <= n; s++ {
				if err := b.Delete(key(s)); err != nil {
					return err
				}
			}
			return nil
		}, false, Break{Seq: n - 2, Kind: BreakTailCut}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, head := auditFile(t, n)
			if tc.tamper != nil {
				rawUpdate(t, path, tc.tamper)
			}
			var server *Head
			if tc.server {
				server = &head
			}
			r := verifyFile(t, path, server)
			if tc.want.Kind == "" {
				if !r.OK() || r.Count != n {
					t.Fatalf("untouched file: %+v", r)
				}
				return
			}
			if r.OK() || r.Broken.Seq != tc.want.Seq || r.Broken.Kind != tc.want.Kind {
				t.Fatalf("Verify = %+v (%v), want entry %d %s", r, r.Broken, tc.want.Seq, tc.want.Kind)
			}
			if !strings.Contains(r.Broken.String(), fmt.Sprintf("entry %d: %s", tc.want.Seq, tc.want.Kind)) {
				t.Errorf("String() = %q", r.Broken.String())
			}
		})
	}
}

// TestAuditTailCutFoundOnlyByServerHead cuts the last three entries and also
// rewrites the cache's own head, as someone holding the key could: the chain
// left is consistent, and only the head the backend recorded finds the cut.
func TestAuditTailCutFoundOnlyByServerHead(t *testing.T) {
	const n = 12
	path, head := auditFile(t, n)
	c := openAt(t, path, testOptions(newClock()))
	err := c.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		for s := uint64(n - 2); s <= n; s++ {
			if err := b.Delete(u64(s)); err != nil {
				return err
			}
		}
		e, _, err := c.readEntry(b.Get(u64(n - 3)))
		if err != nil {
			return err
		}
		return c.putSealed(tx.Bucket(bucketMeta), bucketMeta, metaAuditHead, Head{Count: e.Seq, Hash: e.Hash})
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Verify(nil); !r.OK() || r.Count != n-3 {
		t.Fatalf("without the server's head: %+v", r)
	}
	r := c.Verify(&head)
	if r.OK() || r.Broken.Kind != BreakTailCut || r.Broken.Seq != n-2 {
		t.Fatalf("with the server's head: %+v", r)
	}
	// A server head whose hash is not the entry it counts: the entry changed.
	r = c.Verify(&Head{Count: 3, Hash: strings.Repeat("0", 64)})
	if r.OK() || r.Broken.Kind != BreakChanged || r.Broken.Seq != 3 {
		t.Errorf("wrong server hash: %+v", r)
	}
}

func TestAuditEncoding(t *testing.T) {
	e := AuditEntry{Seq: 42, At: time.Date(2026, 12, 1, 9, 0, 0, 123456789, time.UTC), AgentID: "ag_ana",
		Action: "resend", AccountID: "acc_1", CaseID: "c-1", Detail: "sms, purpose login", PrevHash: strings.Repeat("ab", 32)}
	canonical := encodeAudit(e)
	e.Hash = hashAudit(canonical)
	sum, _ := hex.DecodeString(e.Hash)
	got, gotCanonical, err := decodeAudit(append(bytes.Clone(canonical), sum...))
	if err != nil || got != e || !bytes.Equal(gotCanonical, canonical) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	// Every field is in the hash.
	for i, change := range []func(*AuditEntry){
		func(e *AuditEntry) { e.Seq++ }, func(e *AuditEntry) { e.At = e.At.Add(time.Nanosecond) },
		func(e *AuditEntry) { e.AgentID = "ag_lee" }, func(e *AuditEntry) { e.Action = "search" },
		func(e *AuditEntry) { e.AccountID = "acc_2" }, func(e *AuditEntry) { e.CaseID = "c-2" },
		func(e *AuditEntry) { e.Detail += "." }, func(e *AuditEntry) { e.PrevHash = "" },
		// A byte moved from one field to the next is another entry too.
		func(e *AuditEntry) { e.AgentID, e.Action = "ag_an", "aresend" },
	} {
		x := e
		change(&x)
		if hashAudit(encodeAudit(x)) == e.Hash {
			t.Errorf("change %d does not change the hash", i)
		}
	}
}
