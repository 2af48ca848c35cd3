package backend

import (
	"encoding/binary"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// Four-eyes approvals (SPEC sections 4 and 9): an agent asks for a high-risk
// action on an account; a supervisor other than the requester approves it with
// a comment, which runs exactly the action asked, or rejects it. A request
// nobody decides expires after Server.approvalTTL.
//
// Approvals are stored whole in bucketApprovals; bucketPending indexes the
// undecided ones by expiry, so the pending count a console polls reads only
// those, and an expired one drops out of it by its key alone.

// actionParam is the one parameter each action takes ("" for none).
var actionParam = map[string]string{
	data.ActionRemoveDevice: "device_id", data.ActionChangePhone: "new_phone", data.ActionChangeEmail: "new_email",
	data.ActionRevokeSessions: "", data.ActionDisable2FA: "",
}

// approvalParams checks that p holds exactly the parameter of action and
// returns it trimmed (nil for none).
func approvalParams(action string, p map[string]string) (map[string]string, error) {
	want, known := actionParam[action]
	if !known {
		return nil, badRequest("unknown action %q", action).with("field", "action")
	}
	var out map[string]string
	for k, v := range p {
		if k != want {
			return nil, badRequest("%s is not a parameter of %s", truncate(k, 40), action).with("field", "params")
		}
		out = map[string]string{k: trimmed(v)}
	}
	if want != "" && out[want] == "" {
		return nil, badRequest("%s needs params.%s", action, want).with("field", "params")
	}
	return out, nil
}

// present is ap as answers show it at now: a pending request past its expiry
// is expired. Requests stored before expiry existed expire after the TTL.
func (s *Server) present(ap data.Approval, now time.Time) data.Approval {
	if ap.ExpiresAt.IsZero() {
		ap.ExpiresAt = ap.RequestedAt.Add(s.approvalTTL)
	}
	if ap.Status == data.ApprovalPending && !now.Before(ap.ExpiresAt) {
		ap.Status = data.ApprovalExpired
	}
	return ap
}

func pendingKey(ap *data.Approval) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(ap.ExpiresAt.UnixNano())), ap.ID...)
}

// walkPending calls fn with the id and requester of every approval pending at
// now, soonest to expire first.
func walkPending(tx *bolt.Tx, now time.Time, fn func(id, requestedBy string) error) error {
	c := tx.Bucket(bucketPending).Cursor()
	for k, v := c.Seek(binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano())+1)); k != nil; k, v = c.Next() {
		if len(k) <= 8 {
			continue
		}
		if err := fn(string(k[8:]), string(v)); err != nil {
			return err
		}
	}
	return nil
}

// purgePending drops the index keys of requests that expired by now, so the
// index holds only what can still be decided.
func purgePending(tx *bolt.Tx, now time.Time) error {
	b := tx.Bucket(bucketPending)
	c := b.Cursor()
	end := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano())+1)
	var old [][]byte
	for k, _ := c.First(); k != nil && string(k) < string(end); k, _ = c.Next() {
		old = append(old, append([]byte(nil), k...))
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// requestApproval serves POST /v1/approvals. With an Idempotency-Key a repeat
// of the same request answers its first answer instead of asking twice.
func (s *Server) requestApproval(c *call) (any, error) {
	act := c.audit("approval_request", "")
	var req data.ApprovalRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	act.AccountID, act.Reason, act.Detail = req.AccountID, trimmed(req.Reason), truncate(req.Action, 40)
	if utf8.RuneCountInString(act.Reason) > maxReason {
		// Refused whole: a reason cut short would tell the supervisor less
		// than the agent wrote, silently.
		act.Reason = truncate(act.Reason, maxReason)
		return nil, badRequest("a reason has at most %d characters", maxReason).with("field", "reason")
	}
	key := c.r.Header.Get(data.HeaderIdempotencyKey)
	if len(key) > 200 {
		return nil, badRequest("the Idempotency-Key header has at most 200 characters").with("header", data.HeaderIdempotencyKey)
	}
	if act.Reason == "" {
		return nil, badRequest("a reason is required").with("field", "reason")
	}
	if req.AccountID == "" {
		return nil, badRequest("account_id is required").with("field", "account_id")
	}
	if req.CaseID != "" && !data.ValidClientID(req.CaseID) {
		return nil, badID("case_id")
	}
	params, err := approvalParams(req.Action, req.Params)
	if err != nil {
		return nil, err
	}
	var scope []byte
	fp := fingerprint(req.AccountID, req.Action, params, act.Reason, req.CaseID)
	if key != "" {
		scope = idemScope("approval", c.agent.ID, key)
		// A repeat answers its first answer even if the action could no
		// longer be asked for now (the device has gone meanwhile).
		var st *answer
		if err := s.db.View(func(tx *bolt.Tx) error {
			var err error
			st, _, err = storedAnswer(tx, scope, fp, c.agent.ID)
			return err
		}); err != nil || st != nil {
			if st != nil {
				return *st, nil
			}
			return nil, err
		}
	}
	if err := s.validateAction(req.AccountID, req.Action, params); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	ap := data.Approval{
		ID: "ap_" + timeOrderedID(), AccountID: req.AccountID, Action: req.Action, CaseID: req.CaseID,
		Reason: act.Reason, RequestedBy: c.agent.ID, RequestedAt: now, ExpiresAt: now.Add(s.approvalTTL),
		Status: data.ApprovalPending,
	}
	ap.AccountName, ap.Params = s.namedParams(req.AccountID, params)
	var out answer
	err = s.db.Update(func(tx *bolt.Tx) error {
		if scope != nil {
			st, _, err := storedAnswer(tx, scope, fp, c.agent.ID)
			if err != nil || st != nil {
				if st != nil {
					out = *st
				}
				return err
			}
		}
		if err := purgePending(tx, now); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bucketApprovals), []byte(ap.ID), ap); err != nil {
			return err
		}
		if err := tx.Bucket(bucketPending).Put(pendingKey(&ap), []byte(ap.RequestedBy)); err != nil {
			return err
		}
		if scope != nil {
			out, err = firstAnswer(tx, scope, idemRec{BodyHash: fp, AgentID: c.agent.ID}, http.StatusCreated, ap)
			return err
		}
		body, err := encodeJSON(ap)
		out = answer{status: http.StatusCreated, body: body}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// approvalFilter is a parsed approvals query.
type approvalFilter struct {
	status, requestedBy, account string
	limit                        int
}

// parseApprovalFilter reads GET /v1/approvals and /count. Agents see only
// their own requests: naming someone else finds nothing.
func parseApprovalFilter(c *call, defStatus string) (approvalFilter, error) {
	q := c.r.URL.Query()
	f := approvalFilter{status: q.Get("status"), requestedBy: q.Get("requested_by"), account: q.Get("account_id"), limit: 500}
	if f.status == "" {
		f.status = defStatus
	}
	switch f.status {
	case "", data.ApprovalPending, data.ApprovalApproved, data.ApprovalRejected, data.ApprovalExpired:
	default:
		return f, badRequest("status must be pending, approved, rejected or expired").with("field", "status")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5000 {
			return f, badRequest("limit must be a number from 1 to 5000").with("field", "limit")
		}
		f.limit = n
	}
	if c.agent.Role != data.RoleSupervisor {
		if f.requestedBy != "" && f.requestedBy != c.agent.ID {
			f.requestedBy = "\x00nobody" // an agent asking for another's requests sees none
		} else {
			f.requestedBy = c.agent.ID
		}
	}
	return f, nil
}

func (f *approvalFilter) matches(ap *data.Approval) bool {
	return (f.status == "" || ap.Status == f.status) && (f.requestedBy == "" || ap.RequestedBy == f.requestedBy) &&
		(f.account == "" || ap.AccountID == f.account)
}

// approvals returns the approvals matching f at now, newest first, at most
// f.limit. Pending ones come from the pending index; other states read all.
func (s *Server) approvals(f approvalFilter, now time.Time) ([]data.Approval, error) {
	out := []data.Approval{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketApprovals)
		consider := func(v []byte) error {
			var ap data.Approval
			if err := json.Unmarshal(v, &ap); err != nil {
				return err
			}
			if ap = s.present(ap, now); f.matches(&ap) {
				out = append(out, ap)
			}
			return nil
		}
		if f.status == data.ApprovalPending {
			return walkPending(tx, now, func(id, requestedBy string) error {
				if f.requestedBy != "" && requestedBy != f.requestedBy {
					return nil
				}
				if v := b.Get([]byte(id)); v != nil {
					return consider(v)
				}
				return nil
			})
		}
		return b.ForEach(func(_, v []byte) error { return consider(v) })
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].RequestedAt.After(out[j].RequestedAt) })
	if len(out) > f.limit {
		out = out[:f.limit]
	}
	return out, err
}

// listApprovals serves GET /v1/approvals: supervisors see every request,
// agents their own; filters status, requested_by, account_id.
func (s *Server) listApprovals(c *call) (any, error) {
	f, err := parseApprovalFilter(c, "")
	if err != nil {
		return nil, err
	}
	aps, err := s.approvals(f, s.now())
	return data.ApprovalList{Approvals: aps}, err
}

// countApprovals serves GET /v1/approvals/count, pending by default: the
// number a console shows in its top bar and polls. Pending counts read only
// the pending index, none of the approvals themselves.
func (s *Server) countApprovals(c *call) (any, error) {
	f, err := parseApprovalFilter(c, data.ApprovalPending)
	if err != nil {
		return nil, err
	}
	out := data.ApprovalCount{Status: f.status}
	if f.status != data.ApprovalPending || f.account != "" {
		f.limit = int(^uint(0) >> 1)
		aps, err := s.approvals(f, s.now())
		out.Count = len(aps)
		return out, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		return walkPending(tx, s.now(), func(_, requestedBy string) error {
			if f.requestedBy == "" || requestedBy == f.requestedBy {
				out.Count++
			}
			return nil
		})
	})
	return out, err
}

// maxDecisionNote bounds a decision's comment (characters).
const maxDecisionNote = 500

// maxReason bounds an approval request's reason, in characters.
const maxReason = 500

func (s *Server) approve(c *call) (any, error) { return s.decide(c, true) }
func (s *Server) reject(c *call) (any, error)  { return s.decide(c, false) }

// decide approves (running the action) or rejects a pending approval, with the
// supervisor's comment. Decisions are serialised so two supervisors cannot
// both run the action. The deciding supervisor sending the same decision again
// (a retry after a lost answer) gets its first answer back.
func (s *Server) decide(c *call, approve bool) (any, error) {
	verb, action := "reject", "approval_reject"
	if approve {
		verb, action = "approve", "approval_approve"
	}
	act := c.audit(action, "")
	var req data.DecisionRequest
	if err := c.decodeOptional(&req); err != nil {
		return nil, err
	}
	if err := c.requireSupervisor(); err != nil {
		return nil, err
	}
	note := trimmed(req.Note)
	s.decideMu.Lock()
	defer s.decideMu.Unlock()
	id := c.r.PathValue("approvalId")
	var ap data.Approval
	ok, err := s.viewJSON(bucketApprovals, []byte(id), &ap)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("approval")
	}
	act.AccountID, act.Detail, act.Reason = ap.AccountID, ap.Action+" "+ap.ID, truncate(note, 500)
	if ap.RequestedBy == c.agent.ID {
		return nil, errf(http.StatusForbidden, data.ErrCodeSelfApproval,
			"you asked for this yourself: another supervisor must decide it (four eyes)")
	}
	scope, fp := idemScope("decide", ap.ID), fingerprint(verb, note)
	var st *answer
	_ = s.db.View(func(tx *bolt.Tx) error {
		// Another decision, or another supervisor's, is not a replay: the
		// state check below answers it (409, already decided).
		st, _, _ = storedAnswer(tx, scope, fp, c.agent.ID)
		return nil
	})
	if st != nil {
		return *st, nil
	}
	now := s.now()
	switch ap = s.present(ap, now); ap.Status {
	case data.ApprovalPending:
	case data.ApprovalExpired:
		return nil, errf(http.StatusConflict, data.ErrCodeApprovalExpired,
			"the request expired at %s without a decision: the agent must ask again", ap.ExpiresAt.UTC().Format(time.RFC3339)).
			with("expires_at", ap.ExpiresAt.UTC().Format(time.RFC3339))
	default:
		return nil, conflict("the approval is already %s", ap.Status).with("status", ap.Status)
	}
	switch {
	case note == "":
		return nil, errf(http.StatusUnprocessableEntity, data.ErrCodeBadRequest, "a comment is required to %s a request", verb).with("field", "note")
	case utf8.RuneCountInString(note) > maxDecisionNote:
		return nil, errf(http.StatusUnprocessableEntity, data.ErrCodeBadRequest, "the comment has at most %d characters", maxDecisionNote).with("field", "note")
	}
	pk := pendingKey(&ap)
	if approve {
		// Exactly what was asked: that account, that action, those params,
		// on behalf of the agent who asked.
		res, err := s.runAction(c.r.Context(), ap.AccountID, ap.Action, ap.Params, ap.RequestedBy, nil)
		if err != nil {
			return nil, err
		}
		ap.Result = res
		ap.Status = data.ApprovalApproved
	} else {
		ap.Status = data.ApprovalRejected
	}
	t := s.now().UTC()
	ap.DecidedBy, ap.DecidedAt, ap.Note = c.agent.ID, &t, note
	var out answer
	if err := s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketApprovals), []byte(ap.ID), ap); err != nil {
			return err
		}
		if err := tx.Bucket(bucketPending).Delete(pk); err != nil {
			return err
		}
		var err error
		out, err = firstAnswer(tx, scope, idemRec{BodyHash: fp, AgentID: c.agent.ID}, http.StatusOK, ap)
		return err
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// metaPendingIndexed marks a file whose pending index is complete.
var metaPendingIndexed = []byte("approvals_pending_v1")

// indexPending fills the pending index of a file written before it existed,
// once: undecided requests get their expiry (requested at + ttl) and a key.
func indexPending(db *bolt.DB, ttl time.Duration) error {
	var done bool
	_ = db.View(func(tx *bolt.Tx) error {
		done = tx.Bucket(bucketMeta).Get(metaPendingIndexed) != nil
		return nil
	})
	if done {
		return nil
	}
	return db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketApprovals)
		var fixed []data.Approval
		if err := b.ForEach(func(_, v []byte) error {
			var ap data.Approval
			if json.Unmarshal(v, &ap) != nil || ap.Status != data.ApprovalPending {
				return nil
			}
			if ap.ExpiresAt.IsZero() {
				ap.ExpiresAt = ap.RequestedAt.Add(ttl)
			}
			fixed = append(fixed, ap)
			return nil
		}); err != nil {
			return err
		}
		for i := range fixed {
			if err := putJSON(b, []byte(fixed[i].ID), fixed[i]); err != nil {
				return err
			}
			if err := tx.Bucket(bucketPending).Put(pendingKey(&fixed[i]), []byte(fixed[i].RequestedBy)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(metaPendingIndexed, []byte("1"))
	})
}

// namedParams is what a person reads beside the ids of a request: the
// customer's name, and params with device_name for a device to remove (its
// name and model) as the account showed them when the request was made. The
// action runs on the ids alone.
func (s *Server) namedParams(accountID string, params map[string]string) (string, map[string]string) {
	id := params["device_id"]
	var name, label string
	_ = s.db.View(func(tx *bolt.Tx) error {
		a, err := loadAccount(tx, accountID)
		if err != nil || a == nil {
			return err
		}
		name = a.Name
		for _, d := range a.Devices {
			if d.ID == id {
				label = d.Name
				if d.Model != "" && d.Model != d.Name {
					label += " (" + d.Model + ")"
				}
			}
		}
		return nil
	})
	if id == "" || label == "" {
		return name, params
	}
	out := map[string]string{"device_name": label}
	for k, v := range params {
		out[k] = v
	}
	return name, out
}
