package cache

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The check on open (issue 21, point 11). bbolt checks only its two meta
// pages when it opens a file; damage past them (a file cut short, a zeroed
// page, flipped bits) went unnoticed until a read panicked or, worse, a write
// built on it. Open therefore checks, in this order:
//
//  1. the file is as long as its pages (bbolt would fault reading past the end);
//  2. every page in use has a known type and its overflow stays inside the
//     file, and a walk of every bucket reaches every page without a panic or
//     a fault (both inside guarded, which turns them into errors);
//  3. bbolt's own Tx.Check: every page reachable once, none both reachable and
//     free, none lost, keys in order. It runs in a goroutine of its own, where
//     a fault on the mapped file would crash the process; steps 1 and 2 made
//     sure it reads only pages that exist and are what they say;
//  4. each sealed record's authentication tag (AES-GCM Open).
//
// Damage found by 1-3 is errCorruptFile: Open moves the file aside and starts
// a fresh cache, as for damaged meta pages. A record that fails 4 is named in
// Problems, counted by DamagedRecords and skipped where it is read; the rest
// of the cache is used.

// CheckReport is what Open's check of the file found.
type CheckReport struct {
	// Full is true when steps 1-4 ran; false when the file had not changed
	// since it was last closed cleanly (the sidecar matches), and only step
	// 1 ran. See needsFullCheck.
	Full bool
	// Records counts the sealed records whose tag was checked (0 unless Full).
	Records int
	// Damaged counts the records that failed: skipped, and named in Problems.
	Damaged int
	// Why says why the check was full or quick, in words.
	Why string
	// Took is how long the check took.
	Took time.Duration

	lastFull time.Time // when the file was last fully checked
}

// sealedBuckets are the buckets whose every value is sealed, with the
// associated data of a value under key.
var sealedBuckets = []struct {
	name []byte
	aad  func(key []byte) []byte
}{
	{bucketCases, func(k []byte) []byte { return aadFor(bucketCases, k) }},
	{bucketSummaries, func(k []byte) []byte { return aadFor(bucketSummaries, k) }},
	{bucketNotes, func(k []byte) []byte { return aadFor(bucketNotes, k) }},
	{bucketSnapshots, func(k []byte) []byte { return aadFor(bucketSnapshots, k) }},
	{bucketAttachments, func(k []byte) []byte { return aadFor(bucketAttachments, k) }},
	{bucketOutbox, func(k []byte) []byte { return aadFor(bucketOutbox, k) }},
	{bucketAudit, func([]byte) []byte { return auditAAD }},
}

// sealedMeta are the meta keys whose values are sealed; the others are clear.
var sealedMeta = [][]byte{metaAuditHead, metaLastAgent}

// maxCheckErrors bounds how many of Tx.Check's errors are kept in the report.
const maxCheckErrors = 3

// checkPages runs steps 1-3 (full) or 1. Any damage is errCorruptFile.
func (c *Cache) checkPages(full bool) error {
	return c.guarded(errCorruptFile, func() error {
		return c.db.View(func(tx *bolt.Tx) error {
			st, err := os.Stat(c.path)
			if err != nil {
				return err
			}
			if st.Size() < tx.Size() {
				return fmt.Errorf("%w: the file is %d bytes, its pages need %d (cut short)", errCorruptFile, st.Size(), tx.Size())
			}
			if !full {
				return nil
			}
			f, err := os.Open(c.path)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := scanPages(tx, f); err != nil {
				return err
			}
			if err := walkBuckets(tx); err != nil {
				return err
			}
			var errs []string
			n := 0
			for err := range tx.Check() {
				if n++; len(errs) < maxCheckErrors {
					errs = append(errs, err.Error())
				}
			}
			if n > 0 {
				return fmt.Errorf("%w: %d page problems: %s", errCorruptFile, n, strings.Join(errs, "; "))
			}
			return nil
		})
	})
}

// scanPages reads every page in use below the high-water mark from the file
// (not through bbolt's mapping) and checks its layout: a branch, leaf or
// freelist page that says it is where it is, whose overflow stays below the
// mark, whose elements' keys and values lie inside it, and whose children
// are pages below the mark. Free pages are skipped; a page's overflow pages
// are part of it. bbolt's Tx.Check trusts all of this: a key position
// flipped by one bit made it read 1 GiB past the mapping, in a goroutine of
// its own where the fault cannot be recovered.
func scanPages(tx *bolt.Tx, f *os.File) error {
	ps := tx.DB().Info().PageSize
	hwm := int(tx.Size() / int64(ps))
	buf := make([]byte, ps)
	for id := 2; id < hwm; {
		p, err := tx.Page(id)
		if err != nil || p == nil {
			return fmt.Errorf("%w: page %d cannot be read: %v", errCorruptFile, id, err)
		}
		if p.Type == "free" {
			id++
			continue
		}
		if p.OverflowCount < 0 || p.OverflowCount >= hwm-id {
			return fmt.Errorf("%w: page %d runs past the end of the file (%d overflow pages)", errCorruptFile, id, p.OverflowCount)
		}
		span := (1 + p.OverflowCount) * ps
		if cap(buf) < span {
			buf = make([]byte, span)
		}
		buf = buf[:span]
		if _, err := f.ReadAt(buf, int64(id)*int64(ps)); err != nil {
			return fmt.Errorf("%w: page %d: %v", errCorruptFile, id, err)
		}
		if err := checkPageLayout(buf, id, hwm); err != nil {
			return fmt.Errorf("%w: page %d: %v", errCorruptFile, id, err)
		}
		id += 1 + p.OverflowCount
	}
	return nil
}

// bbolt's page layout (go.etcd.io/bbolt/internal/common/page.go), in the
// machine's byte order: a 16-byte header (id uint64, flags uint16, count
// uint16, overflow uint32), then count elements of 16 bytes. A branch
// element is pos uint32, ksize uint32, pgid uint64; a leaf element is flags
// uint32, pos uint32, ksize uint32, vsize uint32; pos counts from the
// element itself. A bucket's value is its root page uint64 and sequence
// uint64, followed, for an inline bucket (root 0), by a leaf page.
const (
	pageHeaderSize  = 16
	pageElementSize = 16
	bucketHeaderLen = 16
	branchPageFlag  = 0x01
	leafPageFlag    = 0x02
	freelistFlag    = 0x10
	bucketLeafFlag  = 0x01
)

// checkPageLayout checks one page (with its overflow) as scanPages says.
func checkPageLayout(p []byte, id, hwm int) error {
	ne := binary.NativeEndian
	if got := ne.Uint64(p); got != uint64(id) {
		return fmt.Errorf("it says it is page %d", got)
	}
	flags, count := ne.Uint16(p[8:]), int(ne.Uint16(p[10:]))
	switch flags {
	case branchPageFlag, leafPageFlag:
		return checkElements(p, flags, count, hwm, 0)
	case freelistFlag:
		n, off := count, pageHeaderSize
		if count == 0xFFFF { // the real count is the first element
			if len(p) < pageHeaderSize+8 {
				return fmt.Errorf("freelist cut short")
			}
			n, off = int(min(ne.Uint64(p[pageHeaderSize:]), uint64(len(p)))), pageHeaderSize+8
		}
		if off+8*n > len(p) {
			return fmt.Errorf("freelist of %d ids runs past the page", n)
		}
		return nil
	}
	return fmt.Errorf("no known type (flags %#x)", flags)
}

// checkElements checks a branch or leaf page's elements; depth bounds the
// inline buckets nested in a leaf.
func checkElements(p []byte, flags uint16, count, hwm, depth int) error {
	ne := binary.NativeEndian
	if pageHeaderSize+count*pageElementSize > len(p) {
		return fmt.Errorf("%d elements run past the page", count)
	}
	for i := 0; i < count; i++ {
		at := pageHeaderSize + i*pageElementSize
		e := p[at : at+pageElementSize]
		if flags == branchPageFlag {
			pos, ksize, child := int(ne.Uint32(e)), int(ne.Uint32(e[4:])), ne.Uint64(e[8:])
			if at+pos+ksize > len(p) {
				return fmt.Errorf("branch key %d lies past the page", i)
			}
			if child < 2 || child >= uint64(hwm) {
				return fmt.Errorf("branch element %d points at page %d, outside the file", i, child)
			}
			continue
		}
		eflags, pos, ksize, vsize := ne.Uint32(e), int(ne.Uint32(e[4:])), int(ne.Uint32(e[8:])), int(ne.Uint32(e[12:]))
		if at+pos+ksize+vsize > len(p) {
			return fmt.Errorf("leaf element %d lies past the page", i)
		}
		if eflags&bucketLeafFlag == 0 {
			continue
		}
		v := p[at+pos+ksize : at+pos+ksize+vsize]
		if len(v) < bucketHeaderLen {
			return fmt.Errorf("bucket %d has no header", i)
		}
		root := ne.Uint64(v)
		switch {
		case root >= uint64(hwm):
			return fmt.Errorf("bucket %d's root is page %d, outside the file", i, root)
		case root == 0 && depth < 8:
			inline := v[bucketHeaderLen:]
			if len(inline) < pageHeaderSize || ne.Uint16(inline[8:]) != leafPageFlag {
				return fmt.Errorf("inline bucket %d is not a leaf", i)
			}
			if err := checkElements(inline, leafPageFlag, int(ne.Uint16(inline[10:])), hwm, depth+1); err != nil {
				return fmt.Errorf("inline bucket %d: %v", i, err)
			}
		case root == 0:
			return fmt.Errorf("inline buckets nested too deep")
		}
	}
	return nil
}

// walkBuckets reads every key and value of every bucket, so every page of
// the trees is reached here, in a guarded goroutine, before Tx.Check reaches
// it in its own.
func walkBuckets(tx *bolt.Tx) error {
	return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		var sink byte
		cur := b.Cursor()
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			sink ^= k[0] ^ k[len(k)-1] // reach the bytes: a slice alone reads nothing
			if len(v) > 0 {
				sink ^= v[0] ^ v[len(v)-1]
			}
		}
		_ = sink
		return nil
	})
}

// checkRecords is step 4: it opens every sealed value and reports the ones
// that do not open. It returns how many it checked.
func (c *Cache) checkRecords() (int, error) {
	n := 0
	err := c.guarded(errCorruptFile, func() error {
		return c.db.View(func(tx *bolt.Tx) error {
			for _, sb := range sealedBuckets {
				b := tx.Bucket(sb.name)
				if b == nil {
					continue
				}
				cur := b.Cursor()
				for k, v := cur.First(); k != nil; k, v = cur.Next() {
					n++
					if _, err := c.k.open(sb.aad(k), v); err != nil {
						c.problem(string(sb.name)+"/"+printableKey(k), err)
					}
				}
			}
			meta := tx.Bucket(bucketMeta)
			for _, k := range sealedMeta {
				if v := meta.Get(k); v != nil {
					n++
					if _, err := c.k.open(aadFor(bucketMeta, k), v); err != nil {
						c.problem("meta/"+string(k), err)
					}
				}
			}
			return nil
		})
	})
	return n, err
}

// LastCheck is what Open's check found.
func (c *Cache) LastCheck() CheckReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.check
	r.Damaged = len(c.damaged)
	return r
}

// DamagedRecords counts the records found damaged since Open (by its check,
// or when read later), each once: the console shows "N damaged records
// skipped". They are named, without personal data, in Problems.
func (c *Cache) DamagedRecords() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.damaged)
}

// The full check reads and decrypts the whole file: 1.25 s for 100k cases
// (BenchmarkOpenCheck), too slow for every start. So a full check runs when
// the file may have changed outside the console: Close, after a session
// that found no damage, writes a sidecar file (path + ".clean") with the
// file's size, modification time and bbolt transaction id; Open reads and
// removes it, and runs only the quick check (steps 1 and 2) when all three
// still match and the last full check is less than FullCheckEvery old. A
// crash leaves no sidecar (Open removed it), a copy, an edit or a cut
// changes the size or time, and disk rot that changes neither is found by
// the periodic full check, or by the tag check of each record read.

// FullCheckEvery is the longest time between two full checks of a file that
// was closed cleanly each time.
const FullCheckEvery = 7 * 24 * time.Hour

// cleanFile is the sidecar's path.
func cleanFile(path string) string { return path + ".clean" }

// cleanMark is the sidecar's content.
type cleanMark struct {
	Size    int64 `json:"size"`
	ModTime int64 `json:"mtime_ns"`
	TxID    int   `json:"txid"`
	FullAt  int64 `json:"full_check_unix"`
}

// takeCleanMark reads and removes the sidecar; ok is false when there is
// none or it cannot be read.
func takeCleanMark(path string) (m cleanMark, ok bool) {
	b, err := os.ReadFile(cleanFile(path))
	_ = os.Remove(cleanFile(path))
	if err != nil || len(b) > 1024 || json.Unmarshal(b, &m) != nil {
		return cleanMark{}, false
	}
	return m, true
}

// needsFullCheck decides between the full and the quick check; why says
// which and why, for CheckReport.
func (c *Cache) needsFullCheck(now time.Time) (full bool, why string) {
	m, ok := takeCleanMark(c.path)
	if !ok {
		return true, "not closed cleanly after a check"
	}
	st, err := os.Stat(c.path)
	if err != nil || st.Size() != m.Size || st.ModTime().UnixNano() != m.ModTime {
		return true, "changed since it was last closed"
	}
	txid := -1
	_ = c.guarded(errCorruptFile, func() error {
		return c.db.View(func(tx *bolt.Tx) error { txid = tx.ID(); return nil })
	})
	if txid != m.TxID {
		return true, "changed since it was last closed"
	}
	c.check.lastFull = time.Unix(m.FullAt, 0)
	if now.Sub(c.check.lastFull) >= FullCheckEvery || now.Before(c.check.lastFull) {
		return true, "last fully checked over a week ago"
	}
	return false, "unchanged since it was last closed"
}

// markClean writes the sidecar after Close, unless this session found
// damage (the next Open then checks, and counts, again).
func (c *Cache) markClean(txid int) {
	c.mu.Lock()
	ok := len(c.problems) == 0 && len(c.damaged) == 0
	lastFull := c.check.lastFull
	c.mu.Unlock()
	st, err := os.Stat(c.path)
	if !ok || err != nil || lastFull.IsZero() {
		return
	}
	b, _ := json.Marshal(cleanMark{Size: st.Size(), ModTime: st.ModTime().UnixNano(), TxID: txid, FullAt: lastFull.Unix()})
	_ = os.WriteFile(cleanFile(c.path), append(b, '\n'), 0o600)
}
