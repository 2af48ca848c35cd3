package cache

import (
	"encoding/binary"
	"errors"
	"time"
)

// Summaries are what lists and searches decode by the hundred, so they are
// stored in a small binary encoding rather than JSON (ten times faster to
// read; see BenchmarkSearch):
//
//	"VDS1" then id, account, agent, contact, channel, category, status, each as
//	uvarint(length) bytes; updated and cached as times; uvarint(notes)
//
// with a time as a byte (0: zero time, 1: set) then varint(unix seconds) and
// uvarint(nanoseconds).

var errBadSummary = errors.New("not a case summary")

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	b = append(b, 1)
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

func encodeSummary(s CaseSummary) []byte {
	b := make([]byte, 0, 128)
	b = append(b, "VDS1"...)
	for _, f := range []string{s.ID, s.AccountID, s.AgentID, s.CustomerContact, s.Channel, s.Category, s.Status} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	b = appendTime(b, s.UpdatedAt)
	b = appendTime(b, s.CachedAt)
	return binary.AppendUvarint(b, uint64(max(s.Notes, 0)))
}

// reader reads what encodeSummary wrote; the first failure sticks.
type reader struct {
	p   []byte
	bad bool
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.p)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.p = r.p[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.p)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.p = r.p[n:]
	return v
}

func (r *reader) str() string {
	l := r.uvarint()
	if r.bad || l > uint64(len(r.p)) {
		r.bad = true
		return ""
	}
	s := string(r.p[:l])
	r.p = r.p[l:]
	return s
}

func (r *reader) time() time.Time {
	if r.bad || len(r.p) == 0 {
		r.bad = true
		return time.Time{}
	}
	set := r.p[0]
	r.p = r.p[1:]
	switch set {
	case 0:
		return time.Time{}
	case 1:
		sec, nsec := r.varint(), r.uvarint()
		if nsec >= 1e9 {
			r.bad = true
		}
		return time.Unix(sec, int64(nsec)).UTC()
	}
	r.bad = true
	return time.Time{}
}

func decodeSummary(b []byte) (CaseSummary, error) {
	if len(b) < 4 || string(b[:4]) != "VDS1" {
		return CaseSummary{}, errBadSummary
	}
	r := &reader{p: b[4:]}
	s := CaseSummary{ID: r.str(), AccountID: r.str(), AgentID: r.str(), CustomerContact: r.str(),
		Channel: r.str(), Category: r.str(), Status: r.str()}
	s.UpdatedAt, s.CachedAt = r.time(), r.time()
	notes := r.uvarint()
	if r.bad || len(r.p) != 0 || notes > 1<<31 {
		return CaseSummary{}, errBadSummary
	}
	s.Notes = int(notes)
	return s, nil
}

// putSummary seals and stores a case's summary.
func (c *Cache) putSummary(b interface{ Put(k, v []byte) error }, s CaseSummary) error {
	key := []byte(s.ID)
	return b.Put(key, c.k.seal(aadFor(bucketSummaries, key), encodeSummary(s)))
}

// getSummary opens a stored summary; a damaged one is ErrCorruptRecord, and
// reported.
func (c *Cache) getSummary(raw []byte, id string) (CaseSummary, error) {
	key := []byte(id)
	plain, err := c.k.open(aadFor(bucketSummaries, key), raw)
	if err == nil {
		var s CaseSummary
		if s, err = decodeSummary(plain); err == nil {
			return s, nil
		}
	}
	c.problem("summaries/"+printableKey(key), err)
	return CaseSummary{}, err
}
