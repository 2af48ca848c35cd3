package cache

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// Purge removes the resolved cases whose last update is older than olderThan
// before now (DefaultRetention when olderThan <= 0): their record, notes,
// snapshot, attachments, outbox items and every index entry. A case with
// changes still queued is kept until they are sent. It returns how many cases
// it removed; the audit log is never purged.
func (c *Cache) Purge(olderThan time.Duration, now time.Time) (int, error) {
	if olderThan <= 0 {
		olderThan = DefaultRetention
	}
	cutoff := now.Add(-olderThan)
	n := 0
	err := c.update(func(tx *bolt.Tx) error {
		n = 0
		var ids []string
		// Resolved cases, newest first: the old ones are at the end, and the
		// update time is in the key, so nothing is decrypted to choose.
		scan(tx.Bucket(bucketIndex), c.token(tokStatus, data.CaseResolved), func(h hit) bool {
			if timeFromInv(h.inv[:]).Before(cutoff) && c.queuedCountTx(tx, h.id) == 0 {
				ids = append(ids, h.id)
			}
			return true
		})
		for _, id := range ids {
			if err := c.deleteCaseTx(tx, id); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// deleteCaseTx removes a case and everything of it.
func (c *Cache) deleteCaseTx(tx *bolt.Tx, id string) error {
	if err := c.unindexTx(tx, id); err != nil {
		return err
	}
	if sb := tx.Bucket(bucketSummaries); sb.Get([]byte(id)) != nil && sb.Sequence() > 0 {
		if err := sb.SetSequence(sb.Sequence() - 1); err != nil {
			return err
		}
	}
	for _, b := range [][]byte{bucketCases, bucketSummaries, bucketSnapshots} {
		if err := tx.Bucket(b).Delete([]byte(id)); err != nil {
			return err
		}
	}
	for _, b := range [][]byte{bucketNotes, bucketAttachments} {
		if err := deletePrefix(tx.Bucket(b), childPrefix(id)); err != nil {
			return err
		}
	}
	for _, seq := range caseSeqsTx(tx, id) {
		for _, b := range [][]byte{bucketOutbox, bucketQueued, bucketConflicts} {
			if err := tx.Bucket(b).Delete(seq); err != nil {
				return err
			}
		}
	}
	return deletePrefix(tx.Bucket(bucketItemsBy), childPrefix(id))
}

func deletePrefix(b *bolt.Bucket, pre []byte) error {
	var keys [][]byte
	cur := b.Cursor()
	for k, _ := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, _ = cur.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
