package cache

import (
	"errors"
	"testing"
	"time"

	"verifydesk/data"
)

func ptr[T any](v T) *T { return &v }

func TestOutboxLifecycle(t *testing.T) {
	clk := newClock()
	c, path := newCache(t, clk)
	cs := sampleCase("c-1", clk.Now())
	if err := c.PutCase(CaseRecord{Case: cs}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.QueueNote("c-missing", data.Note{Text: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a note on an uncached case: %v", err)
	}
	if _, err := c.QueueNote("c-1", data.Note{Text: "  "}); !errors.Is(err, ErrInvalid) {
		t.Errorf("an empty note: %v", err)
	}
	if _, err := c.Queue(OutboxItem{CaseID: "c-1", Kind: "resend"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unknown kind: %v", err)
	}

	clk.Advance(time.Minute)
	n1, err := c.QueueNote("c-1", data.Note{ID: "n-1", AuthorID: "ag_ana", Text: "first"})
	if err != nil {
		t.Fatal(err)
	}
	if n1.Seq != 1 || n1.ID != "n-1" || n1.State != StateQueued || !n1.Note.At.Equal(clk.Now()) {
		t.Errorf("queued note item %+v", n1)
	}
	if _, err := c.QueueNote("c-1", data.Note{ID: "n-1", Text: "again"}); !errors.Is(err, ErrExists) {
		t.Errorf("the same note id twice: %v", err)
	}
	p1, err := c.QueuePatch("c-1", data.CasePatch{Version: 1, Status: ptr(data.CaseWaiting),
		Checklist: []data.ChecklistStep{{ID: "signal", Text: "Check signal", State: "done"}}})
	if err != nil {
		t.Fatal(err)
	}
	if p1.Seq != 2 || p1.ID == "" || p1.Patch.Version != 1 {
		t.Errorf("queued patch %+v", p1)
	}
	n2, _ := c.QueueNote("c-1", data.Note{Text: "second"}) // id made here
	if n2.ID == "" || n2.Note.ID != n2.ID {
		t.Errorf("made note id %+v", n2)
	}

	// The cached case shows the offline changes at once.
	rec, err := c.Case("c-1")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Case.Status != data.CaseWaiting || rec.Case.Checklist[0].State != "done" || len(rec.Case.Notes) != 2 || rec.Queued != 3 || !rec.OnlyCached() {
		t.Errorf("case with offline changes: %+v, queued %d", rec.Case, rec.Queued)
	}
	if st, _ := c.Stats(); st.Queued != 3 {
		t.Errorf("Stats %+v", st)
	}

	// The backend's copy (without the offline changes) does not hide them.
	if err := c.PutCase(CaseRecord{Case: cs}); err != nil {
		t.Fatal(err)
	}
	rec, _ = c.Case("c-1")
	if rec.Case.Status != data.CaseWaiting || len(rec.Case.Notes) != 2 {
		t.Errorf("offline changes lost under the backend's copy: %+v", rec.Case)
	}

	// Reopen: the outbox is in order.
	c.Close()
	c = openAt(t, path, testOptions(clk))
	pending, err := c.Pending()
	if err != nil || len(pending) != 3 || pending[0].Seq != 1 || pending[1].Seq != 2 || pending[2].Seq != 3 {
		t.Fatalf("Pending = %+v, %v", pending, err)
	}

	// Sent: the note is the backend's now.
	if err := c.MarkSent(1); err != nil {
		t.Fatal(err)
	}
	if err := c.MarkSent(1); err != nil {
		t.Errorf("MarkSent twice: %v", err)
	}
	// Conflict: the backend's case stands in the cache; the item keeps it.
	server := cs
	server.Status, server.Version = data.CaseEscalated, 2
	if err := c.MarkConflict(2, server); err != nil {
		t.Fatal(err)
	}
	if err := c.MarkSent(2); !errors.Is(err, ErrState) {
		t.Errorf("MarkSent on a conflict: %v", err)
	}
	rec, _ = c.Case("c-1")
	if rec.Case.Status != data.CaseEscalated || rec.Case.Version != 2 {
		t.Errorf("after the conflict the cache shows %+v", rec.Case)
	}
	if st, _ := c.Stats(); st.Queued != 1 || st.Conflicts != 1 {
		t.Errorf("Stats %+v", st)
	}
	if err := c.MarkRejected(3, "the case is gone"); err != nil {
		t.Fatal(err)
	}
	if err := c.Settle(2); err != nil {
		t.Fatal(err)
	}
	all, err := c.Outbox()
	if err != nil || len(all) != 3 {
		t.Fatalf("Outbox = %+v, %v", all, err)
	}
	if all[0].State != StateSent || all[1].State != StateSettled || all[1].Conflict.Status != data.CaseEscalated ||
		all[2].State != StateRejected || all[2].Error != "the case is gone" {
		t.Errorf("Outbox states: %+v", all)
	}
	if p, _ := c.Pending(); len(p) != 0 {
		t.Errorf("Pending after all: %+v", p)
	}
	if err := c.MarkSent(99); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkSent of an unknown item: %v", err)
	}
}

func TestClaimOutbox(t *testing.T) {
	c, _ := newCache(t, newClock())
	release, err := c.ClaimOutbox()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ClaimOutbox(); !errors.Is(err, ErrOutboxBusy) {
		t.Errorf("second claim: %v", err)
	}
	release()
	release, err = c.ClaimOutbox()
	if err != nil {
		t.Fatal(err)
	}
	release()
}

func TestPatchApplied(t *testing.T) {
	cs := sampleCase("c-1", time.Now())
	cs.Status = data.CaseWaiting
	if !PatchApplied(data.CasePatch{Status: ptr(data.CaseWaiting)}, cs) {
		t.Error("status already set")
	}
	if PatchApplied(data.CasePatch{Status: ptr(data.CaseResolved)}, cs) {
		t.Error("status not set")
	}
	if PatchApplied(data.CasePatch{Checklist: []data.ChecklistStep{{ID: "signal", State: "done"}}}, cs) {
		t.Error("checklist differs")
	}
	if !PatchApplied(data.CasePatch{Escalation: &cs.Escalation}, cs) {
		t.Error("escalation equal")
	}
}

func TestSnapshotAndLastAgent(t *testing.T) {
	clk := newClock()
	c, _ := newCache(t, clk)
	if err := c.PutSnapshot("c-1", Snapshot{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("snapshot of an uncached case: %v", err)
	}
	_ = c.PutCase(CaseRecord{Case: sampleCase("c-1", clk.Now())})
	if _, err := c.Snapshot("c-1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("no snapshot yet: %v", err)
	}
	if err := c.PutSnapshot("c-1", Snapshot{Account: []byte("{not json")}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad JSON: %v", err)
	}
	want := Snapshot{Account: mustJSON(t, data.Account{ID: "acc_1001"}), PhoneDiagnosis: []byte(`{"e164":"+886936123456"}`)}
	if err := c.PutSnapshot("c-1", want); err != nil {
		t.Fatal(err)
	}
	got, err := c.Snapshot("c-1")
	if err != nil || string(got.PhoneDiagnosis) != string(want.PhoneDiagnosis) || !got.TakenAt.Equal(clk.Now()) {
		t.Errorf("Snapshot = %+v, %v", got, err)
	}
	// A new snapshot replaces the old one, and the case keeps it across PutCase.
	_ = c.PutCase(CaseRecord{Case: sampleCase("c-1", clk.Now())})
	if _, err := c.Snapshot("c-1"); err != nil {
		t.Errorf("snapshot after PutCase: %v", err)
	}

	if _, err := c.LastAgent(); !errors.Is(err, ErrNotFound) {
		t.Errorf("LastAgent before any sign-in: %v", err)
	}
	if err := c.SetLastAgent(data.Agent{ID: "ag_ana", Username: "ana", Name: "Ana Ruiz", Role: data.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	la, err := c.LastAgent()
	if err != nil || la.Username != "ana" || la.Name != "Ana Ruiz" || !la.SignedInAt.Equal(clk.Now()) {
		t.Errorf("LastAgent = %+v, %v", la, err)
	}
}

// TestMarkSentWithRebases: patches queued on the version the agent saw move
// to the version the agent's own first patch made, and only then.
func TestMarkSentWithRebases(t *testing.T) {
	clk := newClock()
	c, _ := newCache(t, clk)
	cs := sampleCase("c-1", clk.Now())
	_ = c.PutCase(CaseRecord{Case: cs})
	p1, _ := c.QueuePatch("c-1", data.CasePatch{Version: 1, Status: ptr(data.CaseWaiting)})
	n1, _ := c.QueueNote("c-1", data.Note{ID: "n-1", Text: "between"})
	p2, _ := c.QueuePatch("c-1", data.CasePatch{Version: 1, Status: ptr(data.CaseEscalated)})
	p3, _ := c.QueuePatch("c-1", data.CasePatch{Version: 7, Status: ptr(data.CaseResolved)}) // seen elsewhere

	server := cs
	server.Status, server.Version = data.CaseWaiting, 2
	if err := c.MarkSentWith(p1.Seq, server); err != nil {
		t.Fatal(err)
	}
	if it, _ := c.Item(p2.Seq); it.Patch.Version != 2 {
		t.Errorf("p2 based on version %d, want 2", it.Patch.Version)
	}
	if it, _ := c.Item(p3.Seq); it.Patch.Version != 7 {
		t.Errorf("p3 moved to version %d", it.Patch.Version)
	}
	// A note's answer (no version change) moves nothing; the case shows the
	// backend's copy with the patches still queued on top.
	withNote := server
	withNote.Notes = []data.Note{{ID: "n-1", At: clk.Now(), Text: "between"}}
	if err := c.MarkSentWith(n1.Seq, withNote); err != nil {
		t.Fatal(err)
	}
	rec, _ := c.Case("c-1")
	if rec.Case.Version != 2 || rec.Case.Status != data.CaseResolved || rec.Queued != 2 {
		t.Errorf("case after two sends: version %d, status %s, queued %d", rec.Case.Version, rec.Case.Status, rec.Queued)
	}
	// The backend applied p2 and someone else's change: version 4, not 3.
	// Nothing is moved onto a version that holds a change the agent never saw.
	_, _ = c.QueuePatch("c-1", data.CasePatch{Version: 2, Status: ptr(data.CaseOpen)})
	server.Status, server.Version = data.CaseEscalated, 4
	if err := c.MarkSentWith(p2.Seq, server); err != nil {
		t.Fatal(err)
	}
	p, _ := c.Pending()
	if len(p) != 2 || p[1].Patch.Version != 2 {
		t.Errorf("pending after a send that skipped a version: %+v", p)
	}
	// A late, older copy does not undo the newer one.
	stale := cs
	if err := c.PutCase(CaseRecord{Case: stale}); err != nil {
		t.Fatal(err)
	}
	if rec, _ := c.Case("c-1"); rec.Case.Version != 4 {
		t.Errorf("an older copy replaced version 4 with %d", rec.Case.Version)
	}
}
