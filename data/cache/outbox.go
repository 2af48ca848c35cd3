package cache

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// Outbox item kinds: the only changes the console queues offline. Nothing that
// changes the customer's account (a resend, a device removal, a sign-out, a 2FA
// change) has a kind: it can never be queued.
const (
	KindNote  = "note"  // a case note
	KindPatch = "patch" // a case status, checklist or escalation change
)

// Outbox item states.
const (
	StateQueued   = "queued"   // waiting to be sent, in Seq order
	StateSent     = "sent"     // the backend has it
	StateConflict = "conflict" // the case changed on the backend meanwhile; Conflict holds its copy
	StateRejected = "rejected" // the backend refused it for good (Error says why)
	StateSettled  = "settled"  // a conflict the agent has dealt with
)

// OutboxItem is one change made offline, sent to the backend exactly once.
type OutboxItem struct {
	Seq uint64 `json:"seq"` // order of queueing, from 1
	// ID is the client id: the note's id, or a uuid for a patch. The backend
	// dedupes a note by it, so a resend never duplicates.
	ID     string     `json:"id"`
	CaseID string     `json:"case_id"`
	Kind   string     `json:"kind"`
	Note   *data.Note `json:"note,omitempty"`
	// Patch.Version is the case version the agent saw.
	Patch    *data.CasePatch `json:"patch,omitempty"`
	QueuedAt time.Time       `json:"queued_at"`
	State    string          `json:"state"`
	SentAt   time.Time       `json:"sent_at,omitempty"`
	// Conflict is the backend's copy of the case when State is conflict: the
	// offline change was not applied over it.
	Conflict *data.Case `json:"conflict,omitempty"`
	Error    string     `json:"error,omitempty"`
}

// QueueNote queues a note written offline and adds it to the cached case at
// once; see Queue.
func (c *Cache) QueueNote(caseID string, n data.Note) (OutboxItem, error) {
	return c.Queue(OutboxItem{CaseID: caseID, Kind: KindNote, Note: &n})
}

// QueuePatch queues a status, checklist or escalation change made offline
// (p.Version: the version the agent saw) and shows it in the cached case at
// once; see Queue.
func (c *Cache) QueuePatch(caseID string, p data.CasePatch) (OutboxItem, error) {
	return c.Queue(OutboxItem{CaseID: caseID, Kind: KindPatch, Patch: &p})
}

// Queue appends it to the outbox and applies it to the cached case, in one
// transaction: when Queue returns the change is on disk (fsync) and survives a
// crash. The case must be cached. A note without an id gets a uuid, without a
// time gets now; a note id already in the case is ErrExists. Seq, State and
// QueuedAt are set here; the stored item is returned.
func (c *Cache) Queue(it OutboxItem) (OutboxItem, error) {
	now := c.now()
	switch it.Kind {
	case KindNote:
		if it.Note == nil {
			return it, fmt.Errorf("%w: a note item without a note", ErrInvalid)
		}
		n := *it.Note
		if n.ID == "" {
			n.ID = uuid.NewString()
		}
		if n.At.IsZero() {
			n.At = now
		}
		if !validID(n.ID) || strings.TrimSpace(n.Text) == "" || utf8.RuneCountInString(n.Text) > maxNoteLen {
			return it, fmt.Errorf("%w: a note needs an id and a text of 1 to %d characters", ErrInvalid, maxNoteLen)
		}
		it.Note, it.ID, it.Patch = &n, n.ID, nil
	case KindPatch:
		if it.Patch == nil {
			return it, fmt.Errorf("%w: a patch item without a patch", ErrInvalid)
		}
		p := *it.Patch
		it.Patch, it.Note = &p, nil
		if it.ID == "" {
			it.ID = uuid.NewString()
		}
	default:
		return it, fmt.Errorf("%w: outbox kind %q", ErrInvalid, it.Kind)
	}
	if !validID(it.CaseID) {
		return it, fmt.Errorf("%w: case id %q", ErrInvalid, it.CaseID)
	}
	it.State, it.QueuedAt, it.Conflict, it.Error, it.SentAt = StateQueued, now, nil, "", time.Time{}
	err := c.update(func(tx *bolt.Tx) error {
		var rec caseRec
		ok, err := c.getSealed(tx.Bucket(bucketCases), bucketCases, []byte(it.CaseID), &rec)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("case %s: %w", it.CaseID, ErrNotFound)
		}
		if it.Kind == KindNote {
			nb, key := tx.Bucket(bucketNotes), childKey(it.CaseID, it.Note.ID)
			if nb.Get(key) != nil {
				return fmt.Errorf("note %s: %w", it.Note.ID, ErrExists)
			}
			if err := c.putSealed(nb, bucketNotes, key, noteRec{Note: *it.Note, Queued: true}); err != nil {
				return err
			}
		} else {
			applyPatch(&rec.Case, *it.Patch)
		}
		if now.After(rec.Case.UpdatedAt) {
			rec.Case.UpdatedAt = now
		}
		ob := tx.Bucket(bucketOutbox)
		ob.FillPercent = 0.95 // append-only
		seq, err := ob.NextSequence()
		if err != nil {
			return err
		}
		it.Seq = seq
		k := u64(seq)
		if err := c.putSealed(ob, bucketOutbox, k, it); err != nil {
			return err
		}
		if err := tx.Bucket(bucketQueued).Put(k, []byte(it.CaseID)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketItemsBy).Put(childKey(it.CaseID, string(k)), nil); err != nil {
			return err
		}
		return c.storeCaseTx(tx, rec)
	})
	return it, err
}

// Pending lists the queued items in the order they were queued. A damaged
// item is skipped and reported in Problems.
func (c *Cache) Pending() ([]OutboxItem, error) {
	var out []OutboxItem
	err := c.view(func(tx *bolt.Tx) error {
		ob := tx.Bucket(bucketOutbox)
		return tx.Bucket(bucketQueued).ForEach(func(k, _ []byte) error {
			var it OutboxItem
			if ok, err := c.getSealed(ob, bucketOutbox, k, &it); err == nil && ok {
				out = append(out, it)
			}
			return nil
		})
	})
	return out, err
}

// Outbox lists every item, queued, sent or not, in the order queued: what the
// agent sees as "queued" and "sent".
func (c *Cache) Outbox() ([]OutboxItem, error) {
	var out []OutboxItem
	err := c.view(func(tx *bolt.Tx) error {
		ob := tx.Bucket(bucketOutbox)
		return ob.ForEach(func(k, _ []byte) error {
			var it OutboxItem
			if ok, err := c.getSealed(ob, bucketOutbox, k, &it); err == nil && ok {
				out = append(out, it)
			}
			return nil
		})
	})
	return out, err
}

// Item reads outbox item seq.
func (c *Cache) Item(seq uint64) (OutboxItem, error) {
	var it OutboxItem
	err := c.view(func(tx *bolt.Tx) error {
		ok, err := c.getSealed(tx.Bucket(bucketOutbox), bucketOutbox, u64(seq), &it)
		if err == nil && !ok {
			err = fmt.Errorf("outbox item %d: %w", seq, ErrNotFound)
		}
		return err
	})
	return it, err
}

// changeItem loads item seq, lets fn change it, and stores it. fn is given
// the transaction for the other buckets.
func (c *Cache) changeItem(seq uint64, fn func(tx *bolt.Tx, it *OutboxItem) error) error {
	return c.update(func(tx *bolt.Tx) error {
		ob, k := tx.Bucket(bucketOutbox), u64(seq)
		var it OutboxItem
		ok, err := c.getSealed(ob, bucketOutbox, k, &it)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("outbox item %d: %w", seq, ErrNotFound)
		}
		if err := fn(tx, &it); err != nil {
			return err
		}
		return c.putSealed(ob, bucketOutbox, k, it)
	})
}

// errNoChange ends changeItem without writing.
var errNoChange = errors.New("no change")

// MarkSent records that the backend has item seq. Marking a sent item again
// does nothing; an item in another state is ErrState.
func (c *Cache) MarkSent(seq uint64) error {
	err := c.changeItem(seq, func(tx *bolt.Tx, it *OutboxItem) error {
		switch it.State {
		case StateSent:
			return errNoChange
		case StateQueued:
		default:
			return fmt.Errorf("%w: item %d is %s", ErrState, seq, it.State)
		}
		it.State, it.SentAt = StateSent, c.now()
		if err := tx.Bucket(bucketQueued).Delete(u64(seq)); err != nil {
			return err
		}
		if it.Kind == KindNote && it.Note != nil {
			nb, key := tx.Bucket(bucketNotes), childKey(it.CaseID, it.Note.ID)
			var n noteRec
			if ok, err := c.getSealed(nb, bucketNotes, key, &n); err == nil && ok && n.Queued {
				n.Queued = false
				return c.putSealed(nb, bucketNotes, key, n)
			}
		}
		return nil
	})
	if err == errNoChange {
		return nil
	}
	return err
}

// MarkSentWith is MarkSent for an item the backend answered with its copy of
// the case, in one transaction: the item is sent, server is stored as PutCase
// stores it, and when server is exactly one version after the one a sent patch
// was based on (the backend applied it and nothing else), the patches queued
// after it on the same version are moved to server's version: they build on
// the agent's own change, not on someone else's.
func (c *Cache) MarkSentWith(seq uint64, server data.Case) error {
	now := c.now()
	err := c.changeItem(seq, func(tx *bolt.Tx, it *OutboxItem) error {
		switch it.State {
		case StateSent:
			return errNoChange
		case StateQueued:
		default:
			return fmt.Errorf("%w: item %d is %s", ErrState, seq, it.State)
		}
		if server.ID != it.CaseID {
			return fmt.Errorf("%w: the answer is case %q, the item's %q", ErrInvalid, server.ID, it.CaseID)
		}
		it.State, it.SentAt = StateSent, now
		if err := tx.Bucket(bucketQueued).Delete(u64(seq)); err != nil {
			return err
		}
		if it.Kind == KindPatch && it.Patch != nil && server.Version == it.Patch.Version+1 {
			if err := c.rebaseTx(tx, it.CaseID, seq, it.Patch.Version, server.Version); err != nil {
				return err
			}
		}
		return c.putCaseTx(tx, CaseRecord{Case: server}, now)
	})
	if err == errNoChange {
		return nil
	}
	return err
}

// rebaseTx moves the queued patches of a case after seq from version from to
// version to.
func (c *Cache) rebaseTx(tx *bolt.Tx, caseID string, after uint64, from, to int) error {
	items, err := c.caseItemsTx(tx, caseID, true)
	if err != nil {
		return err
	}
	ob := tx.Bucket(bucketOutbox)
	for _, it := range items {
		if it.Seq <= after || it.Kind != KindPatch || it.Patch == nil || it.Patch.Version != from {
			continue
		}
		it.Patch.Version = to
		if err := c.putSealed(ob, bucketOutbox, u64(it.Seq), it); err != nil {
			return err
		}
	}
	return nil
}

// MarkConflict records that item seq was not applied because the case changed
// on the backend: server is the backend's copy, which the cache then shows (the
// offline change stays in the item for the agent to settle).
func (c *Cache) MarkConflict(seq uint64, server data.Case) error {
	now := c.now()
	return c.changeItem(seq, func(tx *bolt.Tx, it *OutboxItem) error {
		if it.State != StateQueued {
			return fmt.Errorf("%w: item %d is %s", ErrState, seq, it.State)
		}
		if server.ID != it.CaseID {
			return fmt.Errorf("%w: the conflicting case is %q, the item's %q", ErrInvalid, server.ID, it.CaseID)
		}
		s := server
		it.State, it.Conflict = StateConflict, &s
		k := u64(seq)
		if err := tx.Bucket(bucketQueued).Delete(k); err != nil {
			return err
		}
		if err := tx.Bucket(bucketConflicts).Put(k, []byte(it.CaseID)); err != nil {
			return err
		}
		return c.putCaseTx(tx, CaseRecord{Case: server}, now)
	})
}

// MarkRejected records that the backend refused item seq for good (reason in
// words); it is not sent again.
func (c *Cache) MarkRejected(seq uint64, reason string) error {
	return c.changeItem(seq, func(tx *bolt.Tx, it *OutboxItem) error {
		if it.State != StateQueued {
			return fmt.Errorf("%w: item %d is %s", ErrState, seq, it.State)
		}
		it.State, it.Error = StateRejected, reason
		return tx.Bucket(bucketQueued).Delete(u64(seq))
	})
}

// Settle records that the agent dealt with a conflict (for instance by
// queueing a new change over the backend's copy).
func (c *Cache) Settle(seq uint64) error {
	return c.changeItem(seq, func(tx *bolt.Tx, it *OutboxItem) error {
		if it.State != StateConflict {
			return fmt.Errorf("%w: item %d is %s", ErrState, seq, it.State)
		}
		it.State = StateSettled
		return tx.Bucket(bucketConflicts).Delete(u64(seq))
	})
}

// ClaimOutbox makes the caller the only sender of the outbox until release is
// called: two sends at once would race on the same items. ErrOutboxBusy when
// another holds it.
func (c *Cache) ClaimOutbox() (release func(), err error) {
	if !c.outboxMu.TryLock() {
		return nil, ErrOutboxBusy
	}
	return c.outboxMu.Unlock, nil
}

// caseSeqsTx lists the sequence numbers of a case's items.
func caseSeqsTx(tx *bolt.Tx, caseID string) [][]byte {
	var out [][]byte
	pre := childPrefix(caseID)
	cur := tx.Bucket(bucketItemsBy).Cursor()
	for k, _ := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, _ = cur.Next() {
		if s := k[len(pre):]; len(s) == 8 {
			out = append(out, bytes.Clone(s))
		}
	}
	return out
}

// caseItemsTx reads a case's items in order, only the queued ones if asked.
func (c *Cache) caseItemsTx(tx *bolt.Tx, caseID string, queuedOnly bool) ([]OutboxItem, error) {
	var out []OutboxItem
	ob, q := tx.Bucket(bucketOutbox), tx.Bucket(bucketQueued)
	for _, k := range caseSeqsTx(tx, caseID) {
		if queuedOnly && q.Get(k) == nil {
			continue
		}
		var it OutboxItem
		if ok, err := c.getSealed(ob, bucketOutbox, k, &it); err == nil && ok {
			out = append(out, it)
		}
	}
	return out, nil
}

func (c *Cache) queuedCountTx(tx *bolt.Tx, caseID string) int {
	n := 0
	q := tx.Bucket(bucketQueued)
	for _, k := range caseSeqsTx(tx, caseID) {
		if q.Get(k) != nil {
			n++
		}
	}
	return n
}
