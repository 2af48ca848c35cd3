package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// writeV1 writes a cache in the layout of schema 1 (Verifydesk 0.1), with its
// key in a key file: a case with its notes and snapshot inline, an outbox with
// a sent and a queued note, and a two-entry audit log without a recorded head.
func writeV1(t *testing.T, path string) (auditHead Head) {
	t.Helper()
	secret := newSecret()
	if err := writeKeyFile(keyFilePath(path), secret); err != nil {
		t.Fatal(err)
	}
	k, err := deriveKeys(secret)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	cs := sampleCase("c-old", at,
		data.Note{ID: "n-1", AuthorID: "ag_ana", At: at, Text: "Customer roaming in Okinawa"},
		data.Note{ID: "n-2", AuthorID: "ag_ana", At: at.Add(time.Minute), Text: "Written offline about Chunghwa"})
	snap := Snapshot{TakenAt: at, PhoneDiagnosis: []byte(`{"e164":"+886936123456"}`)}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket(bucketMeta)
		cases, _ := tx.CreateBucket(bucketCases)
		outbox, _ := tx.CreateBucket(bucketOutbox)
		audit, _ := tx.CreateBucket(bucketAudit)
		_ = meta.Put(metaSchema, u64(1))
		_ = meta.Put(metaCacheID, []byte("0123456789abcdef"))
		_ = meta.Put(metaKeyStorage, []byte(KeyInFile))
		_ = meta.Put(metaKeyCheck, k.checkValue())
		v, _ := k.sealJSON(aadFor(bucketCases, []byte(cs.ID)), caseRecV1{Case: cs, CachedAt: at, Snapshot: &snap})
		_ = cases.Put([]byte(cs.ID), v)
		for i, it := range []OutboxItem{
			{Seq: 1, ID: "n-1", CaseID: cs.ID, Kind: KindNote, Note: &cs.Notes[0], QueuedAt: at, State: StateSent},
			{Seq: 2, ID: "n-2", CaseID: cs.ID, Kind: KindNote, Note: &cs.Notes[1], QueuedAt: at, State: StateQueued},
		} {
			v, _ := k.sealJSON(aadFor(bucketOutbox, u64(it.Seq)), it)
			_ = outbox.Put(u64(uint64(i+1)), v)
		}
		_ = outbox.SetSequence(2)
		prev := ""
		for seq := uint64(1); seq <= 2; seq++ {
			e := AuditEntry{Seq: seq, At: at, AgentID: "ag_ana", Action: "case_note", CaseID: cs.ID, PrevHash: prev}
			canonical := encodeAudit(e)
			sum := sha256.Sum256(canonical)
			_ = audit.Put(u64(seq), k.seal(auditAAD, append(canonical, sum[:]...)))
			prev = hex.EncodeToString(sum[:])
		}
		auditHead = Head{Count: 2, Hash: prev}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return auditHead
}

func TestMigrateFromV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.db")
	head := writeV1(t, path)
	clk := newClock()
	c := openAt(t, path, testOptions(clk))
	if err := c.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(metaSchema); seqOfKey(v) != SchemaVersion {
			t.Errorf("schema after Open: %x", v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checkIndex(t, c)
	wantIDs(t, c, "okinawa", "c-old")
	wantIDs(t, c, "chunghwa", "c-old")
	wantIDs(t, c, tPhone, "c-old")
	rec, err := c.Case("c-old")
	if err != nil || len(rec.Case.Notes) != 2 || rec.Queued != 1 {
		t.Fatalf("migrated case %+v, queued %d, %v", rec.Case, rec.Queued, err)
	}
	snap, err := c.Snapshot("c-old")
	if err != nil || string(snap.PhoneDiagnosis) != `{"e164":"+886936123456"}` {
		t.Errorf("migrated snapshot %+v, %v", snap, err)
	}
	pending, err := c.Pending()
	if err != nil || len(pending) != 1 || pending[0].ID != "n-2" {
		t.Errorf("migrated outbox %+v, %v", pending, err)
	}
	if n, h := c.Head(); n != head.Count || h != head.Hash {
		t.Errorf("audit head %d %s, want %+v", n, h, head)
	}
	if r := c.Verify(&head); !r.OK() {
		t.Errorf("migrated audit: %+v", r)
	}
	// The outbox goes on where it was.
	it, err := c.QueueNote("c-old", data.Note{Text: "after the migration"})
	if err != nil || it.Seq != 3 {
		t.Errorf("queue after migration: %+v, %v", it, err)
	}
	e, err := c.Append(AuditEntry{AgentID: "ag_ana", Action: "case_note"})
	if err != nil || e.Seq != 3 || e.PrevHash != head.Hash {
		t.Errorf("append after migration: %+v, %v", e, err)
	}
}

func seqOfKey(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	var n uint64
	for _, x := range b {
		n = n<<8 | uint64(x)
	}
	return n
}
