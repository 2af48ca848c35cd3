package backend

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/nyaruka/phonenumbers"
	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

var sensitiveActions = map[string]bool{
	data.ActionRemoveDevice: true, data.ActionRevokeSessions: true, data.ActionDisable2FA: true,
	data.ActionChangePhone: true, data.ActionChangeEmail: true,
}

// proofActions are the actions an identity proof can authorise (one of them,
// once), in the order the console offers them.
func proofActions() []string {
	return []string{data.ActionRemoveDevice, data.ActionRevokeSessions, data.ActionDisable2FA, data.ActionChangePhone, data.ActionChangeEmail}
}

func identityRequired(format string, args ...any) *apiError {
	return errf(http.StatusForbidden, data.ErrCodeIdentityRequired, format, args...)
}

func codeHash(code string, salt []byte) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(code))
	return h.Sum(nil)
}

// startCheck sends a one-time code to a channel only the real owner controls
// (a trusted device's app notification, or the registered email).
func (s *Server) startCheck(c *call) (any, error) {
	id := c.r.PathValue("id")
	act := c.audit("identity_check_start", id)
	var req data.IdentityCheckRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	act.Detail = truncate(req.Channel, 20)
	if req.Channel != data.ChannelAppPush && req.Channel != data.ChannelEmail {
		return nil, badRequest("identity checks go to app_push (trusted devices) or email only").with("field", "channel")
	}
	now := s.now().UTC()
	code := newCode()
	salt := randomBytes(16)
	var chk checkRec
	_, _, err := s.send(c.r.Context(), sendSpec{
		AccountID: id, Channel: req.Channel, Purpose: data.PurposeIdentityCheck,
		RequestedBy: data.RequesterAgent, AgentID: c.agent.ID, Limited: true, code: code,
		beforeCommit: func(tx *bolt.Tx, d *deliveryRec) error {
			a, err := loadAccount(tx, id)
			if err != nil {
				return err
			}
			if a.CheckLockedTill.After(now) {
				return errf(http.StatusForbidden, data.ErrCodeLocked, "identity checks for this account are locked after wrong codes until %s", a.CheckLockedTill.Format(time.RFC3339)).
					with("until", a.CheckLockedTill.Format(time.RFC3339))
			}
			chk = checkRec{
				IdentityCheck: data.IdentityCheck{ID: "ic_" + uuid.NewString(), AccountID: id, Channel: req.Channel,
					DestinationMasked: d.DestinationMasked, ExpiresAt: now.Add(identityCheckTTL), AttemptsLeft: checkAttempts},
				AgentID: c.agent.ID, Salt: salt, CodeHash: codeHash(code, salt),
			}
			return putJSON(tx.Bucket(bucketChecks), []byte(chk.ID), chk)
		},
	})
	if err != nil {
		return nil, err
	}
	c.status = http.StatusCreated
	return chk.IdentityCheck, nil
}

func (s *Server) verifyCheck(c *call) (any, error) {
	checkID := c.r.PathValue("checkId")
	act := c.audit("identity_check_verify", "")
	var req data.VerifyRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Code == "" {
		return nil, badRequest("code is required").with("field", "code")
	}
	now := s.now().UTC()
	var proof data.IdentityProof
	var result error
	err := s.db.Update(func(tx *bolt.Tx) error {
		cb := tx.Bucket(bucketChecks)
		var chk checkRec
		ok, err := getJSON(cb, []byte(checkID), &chk)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("identity check")
		}
		act.AccountID = chk.AccountID
		switch {
		case chk.AgentID != c.agent.ID:
			return forbidden("this identity check was started by another agent")
		case chk.Locked:
			return errf(http.StatusForbidden, data.ErrCodeLocked, "too many wrong codes: start a new identity check later").with("attempts_left", 0)
		case chk.Done:
			return conflict("this identity check was already verified")
		case !now.Before(chk.ExpiresAt):
			return identityRequired("the identity check expired: start a new one")
		}
		if subtle.ConstantTimeCompare(codeHash(strings.TrimSpace(req.Code), chk.Salt), chk.CodeHash) != 1 {
			chk.AttemptsLeft--
			act.Detail = "wrong code"
			if chk.AttemptsLeft <= 0 {
				chk.AttemptsLeft = 0
				chk.Locked = true
				a, err := loadAccount(tx, chk.AccountID)
				if err != nil {
					return err
				}
				if a != nil {
					prev := *a
					a.CheckLockedTill = now.Add(checkLockout)
					if err := saveAccount(tx, &prev, a); err != nil {
						return err
					}
				}
				result = errf(http.StatusForbidden, data.ErrCodeLocked, "too many wrong codes: identity checks for this account are locked for %d minutes", int(checkLockout.Minutes())).
					with("attempts_left", 0)
			} else {
				result = errf(http.StatusForbidden, data.ErrCodeWrongCode, "wrong code").with("attempts_left", chk.AttemptsLeft)
			}
			// The attempt must be counted even though the call fails, so the
			// transaction commits and the error is returned after it.
			return putJSON(cb, []byte(chk.ID), chk)
		}
		chk.Done = true
		if err := putJSON(cb, []byte(chk.ID), chk); err != nil {
			return err
		}
		proof = data.IdentityProof{Proof: "pf_" + randomToken(24), AccountID: chk.AccountID, ExpiresAt: now.Add(proofTTL),
			UsesLeft: 1, Actions: proofActions()}
		act.Detail = "verified"
		pb := tx.Bucket(bucketProofs)
		// Proofs that were never used would stay forever: drop the expired
		// ones whenever a new one is made, so the bucket holds at most the
		// proofs of the last 15 minutes.
		if err := purgeExpiredProofs(pb, now); err != nil {
			return err
		}
		return putJSON(pb, []byte(proof.Proof), proofRec{AccountID: chk.AccountID, AgentID: c.agent.ID, ExpiresAt: proof.ExpiresAt})
	})
	if err != nil {
		return nil, err
	}
	if result != nil {
		return nil, result
	}
	return proof, nil
}

// purgeExpiredProofs deletes the proofs of b that expired at now.
func purgeExpiredProofs(b *bolt.Bucket, now time.Time) error {
	var expired [][]byte
	_ = b.ForEach(func(k, v []byte) error {
		var rec proofRec
		if json.Unmarshal(v, &rec) != nil || !now.Before(rec.ExpiresAt) {
			expired = append(expired, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range expired {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// proofProblem says why a stored proof (found tells whether it is stored at
// all) cannot authorise an action on accountID by agentID at now; nil when it
// can.
func proofProblem(rec proofRec, found bool, now time.Time, accountID, agentID string) *apiError {
	switch {
	case !found:
		return identityRequired("unknown or already used identity proof: verify the caller again")
	case !now.Before(rec.ExpiresAt):
		return identityRequired("the identity proof expired: verify the caller again")
	case rec.AccountID != accountID:
		return identityRequired("the identity proof is for another account")
	case rec.AgentID != agentID:
		return identityRequired("the identity proof belongs to another agent")
	}
	return nil
}

// authorizeSensitive checks the Identity-Proof or Approval-Id header of a
// sensitive call. It returns the approval when one was used: its action already
// ran when it was approved, so the handler answers with its result. Otherwise it
// returns the proof, which the action consumes (useProof): this check only
// answers early, before the action's parameters are validated.
func (s *Server) authorizeSensitive(c *call, accountID, action string, params map[string]string) (*data.Approval, string, error) {
	now := s.now()
	if p := c.r.Header.Get(data.HeaderIdentityProof); p != "" {
		var rec proofRec
		found, err := s.viewJSON(bucketProofs, []byte(p), &rec)
		if err != nil {
			return nil, "", err
		}
		if e := proofProblem(rec, found, now, accountID, c.agent.ID); e != nil {
			return nil, "", e
		}
		c.act.Detail = "identity proof"
		return nil, p, nil
	}
	if id := c.r.Header.Get(data.HeaderApprovalID); id != "" {
		var ap data.Approval
		ok, err := s.viewJSON(bucketApprovals, []byte(id), &ap)
		if err != nil {
			return nil, "", err
		}
		ap = s.present(ap, now)
		switch {
		case !ok:
			return nil, "", identityRequired("unknown approval")
		case ap.Status != data.ApprovalApproved || ap.Result == nil:
			return nil, "", identityRequired("the approval is %s, not approved", ap.Status)
		case ap.AccountID != accountID || ap.Action != action:
			return nil, "", identityRequired("the approval is for another account or action")
		case ap.RequestedBy != c.agent.ID:
			return nil, "", identityRequired("the approval was requested by another agent")
		}
		for k, v := range params {
			if ap.Params[k] != v {
				return nil, "", identityRequired("the approval was given for a different %s", k)
			}
		}
		c.act.Detail = "approval " + ap.ID
		return &ap, "", nil
	}
	return nil, "", identityRequired("this action needs an Identity-Proof (verify the caller) or an approved Approval-Id")
}

// useProof returns the step that consumes an identity proof inside the write
// transaction of the action it authorises. A proof is good for one action: a
// second action with it, even one racing the first, finds it gone (403
// identity_check_required). The delete commits only with the action, so an
// action refused inside its transaction (the device already removed, the new
// phone taken meanwhile) rolls it back and the proof stays usable for the
// corrected action until it expires.
func (s *Server) useProof(proof, accountID, agentID string) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketProofs)
		var rec proofRec
		found, err := getJSON(b, []byte(proof), &rec)
		if err != nil {
			return err
		}
		if e := proofProblem(rec, found, s.now(), accountID, agentID); e != nil {
			return e
		}
		return b.Delete([]byte(proof))
	}
}

// sensitive runs one sensitive action for the {id} account after checking its
// authorization.
func (s *Server) sensitive(c *call, action string, params map[string]string) (any, error) {
	accountID := c.r.PathValue("id")
	c.audit(action, accountID)
	ap, proof, err := s.authorizeSensitive(c, accountID, action, params)
	if err != nil {
		return nil, err
	}
	if ap != nil {
		// The action ran when the approval was given: answer its result.
		return ap.Result, nil
	}
	if err := s.validateAction(accountID, action, params); err != nil {
		return nil, err
	}
	return s.runAction(c.r.Context(), accountID, action, params, c.agent.ID, s.useProof(proof, accountID, c.agent.ID))
}

func (s *Server) removeDevice(c *call) (any, error) {
	return s.sensitive(c, data.ActionRemoveDevice, map[string]string{"device_id": c.r.PathValue("deviceId")})
}

func (s *Server) revokeSessions(c *call) (any, error) {
	return s.sensitive(c, data.ActionRevokeSessions, nil)
}

func (s *Server) disable2FA(c *call) (any, error) {
	return s.sensitive(c, data.ActionDisable2FA, nil)
}

func (s *Server) changeContact(c *call) (any, error) {
	var req data.ContactChange
	if err := c.decode(&req); err != nil {
		c.audit("change_contact", c.r.PathValue("id"))
		return nil, err
	}
	req.Phone, req.Email = trimmed(req.Phone), trimmed(req.Email)
	switch {
	case req.Phone != "" && req.Email == "":
		return s.sensitive(c, data.ActionChangePhone, map[string]string{"new_phone": req.Phone})
	case req.Email != "" && req.Phone == "":
		return s.sensitive(c, data.ActionChangeEmail, map[string]string{"new_email": req.Email})
	}
	c.audit("change_contact", c.r.PathValue("id"))
	return nil, badRequest("give exactly one of phone or email")
}

// validateAction checks an action's target and parameters before any proof is
// consumed or approval stored.
func (s *Server) validateAction(accountID, action string, params map[string]string) error {
	if !sensitiveActions[action] {
		return badRequest("unknown action %q", action).with("field", "action")
	}
	switch action {
	case data.ActionChangePhone:
		p := params["new_phone"]
		n, err := phonenumbers.Parse(p, "")
		if !isE164ish(p) || err != nil || !phonenumbers.IsValidNumber(n) || phonenumbers.Format(n, phonenumbers.E164) != p {
			return badRequest("new_phone must be a valid number in E.164 form").with("field", "new_phone")
		}
	case data.ActionChangeEmail:
		e := params["new_email"]
		at := strings.LastIndexByte(e, '@')
		if at < 1 || at == len(e)-1 || strings.ContainsAny(e, " \t\r\n") || len(e) > 254 {
			return badRequest("new_email must be an email address").with("field", "new_email")
		}
	}
	return s.db.View(func(tx *bolt.Tx) error {
		a, err := loadAccount(tx, accountID)
		if err != nil {
			return err
		}
		if a == nil {
			return notFound("account")
		}
		switch action {
		case data.ActionChangePhone:
			if other := tx.Bucket(bucketPhoneIdx).Get([]byte(params["new_phone"])); other != nil && string(other) != a.ID {
				return conflict("another account uses this phone number")
			}
		case data.ActionChangeEmail:
			if other := tx.Bucket(bucketEmailIdx).Get([]byte(normEmail(params["new_email"]))); other != nil && string(other) != a.ID {
				return conflict("another account uses this email address")
			}
		}
		if action == data.ActionRemoveDevice {
			for _, d := range a.Devices {
				if d.ID == params["device_id"] {
					return nil
				}
			}
			return notFound("trusted device")
		}
		return nil
	})
}

// runAction performs a sensitive action and, once it is committed, notifies
// the account holder. authorize, when not nil, runs first inside the action's
// write transaction (useProof), so it commits or rolls back with the action.
func (s *Server) runAction(ctx context.Context, accountID, action string, params map[string]string, agentID string, authorize func(*bolt.Tx) error) (*data.ActionResult, error) {
	res := &data.ActionResult{Action: action, AccountID: accountID}
	changesContact := action == data.ActionChangePhone || action == data.ActionChangeEmail
	// before is the account as the transaction found it: the notice of a
	// contact change goes to the contact being replaced, since if the change
	// is an attack the new contact belongs to the attacker.
	var before accountRec
	err := s.db.Update(func(tx *bolt.Tx) error {
		if authorize != nil {
			if err := authorize(tx); err != nil {
				return err
			}
		}
		a, err := loadAccount(tx, accountID)
		if err != nil {
			return err
		}
		if a == nil {
			return notFound("account")
		}
		prev := *a
		before = prev
		switch action {
		case data.ActionRemoveDevice:
			kept := a.Devices[:0:0]
			found := false
			for _, d := range a.Devices {
				if d.ID == params["device_id"] {
					found = true
					res.SessionsRevoked = d.Sessions
					continue
				}
				kept = append(kept, d)
			}
			if !found {
				return notFound("trusted device")
			}
			a.Devices = kept
		case data.ActionRevokeSessions:
			res.SessionsRevoked = a.OtherSessions
			a.OtherSessions = 0
			devs := make([]deviceRec, len(a.Devices))
			copy(devs, a.Devices)
			for i := range devs {
				res.SessionsRevoked += devs[i].Sessions
				devs[i].Sessions = 0
			}
			a.Devices = devs
		case data.ActionDisable2FA:
			a.TwoFactor.Enabled = false
			a.TwoFactor.Method = ""
		case data.ActionChangePhone:
			p := params["new_phone"]
			if other := tx.Bucket(bucketPhoneIdx).Get([]byte(p)); other != nil && string(other) != a.ID {
				return conflict("another account uses this phone number")
			}
			a.Phone, a.PhoneVerified = p, false
		case data.ActionChangeEmail:
			e := params["new_email"]
			if other := tx.Bucket(bucketEmailIdx).Get([]byte(normEmail(e))); other != nil && string(other) != a.ID {
				return conflict("another account uses this email address")
			}
			a.Email, a.EmailVerified = e, false
		}
		return saveAccount(tx, &prev, a)
	})
	if err != nil {
		// Nothing changed, so the holder is told nothing.
		return nil, err
	}
	var contacts *accountRec
	if changesContact {
		contacts = &before
	}
	res.NoticeDeliveryID = s.sendNotice(ctx, accountID, agentID, contacts)
	return res, nil
}
