package cache

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// SchemaVersion is the layout this package writes. Open migrates older
// layouts in place, in the transaction that opens them, so a migration that
// fails leaves the file as it was.
//
//   - 1 (Verifydesk 0.1): cases held their notes and snapshot inline, and there
//     was no index, summary, or outbox state bucket; the audit head was not
//     recorded.
//   - 2: the buckets of cache.go.
//   - 3: the summaries bucket's sequence counts the cases (Stats).
const SchemaVersion = 3

// caseRecV1 is a case record of schema 1.
type caseRecV1 struct {
	Case     data.Case `json:"case"` // notes inline
	CachedAt time.Time `json:"cached_at"`
	Snapshot *Snapshot `json:"snapshot,omitempty"`
}

// migrations[v] turns schema v into v+1.
var migrations = map[uint64]func(c *Cache, tx *bolt.Tx) error{
	1: migrateV1,
	2: migrateV2,
}

// migrateV2 counts the cases once: from schema 3 the summaries bucket's
// sequence holds the count, so Stats reads one number, not every page.
func migrateV2(_ *Cache, tx *bolt.Tx) error {
	sb := tx.Bucket(bucketSummaries)
	return sb.SetSequence(uint64(sb.Stats().KeyN))
}

func (c *Cache) migrate(tx *bolt.Tx, from uint64) error {
	for v := from; v < SchemaVersion; v++ {
		m := migrations[v]
		if m == nil {
			return fmt.Errorf("%w: no migration from schema %d", ErrNewerSchema, v)
		}
		if err := m(c, tx); err != nil {
			return fmt.Errorf("cache: migrate schema %d to %d: %w", v, v+1, err)
		}
		if err := tx.Bucket(bucketMeta).Put(metaSchema, u64(v+1)); err != nil {
			return err
		}
	}
	return nil
}

func migrateV1(c *Cache, tx *bolt.Tx) error {
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	// The outbox's state buckets, from the items themselves.
	ob := tx.Bucket(bucketOutbox)
	var items []OutboxItem
	if err := ob.ForEach(func(k, _ []byte) error {
		var it OutboxItem
		if ok, err := c.getSealed(ob, bucketOutbox, k, &it); err == nil && ok {
			items = append(items, it)
		}
		return nil
	}); err != nil {
		return err
	}
	queuedNotes := map[string]bool{}
	for _, it := range items {
		k := u64(it.Seq)
		if err := tx.Bucket(bucketItemsBy).Put(childKey(it.CaseID, string(k)), nil); err != nil {
			return err
		}
		switch it.State {
		case StateQueued:
			if err := tx.Bucket(bucketQueued).Put(k, []byte(it.CaseID)); err != nil {
				return err
			}
			if it.Kind == KindNote && it.Note != nil {
				queuedNotes[it.CaseID+"\x00"+it.Note.ID] = true
			}
		case StateConflict:
			if err := tx.Bucket(bucketConflicts).Put(k, []byte(it.CaseID)); err != nil {
				return err
			}
		}
	}
	// Cases: notes and snapshot out of the record, then summary and index.
	cb := tx.Bucket(bucketCases)
	var ids [][]byte
	if err := cb.ForEach(func(k, _ []byte) error { ids = append(ids, bytes.Clone(k)); return nil }); err != nil {
		return err
	}
	for _, id := range ids {
		var old caseRecV1
		if ok, err := c.getSealed(cb, bucketCases, id, &old); err != nil || !ok {
			continue // reported; left for Case to report again
		}
		for _, n := range old.Case.Notes {
			if !validID(n.ID) {
				continue
			}
			nr := noteRec{Note: n, Queued: queuedNotes[string(id)+"\x00"+n.ID]}
			if err := c.putSealed(tx.Bucket(bucketNotes), bucketNotes, childKey(string(id), n.ID), nr); err != nil {
				return err
			}
		}
		if old.Snapshot != nil {
			if err := c.putSealed(tx.Bucket(bucketSnapshots), bucketSnapshots, id, *old.Snapshot); err != nil {
				return err
			}
		}
		rec := caseRec{Case: old.Case, CachedAt: old.CachedAt}
		rec.Case.Notes = nil
		if err := c.storeCaseTx(tx, rec); err != nil {
			return err
		}
	}
	// The audit head, from the last entry.
	if k, v := tx.Bucket(bucketAudit).Cursor().Last(); k != nil {
		if e, _, err := c.readEntry(v); err == nil {
			if err := c.putSealed(tx.Bucket(bucketMeta), bucketMeta, metaAuditHead, Head{Count: e.Seq, Hash: e.Hash}); err != nil {
				return err
			}
		}
	}
	return nil
}
