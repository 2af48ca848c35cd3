package backend

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

var caseStatuses = map[string]bool{data.CaseOpen: true, data.CaseWaiting: true, data.CaseEscalated: true, data.CaseResolved: true}

// customerLanguages are the languages a case can be spoken in: the
// console's ("" is the account's suggestion).
var customerLanguages = map[string]bool{"": true, "en": true, "zh-Hant": true, "zh-Hans": true, "ru": true}

const maxNoteLen = 20000

// badID is the 400 of a client-made id outside data.ClientIDPattern (field
// names the body field or path parameter). Such ids are refused whole, never
// cleaned: consoles use case ids in file names, and an id like
// "../../tmp/x" or "..\Users\Public\Desktop\evil" planted by one agent
// would be written by another agent's console.
func badID(field string) *apiError {
	return badRequest("%s must match %s: 1 to %d letters, digits, - and _, starting with a letter or digit",
		field, data.ClientIDPattern, data.MaxClientIDLen).with("field", field).with("pattern", data.ClientIDPattern)
}

// pathCaseID is the request's caseId, or the 400 of one that cannot be a
// case's id.
func pathCaseID(c *call) (string, error) {
	id := c.r.PathValue("caseId")
	if !data.ValidClientID(id) {
		return "", badID("caseId")
	}
	return id, nil
}

// createCase stores a case under the id the client made. Creating the same id
// with the same body again (a retry) answers the first answer: 201 and the case
// as it was created, byte for byte, with Idempotent-Replayed; a different body
// is a 409.
func (s *Server) createCase(c *call) (any, error) {
	act := c.audit("case_create", "")
	var req data.Case
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	act.AccountID, act.Detail = req.AccountID, "case "+truncate(req.ID, 100)
	if !data.ValidClientID(req.ID) {
		return nil, badID("id")
	}
	if req.AccountID == "" {
		return nil, badRequest("account_id is required").with("field", "account_id")
	}
	if req.Status == "" {
		req.Status = data.CaseOpen
	}
	if !caseStatuses[req.Status] {
		return nil, badRequest("unknown status %q", req.Status).with("field", "status")
	}
	if !customerLanguages[req.CustomerLanguage] {
		return nil, badRequest("unknown customer language %q", truncate(req.CustomerLanguage, 40)).with("field", "customer_language")
	}
	// The fingerprint covers what the client chose, not what the server
	// fills (the language only when chosen, so older cases keep theirs).
	chosen := []any{req.AccountID, req.CustomerContact, req.Channel, req.Category, req.Status, req.Checklist, req.Escalation, noteFingerprint(req.Notes)}
	if req.CustomerLanguage != "" {
		chosen = append(chosen, req.CustomerLanguage)
	}
	fp, _ := json.Marshal(chosen)
	h := sha256.Sum256(fp)
	hash := hex.EncodeToString(h[:])
	now := s.now().UTC()
	scope := idemScope("case", req.ID)
	var out answer
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCases)
		var prev caseRec
		ok, err := getJSON(b, []byte(req.ID), &prev)
		if err != nil {
			return err
		}
		if ok {
			if prev.CreateHash != hash {
				return conflict("a different case with this id exists")
			}
			st, _, err := storedAnswer(tx, scope, hash, "")
			if err != nil || st != nil {
				if st != nil {
					out = *st
				}
				return err
			}
			// Created before first answers were kept: the case as it is.
			body, err := encodeJSON(prev.Case)
			out = answer{status: http.StatusCreated, body: body, replayed: true}
			return err
		}
		a, err := loadAccount(tx, req.AccountID)
		if err != nil {
			return err
		}
		if a == nil {
			return notFound("account")
		}
		cs := req
		cs.AgentID, cs.CreatedAt, cs.UpdatedAt, cs.Version = c.agent.ID, now, now, 1
		cs.Notes = make([]data.Note, 0, len(req.Notes))
		seen := map[string]bool{}
		for _, n := range req.Notes {
			if !data.ValidClientID(n.ID) {
				return badID("notes.id")
			}
			if seen[n.ID] || utf8.RuneCountInString(n.Text) > maxNoteLen {
				return badRequest("every note needs a unique client-made id and at most %d characters", maxNoteLen).with("field", "notes")
			}
			seen[n.ID] = true
			cs.Notes = append(cs.Notes, data.Note{ID: n.ID, AuthorID: c.agent.ID, At: now, Text: n.Text})
		}
		if err := putJSON(b, []byte(cs.ID), caseRec{Case: cs, CreateHash: hash}); err != nil {
			return err
		}
		out, err = firstAnswer(tx, scope, idemRec{BodyHash: hash}, http.StatusCreated, cs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func noteFingerprint(ns []data.Note) [][2]string {
	out := make([][2]string, 0, len(ns))
	for _, n := range ns {
		out = append(out, [2]string{n.ID, n.Text})
	}
	return out
}

func (s *Server) getCase(c *call) (any, error) {
	act := c.audit("case_view", "")
	id, err := pathCaseID(c)
	if err != nil {
		return nil, err
	}
	var out data.Case
	err = s.db.View(func(tx *bolt.Tx) error {
		var rec caseRec
		ok, err := getJSON(tx.Bucket(bucketCases), []byte(id), &rec)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("case")
		}
		out = rec.Case
		return nil
	})
	act.AccountID = out.AccountID
	return out, err
}

func (s *Server) listCases(c *call) (any, error) {
	q := c.r.URL.Query()
	agent, status, account := q.Get("agent"), q.Get("status"), q.Get("account")
	act := c.audit("case_list", account)
	act.Detail = "agent=" + truncate(agent, 64) + " status=" + truncate(status, 32)
	limit, err := limitParam(c, 500, 5000)
	if err != nil {
		return nil, err
	}
	out := data.CaseList{Cases: []data.Case{}}
	err = s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCases).ForEach(func(_, v []byte) error {
			var rec caseRec
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			if (agent != "" && rec.AgentID != agent) || (status != "" && rec.Status != status) || (account != "" && rec.AccountID != account) {
				return nil
			}
			out.Cases = append(out.Cases, rec.Case)
			return nil
		})
	})
	sort.Slice(out.Cases, func(i, j int) bool { return out.Cases[i].UpdatedAt.After(out.Cases[j].UpdatedAt) })
	if len(out.Cases) > limit {
		out.Cases = out.Cases[:limit]
	}
	return out, err
}

// updateCase loads a case, lets fn change it, and stores it.
func (s *Server) updateCase(c *call, fn func(cs *caseRec) error) (data.Case, error) {
	var out data.Case
	id, err := pathCaseID(c)
	if err != nil {
		return out, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCases)
		var rec caseRec
		ok, err := getJSON(b, []byte(id), &rec)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("case")
		}
		if c.act != nil {
			c.act.AccountID = rec.AccountID
		}
		if err := fn(&rec); err != nil {
			return err
		}
		out = rec.Case
		return putJSON(b, []byte(rec.ID), rec)
	})
	return out, err
}

func (s *Server) patchCase(c *call) (any, error) {
	act := c.audit("case_update", "")
	var p data.CasePatch
	if err := c.decode(&p); err != nil {
		return nil, err
	}
	if p.Status != nil && !caseStatuses[*p.Status] {
		return nil, badRequest("unknown status %q", *p.Status).with("field", "status")
	}
	if p.Status != nil {
		act.Detail = "status " + *p.Status
	}
	if p.CustomerLanguage != nil && !customerLanguages[*p.CustomerLanguage] {
		return nil, badRequest("unknown customer language %q", truncate(*p.CustomerLanguage, 40)).with("field", "customer_language")
	}
	return s.updateCase(c, func(cs *caseRec) error {
		if p.Version != cs.Version {
			// The console settles offline edits against the case as it is
			// now: it comes with the refusal, no second read needed.
			return conflict("the case changed since version %d (now %d): reload it", p.Version, cs.Version).
				with("current_version", cs.Version).with("current", cs.Case)
		}
		if p.Status != nil {
			cs.Status = *p.Status
		}
		if p.Checklist != nil {
			cs.Checklist = p.Checklist
		}
		if p.Escalation != nil {
			cs.Escalation = *p.Escalation
		}
		if p.CustomerLanguage != nil {
			cs.CustomerLanguage = *p.CustomerLanguage
		}
		cs.Version++
		cs.UpdatedAt = s.now().UTC()
		return nil
	})
}

// addNote appends a note under its client-made id. A retry with the same id
// and text answers the first answer (201 and the case as it was right after
// the append, byte for byte, with Idempotent-Replayed) and never appends twice;
// the same id with other text is a 409. Notes do not bump the version:
// appending cannot conflict with a status change.
func (s *Server) addNote(c *call) (any, error) {
	act := c.audit("case_note", "")
	var n data.Note
	if err := c.decode(&n); err != nil {
		return nil, err
	}
	act.Detail = "note " + truncate(n.ID, 100)
	caseID, err := pathCaseID(c)
	if err != nil {
		return nil, err
	}
	if !data.ValidClientID(n.ID) {
		return nil, badID("id")
	}
	if trimmed(n.Text) == "" || utf8.RuneCountInString(n.Text) > maxNoteLen {
		return nil, badRequest("note text is required, at most %d characters", maxNoteLen).with("field", "text")
	}
	scope, fp := idemScope("note", caseID, n.ID), fingerprint(n.Text)
	var out answer
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCases)
		var rec caseRec
		ok, err := getJSON(b, []byte(caseID), &rec)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("case")
		}
		act.AccountID = rec.AccountID
		for _, have := range rec.Notes {
			if have.ID != n.ID {
				continue
			}
			if have.Text != n.Text {
				return conflict("a different note with this id exists")
			}
			st, _, err := storedAnswer(tx, scope, fp, "")
			if err != nil || st != nil {
				if st != nil {
					out = *st
				}
				return err
			}
			// Appended before first answers were kept: the case as it is.
			body, err := encodeJSON(rec.Case)
			out = answer{status: http.StatusCreated, body: body, replayed: true}
			return err
		}
		now := s.now().UTC()
		rec.Notes = append(rec.Notes, data.Note{ID: n.ID, AuthorID: c.agent.ID, At: now, Text: n.Text})
		rec.UpdatedAt = now
		if err := putJSON(b, []byte(rec.ID), rec); err != nil {
			return err
		}
		out, err = firstAnswer(tx, scope, idemRec{BodyHash: fp}, http.StatusCreated, rec.Case)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
