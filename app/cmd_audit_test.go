package app

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data/cache"
)

// tamper changes the cache file with bbolt directly, as someone editing the
// file would. The audit log is data/cache's bucket "audit", keyed by the
// entry number (8 bytes, big endian).
func tamper(t *testing.T, path string, fn func(b *bolt.Bucket) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return fn(tx.Bucket([]byte("audit"))) }); err != nil {
		t.Fatal(err)
	}
}

func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func headOf(t *testing.T, path string) string {
	t.Helper()
	c, err := cache.Open(path, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	n, h := c.Head()
	return fmt.Sprintf("%d:%s", n, h)
}

func TestAuditVerify(t *testing.T) {
	path := cliCache(t)
	head := headOf(t, path)
	code, out, errOut := runSub(runAudit, "verify", "--cache", path, "--head", head)
	if code != exitOK || !strings.Contains(out, "audit chain intact: 5 entries, head "+head) {
		t.Fatalf("verify of an untouched file: %d %s %s", code, out, errOut)
	}
	// A head the backend recorded after more entries: the tail was cut.
	later := "9:" + strings.Repeat("ab", 32)
	if code, out, _ := runSub(runAudit, "verify", "--cache", path, "--head", later); code != exitFail || !strings.Contains(out, "entry 6: tail cut") {
		t.Errorf("verify against a later head: %d %s", code, out)
	}
	for _, bad := range []string{"5", "x:y", "5:abc", "-1:" + strings.Repeat("0", 64)} {
		if code, _, _ := runSub(runAudit, "verify", "--cache", path, "--head", bad); code != exitUsage {
			t.Errorf("--head %q: exit %d", bad, code)
		}
	}
	tamper(t, path, func(b *bolt.Bucket) error { return b.Delete(seqKey(3)) })
	code, out, _ = runSub(runAudit, "verify", "--cache", path)
	if code != exitFail || !strings.Contains(out, "entry 3: missing") || !strings.Contains(out, "2 entries intact") {
		t.Errorf("verify after deleting entry 3: %d %s", code, out)
	}
}

func TestAuditVerifyNamesAChangedEntry(t *testing.T) {
	path := cliCache(t)
	tamper(t, path, func(b *bolt.Bucket) error {
		v := append([]byte(nil), b.Get(seqKey(4))...)
		v[len(v)/2] ^= 1
		return b.Put(seqKey(4), v)
	})
	if code, out, _ := runSub(runAudit, "verify", "--cache", path); code != exitFail || !strings.Contains(out, "entry 4: changed") {
		t.Errorf("verify after changing entry 4: %d %s", code, out)
	}
	// The export leaves the unreadable entry out and says so.
	code, out, errOut := runSub(runAudit, "export", "--format", "csv", "--cache", path)
	if code != exitFail || strings.Count(out, "\n") != 5 || !strings.Contains(errOut, "1 entries could not be read") {
		t.Errorf("export of a damaged log: %d\n%s%s", code, out, errOut)
	}
}

func TestAuditVerifyNamesSwappedEntries(t *testing.T) {
	path := cliCache(t)
	tamper(t, path, func(b *bolt.Bucket) error {
		a, c := append([]byte(nil), b.Get(seqKey(2))...), append([]byte(nil), b.Get(seqKey(3))...)
		if err := b.Put(seqKey(2), c); err != nil {
			return err
		}
		return b.Put(seqKey(3), a)
	})
	if code, out, _ := runSub(runAudit, "verify", "--cache", path); code != exitFail || !strings.Contains(out, "entry 2: out of order") {
		t.Errorf("verify after swapping 2 and 3: %d %s", code, out)
	}
}

// TestAuditExportCSVIsSafeAndPrivate: every cell of the local audit export is
// neutralised (an account id typed into the search box is audited as typed),
// and the file is the agent's only, even when it existed before.
func TestAuditExportCSVIsSafeAndPrivate(t *testing.T) {
	path := cliCache(t)
	c, err := cache.Open(path, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := `=HYPERLINK("http://evil.example","y")`
	_, err = c.Append(cache.AuditEntry{AgentID: "@ag", Action: "search", AccountID: f, CaseID: "+" + f, Detail: " -" + f})
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "audit.csv")
	if err := os.WriteFile(out, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runSub(runAudit, "export", "--cache", path, "--format", "csv", "--out", out); code != exitOK {
		t.Fatalf("export: %d %s", code, errOut)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("export file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	b, _ := os.ReadFile(out)
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	last := rows[len(rows)-1]
	for i, cell := range last {
		if cell != "" && strings.ContainsAny(cell[:1], "=+-@ ") {
			t.Errorf("column %s = %q reaches a spreadsheet as a formula", auditColumns[i], cell)
		}
	}
}

func TestAuditExportCSV(t *testing.T) {
	path := cliCache(t)
	code, out, errOut := runSub(runAudit, "export", "--cache", path, "--format", "csv")
	if code != exitOK {
		t.Fatalf("export: %d %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || strings.Join(rows[0], ",") != "seq,at,agent_id,action,account_id,case_id,detail,prev_hash,hash" {
		t.Fatalf("csv: %q", rows)
	}
	if rows[1][0] != "1" || rows[1][3] != "search" || rows[2][7] != rows[1][8] || len(rows[5][8]) != 64 {
		t.Errorf("rows: %q", rows[1:])
	}
	for _, args := range [][]string{{"export", "--cache", path}, {"export", "--format", "xml", "--cache", path}, {}, {"frob"}} {
		if code, _, _ := runSub(runAudit, args...); code != exitUsage {
			t.Errorf("audit %q: exit %d", args, code)
		}
	}
}
