package backend

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"log/slog"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// auditWriter records audit entries in batches from one goroutine, so that a
// read of an account (audited) costs a channel send rather than a write
// transaction with its fsync. flush is a barrier: after it returns every entry
// queued before it is on disk. Close flushes what is left.
type auditWriter struct {
	db   *bolt.DB
	log  *slog.Logger
	in   chan auditMsg
	done chan struct{}
	once sync.Once
	mu   sync.RWMutex // guards closed against sends racing close
	shut bool
}

type auditMsg struct {
	entry *data.AuditEntry
	raw   []byte // the entry's JSON, made by the caller so the one writer only stores
	flush chan struct{}
}

func newAuditWriter(db *bolt.DB, log *slog.Logger) *auditWriter {
	w := &auditWriter{db: db, log: log, in: make(chan auditMsg, 4096), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *auditWriter) run() {
	defer close(w.done)
	for m := range w.in {
		batch := []auditMsg{}
		var waiters []chan struct{}
		add := func(m auditMsg) {
			if m.entry != nil {
				batch = append(batch, m)
			}
			if m.flush != nil {
				waiters = append(waiters, m.flush)
			}
		}
		add(m)
	drain:
		for len(batch) < 2000 {
			select {
			case m, ok := <-w.in:
				if !ok {
					break drain
				}
				add(m)
			default:
				break drain
			}
		}
		if len(batch) > 0 {
			if err := w.db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket(bucketAudit)
				// Keys only ever grow at the end: full pages, half as many.
				b.FillPercent = 1
				for _, m := range batch {
					k := timeKey("", m.entry.At, m.entry.ID)
					if err := b.Put(k, m.raw); err != nil {
						return err
					}
					if err := indexAuditEntry(tx, k[1:], m.entry); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				w.log.Error("audit write failed", "entries", len(batch), "err", err)
			}
		}
		for _, f := range waiters {
			close(f)
		}
	}
}

func (w *auditWriter) add(e data.AuditEntry) {
	// Encoding here, on the request's goroutine, keeps the single writer's
	// share of each entry to the puts: it is what bounds audited calls/s.
	raw, err := json.Marshal(&e)
	if err != nil {
		w.log.Error("audit entry not encodable", "action", e.Action, "err", err)
		return
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.shut {
		return
	}
	w.in <- auditMsg{entry: &e, raw: raw}
}

func (w *auditWriter) flush() {
	w.mu.RLock()
	if w.shut {
		w.mu.RUnlock()
		return
	}
	ch := make(chan struct{})
	w.in <- auditMsg{flush: ch}
	w.mu.RUnlock()
	<-ch
}

func (w *auditWriter) close() {
	w.once.Do(func() {
		w.mu.Lock()
		w.shut = true
		close(w.in)
		w.mu.Unlock()
		<-w.done
	})
}

func (s *Server) recordAudit(c *call, status int) {
	e := data.AuditEntry{
		ID:        timeOrderedID(),
		At:        s.now().UTC(),
		AgentID:   c.agent.ID,
		Role:      c.agent.Role,
		Action:    c.act.Action,
		AccountID: c.act.AccountID,
		Reason:    c.act.Reason,
		Detail:    c.act.Detail,
		Status:    status,
		Outcome:   data.AuditOutcome(status),
	}
	s.audit.add(e)
	s.log.Info("audit", "action", e.Action, "agent", e.AgentID, "account", e.AccountID, "status", status)
}

// metaAuditIndexed marks a file whose audit indexes are complete.
var metaAuditIndexed = []byte("audit_indexed_v1")

// putAudit stores one audit entry and its index keys.
func putAudit(tx *bolt.Tx, e *data.AuditEntry) error {
	k := timeKey("", e.At, e.ID)
	if err := putJSON(tx.Bucket(bucketAudit), k, e); err != nil {
		return err
	}
	return indexAuditEntry(tx, k[1:], e)
}

// auditIndexes are the indexed fields of an entry with their buckets, in the
// order listAudit prefers them: one agent's entries are usually fewer than
// one action's. Both indexes only ever append at the end of each agent's or
// action's keys, so the audit writer dirties a few pages per batch for them.
// Accounts are not indexed: an account index would insert at random places,
// one page per entry, and halve the writer's throughput under a lookup load;
// the account filter reads through the budgeted walk instead.
func auditIndexes(e *data.AuditEntry) [2]struct {
	bucket []byte
	value  string
} {
	return [2]struct {
		bucket []byte
		value  string
	}{{bucketAuditAgent, e.AgentID}, {bucketAuditAction, e.Action}}
}

// indexable reports whether v can be an index prefix: a NUL inside it would
// make its keys look like another value's.
func indexable(v string) bool {
	return v != "" && len(v) <= 256 && strings.IndexByte(v, 0) < 0
}

// indexAuditEntry stores the index keys of the entry whose key in bucketAudit
// is NUL+tail.
func indexAuditEntry(tx *bolt.Tx, tail []byte, e *data.AuditEntry) error {
	for _, ix := range auditIndexes(e) {
		if !indexable(ix.value) {
			continue
		}
		k := make([]byte, 0, len(ix.value)+1+len(tail))
		k = append(append(append(k, ix.value...), 0), tail...)
		if err := tx.Bucket(ix.bucket).Put(k, []byte{}); err != nil {
			return err
		}
	}
	return nil
}

// indexAudit builds the audit indexes of a file written before they existed,
// once.
func indexAudit(db *bolt.DB) error {
	var done bool
	_ = db.View(func(tx *bolt.Tx) error {
		done = tx.Bucket(bucketMeta).Get(metaAuditIndexed) != nil
		return nil
	})
	if done {
		return nil
	}
	return db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var e data.AuditEntry
			if len(k) < 9 || json.Unmarshal(v, &e) != nil {
				continue
			}
			if err := indexAuditEntry(tx, k[1:], &e); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(metaAuditIndexed, []byte("1"))
	})
}

// auditScanBudget bounds the entries one page reads. A filter no index serves
// alone (an outcome, or an action within one agent's entries) may match
// rarely; the page then ends early with a cursor instead of reading the whole
// audit, so every page stays fast.
const auditScanBudget = 10000

// auditQuery is a parsed GET /v1/audit.
type auditQuery struct {
	agent, account, action, outcome string
	// since and until bound the entries' times (inclusive), as tails: the
	// first 8 bytes of an entry's key tail are its time.
	since, until uint64
	hasUntil     bool
	empty        bool   // the bounds exclude everything
	before       []byte // cursor: only entries strictly older than this tail
	limit        int
}

// maxAuditTime is the last instant UnixNano can express.
var maxAuditTime = time.Unix(0, math.MaxInt64)

// parseAuditQuery reads the filters of GET /v1/audit.
func parseAuditQuery(v url.Values) (auditQuery, error) {
	q := auditQuery{agent: v.Get("agent"), account: v.Get("account"), action: v.Get("action"), outcome: v.Get("outcome"), limit: 500}
	switch q.outcome {
	case "", data.AuditOK, data.AuditDenied, data.AuditFailed:
	default:
		return q, badRequest("outcome must be ok, denied or failed").with("field", "outcome")
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 5000 {
			return q, badRequest("limit must be a number from 1 to 5000").with("field", "limit")
		}
		q.limit = n
	}
	for _, p := range []string{"since", "until"} {
		s := v.Get(p)
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return q, badRequest("%s must be an RFC 3339 time", p).with("field", p)
		}
		switch {
		case p == "since" && t.After(maxAuditTime), p == "until" && t.Before(time.Unix(0, 0)):
			q.empty = true
		case p == "since" && t.After(time.Unix(0, 0)):
			q.since = uint64(t.UnixNano())
		case p == "until" && t.Before(maxAuditTime):
			q.until, q.hasUntil = uint64(t.UnixNano()), true
		}
	}
	if q.hasUntil && q.until < q.since {
		q.empty = true
	}
	if c := v.Get("cursor"); c != "" {
		tail, err := decodeAuditCursor(c)
		if err != nil {
			return q, err
		}
		q.before = tail
	}
	return q, nil
}

// encodeAuditCursor and decodeAuditCursor make an entry's key tail (time and
// id) an opaque cursor. A cursor is a position in time, not tied to the
// filters it was made under.
func encodeAuditCursor(tail []byte) string { return base64.RawURLEncoding.EncodeToString(tail) }

func decodeAuditCursor(c string) ([]byte, error) {
	tail, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(tail) < 9 || len(tail) > 128 {
		return nil, badRequest("cursor is not one this route gave").with("field", "cursor")
	}
	return tail, nil
}

// needles are byte strings an entry's stored JSON must hold to match q
// (putJSON writes every entry with encoding/json, so a field's value appears
// exactly as json.Marshal spells it): an entry without them is skipped without
// being decoded, which keeps the budgeted walk of an unindexed filter cheap.
// Each element is a set of alternatives.
func (q *auditQuery) needles() [][][]byte {
	var out [][][]byte
	field := func(name, v string) {
		if v != "" {
			raw, _ := json.Marshal(v)
			out = append(out, [][]byte{append([]byte(`"`+name+`":`), raw...)})
		}
	}
	field("agent_id", q.agent)
	field("account_id", q.account)
	field("action", q.action)
	// By status, not outcome: entries from before outcomes were stored have
	// a status only.
	switch q.outcome {
	case data.AuditOK:
		out = append(out, [][]byte{[]byte(`"status":2`), []byte(`"status":3`), []byte(`"status":1`)})
	case data.AuditDenied:
		out = append(out, [][]byte{[]byte(`"status":4`)})
	case data.AuditFailed:
		out = append(out, [][]byte{[]byte(`"status":5`)})
	}
	return out
}

// mayMatch reports whether raw holds every needle (one alternative of each).
func mayMatch(raw []byte, needles [][][]byte) bool {
	for _, alts := range needles {
		found := false
		for _, n := range alts {
			if bytes.Contains(raw, n) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// matches reports whether e passes every filter of q (the walked index has
// already chosen on one of them; checking it again costs nothing and keeps a
// malformed index key from leaking another's entry).
func (q *auditQuery) matches(e *data.AuditEntry) bool {
	if e.Outcome == "" {
		e.Outcome = data.AuditOutcome(e.Status)
	}
	return (q.agent == "" || e.AgentID == q.agent) && (q.account == "" || e.AccountID == q.account) &&
		(q.action == "" || e.Action == q.action) && (q.outcome == "" || e.Outcome == q.outcome)
}

// auditPage reads one page of q newest first. It walks the index of the most
// selective indexed filter given (agent, then action), or the audit itself,
// from the cursor (or until) down, and stops at since, at a full page, or at
// the scan budget.
func auditPage(tx *bolt.Tx, q auditQuery) (data.AuditList, error) {
	out := data.AuditList{Entries: []data.AuditEntry{}}
	if q.empty {
		return out, nil
	}
	main := tx.Bucket(bucketAudit)
	walked, prefix := main, ""
	probe := data.AuditEntry{AgentID: q.agent, Action: q.action}
	for _, ix := range auditIndexes(&probe) {
		// A value that cannot be a prefix was never indexed: its entries
		// are found by the walk's filters instead.
		if indexable(ix.value) {
			walked, prefix = tx.Bucket(ix.bucket), ix.value
			break
		}
	}
	// The walk starts strictly before the cursor, or just after until.
	start := q.before
	if q.hasUntil && q.until < math.MaxUint64 {
		u := binary.BigEndian.AppendUint64(nil, q.until+1)
		if start == nil || bytes.Compare(u, start) < 0 {
			start = u
		}
	}
	var before []byte
	if start != nil {
		before = append(prefixKey(prefix), start...)
	}
	needles := q.needles()
	var pos []byte // tail of the last entry fully considered
	scanned, more := 0, false
	var derr error
	walkBack(walked, prefix, before, func(k, v []byte) bool {
		tail := k[len(prefix)+1:]
		if len(tail) < 9 {
			return true
		}
		if binary.BigEndian.Uint64(tail[:8]) < q.since {
			return false
		}
		if scanned == auditScanBudget {
			more = true
			return false
		}
		scanned++
		if walked != main {
			v = main.Get(append([]byte{0}, tail...))
			if v == nil {
				pos = append(pos[:0], tail...)
				return true
			}
		}
		if !mayMatch(v, needles) {
			pos = append(pos[:0], tail...)
			return true
		}
		var e data.AuditEntry
		if derr = json.Unmarshal(v, &e); derr != nil {
			return false
		}
		if q.matches(&e) {
			if len(out.Entries) == q.limit {
				more = true
				return false
			}
			out.Entries = append(out.Entries, e)
		}
		pos = append(pos[:0], tail...)
		return true
	})
	if derr != nil {
		return out, derr
	}
	if more && pos != nil {
		out.NextCursor = encodeAuditCursor(pos)
	}
	return out, nil
}

// listAudit serves GET /v1/audit: supervisors read everyone's entries, agents
// their own (naming another agent is a 403, itself audited).
func (s *Server) listAudit(c *call) (any, error) {
	q, err := parseAuditQuery(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	if c.agent.Role != data.RoleSupervisor {
		if q.agent != "" && q.agent != c.agent.ID {
			c.audit("audit_denied", "")
			return nil, forbidden("agents see only their own audit entries")
		}
		q.agent = c.agent.ID
	}
	s.audit.flush()
	var out data.AuditList
	err = s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = auditPage(tx, q)
		return err
	})
	return out, err
}
