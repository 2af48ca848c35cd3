package cache

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"sort"
	"strings"
	"time"
	"unicode"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"verifydesk/data"
)

// The index is one bucket of keys token(16) || inv-updated(8) || case id with
// empty values. A token is the first 16 bytes of HMAC-SHA256(index key,
// kind 0 value), so the file never holds a phone number, email or word in
// the clear; inv-updated (the bitwise complement of the case's UpdatedAt in
// microseconds) makes a token's cases come newest first. bucketCaseTokens
// remembers each case's tokens so an update or a purge removes exactly its
// entries.

// Token kinds.
const (
	tokAll     = "all"
	tokOpen    = "open"
	tokStatus  = "status"
	tokAgent   = "agent"
	tokAccount = "account"
	tokPhone   = "phone"
	tokEmail   = "email"
	tokWord    = "word"
)

const (
	tokLen    = 16
	invLen    = 8
	entryHead = tokLen + invLen
)

// MaxResults bounds what Search and List return (newest first).
const MaxResults = 200

// maxQueryWords bounds the words of one search.
const maxQueryWords = 16

// maxTokenRunes bounds an indexed word.
const maxTokenRunes = 64

type token [tokLen]byte

func (c *Cache) token(kind, value string) token {
	m := hmac.New(sha256.New, c.k.index)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	var t token
	copy(t[:], m.Sum(nil))
	return t
}

func invTime(t time.Time) [invLen]byte {
	us := t.UnixMicro()
	if us < 0 {
		us = 0
	}
	var b [invLen]byte
	binary.BigEndian.PutUint64(b[:], ^uint64(us))
	return b
}

func timeFromInv(b []byte) time.Time {
	return time.UnixMicro(int64(^binary.BigEndian.Uint64(b)))
}

func indexKey(t token, inv [invLen]byte, caseID string) []byte {
	k := make([]byte, 0, entryHead+len(caseID))
	k = append(k, t[:]...)
	k = append(k, inv[:]...)
	return append(k, caseID...)
}

// NormalizePhone returns the E.164 form of s when s is a number written in
// international form ("+886 936-123-456" gives "+886936123456"), ok false
// otherwise. Spaces, hyphens, dots, slashes and parentheses are dropped; it
// does not check the number against a numbering plan.
func NormalizePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "+") {
		return "", false
	}
	var b strings.Builder
	b.WriteByte('+')
	for _, r := range s[1:] {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '/' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", false
		}
	}
	if n := b.Len() - 1; n < 7 || n > 15 {
		return "", false
	}
	return b.String(), true
}

// NormalizeEmail returns the lowercased address when s looks like one.
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n") {
		return "", false
	}
	return s, true
}

// folder folds case the Unicode way (ß and ss, Σ and σ match).
var folder = cases.Fold()

// Tokens splits text into the words the note index holds: NFKC-normalised,
// case-folded runs of letters, digits and marks; each Han, Hiragana or
// Katakana character is a word of its own, since those scripts put no spaces
// between words. Duplicates are dropped, order kept.
func Tokens(text string) []string {
	text = folder.String(norm.NFKC.String(text))
	var out []string
	seen := map[string]bool{}
	add := func(w string) {
		if w == "" || seen[w] {
			return
		}
		if r := []rune(w); len(r) > maxTokenRunes {
			w = string(r[:maxTokenRunes])
		}
		seen[w] = true
		out = append(out, w)
	}
	var cur strings.Builder
	for _, r := range text {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			add(cur.String())
			cur.Reset()
			add(string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			cur.WriteRune(r)
		default:
			add(cur.String())
			cur.Reset()
		}
	}
	add(cur.String())
	return out
}

// caseTokens are every token a case is found by.
func (c *Cache) caseTokens(rec caseRec, notes []noteRec) []token {
	cs := rec.Case
	set := map[token]bool{}
	add := func(kind, v string) {
		if v != "" {
			set[c.token(kind, v)] = true
		}
	}
	add(tokAll, "*")
	if cs.Status != data.CaseResolved {
		add(tokOpen, "*")
	}
	add(tokStatus, cs.Status)
	add(tokAgent, cs.AgentID)
	add(tokAccount, cs.AccountID)
	for _, p := range append([]string{cs.CustomerContact, cs.Escalation.Phone}, rec.Phones...) {
		if e, ok := NormalizePhone(p); ok {
			add(tokPhone, e)
		}
	}
	for _, e := range append([]string{cs.CustomerContact}, rec.Emails...) {
		if e, ok := NormalizeEmail(e); ok {
			add(tokEmail, e)
		}
	}
	for _, n := range notes {
		for _, w := range Tokens(n.Note.Text) {
			add(tokWord, w)
		}
	}
	out := make([]token, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	return out
}

// reindexTx replaces a case's index entries with those of rec and notes.
func (c *Cache) reindexTx(tx *bolt.Tx, rec caseRec, notes []noteRec) error {
	id := rec.Case.ID
	idx, ct := tx.Bucket(bucketIndex), tx.Bucket(bucketCaseTokens)
	newInv := invTime(rec.Case.UpdatedAt)
	newToks := c.caseTokens(rec, notes)
	have := map[token]bool{}
	// Cloned: the loop writes to the index while it reads the old tokens.
	if old := bytes.Clone(ct.Get([]byte(id))); len(old) >= invLen && (len(old)-invLen)%tokLen == 0 {
		var oldInv [invLen]byte
		copy(oldInv[:], old)
		for p := invLen; p < len(old); p += tokLen {
			var t token
			copy(t[:], old[p:p+tokLen])
			if oldInv == newInv {
				have[t] = true
				continue
			}
			if err := idx.Delete(indexKey(t, oldInv, id)); err != nil {
				return err
			}
		}
	}
	keep := map[token]bool{}
	for _, t := range newToks {
		keep[t] = true
		if have[t] {
			continue
		}
		if err := idx.Put(indexKey(t, newInv, id), nil); err != nil {
			return err
		}
	}
	for t := range have {
		if !keep[t] {
			if err := idx.Delete(indexKey(t, newInv, id)); err != nil {
				return err
			}
		}
	}
	v := make([]byte, 0, invLen+len(newToks)*tokLen)
	v = append(v, newInv[:]...)
	for _, t := range newToks {
		v = append(v, t[:]...)
	}
	return ct.Put([]byte(id), v)
}

// unindexTx removes every index entry of a case.
func (c *Cache) unindexTx(tx *bolt.Tx, id string) error {
	idx, ct := tx.Bucket(bucketIndex), tx.Bucket(bucketCaseTokens)
	old := bytes.Clone(ct.Get([]byte(id)))
	if len(old) >= invLen && (len(old)-invLen)%tokLen == 0 {
		var inv [invLen]byte
		copy(inv[:], old)
		for p := invLen; p < len(old); p += tokLen {
			var t token
			copy(t[:], old[p:p+tokLen])
			if err := idx.Delete(indexKey(t, inv, id)); err != nil {
				return err
			}
		}
	}
	return ct.Delete([]byte(id))
}

// hit is one index entry: a case and its inv-updated.
type hit struct {
	inv [invLen]byte
	id  string
}

// scan calls fn for each case of t, newest first, until fn returns false.
func scan(idx *bolt.Bucket, t token, fn func(h hit) bool) {
	cur := idx.Cursor()
	for k, _ := cur.Seek(t[:]); k != nil && bytes.HasPrefix(k, t[:]); k, _ = cur.Next() {
		if len(k) <= entryHead {
			continue
		}
		var h hit
		copy(h.inv[:], k[tokLen:entryHead])
		h.id = string(k[entryHead:])
		if !fn(h) {
			return
		}
	}
}

func has(idx *bolt.Bucket, t token, h hit) bool {
	return idx.Get(indexKey(t, h.inv, h.id)) != nil
}

// intersect returns the cases having every token, newest first, at most
// limit. Each token's entries are read up to a bound (keys only, nothing
// decrypted); the shortest list drives, the other short lists are matched in
// memory, and only a token with more entries than the bound is checked by key.
func intersect(idx *bolt.Bucket, toks []token, limit int) []hit {
	return intersectBounded(idx, toks, limit, intersectBound)
}

// intersectBound is how many entries of a token intersect reads into memory.
const intersectBound = 4096

func intersectBounded(idx *bolt.Bucket, toks []token, limit, bound int) []hit {
	var out []hit
	if len(toks) == 0 {
		return nil
	}
	if len(toks) == 1 {
		scan(idx, toks[0], func(h hit) bool { out = append(out, h); return len(out) < limit })
		return out
	}
	type list struct {
		t        token
		hits     []hit
		complete bool
		ids      map[string]bool
	}
	lists := make([]*list, len(toks))
	for i, t := range toks {
		l := &list{t: t}
		scan(idx, t, func(h hit) bool { l.hits = append(l.hits, h); return len(l.hits) <= bound })
		l.complete = len(l.hits) <= bound
		lists[i] = l
	}
	sort.SliceStable(lists, func(i, j int) bool { return len(lists[i].hits) < len(lists[j].hits) })
	match := func(h hit) bool {
		for _, l := range lists[1:] {
			if l.complete {
				if l.ids == nil {
					l.ids = make(map[string]bool, len(l.hits))
					for _, x := range l.hits {
						l.ids[x.id] = true
					}
				}
				if !l.ids[h.id] {
					return false
				}
			} else if !has(idx, l.t, h) {
				return false
			}
		}
		return true
	}
	if lists[0].complete {
		for _, h := range lists[0].hits {
			if match(h) {
				if out = append(out, h); len(out) == limit {
					break
				}
			}
		}
		return out
	}
	// Every token is in more than bound cases: walk one in full.
	scan(idx, lists[0].t, func(h hit) bool {
		if match(h) {
			out = append(out, h)
		}
		return len(out) < limit
	})
	return out
}

// Search finds cached cases, newest first, at most MaxResults. It recognises:
// an email address (exact, any case), an E.164 number (spaces and hyphens
// allowed), a case id or an account id (exact), and otherwise words of the
// notes, every one of which must match (NFKC, case-folded; see Tokens). A
// query of one word matches a case id, an account id or a note word.
func (c *Cache) Search(query string) ([]CaseSummary, error) {
	q := strings.TrimSpace(query)
	if q == "" {
		return nil, nil
	}
	var out []CaseSummary
	err := c.view(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketIndex)
		if e, ok := NormalizeEmail(q); ok {
			out = c.summariesTx(tx, intersect(idx, []token{c.token(tokEmail, e)}, MaxResults))
			return nil
		}
		if p, ok := NormalizePhone(q); ok {
			out = c.summariesTx(tx, intersect(idx, []token{c.token(tokPhone, p)}, MaxResults))
			return nil
		}
		var hits []hit
		seen := map[string]bool{}
		addAll := func(hs []hit) {
			for _, h := range hs {
				if !seen[h.id] {
					seen[h.id] = true
					hits = append(hits, h)
				}
			}
		}
		if !strings.ContainsAny(q, " \t\r\n") {
			if v := tx.Bucket(bucketCaseTokens).Get([]byte(q)); len(v) >= invLen {
				var h hit
				copy(h.inv[:], v)
				h.id = q
				addAll([]hit{h})
			}
			addAll(intersect(idx, []token{c.token(tokAccount, q)}, MaxResults))
		}
		words := Tokens(q)
		if len(words) > maxQueryWords {
			words = words[:maxQueryWords]
		}
		var toks []token
		for _, w := range words {
			toks = append(toks, c.token(tokWord, w))
		}
		addAll(intersect(idx, toks, MaxResults))
		sort.SliceStable(hits, func(i, j int) bool { return bytes.Compare(hits[i].inv[:], hits[j].inv[:]) < 0 })
		if len(hits) > MaxResults {
			hits = hits[:MaxResults]
		}
		out = c.summariesTx(tx, hits)
		return nil
	})
	return out, err
}

// ListQuery filters List; zero fields do not filter.
type ListQuery struct {
	Status       string    // one of the data.Case* states
	AgentID      string    // the case's owner
	OpenOnly     bool      // every state but resolved
	UpdatedSince time.Time // last update at or after
	Limit        int       // at most this many (0: MaxResults)
}

// List returns the cached cases matching q, newest update first.
func (c *Cache) List(q ListQuery) ([]CaseSummary, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = MaxResults
	}
	var out []CaseSummary
	err := c.view(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketIndex)
		var hits []hit
		var toks []token
		if q.Status != "" {
			toks = append(toks, c.token(tokStatus, q.Status))
		}
		if q.AgentID != "" {
			toks = append(toks, c.token(tokAgent, q.AgentID))
		}
		if q.OpenOnly {
			toks = append(toks, c.token(tokOpen, "*"))
		}
		if len(toks) == 0 {
			toks = append(toks, c.token(tokAll, "*"))
		}
		// Walk the first filter newest first; the others are checked by key.
		// Ordered by time, the walk stops at the first case older than
		// UpdatedSince.
		since := invTime(q.UpdatedSince)
		scan(idx, toks[0], func(h hit) bool {
			if !q.UpdatedSince.IsZero() && bytes.Compare(h.inv[:], since[:]) > 0 {
				return false
			}
			for _, t := range toks[1:] {
				if !has(idx, t, h) {
					return true
				}
			}
			hits = append(hits, h)
			return len(hits) < limit
		})
		out = c.summariesTx(tx, hits)
		return nil
	})
	return out, err
}

// OpenCases lists the cases not resolved, newest first.
func (c *Cache) OpenCases() ([]CaseSummary, error) { return c.List(ListQuery{OpenOnly: true}) }

// summariesTx decodes the summaries of hits, in order; a damaged one is
// skipped and reported.
func (c *Cache) summariesTx(tx *bolt.Tx, hits []hit) []CaseSummary {
	out := make([]CaseSummary, 0, len(hits))
	b := tx.Bucket(bucketSummaries)
	// Usually nothing is queued: then no case needs counting.
	anyQueued, _ := tx.Bucket(bucketQueued).Cursor().First()
	for _, h := range hits {
		raw := b.Get([]byte(h.id))
		if raw == nil {
			continue
		}
		s, err := c.getSummary(raw, h.id)
		if err != nil {
			continue
		}
		if anyQueued != nil {
			s.Queued = c.queuedCountTx(tx, h.id)
		}
		out = append(out, s)
	}
	return out
}
