package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

func devices(e *env, tok, id string) []data.TrustedDevice {
	e.t.Helper()
	r := e.do("GET", "/v1/accounts/"+id+"/trusted-devices", tok, nil)
	e.want(r, 200)
	var l data.TrustedDeviceList
	r.decode(e.t, &l)
	return l.Devices
}

func TestRemoveLostDeviceAfterIdentityCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	if n := len(devices(e, tok, "acc_1014")); n != 2 {
		t.Fatalf("%d devices", n)
	}
	// Without a proof: refused.
	r := e.do("DELETE", "/v1/accounts/acc_1014/trusted-devices/dv_br_2", tok, nil)
	e.want(r, http.StatusForbidden)
	if r.apiErr(t).Code != data.ErrCodeIdentityRequired {
		t.Errorf("code %s", r.apiErr(t).Code)
	}
	p := e.proof(tok, "acc_1014", data.ChannelEmail)
	r = e.do("DELETE", "/v1/accounts/acc_1014/trusted-devices/dv_br_2", tok, nil, data.HeaderIdentityProof, p)
	e.want(r, 200)
	var res data.ActionResult
	r.decode(t, &res)
	if res.Action != data.ActionRemoveDevice || res.SessionsRevoked != 3 || res.NoticeDeliveryID == "" {
		t.Errorf("result %+v", res)
	}
	devs := devices(e, tok, "acc_1014")
	if len(devs) != 1 || devs[0].ID != "dv_br_3" {
		t.Errorf("devices after removal %+v", devs)
	}
	// The account holder got a security notice, shown in the delivery log.
	ds := e.deliveries(tok, "acc_1014")
	if ds[0].ID != res.NoticeDeliveryID || ds[0].Purpose != data.PurposeSecurityNotice || ds[0].RequestedBy != data.RequesterSystem {
		t.Errorf("newest delivery %+v", ds[0])
	}
	// The proof was used up by the removal.
	r = e.do("DELETE", "/v1/accounts/acc_1014/trusted-devices/dv_br_2", tok, nil, data.HeaderIdentityProof, p)
	e.want(r, http.StatusForbidden)
	if r.apiErr(t).Code != data.ErrCodeIdentityRequired {
		t.Errorf("reused proof: %s", r.Body)
	}
	// Removing it again with a new proof: 404.
	e.clock.Advance(time.Minute) // past the per-minute send limit
	p = e.proof(tok, "acc_1014", data.ChannelEmail)
	e.want(e.do("DELETE", "/v1/accounts/acc_1014/trusted-devices/dv_br_2", tok, nil, data.HeaderIdentityProof, p), http.StatusNotFound)
}

func TestProofIsSingleUse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	p := e.proof(tok, "acc_1005", data.ChannelAppPush)
	// A refused action does not use the proof up.
	e.want(e.do("DELETE", "/v1/accounts/acc_1005/trusted-devices/dv_nope", tok, nil, data.HeaderIdentityProof, p), http.StatusNotFound)
	e.want(e.do("POST", "/v1/accounts/acc_1005/sessions/revoke", tok, nil, data.HeaderIdentityProof, p), 200)
	// A second action needs a new identity check.
	r := e.do("POST", "/v1/accounts/acc_1005/two-factor/disable", tok, nil, data.HeaderIdentityProof, p)
	e.want(r, http.StatusForbidden)
	if r.apiErr(t).Code != data.ErrCodeIdentityRequired {
		t.Errorf("second action with one proof: %s", r.Body)
	}
	var a data.Account
	e.do("GET", "/v1/accounts/acc_1005", tok, nil).decode(t, &a)
	if !a.TwoFactor.Enabled {
		t.Error("2FA was turned off with a used proof")
	}

	// Two actions racing with one proof: exactly one runs.
	e.clock.Advance(time.Minute) // past the per-minute send limit
	p = e.proof(tok, "acc_1005", data.ChannelAppPush)
	statuses := make(chan int, 2)
	for range 2 {
		go func() {
			req, _ := http.NewRequest("POST", e.srv.URL+"/v1/accounts/acc_1005/sessions/revoke", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set(data.HeaderIdentityProof, p)
			res, err := e.srv.Client().Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			res.Body.Close()
			statuses <- res.StatusCode
		}()
	}
	got := map[int]int{}
	for range 2 {
		got[<-statuses]++
	}
	if got[http.StatusOK] != 1 || got[http.StatusForbidden] != 1 {
		t.Errorf("two actions with one proof answered %v, want one 200 and one 403", got)
	}
}

func TestExpiredProofsArePurged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	old := e.proof(tok, "acc_1005", data.ChannelAppPush)
	e.clock.Advance(16 * time.Minute)
	e.proof(tok, "acc_1005", data.ChannelAppPush)
	var n int
	_ = e.s.db.View(func(tx *bolt.Tx) error { n = tx.Bucket(bucketProofs).Stats().KeyN; return nil })
	if n != 1 {
		t.Errorf("%d stored proofs, want 1: the expired one stays forever", n)
	}
	e.want(e.do("POST", "/v1/accounts/acc_1005/sessions/revoke", tok, nil, data.HeaderIdentityProof, old), http.StatusForbidden)
}

func TestProofExpiredOrForeign(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, lee := e.signIn("ana"), e.signIn("lee")
	p := e.proof(ana, "acc_1005", data.ChannelAppPush)
	// Another agent cannot use ana's proof; nor can ana on another account.
	for _, c := range []struct{ tok, acc string }{{lee, "acc_1005"}, {ana, "acc_1014"}} {
		r := e.do("POST", "/v1/accounts/"+c.acc+"/sessions/revoke", c.tok, nil, data.HeaderIdentityProof, p)
		e.want(r, http.StatusForbidden)
		if r.apiErr(t).Code != data.ErrCodeIdentityRequired {
			t.Errorf("foreign proof: %s", r.Body)
		}
	}
	e.want(e.do("POST", "/v1/accounts/acc_1005/sessions/revoke", ana, nil, data.HeaderIdentityProof, "pf_forged"), http.StatusForbidden)
	e.clock.Advance(15 * time.Minute)
	r := e.do("POST", "/v1/accounts/acc_1005/sessions/revoke", ana, nil, data.HeaderIdentityProof, p)
	e.want(r, http.StatusForbidden)
	if r.apiErr(t).Code != data.ErrCodeIdentityRequired {
		t.Errorf("expired proof: %s", r.Body)
	}
}

func TestRevokeDisableAndChangeContact(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	// A proof is good for one action; each new check waits out the
	// per-minute send limit.
	proof := func() string {
		e.clock.Advance(time.Minute)
		return e.proof(tok, "acc_1005", data.ChannelAppPush)
	}
	r := e.do("POST", "/v1/accounts/acc_1005/sessions/revoke", tok, nil, data.HeaderIdentityProof, proof())
	e.want(r, 200)
	var res data.ActionResult
	r.decode(t, &res)
	if res.SessionsRevoked != 3 {
		t.Errorf("revoked %d sessions, want 3", res.SessionsRevoked)
	}
	r = e.do("POST", "/v1/accounts/acc_1005/two-factor/disable", tok, nil, data.HeaderIdentityProof, proof())
	e.want(r, 200)
	r = e.do("GET", "/v1/accounts/acc_1005", tok, nil)
	var a data.Account
	r.decode(t, &a)
	if a.TwoFactor.Enabled {
		t.Error("2FA still enabled")
	}
	r = e.do("POST", "/v1/accounts/acc_1005/contact", tok, data.ContactChange{Email: "carter.e@example.net"}, data.HeaderIdentityProof, proof())
	e.want(r, 200)
	r.decode(t, &res)
	// The notice goes to the address being replaced.
	noticed := false
	for _, d := range e.deliveries(tok, "acc_1005") {
		if d.ID == res.NoticeDeliveryID {
			noticed = d.DestinationMasked == "e***@example.com"
		}
	}
	if !noticed {
		t.Error("the email-change notice did not go to the old address")
	}
	r = e.do("POST", "/v1/accounts/acc_1005/contact", tok, data.ContactChange{Phone: "+16502530001"}, data.HeaderIdentityProof, proof())
	e.want(r, 200)
	if got := e.findPhone(tok, "+16502530001"); got.ID != "acc_1005" || got.PhoneVerified {
		t.Errorf("after phone change %+v", got)
	}
	// Taken, malformed or ambiguous contact changes (refused before they
	// run, so one proof serves them all).
	p := proof()
	e.want(e.do("POST", "/v1/accounts/acc_1005/contact", tok, data.ContactChange{Email: "2fa.pending@example.com"}, data.HeaderIdentityProof, p), http.StatusConflict)
	e.want(e.do("POST", "/v1/accounts/acc_1005/contact", tok, data.ContactChange{Phone: "0936123456"}, data.HeaderIdentityProof, p), http.StatusBadRequest)
	e.want(e.do("POST", "/v1/accounts/acc_1005/contact", tok, data.ContactChange{}, data.HeaderIdentityProof, p), http.StatusBadRequest)
	notices := 0
	for _, d := range e.deliveries(tok, "acc_1005") {
		if d.Purpose == data.PurposeSecurityNotice {
			notices++
		}
	}
	if notices != 4 {
		t.Errorf("%d security notices, want 4 (one per action)", notices)
	}
}

func TestWrongCodesLockOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	chk, code := e.startCheck(tok, "acc_1007", data.ChannelEmail)
	if chk.AttemptsLeft != 3 {
		t.Fatalf("attempts %d", chk.AttemptsLeft)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for left := 2; left >= 1; left-- {
		r := e.do("POST", "/v1/identity-checks/"+chk.ID+"/verify", tok, data.VerifyRequest{Code: wrong})
		e.want(r, http.StatusForbidden)
		if got := r.apiErr(t).Code; got != data.ErrCodeWrongCode {
			t.Errorf("wrong code answered code %q, want %q", got, data.ErrCodeWrongCode)
		}
		if got := r.apiErr(t).Details["attempts_left"]; got != float64(left) {
			t.Errorf("attempts_left %v, want %d", got, left)
		}
	}
	r := e.do("POST", "/v1/identity-checks/"+chk.ID+"/verify", tok, data.VerifyRequest{Code: wrong})
	e.want(r, http.StatusForbidden)
	if r.apiErr(t).Code != data.ErrCodeLocked {
		t.Errorf("third wrong code: %s", r.Body)
	}
	// Even the right code no longer works, and new checks are locked for a while.
	e.want(e.do("POST", "/v1/identity-checks/"+chk.ID+"/verify", tok, data.VerifyRequest{Code: code}), http.StatusForbidden)
	e.clock.Advance(2 * time.Minute)
	r = e.do("POST", "/v1/accounts/acc_1007/identity-checks", tok, data.IdentityCheckRequest{Channel: data.ChannelEmail})
	e.want(r, http.StatusForbidden)
	if r.apiErr(t).Code != data.ErrCodeLocked {
		t.Errorf("new check while locked: %s", r.Body)
	}
	e.clock.Advance(15 * time.Minute)
	e.proof(tok, "acc_1007", data.ChannelEmail)
}

func TestIdentityCheckRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, lee := e.signIn("ana"), e.signIn("lee")
	// SMS is not a channel only the owner controls; a device with
	// notifications off cannot be used.
	e.want(e.do("POST", "/v1/accounts/acc_1005/identity-checks", ana, data.IdentityCheckRequest{Channel: data.ChannelSMS}), http.StatusBadRequest)
	e.want(e.do("POST", "/v1/accounts/acc_1010/identity-checks", ana, data.IdentityCheckRequest{Channel: data.ChannelAppPush}), http.StatusUnprocessableEntity)
	chk, code := e.startCheck(ana, "acc_1005", data.ChannelAppPush)
	// Another agent cannot verify ana's check.
	e.want(e.do("POST", "/v1/identity-checks/"+chk.ID+"/verify", lee, data.VerifyRequest{Code: code}), http.StatusForbidden)
	e.want(e.do("POST", "/v1/identity-checks/nope/verify", ana, data.VerifyRequest{Code: code}), http.StatusNotFound)
	e.want(e.do("POST", "/v1/identity-checks/"+chk.ID+"/verify", ana, data.VerifyRequest{}), http.StatusBadRequest)
	// An expired check.
	e.clock.Advance(11 * time.Minute)
	r := e.do("POST", "/v1/identity-checks/"+chk.ID+"/verify", ana, data.VerifyRequest{Code: code})
	e.want(r, http.StatusForbidden)
	// A verified check cannot be verified twice.
	chk2, code2 := e.startCheck(ana, "acc_1005", data.ChannelAppPush)
	e.want(e.do("POST", "/v1/identity-checks/"+chk2.ID+"/verify", ana, data.VerifyRequest{Code: code2}), 200)
	e.want(e.do("POST", "/v1/identity-checks/"+chk2.ID+"/verify", ana, data.VerifyRequest{Code: code2}), http.StatusConflict)
}

func TestApprovals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, lee, sam := e.signIn("ana"), e.signIn("lee"), e.signIn("sam")
	req := data.ApprovalRequest{AccountID: "acc_1014", Action: data.ActionRemoveDevice, Params: map[string]string{"device_id": "dv_br_2"}, Reason: "customer cannot pass identity check, lost phone"}
	r := e.do("POST", "/v1/approvals", ana, req)
	e.want(r, http.StatusCreated)
	var ap data.Approval
	r.decode(t, &ap)
	if ap.Status != data.ApprovalPending || ap.RequestedBy != "ag_ana" {
		t.Fatalf("approval %+v", ap)
	}
	if !ap.ExpiresAt.Equal(ap.RequestedAt.Add(DefaultApprovalTTL)) || ap.Params["device_id"] != "dv_br_2" {
		t.Errorf("approval %+v: want it to expire after the default TTL", ap)
	}
	// Agents cannot decide; the requester cannot either.
	e.want(e.do("POST", "/v1/approvals/"+ap.ID+"/approve", lee, data.DecisionRequest{Note: "ok"}), http.StatusForbidden)
	e.want(e.do("POST", "/v1/approvals/"+ap.ID+"/approve", ana, data.DecisionRequest{Note: "ok"}), http.StatusForbidden)
	// Using the approval before it is approved does nothing.
	e.want(e.do("DELETE", "/v1/accounts/acc_1014/trusted-devices/dv_br_2", ana, nil, data.HeaderApprovalID, ap.ID), http.StatusForbidden)
	r = e.do("POST", "/v1/approvals/"+ap.ID+"/approve", sam, data.DecisionRequest{Note: "ok, verified by video call"})
	e.want(r, 200)
	r.decode(t, &ap)
	if ap.Status != data.ApprovalApproved || ap.DecidedBy != "ag_sam" || ap.Result == nil || ap.Result.SessionsRevoked != 3 {
		t.Fatalf("approved %+v", ap)
	}
	if n := len(devices(e, ana, "acc_1014")); n != 1 {
		t.Errorf("device not removed on approval: %d devices", n)
	}
	e.want(e.do("POST", "/v1/approvals/"+ap.ID+"/approve", sam, data.DecisionRequest{Note: "again"}), http.StatusConflict)
	// The requester may present it: the result, no second run. Others may not.
	r = e.do("DELETE", "/v1/accounts/acc_1014/trusted-devices/dv_br_2", ana, nil, data.HeaderApprovalID, ap.ID)
	e.want(r, 200)
	e.want(e.do("DELETE", "/v1/accounts/acc_1014/trusted-devices/dv_br_2", lee, nil, data.HeaderApprovalID, ap.ID), http.StatusForbidden)

	// A supervisor's own request needs another supervisor.
	r = e.do("POST", "/v1/approvals", sam, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionDisable2FA, Reason: "test"})
	e.want(r, http.StatusCreated)
	var own data.Approval
	r.decode(t, &own)
	r = e.do("POST", "/v1/approvals/"+own.ID+"/approve", sam, data.DecisionRequest{Note: "mine"})
	e.want(r, http.StatusForbidden)
	if r.apiErr(t).Code != data.ErrCodeSelfApproval {
		t.Errorf("self-approval answered %s", r.Body)
	}

	// Rejection.
	r = e.do("POST", "/v1/approvals", lee, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionChangeEmail, Params: map[string]string{"new_email": "x@example.com"}, Reason: "caller asked"})
	e.want(r, http.StatusCreated)
	var rej data.Approval
	r.decode(t, &rej)
	r = e.do("POST", "/v1/approvals/"+rej.ID+"/reject", sam, data.DecisionRequest{Note: "not enough evidence"})
	e.want(r, 200)
	r.decode(t, &rej)
	if rej.Status != data.ApprovalRejected || rej.Result != nil {
		t.Errorf("rejected %+v", rej)
	}
	// Lists: supervisors see all, agents their own.
	var l data.ApprovalList
	e.do("GET", "/v1/approvals", sam, nil).decode(t, &l)
	if len(l.Approvals) != 3 {
		t.Errorf("supervisor sees %d approvals", len(l.Approvals))
	}
	e.do("GET", "/v1/approvals?status=pending", sam, nil).decode(t, &l)
	if len(l.Approvals) != 1 {
		t.Errorf("pending: %d", len(l.Approvals))
	}
	e.do("GET", "/v1/approvals", lee, nil).decode(t, &l)
	if len(l.Approvals) != 1 || l.Approvals[0].RequestedBy != "ag_lee" {
		t.Errorf("lee sees %+v", l.Approvals)
	}
	// Bad requests.
	e.want(e.do("POST", "/v1/approvals", ana, data.ApprovalRequest{AccountID: "acc_1005", Action: "delete_account", Reason: "x"}), http.StatusBadRequest)
	e.want(e.do("POST", "/v1/approvals", ana, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionDisable2FA}), http.StatusBadRequest)
	e.want(e.do("POST", "/v1/approvals", ana, data.ApprovalRequest{AccountID: "nope", Action: data.ActionDisable2FA, Reason: "x"}), http.StatusNotFound)
	e.want(e.do("POST", "/v1/approvals/nope/approve", sam, data.DecisionRequest{Note: "x"}), http.StatusNotFound)
}

// hookProvider is the simulated provider with a hook run on every send,
// outside any transaction, as a slow real provider would leave room for.
type hookProvider struct {
	Provider
	hook func(Message)
}

func (p hookProvider) Send(ctx context.Context, msg Message) Outcome {
	p.hook(msg)
	return p.Provider.Send(ctx, msg)
}

// notices is the security notices in the account's delivery log.
func (e *env) notices(token, accountID string) []data.Delivery {
	e.t.Helper()
	var out []data.Delivery
	for _, d := range e.deliveries(token, accountID) {
		if d.Purpose == data.PurposeSecurityNotice {
			out = append(out, d)
		}
	}
	return out
}

// TestContactChangeNoticeOnlyAfterCommit: the customer is told about a contact
// change only when it happened, and on the contact it replaced.
func TestContactChangeNoticeOnlyAfterCommit(t *testing.T) {
	t.Parallel()
	const newEmail = "carter.e@example.net"
	var e *env
	var lee, leeProof string
	var armed atomic.Bool
	var rivalStatus atomic.Int64
	// When Emily's notice goes out, Lena's agent gives Lena the same new
	// address: before the fix that slipped in between the notice and Emily's
	// change, which then failed after Emily had been told about it.
	e = newEnv(t, func(c *Config) {
		c.Provider = hookProvider{Provider: NewSimulatedProvider(c.Now), hook: func(m Message) {
			if m.AccountID != "acc_1005" || m.Purpose != data.PurposeSecurityNotice || !armed.CompareAndSwap(true, false) {
				return
			}
			body, _ := json.Marshal(data.ContactChange{Email: newEmail})
			req, _ := http.NewRequest("POST", e.srv.URL+"/v1/accounts/acc_1007/contact", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+lee)
			req.Header.Set(data.HeaderIdentityProof, leeProof)
			if res, err := e.srv.Client().Do(req); err == nil {
				res.Body.Close()
				rivalStatus.Store(int64(res.StatusCode))
			}
		}}
	})
	ana := e.signIn("ana")
	lee = e.signIn("lee")
	leeProof = e.proof(lee, "acc_1007", data.ChannelEmail)
	p := e.proof(ana, "acc_1005", data.ChannelAppPush)
	armed.Store(true)
	r := e.do("POST", "/v1/accounts/acc_1005/contact", ana, data.ContactChange{Email: newEmail}, data.HeaderIdentityProof, p)
	if rivalStatus.Load() == 0 {
		t.Fatal("the rival change never ran")
	}
	var a data.Account
	e.do("GET", "/v1/accounts/acc_1005", ana, nil).decode(t, &a)
	notices := e.notices(ana, "acc_1005")
	switch r.Status {
	case http.StatusOK:
		if a.EmailMasked != "c***@example.net" {
			t.Errorf("answered 200 but the email is %s", a.EmailMasked)
		}
		if len(notices) != 1 || notices[0].DestinationMasked != "e***@example.com" {
			t.Errorf("notices %+v, want one to the replaced address", notices)
		}
		if rivalStatus.Load() != http.StatusConflict {
			t.Errorf("a second account took Emily's new address: %d", rivalStatus.Load())
		}
	case http.StatusConflict:
		if len(notices) != 0 {
			t.Errorf("the change failed (%s) but the customer was told about it: %+v", r.Body, notices)
		}
	default:
		t.Fatalf("change answered %d %s", r.Status, r.Body)
	}

	// An approved change whose new phone was taken after the request fails
	// with 409 and tells the customer nothing.
	sam := e.signIn("sam")
	r = e.do("POST", "/v1/approvals", ana, data.ApprovalRequest{AccountID: "acc_1002", Action: data.ActionChangePhone,
		Params: map[string]string{"new_phone": "+447911123999"}, Reason: "new SIM"})
	e.want(r, http.StatusCreated)
	var ap data.Approval
	r.decode(t, &ap)
	e.clock.Advance(time.Minute) // past the per-minute send limit
	e.want(e.do("POST", "/v1/accounts/acc_1007/contact", lee, data.ContactChange{Phone: "+447911123999"},
		data.HeaderIdentityProof, e.proof(lee, "acc_1007", data.ChannelEmail)), 200)
	e.want(e.do("POST", "/v1/approvals/"+ap.ID+"/approve", sam, data.DecisionRequest{Note: "new SIM, ID seen"}), http.StatusConflict)
	if n := len(e.notices(ana, "acc_1002")); n != 0 {
		t.Errorf("%d notices for a change that failed", n)
	}
}
