package cache

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// checkIndex proves the index is exactly the union of the cases' recorded
// tokens: no entry missing, none left over, none for a case that is gone.
func checkIndex(t *testing.T, c *Cache) {
	t.Helper()
	err := c.view(func(tx *bolt.Tx) error {
		want := map[string]bool{}
		err := tx.Bucket(bucketCaseTokens).ForEach(func(id, v []byte) error {
			if tx.Bucket(bucketCases).Get(id) == nil {
				t.Errorf("tokens of case %s, which is not cached", id)
			}
			for p := invLen; p < len(v); p += tokLen {
				k := append(append(bytes.Clone(v[p:p+tokLen]), v[:invLen]...), id...)
				want[string(k)] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		n := 0
		err = tx.Bucket(bucketIndex).ForEach(func(k, _ []byte) error {
			n++
			if !want[string(k)] {
				t.Errorf("index entry %x belongs to no case's tokens", k)
			}
			return nil
		})
		if n != len(want) {
			t.Errorf("index has %d entries, the cases' tokens %d", n, len(want))
		}
		if c, s := tx.Bucket(bucketCases).Stats().KeyN, tx.Bucket(bucketSummaries).Stats().KeyN; c != s {
			t.Errorf("%d cases, %d summaries", c, s)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func wantIDs(t *testing.T, c *Cache, q string, want ...string) {
	t.Helper()
	got := search(t, c, q)
	slices.Sort(got)
	slices.Sort(want)
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Search(%q) = %v, want %v", q, got, want)
	}
}

func TestIndexThroughCreateUpdateNotePurgeReopen(t *testing.T) {
	clk := newClock()
	c, path := newCache(t, clk)
	a := sampleCase("c-a", clk.Now(), data.Note{ID: "n-1", At: clk.Now(), Text: tNoteText})
	b := sampleCase("c-b", clk.Now())
	b.AccountID, b.CustomerContact, b.Escalation.Phone, b.AgentID = "acc_1002", "oliver@example.co.uk", "", "ag_lee"
	if err := c.PutCases([]CaseRecord{{Case: a, Emails: []string{tEmail}}, {Case: b}}); err != nil {
		t.Fatal(err)
	}
	checkIndex(t, c)
	wantIDs(t, c, tPhone, "c-a")
	wantIDs(t, c, "+886 936-123-456", "c-a")
	wantIDs(t, c, "chen.meiling@EXAMPLE.com", "c-a")
	wantIDs(t, c, "Oliver@example.co.uk", "c-b")
	wantIDs(t, c, "acc_1002", "c-b")
	wantIDs(t, c, "c-a", "c-a")
	wantIDs(t, c, "ROAMING okinawa", "c-a")
	wantIDs(t, c, "roaming nowhere")
	wantIDs(t, c, "+15550100")

	// Update: the contact changes, the old number no longer finds the case.
	clk.Advance(time.Hour)
	a.CustomerContact, a.Escalation.Phone, a.Status, a.UpdatedAt, a.Version = tPhone2, tPhone2, data.CaseEscalated, clk.Now(), 2
	if err := c.PutCase(CaseRecord{Case: a}); err != nil {
		t.Fatal(err)
	}
	checkIndex(t, c)
	wantIDs(t, c, tPhone)
	wantIDs(t, c, tPhone2, "c-a")
	wantIDs(t, c, tEmail, "c-a") // Emails kept when PutCase passes none

	// A note queued offline is found at once.
	if _, err := c.QueueNote("c-a", data.Note{ID: "n-2", Text: tNoteText2}); err != nil {
		t.Fatal(err)
	}
	checkIndex(t, c)
	wantIDs(t, c, "chunghwa", "c-a")
	wantIDs(t, c, "Roaming CHUNGHWA", "c-a")

	// Reopen: the same answers.
	c.Close()
	c = openAt(t, path, testOptions(clk))
	checkIndex(t, c)
	wantIDs(t, c, tPhone2, "c-a")
	wantIDs(t, c, "chunghwa", "c-a")
	wantIDs(t, c, "acc_1002", "c-b")

	// Purge: b is resolved and old; a is resolved but has a queued note.
	clk.Advance(time.Hour)
	for _, cs := range []*data.Case{&a, &b} {
		cs.Status, cs.UpdatedAt = data.CaseResolved, clk.Now()
	}
	a.Notes = []data.Note{{ID: "n-1", At: a.CreatedAt, Text: tNoteText}}
	if err := c.PutCases([]CaseRecord{{Case: a}, {Case: b}}); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Purge(0, clk.Now().Add(29*24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("Purge before retention: %d, %v", n, err)
	}
	n, err := c.Purge(0, clk.Now().Add(31*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("Purge: %d, %v; want 1 (the case with a queued note stays)", n, err)
	}
	checkIndex(t, c)
	wantIDs(t, c, "acc_1002")
	wantIDs(t, c, "oliver@example.co.uk")
	wantIDs(t, c, "c-b")
	wantIDs(t, c, tPhone2, "c-a")
	if _, err := c.Case("c-b"); err == nil {
		t.Error("the purged case is still readable")
	}
	// Once its note is sent, a goes too, with its notes and outbox items.
	p, _ := c.Pending()
	if err := c.MarkSent(p[0].Seq); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Purge(0, clk.Now().Add(31*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("second Purge: %d, %v", n, err)
	}
	checkIndex(t, c)
	wantIDs(t, c, "chunghwa")
	if err := c.view(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if string(b) == string(bucketMeta) || string(b) == string(bucketAudit) {
				continue
			}
			if n := tx.Bucket(b).Stats().KeyN; n != 0 {
				t.Errorf("bucket %s keeps %d keys after purging every case", b, n)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestSearchWords(t *testing.T) {
	clk := newClock()
	c, _ := newCache(t, clk)
	notes := map[string]string{
		"c-de": "Kunde wohnt in der Hauptstraße, SMS kommt nicht an",
		"c-zh": "客戶說簡訊收不到",
		"c-ja": "ＳＭＳが届かない",
		"c-en": "Customer's phone was switched off; code resent",
	}
	for id, text := range notes {
		if err := c.PutCase(CaseRecord{Case: sampleCase(id, clk.Now(), data.Note{ID: "n-" + id, At: clk.Now(), Text: text})}); err != nil {
			t.Fatal(err)
		}
	}
	wantIDs(t, c, "HAUPTSTRASSE", "c-de") // ß folds to ss
	wantIDs(t, c, "簡訊", "c-zh")
	wantIDs(t, c, "訊", "c-zh")
	wantIDs(t, c, "sms", "c-de", "c-ja") // full-width ＳＭＳ is SMS after NFKC
	wantIDs(t, c, "switched OFF", "c-en")
	wantIDs(t, c, "switched on")
	wantIDs(t, c, "   ")
}

func TestTokens(t *testing.T) {
	for in, want := range map[string][]string{
		"Hello, hello WORLD!":    {"hello", "world"},
		"e-mail: a@b.com":        {"e", "mail", "a", "b", "com"},
		"Straße":                 {"strasse"},
		"簡訊 OK":                  {"簡", "訊", "ok"},
		"café (décaféiné)":       {"café", "décaféiné"},
		"":                       nil,
		"!!!":                    nil,
		"ﬁle ①":                  {"file", "1"},
		"नमस्ते":                 {"नमस्ते"},
		"ＴＰ－Ｌｉｎｋ":                {"tp", "link"},
		"code 123456 was resent": {"code", "123456", "was", "resent"},
	} {
		if got := Tokens(in); !slices.Equal(got, want) {
			t.Errorf("Tokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"+886 936-123-456": "+886936123456", "+44 (7700) 900.123": "+447700900123",
		"0936123456": "", "+12": "", "+886abc": "", "+1234567890123456": "",
	} {
		got, ok := NormalizePhone(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizePhone(%q) = %q, %v", in, got, ok)
		}
	}
	for in, want := range map[string]string{" A@B.com ": "a@b.com", "a@": "", "@b": "", "a b@c": "", "plain": ""} {
		got, ok := NormalizeEmail(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeEmail(%q) = %q, %v", in, got, ok)
		}
	}
}

func TestList(t *testing.T) {
	clk := newClock()
	c, _ := newCache(t, clk)
	start := clk.Now()
	put := func(id, status, agent string) {
		t.Helper()
		cs := sampleCase(id, clk.Now())
		cs.Status, cs.AgentID = status, agent
		if err := c.PutCase(CaseRecord{Case: cs}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
	}
	put("c-1", data.CaseOpen, "ag_ana")
	put("c-2", data.CaseResolved, "ag_ana")
	put("c-3", data.CaseWaiting, "ag_lee")
	put("c-4", data.CaseEscalated, "ag_ana")
	list := func(q ListQuery) []string {
		t.Helper()
		s, err := c.List(q)
		if err != nil {
			t.Fatal(err)
		}
		return ids(s)
	}
	for _, tc := range []struct {
		q    ListQuery
		want []string
	}{
		{ListQuery{}, []string{"c-4", "c-3", "c-2", "c-1"}}, // newest first
		{ListQuery{Status: data.CaseResolved}, []string{"c-2"}},
		{ListQuery{AgentID: "ag_ana"}, []string{"c-4", "c-2", "c-1"}},
		{ListQuery{AgentID: "ag_ana", OpenOnly: true}, []string{"c-4", "c-1"}},
		{ListQuery{UpdatedSince: start.Add(2 * time.Hour)}, []string{"c-4", "c-3"}},
		{ListQuery{OpenOnly: true, Limit: 2}, []string{"c-4", "c-3"}},
		{ListQuery{Status: data.CaseOpen, AgentID: "ag_lee"}, []string{}},
	} {
		if got := list(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("List(%+v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	open, err := c.OpenCases()
	if err != nil || !slices.Equal(ids(open), []string{"c-4", "c-3", "c-1"}) {
		t.Errorf("OpenCases = %v, %v", ids(open), err)
	}
	st, err := c.Stats()
	if err != nil || st.Cases != 4 {
		t.Errorf("Stats = %+v, %v", st, err)
	}
}

func TestSummaryEncoding(t *testing.T) {
	for _, s := range []CaseSummary{
		{},
		{ID: "c-1", AccountID: "acc_1", AgentID: "ag_ana", CustomerContact: "+886936123456", Channel: "phone",
			Category: "sms_never_arrives", Status: data.CaseOpen, UpdatedAt: time.Date(2026, 12, 1, 9, 0, 0, 123, time.UTC),
			CachedAt: time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC), Notes: 12},
	} {
		got, err := decodeSummary(encodeSummary(s))
		if err != nil || got != s {
			t.Errorf("round trip of %+v: %+v, %v", s, got, err)
		}
	}
	b := encodeSummary(CaseSummary{ID: "c-1"})
	for i := range b {
		if _, err := decodeSummary(b[:i]); err == nil {
			t.Errorf("a summary cut at %d decodes", i)
		}
	}
}

// TestIntersectBeyondBound covers words in more cases than intersect reads
// into memory (4096 in Search, 4 here): they are checked by key.
func TestIntersectBeyondBound(t *testing.T) {
	clk := newClock()
	c, _ := newCache(t, clk)
	const n = 30
	var recs []CaseRecord
	for i := 0; i < n; i++ {
		text := "alpha beta"
		if i%10 == 7 {
			text += " gamma"
		}
		at := clk.Now().Add(time.Duration(i) * time.Second)
		recs = append(recs, CaseRecord{Case: sampleCase(fmt.Sprintf("c-%02d", i), at, data.Note{ID: "n", At: at, Text: text})})
	}
	if err := c.PutCases(recs); err != nil {
		t.Fatal(err)
	}
	run := func(limit int, words ...string) []string {
		var toks []token
		for _, w := range words {
			toks = append(toks, c.token(tokWord, w))
		}
		var out []string
		_ = c.view(func(tx *bolt.Tx) error {
			for _, h := range intersectBounded(tx.Bucket(bucketIndex), toks, limit, 4) {
				out = append(out, h.id)
			}
			return nil
		})
		return out
	}
	if got := run(5, "beta", "alpha"); !slices.Equal(got, []string{"c-29", "c-28", "c-27", "c-26", "c-25"}) {
		t.Errorf("two common words: %v", got)
	}
	if got := run(10, "alpha", "gamma", "beta"); !slices.Equal(got, []string{"c-27", "c-17", "c-07"}) {
		t.Errorf("a rare word among common ones: %v", got)
	}
	if got := run(10, "alpha", "delta"); len(got) != 0 {
		t.Errorf("a word in no case: %v", got)
	}
}
