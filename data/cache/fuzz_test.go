package cache

import (
	"crypto/sha256"
	"testing"
	"time"

	"verifydesk/data"
)

// fuzzKeys is a fixed key for the decoder fuzzers.
func fuzzKeys(t testing.TB) keys {
	k, err := deriveKeys(make([]byte, keySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// FuzzOpenRecord feeds arbitrary stored bytes to the record decoder, as a
// damaged file would: it must return an error, never panic.
func FuzzOpenRecord(f *testing.F) {
	k := fuzzKeys(f)
	aad := aadFor(bucketCases, []byte("c-1"))
	good, _ := k.sealJSON(aad, caseRec{Case: sampleCase("c-1", time.Unix(0, 0))})
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{sealVersion})
	f.Add(good[:20])
	f.Fuzz(func(t *testing.T, raw []byte) {
		var rec caseRec
		_ = k.openJSON(aad, raw, &rec)
		_, _, _ = decodeAudit(raw)
	})
}

// FuzzDecodeRecord seals arbitrary plaintext (a record that decrypts but holds
// anything) and decodes it as every record type and as an audit entry.
func FuzzDecodeRecord(f *testing.F) {
	k := fuzzKeys(f)
	f.Add([]byte(`{"case":{"id":"c-1","notes":[{"id":"n"}]},"attachments":[{"size":-1}]}`))
	f.Add([]byte(`{"seq":1,"kind":"note","note":null,"patch":{"version":1,"status":"x"}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"taken_at":"not a time","account":[1,2]}`))
	e := AuditEntry{Seq: 1, At: time.Unix(1, 0), Action: "search"}
	canonical := encodeAudit(e)
	sum := sha256.Sum256(canonical)
	f.Add(append(canonical, sum[:]...))
	f.Add([]byte("VDA1\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"))
	f.Add(encodeSummary(CaseSummary{ID: "c-1", Status: "open", UpdatedAt: time.Unix(5, 7), Notes: 3}))
	f.Fuzz(func(t *testing.T, plain []byte) {
		aad := []byte("x")
		sealed := k.seal(aad, plain)
		var (
			cr  caseRec
			nr  noteRec
			it  OutboxItem
			sum CaseSummary
			sn  Snapshot
			la  LastAgent
			h   Head
			v1  caseRecV1
		)
		for _, v := range []any{&cr, &nr, &it, &sum, &sn, &la, &h, &v1} {
			_ = k.openJSON(aad, sealed, v)
		}
		if s, err := decodeSummary(plain); err == nil {
			if got := encodeSummary(s); len(got) > len(plain) {
				t.Fatalf("summary %+v re-encodes longer than it was read", s)
			}
		}
		if ent, canonical, err := decodeAudit(plain); err == nil {
			if len(canonical) != len(plain)-sha256.Size || len(ent.Hash) != 2*sha256.Size {
				t.Fatalf("decoded %+v from %d bytes", ent, len(plain))
			}
		}
	})
}

// FuzzSearch types arbitrary text into the search box of a small cache.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"+886 936 123 456", "a@b.c", "c-1", "roaming okinawa", "簡訊", "\x00", "+", "@", "ß"} {
		f.Add(s)
	}
	clk := newClock()
	c, _ := newCache(f, clk)
	if err := c.PutCase(CaseRecord{Case: sampleCase("c-1", clk.Now(), data.Note{ID: "n-1", Text: tNoteText})}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := c.Search(q); err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		_ = Tokens(q)
	})
}
