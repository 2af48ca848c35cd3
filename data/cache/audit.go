package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The local audit log (SPEC 9): every entry holds the SHA-256 of the one
// before it, so changing, removing or reordering an entry breaks the chain at
// that entry; the chain's head (count and last hash), recorded at the backend
// from time to time, also finds a cut-off tail. Entries are sealed like every
// record, but under associated data naming the bucket only, not the entry's
// number: an entry moved to another number still opens, and the chain names
// it "out of order" instead of "changed".

// Kinds of Break, in the words `verifydesk audit verify` prints.
const (
	BreakChanged    = "changed"      // the entry's bytes or content no longer match its hash
	BreakMissing    = "missing"      // there is a gap in the numbers
	BreakOutOfOrder = "out of order" // the entry is not where the chain puts it
	BreakTailCut    = "tail cut"     // fewer entries than a recorded head counted
)

// maxAuditField bounds each text field of an entry.
const maxAuditField = 4096

// AuditEntry is one action of the console. Detail says what was done in
// words; it must never hold a verification code (callers never pass one).
type AuditEntry struct {
	Seq       uint64    `json:"seq"` // from 1, set by Append
	At        time.Time `json:"at"`  // UTC; Append sets it when zero
	AgentID   string    `json:"agent_id"`
	Action    string    `json:"action"` // search, reveal, resend, remove_device, approval_request, case_update, export...
	AccountID string    `json:"account_id,omitempty"`
	CaseID    string    `json:"case_id,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	PrevHash  string    `json:"prev_hash"` // hex SHA-256 of the entry before ("" for the first)
	Hash      string    `json:"hash"`      // hex SHA-256 of this entry's canonical encoding
}

// Head is the state of the chain: how many entries and the last one's hash.
// It is what the backend records.
type Head struct {
	Count uint64 `json:"count"`
	Hash  string `json:"hash"`
}

// Break is the first broken entry of a chain.
type Break struct {
	Seq    uint64 // the entry's number
	Kind   string // one of the Break* constants
	Detail string // in words
}

func (b Break) String() string { return fmt.Sprintf("entry %d: %s (%s)", b.Seq, b.Kind, b.Detail) }

// VerifyResult is what Verify found.
type VerifyResult struct {
	// Count is how many entries were found intact before the first break (all
	// of them when there is none).
	Count uint64
	// Head is the chain's head as read from the entries.
	Head Head
	// Broken is the first broken entry; nil when the chain is intact.
	Broken *Break
	// Err is set when the log could not be read at all.
	Err error
}

// OK reports whether the chain is intact.
func (r VerifyResult) OK() bool { return r.Broken == nil && r.Err == nil }

// encodeAudit is the canonical encoding of an entry without its hash: the
// bytes the hash is taken over, and (with the hash appended) what is sealed.
//
//	"VDA1" uvarint(seq) varint(at, unix ns) then agent, action, account,
//	case, detail, prev hash, each as uvarint(length) bytes
func encodeAudit(e AuditEntry) []byte {
	b := make([]byte, 0, 64+len(e.AgentID)+len(e.Action)+len(e.AccountID)+len(e.CaseID)+len(e.Detail)+len(e.PrevHash))
	b = append(b, "VDA1"...)
	b = binary.AppendUvarint(b, e.Seq)
	b = binary.AppendVarint(b, e.At.UnixNano())
	for _, s := range []string{e.AgentID, e.Action, e.AccountID, e.CaseID, e.Detail, e.PrevHash} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func hashAudit(canonical []byte) string {
	h := sha256.Sum256(canonical)
	return hex.EncodeToString(h[:])
}

// errBadEntry: a decrypted entry is not in the canonical encoding.
var errBadEntry = errors.New("not an audit entry")

// decodeAudit reads what encodeAudit wrote followed by the 32-byte hash. The
// stored hash is returned as is; the caller compares it with hashAudit of the
// canonical part.
func decodeAudit(b []byte) (e AuditEntry, canonical []byte, err error) {
	if len(b) < 4+sha256.Size || string(b[:4]) != "VDA1" {
		return e, nil, errBadEntry
	}
	canonical, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	p := canonical[4:]
	seq, n := binary.Uvarint(p)
	if n <= 0 {
		return e, nil, errBadEntry
	}
	p = p[n:]
	at, n := binary.Varint(p)
	if n <= 0 {
		return e, nil, errBadEntry
	}
	p = p[n:]
	var fields [6]string
	for i := range fields {
		l, n := binary.Uvarint(p)
		if n <= 0 || l > uint64(len(p)-n) {
			return e, nil, errBadEntry
		}
		fields[i] = string(p[n : n+int(l)])
		p = p[n+int(l):]
	}
	if len(p) != 0 {
		return e, nil, errBadEntry
	}
	e = AuditEntry{Seq: seq, At: time.Unix(0, at).UTC(), AgentID: fields[0], Action: fields[1],
		AccountID: fields[2], CaseID: fields[3], Detail: fields[4], PrevHash: fields[5], Hash: hex.EncodeToString(sum)}
	return e, canonical, nil
}

// auditAAD is the associated data of every entry (see the comment at the top).
var auditAAD = aadFor(bucketAudit, nil)

// readEntry opens and decodes a stored entry; intact reports whether its hash
// matches its content.
func (c *Cache) readEntry(v []byte) (e AuditEntry, intact bool, err error) {
	plain, err := c.k.open(auditAAD, v)
	if err != nil {
		return e, false, err
	}
	e, canonical, err := decodeAudit(plain)
	if err != nil {
		return e, false, err
	}
	return e, hashAudit(canonical) == e.Hash, nil
}

// Append adds an entry at the end of the chain and returns it with Seq, At,
// PrevHash and Hash set. Action is required; each text field is at most 4096
// bytes. Durable when it returns.
func (c *Cache) Append(e AuditEntry) (AuditEntry, error) {
	if strings.TrimSpace(e.Action) == "" {
		return e, fmt.Errorf("%w: an audit entry needs an action", ErrInvalid)
	}
	for _, s := range []string{e.AgentID, e.Action, e.AccountID, e.CaseID, e.Detail} {
		if len(s) > maxAuditField {
			return e, fmt.Errorf("%w: an audit field is over %d bytes", ErrInvalid, maxAuditField)
		}
	}
	if e.At.IsZero() {
		e.At = c.now()
	}
	e.At = e.At.UTC()
	err := c.update(func(tx *bolt.Tx) (err error) {
		e, err = c.appendTx(tx, e)
		return err
	})
	if err != nil {
		return AuditEntry{}, err
	}
	c.mu.Lock()
	c.head = Head{Count: e.Seq, Hash: e.Hash}
	c.mu.Unlock()
	return e, nil
}

// appendTx chains e after the head and records the new head.
func (c *Cache) appendTx(tx *bolt.Tx, e AuditEntry) (AuditEntry, error) {
	h, err := c.headTx(tx)
	if err != nil {
		return e, err
	}
	e.Seq, e.PrevHash = h.Count+1, h.Hash
	canonical := encodeAudit(e)
	sum := sha256.Sum256(canonical)
	e.Hash = hex.EncodeToString(sum[:])
	ab := tx.Bucket(bucketAudit)
	ab.FillPercent = 0.95 // append-only: full pages, half the file
	if err := ab.Put(u64(e.Seq), c.k.seal(auditAAD, append(canonical, sum[:]...))); err != nil {
		return e, err
	}
	return e, c.putSealed(tx.Bucket(bucketMeta), bucketMeta, metaAuditHead, Head{Count: e.Seq, Hash: e.Hash})
}

// headTx reads the recorded head; when that record is missing or damaged,
// the last entry stands for it.
func (c *Cache) headTx(tx *bolt.Tx) (Head, error) {
	var h Head
	if ok, err := c.getSealed(tx.Bucket(bucketMeta), bucketMeta, metaAuditHead, &h); err == nil && ok {
		return h, nil
	}
	k, v := tx.Bucket(bucketAudit).Cursor().Last()
	if k == nil {
		return Head{}, nil
	}
	e, _, err := c.readEntry(v)
	if err != nil {
		return Head{}, fmt.Errorf("the audit log's last entry cannot be read: %w", err)
	}
	return Head{Count: e.Seq, Hash: e.Hash}, nil
}

func (c *Cache) loadHead() error {
	return c.view(func(tx *bolt.Tx) error {
		h, err := c.headTx(tx)
		if err != nil {
			c.problem("audit", err)
			return nil // Verify names the break; the cache still opens
		}
		c.mu.Lock()
		c.head = h
		c.mu.Unlock()
		return nil
	})
}

// Head is the chain's head as this cache last recorded it: the count and hash
// to send to the backend's audit.
func (c *Cache) Head() (count uint64, hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.head.Count, c.head.Hash
}

// Verify checks the whole chain from the cache alone and names the first
// broken entry: changed (does not decrypt, or its content does not match its
// hash), missing (a gap in the numbers), out of order (an entry under another
// number, or not linked to the one before), or tail cut (fewer entries than
// the head this cache recorded, or than server, the head the backend recorded,
// when given; a server head whose hash differs from the entry it counts is
// "changed").
func (c *Cache) Verify(server *Head) VerifyResult {
	var r VerifyResult
	r.Err = c.view(func(tx *bolt.Tx) error {
		expected, prev := uint64(1), ""
		serverHash := ""
		cur := tx.Bucket(bucketAudit).Cursor()
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			if len(k) != 8 {
				r.Broken = &Break{Seq: expected, Kind: BreakChanged, Detail: "the log holds a key that is not an entry number"}
				return nil
			}
			seq := binary.BigEndian.Uint64(k)
			if seq != expected {
				d := fmt.Sprintf("the next entry is %d", seq)
				if seq > expected+1 {
					d = fmt.Sprintf("entries %d to %d are gone", expected, seq-1)
				}
				r.Broken = &Break{Seq: expected, Kind: BreakMissing, Detail: d}
				return nil
			}
			e, intact, err := c.readEntry(v)
			switch {
			case err != nil:
				r.Broken = &Break{Seq: seq, Kind: BreakChanged, Detail: "its stored bytes were altered: it no longer decrypts or decodes"}
				return nil
			case e.Seq != seq:
				r.Broken = &Break{Seq: seq, Kind: BreakOutOfOrder, Detail: fmt.Sprintf("entry %d is stored in its place", e.Seq)}
				return nil
			case !intact:
				r.Broken = &Break{Seq: seq, Kind: BreakChanged, Detail: "its content does not match its hash"}
				return nil
			case e.PrevHash != prev:
				r.Broken = &Break{Seq: seq, Kind: BreakOutOfOrder, Detail: fmt.Sprintf("it does not follow entry %d", seq-1)}
				return nil
			}
			prev = e.Hash
			r.Count, r.Head = seq, Head{Count: seq, Hash: e.Hash}
			if server != nil && seq == server.Count {
				serverHash = e.Hash
			}
			expected++
		}
		var local Head
		if ok, err := c.getSealed(tx.Bucket(bucketMeta), bucketMeta, metaAuditHead, &local); err == nil && ok {
			if local.Count > r.Count {
				r.Broken = &Break{Seq: r.Count + 1, Kind: BreakTailCut,
					Detail: fmt.Sprintf("the cache recorded %d entries, %d are left", local.Count, r.Count)}
				return nil
			}
			if local.Count == r.Count && local.Hash != r.Head.Hash {
				r.Broken = &Break{Seq: r.Count, Kind: BreakChanged, Detail: "the last entry is not the one the cache recorded"}
				return nil
			}
		}
		if server != nil {
			if server.Count > r.Count {
				r.Broken = &Break{Seq: r.Count + 1, Kind: BreakTailCut,
					Detail: fmt.Sprintf("the backend recorded %d entries, the cache has %d", server.Count, r.Count)}
				return nil
			}
			if server.Count > 0 && serverHash != server.Hash {
				r.Broken = &Break{Seq: server.Count, Kind: BreakChanged, Detail: "it differs from the backend's record of the head"}
				return nil
			}
		}
		return nil
	})
	return r
}

// AuditEntries calls fn with each entry from number from (1: all), in order.
// An entry that cannot be read is skipped and reported in Problems (Verify
// names it). fn's error stops the walk and is returned.
func (c *Cache) AuditEntries(from uint64, fn func(AuditEntry) error) error {
	return c.view(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketAudit).Cursor()
		for k, v := cur.Seek(u64(from)); k != nil; k, v = cur.Next() {
			e, _, err := c.readEntry(v)
			if err != nil {
				c.problem("audit/"+printableKey(k), err)
				continue
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
}
