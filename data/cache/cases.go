package cache

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// DefaultRetention is how long a resolved case stays cached after its last
// update (SPEC 8).
const DefaultRetention = 30 * 24 * time.Hour

// maxIDLen bounds case, note and attachment ids (the backend allows 100).
const maxIDLen = 200

// maxNoteLen is the backend's limit on a note's text.
const maxNoteLen = 20000

// CaseRecord is a cached case with what only the cache knows.
type CaseRecord struct {
	// Case is the case as the backend last returned it, with the changes still
	// queued in the outbox applied on top; Notes holds the backend's notes and
	// the ones queued offline, by time.
	Case data.Case `json:"case"`
	// CachedAt is when the backend's copy was last stored (zero: never).
	CachedAt time.Time `json:"cached_at"`
	// Phones (E.164) and Emails find the case besides its contact fields
	// (CustomerContact, Escalation.Phone): the caller adds the account's
	// numbers and addresses it knows. Nil in PutCase keeps the stored ones.
	Phones []string `json:"phones,omitempty"`
	Emails []string `json:"emails,omitempty"`
	// Attachments are the customer's files (AddAttachment), without content.
	Attachments []AttachmentInfo `json:"attachments,omitempty"`
	// Queued counts this case's outbox items not yet sent (computed on read).
	Queued int `json:"-"`
}

// OnlyCached reports whether the record holds changes the backend has not
// confirmed yet (queued in the outbox): the "only cached" badge.
func (r CaseRecord) OnlyCached() bool { return r.Queued > 0 }

// CaseSummary is what lists and searches return: small, decoded without the
// notes or the snapshot.
type CaseSummary struct {
	ID              string    `json:"id"`
	AccountID       string    `json:"account_id"`
	AgentID         string    `json:"agent_id"`
	CustomerContact string    `json:"customer_contact,omitempty"`
	Channel         string    `json:"channel,omitempty"`
	Category        string    `json:"category"`
	Status          string    `json:"status"`
	UpdatedAt       time.Time `json:"updated_at"`
	CachedAt        time.Time `json:"cached_at"`
	Notes           int       `json:"notes"`
	// Queued counts the outbox items not yet sent (computed on read).
	Queued int `json:"-"`
}

// OnlyCached reports whether the case has changes the backend has not
// confirmed yet.
func (s CaseSummary) OnlyCached() bool { return s.Queued > 0 }

// Snapshot is what the agent saw of the account when the case was worked on,
// each part as the JSON the services produced (the account overview, the
// delivery log, the trusted devices, the login events, the phone diagnosis).
// Every part must be valid JSON or empty.
type Snapshot struct {
	TakenAt        time.Time       `json:"taken_at"`
	Account        json.RawMessage `json:"account,omitempty"`
	Deliveries     json.RawMessage `json:"deliveries,omitempty"`
	Devices        json.RawMessage `json:"devices,omitempty"`
	LoginEvents    json.RawMessage `json:"login_events,omitempty"`
	PhoneDiagnosis json.RawMessage `json:"phone_diagnosis,omitempty"`
	// DeliveryHealth is the health of the customer's SMS network the case
	// was decided on.
	DeliveryHealth json.RawMessage `json:"delivery_health,omitempty"`
}

// caseRec is the stored case: the notes live in bucketNotes.
type caseRec struct {
	Case        data.Case        `json:"case"`
	CachedAt    time.Time        `json:"cached_at"`
	Phones      []string         `json:"phones,omitempty"`
	Emails      []string         `json:"emails,omitempty"`
	Attachments []AttachmentInfo `json:"attachments,omitempty"`
}

// noteRec is a stored note; Queued while only the outbox has it.
type noteRec struct {
	Note   data.Note `json:"note"`
	Queued bool      `json:"queued,omitempty"`
}

func validID(id string) bool {
	return id != "" && len(id) <= maxIDLen && !bytes.ContainsRune([]byte(id), 0)
}

// childKey is the key of a case's note or attachment: case id 0 child id.
func childKey(caseID, child string) []byte {
	k := make([]byte, 0, len(caseID)+1+len(child))
	k = append(k, caseID...)
	k = append(k, 0)
	return append(k, child...)
}

func childPrefix(caseID string) []byte { return append([]byte(caseID), 0) }

// PutCase stores the backend's copy of a case: it replaces the stored fields
// (unless the copy is of an older version than the one stored), adds the
// backend's notes (keeping notes still queued offline), re-applies the patches
// still queued for it, keeps the attachments and the snapshot, and updates the
// index. It is durable when it returns.
func (c *Cache) PutCase(rec CaseRecord) error {
	return c.PutCases([]CaseRecord{rec})
}

// PutCases stores several cases as PutCase does, in one transaction (the
// first sync of an agent's cases).
func (c *Cache) PutCases(recs []CaseRecord) error {
	for _, r := range recs {
		if !validID(r.Case.ID) {
			return fmt.Errorf("%w: case id %q", ErrInvalid, r.Case.ID)
		}
	}
	now := c.now()
	return c.update(func(tx *bolt.Tx) error {
		for _, r := range recs {
			if err := c.putCaseTx(tx, r, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func (c *Cache) putCaseTx(tx *bolt.Tx, in CaseRecord, now time.Time) error {
	id := in.Case.ID
	var old caseRec
	had, err := c.getSealed(tx.Bucket(bucketCases), bucketCases, []byte(id), &old)
	if err != nil {
		had, old = false, caseRec{} // a damaged record is replaced by the backend's copy
	}
	rec := caseRec{Case: in.Case, CachedAt: now, Phones: in.Phones, Emails: in.Emails, Attachments: old.Attachments}
	if had && in.Case.Version < old.Case.Version {
		// An older copy arriving late (a replayed answer, a slow list): its
		// notes are merged below, its fields do not undo newer ones.
		rec.Case, rec.CachedAt = old.Case, old.CachedAt
	}
	if rec.Phones == nil {
		rec.Phones = old.Phones
	}
	if rec.Emails == nil {
		rec.Emails = old.Emails
	}
	rec.Case.Notes = nil
	nb := tx.Bucket(bucketNotes)
	for _, n := range in.Case.Notes {
		if !validID(n.ID) {
			continue // the backend never sends one; the index must not break on it
		}
		if err := c.putSealed(nb, bucketNotes, childKey(id, n.ID), noteRec{Note: n}); err != nil {
			return err
		}
	}
	// What the agent changed offline stays visible until it is sent.
	items, err := c.caseItemsTx(tx, id, true)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Kind == KindPatch && it.Patch != nil {
			applyPatch(&rec.Case, *it.Patch)
		}
	}
	return c.storeCaseTx(tx, rec)
}

// storeCaseTx writes a case record, its summary and its index entries.
func (c *Cache) storeCaseTx(tx *bolt.Tx, rec caseRec) error {
	id := []byte(rec.Case.ID)
	notes, err := c.notesTx(tx, rec.Case.ID)
	if err != nil {
		return err
	}
	if err := c.putSealed(tx.Bucket(bucketCases), bucketCases, id, rec); err != nil {
		return err
	}
	sum := CaseSummary{ID: rec.Case.ID, AccountID: rec.Case.AccountID, AgentID: rec.Case.AgentID,
		CustomerContact: rec.Case.CustomerContact, Channel: rec.Case.Channel, Category: rec.Case.Category,
		Status: rec.Case.Status, UpdatedAt: rec.Case.UpdatedAt, CachedAt: rec.CachedAt, Notes: len(notes)}
	sb := tx.Bucket(bucketSummaries)
	isNew := sb.Get(id) == nil
	if err := c.putSummary(sb, sum); err != nil {
		return err
	}
	if isNew { // the bucket's sequence counts the cases: Stats reads it, not every page
		if err := sb.SetSequence(sb.Sequence() + 1); err != nil {
			return err
		}
	}
	return c.reindexTx(tx, rec, notes)
}

// applyPatch applies what a patch sets to cs (the version stays).
func applyPatch(cs *data.Case, p data.CasePatch) {
	if p.Status != nil {
		cs.Status = *p.Status
	}
	if p.Checklist != nil {
		cs.Checklist = slices.Clone(p.Checklist)
	}
	if p.Escalation != nil {
		cs.Escalation = *p.Escalation
	}
	if p.CustomerLanguage != nil {
		cs.CustomerLanguage = *p.CustomerLanguage
	}
}

// PatchApplied reports whether server already shows everything p sets: a
// patch whose answer was lost finds its change on the backend.
func PatchApplied(p data.CasePatch, server data.Case) bool {
	if p.Status != nil && server.Status != *p.Status {
		return false
	}
	if p.Checklist != nil && !slices.Equal(p.Checklist, server.Checklist) {
		return false
	}
	if p.Escalation != nil && *p.Escalation != server.Escalation {
		return false
	}
	if p.CustomerLanguage != nil && *p.CustomerLanguage != server.CustomerLanguage {
		return false
	}
	return true
}

// notesTx reads a case's notes, by time. A damaged note is skipped (and
// reported).
func (c *Cache) notesTx(tx *bolt.Tx, caseID string) ([]noteRec, error) {
	var out []noteRec
	pre := childPrefix(caseID)
	cur := tx.Bucket(bucketNotes).Cursor()
	for k, v := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre); k, v = cur.Next() {
		var n noteRec
		if err := c.k.openJSON(aadFor(bucketNotes, k), v, &n); err != nil {
			c.problem("notes/"+printableKey(k), err)
			continue
		}
		out = append(out, n)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Note.At.Equal(out[j].Note.At) {
			return out[i].Note.At.Before(out[j].Note.At)
		}
		return out[i].Note.ID < out[j].Note.ID
	})
	return out, nil
}

// Case reads a cached case with its notes. ErrNotFound when it is not cached;
// ErrCorruptRecord when its record is damaged.
func (c *Cache) Case(id string) (CaseRecord, error) {
	var out CaseRecord
	err := c.view(func(tx *bolt.Tx) error {
		var rec caseRec
		ok, err := c.getSealed(tx.Bucket(bucketCases), bucketCases, []byte(id), &rec)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("case %s: %w", id, ErrNotFound)
		}
		notes, err := c.notesTx(tx, id)
		if err != nil {
			return err
		}
		out = CaseRecord{Case: rec.Case, CachedAt: rec.CachedAt, Phones: rec.Phones, Emails: rec.Emails,
			Attachments: rec.Attachments, Queued: c.queuedCountTx(tx, id)}
		out.Case.Notes = make([]data.Note, 0, len(notes))
		for _, n := range notes {
			out.Case.Notes = append(out.Case.Notes, n.Note)
		}
		return nil
	})
	return out, err
}

// PutSnapshot stores what the agent saw for a cached case, replacing the
// previous snapshot.
func (c *Cache) PutSnapshot(caseID string, s Snapshot) error {
	for _, part := range []json.RawMessage{s.Account, s.Deliveries, s.Devices, s.LoginEvents, s.PhoneDiagnosis} {
		if len(part) > 0 && !json.Valid(part) {
			return fmt.Errorf("%w: a snapshot part is not JSON", ErrInvalid)
		}
	}
	if s.TakenAt.IsZero() {
		s.TakenAt = c.now()
	}
	return c.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketCases).Get([]byte(caseID)) == nil {
			return fmt.Errorf("case %s: %w", caseID, ErrNotFound)
		}
		return c.putSealed(tx.Bucket(bucketSnapshots), bucketSnapshots, []byte(caseID), s)
	})
}

// Snapshot reads a case's snapshot; ErrNotFound when there is none.
func (c *Cache) Snapshot(caseID string) (Snapshot, error) {
	var s Snapshot
	err := c.view(func(tx *bolt.Tx) error {
		ok, err := c.getSealed(tx.Bucket(bucketSnapshots), bucketSnapshots, []byte(caseID), &s)
		if err == nil && !ok {
			err = fmt.Errorf("snapshot of case %s: %w", caseID, ErrNotFound)
		}
		return err
	})
	return s, err
}

// Stats are the status bar's figures.
type Stats struct {
	Cases     int // cached cases
	Queued    int // outbox items waiting to be sent
	Conflicts int // outbox items in conflict, for the agent to settle
}

// Stats counts the cached cases and the outbox.
func (c *Cache) Stats() (Stats, error) {
	var s Stats
	err := c.view(func(tx *bolt.Tx) error {
		s.Cases = int(tx.Bucket(bucketSummaries).Sequence())
		s.Queued = tx.Bucket(bucketQueued).Stats().KeyN
		s.Conflicts = tx.Bucket(bucketConflicts).Stats().KeyN
		return nil
	})
	return s, err
}

// CaseIDsWithPrefix returns the ids of cached cases that begin with prefix,
// in id order, at most max of them: a short id the window shows ("case-
// 0193a5f2") finds its case.
func (c *Cache) CaseIDsWithPrefix(prefix string, max int) ([]string, error) {
	var out []string
	err := c.view(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketCases).Cursor()
		for k, _ := cur.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)) && len(out) < max; k, _ = cur.Next() {
			out = append(out, string(k)) // a copy: k lives only in the transaction
		}
		return nil
	})
	return out, err
}
