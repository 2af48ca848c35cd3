package backend

import (
	"bytes"
	"encoding/json"
	"log/slog"
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
		batch := []data.AuditEntry{}
		var waiters []chan struct{}
		add := func(m auditMsg) {
			if m.entry != nil {
				batch = append(batch, *m.entry)
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
				for i := range batch {
					if err := putJSON(b, timeKey("", batch[i].At, batch[i].ID), &batch[i]); err != nil {
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
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.shut {
		return
	}
	w.in <- auditMsg{entry: &e}
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
	}
	s.audit.add(e)
	s.log.Info("audit", "action", e.Action, "agent", e.AgentID, "account", e.AccountID, "status", status)
}

func (s *Server) listAudit(c *call) (any, error) {
	if err := c.requireSupervisor(); err != nil {
		c.audit("audit_denied", "")
		return nil, err
	}
	q := c.r.URL.Query()
	limit, err := limitParam(c, 500, 5000)
	if err != nil {
		return nil, err
	}
	var since, until time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"since", &since}, {"until", &until}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return nil, badRequest("%s must be an RFC 3339 time", p.name)
			}
			*p.t = t
		}
	}
	agentF, accountF, actionF := q.Get("agent"), q.Get("account"), q.Get("action")
	s.audit.flush()
	out := data.AuditList{Entries: []data.AuditEntry{}}
	err = s.db.View(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketAudit).Cursor()
		var k, v []byte
		if until.IsZero() {
			k, v = cur.Last()
		} else {
			end := timeKey("", until, "\xff")
			k, v = cur.Seek(end)
			if k == nil {
				k, v = cur.Last()
			} else if bytes.Compare(k, end) >= 0 {
				k, v = cur.Prev()
			}
		}
		for ; k != nil && len(out.Entries) < limit; k, v = cur.Prev() {
			var e data.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if !since.IsZero() && e.At.Before(since) {
				break
			}
			if !until.IsZero() && e.At.After(until) {
				continue
			}
			if (agentF != "" && e.AgentID != agentF) || (accountF != "" && e.AccountID != accountF) || (actionF != "" && e.Action != actionF) {
				continue
			}
			out.Entries = append(out.Entries, e)
		}
		return nil
	})
	return out, err
}
