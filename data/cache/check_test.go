package cache

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// filledCache writes a cache of n cases with notes, an audit log and a
// snapshot, closes it and returns its path: enough pages for damage to land
// past the first ones.
func filledCache(t *testing.T, n int) string {
	t.Helper()
	clk := newClock()
	path := filepath.Join(t.TempDir(), "cache.db")
	c, err := Open(path, testOptions(clk))
	if err != nil {
		t.Fatal(err)
	}
	var recs []CaseRecord
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("c-%04d", i)
		recs = append(recs, CaseRecord{Case: sampleCase(id, clk.Now(),
			data.Note{ID: "n-1", AuthorID: "ag_ana", At: clk.Now(), Text: tNoteText},
			data.Note{ID: "n-2", AuthorID: "ag_ana", At: clk.Now(), Text: strings.Repeat(tNoteText2+" ", 5)})})
	}
	if err := c.PutCases(recs); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if _, err := c.Append(AuditEntry{AgentID: "ag_ana", Action: "search", AccountID: "acc_1001"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.PutSnapshot("c-0001", Snapshot{Account: mustJSON(t, data.Account{ID: "acc_1001", Name: tName})}); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// pageLayout is the page size, the high-water mark and the leaf pages in use
// of a healthy file, read with bbolt directly.
func pageLayout(t *testing.T, path string) (pageSize int, hwm int, leaves []int) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pageSize = db.Info().PageSize
	_ = db.View(func(tx *bolt.Tx) error {
		hwm = int(tx.Size()) / pageSize
		for id := 2; id < hwm; id++ {
			if p, err := tx.Page(id); err == nil && p != nil && p.Type == "leaf" {
				leaves = append(leaves, id)
			}
		}
		return nil
	})
	if len(leaves) < 5 {
		t.Fatalf("only %d leaf pages: the test cache is too small", len(leaves))
	}
	return pageSize, hwm, leaves
}

// damageAt changes the file's bytes with plain file writes, as a failing disk
// or a copy cut short would.
func damageAt(t *testing.T, path string, fn func(f *os.File)) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fn(f)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// usable checks that an opened cache answers every read in the cache's own
// terms (never a panic, never an error of another kind) and takes writes.
func usable(t *testing.T, c *Cache) {
	t.Helper()
	if _, err := c.List(ListQuery{Limit: MaxResults}); err != nil {
		t.Errorf("List: %v", err)
	}
	if _, err := c.Search(tPhone); err != nil {
		t.Errorf("Search: %v", err)
	}
	for i := 0; i < 200; i += 7 {
		if _, err := c.Case(fmt.Sprintf("c-%04d", i)); err != nil && !errors.Is(err, ErrCorruptRecord) && !errors.Is(err, ErrNotFound) {
			t.Errorf("Case: %v", err)
		}
	}
	_ = c.Verify(nil)
	if err := c.PutCase(CaseRecord{Case: sampleCase("c-new", time.Now())}); err != nil && !errors.Is(err, ErrCorruptRecord) {
		t.Errorf("PutCase: %v", err)
	}
}

// TestDamagedFileIsMovedAside: damage past the first pages is found when the
// file opens; the file is moved aside as it was and a fresh cache started.
func TestDamagedFileIsMovedAside(t *testing.T) {
	for name, damage := range map[string]func(t *testing.T, path string){
		"truncated through the data pages": func(t *testing.T, path string) {
			ps, hwm, _ := pageLayout(t, path)
			if err := os.Truncate(path, int64(ps*hwm*2/3)); err != nil {
				t.Fatal(err)
			}
		},
		"truncated by one page": func(t *testing.T, path string) {
			ps, hwm, _ := pageLayout(t, path)
			if err := os.Truncate(path, int64(ps*(hwm-1))); err != nil {
				t.Fatal(err)
			}
		},
		"one data page zeroed": func(t *testing.T, path string) {
			ps, _, leaves := pageLayout(t, path)
			id := leaves[len(leaves)/2]
			damageAt(t, path, func(f *os.File) { _, _ = f.WriteAt(make([]byte, ps), int64(id*ps)) })
		},
		"a page header's overflow flipped": func(t *testing.T, path string) {
			ps, _, leaves := pageLayout(t, path)
			damageAt(t, path, func(f *os.File) { _, _ = f.WriteAt([]byte{0, 0, 0, 0x40}, int64(leaves[1]*ps+12)) })
		},
	} {
		t.Run(name, func(t *testing.T) {
			path := filledCache(t, 200)
			damage(t, path)
			before, _ := os.ReadFile(path)
			clk := newClock()
			c := openAt(t, path, testOptions(clk))
			aside := c.Recovered()
			if aside == "" {
				t.Fatalf("the damaged file was used: check %+v, problems %v", c.LastCheck(), c.Problems())
			}
			if kept, err := os.ReadFile(aside); err != nil || string(kept) != string(before) {
				t.Errorf("the damaged file was not kept as it was at %s: %v", aside, err)
			}
			if ps := c.Problems(); len(ps) == 0 || ps[0].Where != "file" {
				t.Errorf("problems %v", ps)
			}
			usable(t, c)
		})
	}
}

// TestFlippedBitsAreFound flips a few hundred bits across the data pages of
// real files: every time, the damage is found at open (the file moved aside,
// or the records that do not open counted and named), nothing panics or
// faults, and the cache stays usable.
func TestFlippedBitsAreFound(t *testing.T) {
	path0 := filledCache(t, 200)
	healthy, err := os.ReadFile(path0)
	if err != nil {
		t.Fatal(err)
	}
	ps, hwm, _ := pageLayout(t, path0)
	moved, counted := 0, 0
	for seed := uint64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cache.db")
			b := append([]byte(nil), healthy...)
			rng := rand.New(rand.NewPCG(seed, 21))
			for i := 0; i < 300; i++ {
				bit := 2*ps*8 + rng.IntN((hwm-2)*ps*8)
				b[bit/8] ^= 1 << (bit % 8)
			}
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if key := mustRead(t, path0+".key"); key != nil {
				if err := os.WriteFile(path+".key", key, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			c := openAt(t, path, testOptions(newClock()))
			switch {
			case c.Recovered() != "":
				moved++
			case c.DamagedRecords() > 0:
				counted++
				if r := c.LastCheck(); r.Damaged != c.DamagedRecords() || !r.Full || r.Records == 0 {
					t.Errorf("check %+v", r)
				}
				if ps := c.Problems(); len(ps) == 0 || !strings.Contains(ps[0].Where, "/") {
					t.Errorf("the damaged records are not named: %v", ps)
				}
			default:
				t.Errorf("300 flipped bits went unnoticed")
			}
			usable(t, c)
		})
	}
	t.Logf("moved aside %d, records counted %d", moved, counted)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return b
}

// TestRecordThatFailsAuthenticationIsSkipped: a record whose bytes changed
// in a file whose pages are sound is named, counted and skipped; the file is
// kept and the other records are read.
func TestRecordThatFailsAuthenticationIsSkipped(t *testing.T) {
	path := filledCache(t, 20)
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketCases, bucketSummaries} {
			v := append([]byte(nil), tx.Bucket(b).Get([]byte("c-0003"))...)
			v[len(v)-3] ^= 0x10
			if err := tx.Bucket(b).Put([]byte("c-0003"), v); err != nil {
				return err
			}
		}
		return nil
	})
	c := openAt(t, path, testOptions(newClock()))
	if c.Recovered() != "" {
		t.Fatalf("a file with sound pages was moved aside: %v", c.Problems())
	}
	if n := c.DamagedRecords(); n != 2 {
		t.Errorf("DamagedRecords = %d, want 2 (the case and its summary)", n)
	}
	var where []string
	for _, p := range c.Problems() {
		where = append(where, p.Where)
	}
	if got := strings.Join(where, ","); got != "cases/c-0003,summaries/c-0003" {
		t.Errorf("problems name %s", got)
	}
	sums, err := c.List(ListQuery{Limit: MaxResults})
	if err != nil || len(sums) != 19 {
		t.Errorf("List: %d cases, %v", len(sums), err)
	}
	if _, err := c.Case("c-0003"); !errors.Is(err, ErrCorruptRecord) {
		t.Errorf("Case of the damaged record: %v", err)
	} else if w, ok := Explain(err); !ok || strings.Contains(w, "backend") {
		t.Errorf("Explain of a damaged record: %q", w)
	}
	if n := c.DamagedRecords(); n != 2 {
		t.Errorf("reading them again counts them again: %d", n)
	}
}

// TestFullCheckOnlyWhenTheFileMayHaveChanged: a file closed cleanly and not
// changed since gets the quick check; a change, a crash (no Close), a session
// that found damage, or a week without a full check gets the full one.
func TestFullCheckOnlyWhenTheFileMayHaveChanged(t *testing.T) {
	clk := newClock()
	path := filledCache(t, 20)
	reopen := func() CheckReport {
		t.Helper()
		c, err := Open(path, testOptions(clk))
		if err != nil {
			t.Fatal(err)
		}
		r := c.LastCheck()
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := reopen(); r.Full {
		t.Errorf("closed cleanly, unchanged: %+v", r)
	}
	// Changed outside the console, with bbolt: same length, new time.
	rawUpdate(t, path, func(tx *bolt.Tx) error { return tx.Bucket(bucketQueued).Put(u64(99), []byte("c-0001")) })
	if r := reopen(); !r.Full || r.Records == 0 || r.Why != "changed since it was last closed" {
		t.Errorf("after a change: %+v", r)
	}
	if r := reopen(); r.Full {
		t.Errorf("closed cleanly again: %+v", r)
	}
	// A crash: Open removed the mark, nothing wrote it again.
	c, err := Open(path, testOptions(clk))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cleanFile(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the clean mark is still there while the file is open: %v", err)
	}
	_ = c.db.Close() // not c.Close: as a killed process leaves it
	if r := reopen(); !r.Full || r.Why != "not closed cleanly after a check" {
		t.Errorf("after a crash: %+v", r)
	}
	// A week later, unchanged: full again.
	clk.Advance(FullCheckEvery)
	if r := reopen(); !r.Full || r.Why != "last fully checked over a week ago" {
		t.Errorf("a week later: %+v", r)
	}
	// A damaged record: every start checks (and counts) it again until the
	// backend's copy replaces it.
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		v := append([]byte(nil), tx.Bucket(bucketNotes).Get(childKey("c-0002", "n-1"))...)
		v[20] ^= 1
		return tx.Bucket(bucketNotes).Put(childKey("c-0002", "n-1"), v)
	})
	for i := 0; i < 2; i++ {
		if r := reopen(); !r.Full || r.Damaged != 1 {
			t.Errorf("start %d with a damaged note: %+v", i, r)
		}
	}
}
