package backend

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"verifydesk/data"
)

func (e *env) requestApproval(token string, req data.ApprovalRequest, headers ...string) data.Approval {
	e.t.Helper()
	r := e.do("POST", "/v1/approvals", token, req, headers...)
	e.want(r, http.StatusCreated)
	var ap data.Approval
	r.decode(e.t, &ap)
	return ap
}

func (e *env) approvals(token string, q url.Values) []data.Approval {
	e.t.Helper()
	r := e.do("GET", "/v1/approvals?"+q.Encode(), token, nil)
	e.want(r, 200)
	var l data.ApprovalList
	r.decode(e.t, &l)
	return l.Approvals
}

func (e *env) pendingCount(token string) int {
	e.t.Helper()
	r := e.do("GET", "/v1/approvals/count", token, nil)
	e.want(r, 200)
	var c data.ApprovalCount
	r.decode(e.t, &c)
	if c.Status != data.ApprovalPending {
		e.t.Errorf("count of %q, want pending by default", c.Status)
	}
	return c.Count
}

// TestApprovalRunsExactlyWhatWasAsked: ana asks to remove one device, sam
// approves: that device is gone on the backend, the other stays, and the
// approval holds the result and authorises nothing else.
func TestApprovalRunsExactlyWhatWasAsked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, sam := e.signIn("ana"), e.signIn("sam")
	ap := e.requestApproval(ana, data.ApprovalRequest{AccountID: "acc_1014", Action: data.ActionRemoveDevice,
		Params: map[string]string{"device_id": " dv_br_2 "}, Reason: "phone stolen, caller cannot pass the check", CaseID: "case-42"})
	if ap.Params["device_id"] != "dv_br_2" || ap.CaseID != "case-42" {
		t.Errorf("stored %+v", ap)
	}
	r := e.do("POST", "/v1/approvals/"+ap.ID+"/approve", sam, data.DecisionRequest{Note: "police report seen"})
	e.want(r, 200)
	r.decode(t, &ap)
	if ap.Status != data.ApprovalApproved || ap.Note != "police report seen" || ap.Result == nil ||
		ap.Result.Action != data.ActionRemoveDevice || ap.Result.AccountID != "acc_1014" || ap.Result.NoticeDeliveryID == "" {
		t.Fatalf("approved %+v", ap)
	}
	devs := devices(e, ana, "acc_1014")
	if len(devs) != 1 || devs[0].ID != "dv_br_3" {
		t.Errorf("devices after the approved removal: %+v", devs)
	}
	// The approval is for that device only.
	r = e.do("DELETE", "/v1/accounts/acc_1014/trusted-devices/dv_br_3", ana, nil, data.HeaderApprovalID, ap.ID)
	e.want(r, http.StatusForbidden)
	if r.apiErr(t).Code != data.ErrCodeIdentityRequired {
		t.Errorf("approval used for another device: %s", r.Body)
	}
	e.want(e.do("POST", "/v1/accounts/acc_1014/sessions/revoke", ana, nil, data.HeaderApprovalID, ap.ID), http.StatusForbidden)
	if n := len(devices(e, ana, "acc_1014")); n != 1 {
		t.Errorf("%d devices, want 1", n)
	}
	// Params are exactly the action's.
	for _, req := range []data.ApprovalRequest{
		{AccountID: "acc_1014", Action: data.ActionRemoveDevice, Reason: "r"},
		{AccountID: "acc_1014", Action: data.ActionRemoveDevice, Params: map[string]string{"device_id": "dv_br_3", "new_phone": "+1"}, Reason: "r"},
		{AccountID: "acc_1014", Action: data.ActionDisable2FA, Params: map[string]string{"device_id": "dv_br_3"}, Reason: "r"},
		{AccountID: "acc_1005", Action: data.ActionChangePhone, Params: map[string]string{"new_phone": "0936123456"}, Reason: "r"},
		{AccountID: "acc_1005", Action: data.ActionChangeEmail, Reason: "r"},
		{AccountID: "acc_1005", Action: data.ActionDisable2FA, Reason: "r", CaseID: "a b"},
	} {
		e.want(e.do("POST", "/v1/approvals", ana, req), http.StatusBadRequest)
	}
	e.want(e.do("POST", "/v1/approvals", ana, data.ApprovalRequest{AccountID: "acc_1014", Action: data.ActionRemoveDevice,
		Params: map[string]string{"device_id": "dv_gone"}, Reason: "r"}), http.StatusNotFound)
}

func TestApprovalNeedsAComment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, sam := e.signIn("ana"), e.signIn("sam")
	ap := e.requestApproval(ana, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionDisable2FA, Reason: "lost all devices"})
	for _, verb := range []string{"approve", "reject"} {
		for _, body := range []any{nil, data.DecisionRequest{}, data.DecisionRequest{Note: "   "}} {
			r := e.do("POST", "/v1/approvals/"+ap.ID+"/"+verb, sam, body)
			e.want(r, http.StatusUnprocessableEntity)
			if ae := r.apiErr(t); ae.Code != data.ErrCodeBadRequest || ae.Details["field"] != "note" {
				t.Errorf("%s without a comment: %s", verb, r.Body)
			}
		}
	}
	var a data.Account
	e.do("GET", "/v1/accounts/acc_1005", ana, nil).decode(t, &a)
	if !a.TwoFactor.Enabled || e.pendingCount(sam) != 1 {
		t.Error("a decision without a comment changed something")
	}
	// Rejected with a comment: nothing runs, and the requester sees why.
	r := e.do("POST", "/v1/approvals/"+ap.ID+"/reject", sam, data.DecisionRequest{Note: "call back from the number on file"})
	e.want(r, 200)
	mine := e.approvals(ana, url.Values{"status": {data.ApprovalRejected}})
	if len(mine) != 1 || mine[0].Note != "call back from the number on file" || mine[0].Result != nil || mine[0].DecidedBy != "ag_sam" {
		t.Errorf("ana's rejected requests %+v", mine)
	}
	e.do("GET", "/v1/accounts/acc_1005", ana, nil).decode(t, &a)
	if !a.TwoFactor.Enabled {
		t.Error("a rejected request ran")
	}
}

func TestApprovalExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.ApprovalTTL = 2 * time.Hour })
	ana, sam := e.signIn("ana"), e.signIn("sam")
	ap := e.requestApproval(ana, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionRevokeSessions, Reason: "suspicious logins"})
	if want := ap.RequestedAt.Add(2 * time.Hour); !ap.ExpiresAt.Equal(want) {
		t.Errorf("expires at %v, want %v", ap.ExpiresAt, want)
	}
	e.clock.Advance(2*time.Hour - time.Second)
	if n := e.pendingCount(sam); n != 1 {
		t.Errorf("pending count %d just before expiry", n)
	}
	e.clock.Advance(time.Second)
	if n := e.pendingCount(sam); n != 0 {
		t.Errorf("pending count %d after expiry", n)
	}
	if got := e.approvals(sam, url.Values{"status": {data.ApprovalPending}}); len(got) != 0 {
		t.Errorf("pending after expiry: %+v", got)
	}
	got := e.approvals(ana, url.Values{"status": {data.ApprovalExpired}})
	if len(got) != 1 || got[0].ID != ap.ID || got[0].Status != data.ApprovalExpired {
		t.Fatalf("expired list %+v", got)
	}
	r := e.do("POST", "/v1/approvals/"+ap.ID+"/approve", sam, data.DecisionRequest{Note: "sorry, late"})
	e.want(r, http.StatusConflict)
	if r.apiErr(t).Code != data.ErrCodeApprovalExpired {
		t.Errorf("approving an expired request: %s", r.Body)
	}
	e.want(e.do("POST", "/v1/accounts/acc_1005/sessions/revoke", ana, nil, data.HeaderApprovalID, ap.ID), http.StatusForbidden)
	// A new request is a new approval, pending again.
	e.requestApproval(ana, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionRevokeSessions, Reason: "asked again"})
	if n := e.pendingCount(sam); n != 1 {
		t.Errorf("pending count %d after asking again", n)
	}
}

func TestApprovalFiltersAndCount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, lee, sam := e.signIn("ana"), e.signIn("lee"), e.signIn("sam")
	a1 := e.requestApproval(ana, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionDisable2FA, Reason: "r1"})
	e.clock.Advance(time.Second)
	e.requestApproval(ana, data.ApprovalRequest{AccountID: "acc_1002", Action: data.ActionRevokeSessions, Reason: "r2"})
	e.clock.Advance(time.Second)
	l1 := e.requestApproval(lee, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionChangeEmail,
		Params: map[string]string{"new_email": "new.owner@example.net"}, Reason: "r3"})
	e.want(e.do("POST", "/v1/approvals/"+a1.ID+"/reject", sam, data.DecisionRequest{Note: "no"}), 200)

	for _, c := range []struct {
		token string
		q     url.Values
		want  int
	}{
		{sam, url.Values{}, 3},
		{sam, url.Values{"status": {"pending"}}, 2},
		{sam, url.Values{"status": {"rejected"}}, 1},
		{sam, url.Values{"requested_by": {"ag_ana"}}, 2},
		{sam, url.Values{"account_id": {"acc_1005"}}, 2},
		{sam, url.Values{"account_id": {"acc_1005"}, "status": {"pending"}}, 1},
		{sam, url.Values{"limit": {"1"}}, 1},
		{ana, url.Values{}, 2},
		{ana, url.Values{"requested_by": {"ag_lee"}}, 0},
		{lee, url.Values{"status": {"pending"}}, 1},
	} {
		if got := e.approvals(c.token, c.q); len(got) != c.want {
			t.Errorf("%v: %d approvals, want %d", c.q, len(got), c.want)
		}
	}
	if got := e.approvals(sam, url.Values{}); got[0].ID != l1.ID {
		t.Errorf("not newest first: %+v", got[0])
	}
	if n := e.pendingCount(sam); n != 2 {
		t.Errorf("supervisor's pending count %d, want 2", n)
	}
	if n := e.pendingCount(ana); n != 1 {
		t.Errorf("ana's pending count %d, want 1 (her own)", n)
	}
	var c data.ApprovalCount
	e.do("GET", "/v1/approvals/count?status=rejected", sam, nil).decode(t, &c)
	if c.Count != 1 || c.Status != data.ApprovalRejected {
		t.Errorf("rejected count %+v", c)
	}
	e.want(e.do("GET", "/v1/approvals?status=done", sam, nil), http.StatusBadRequest)
	e.want(e.do("GET", "/v1/approvals/count?status=done", sam, nil), http.StatusBadRequest)
}

// TestApprovalRetriesAnswerTheFirstAnswer: a request sent again with its
// Idempotency-Key, and a decision sent again by the same supervisor, answer
// exactly as the first time and do nothing twice.
func TestApprovalRetriesAnswerTheFirstAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.s.AddAgent(t.Context(), "ag_kim", "kim", "Kim Berg", data.RoleSupervisor, "demo"); err != nil {
		t.Fatal(err)
	}
	ana, sam, kim := e.signIn("ana"), e.signIn("sam"), e.signIn("kim")
	req := data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionChangePhone,
		Params: map[string]string{"new_phone": "+16502530001"}, Reason: "new number, old SIM lost"}
	first := e.do("POST", "/v1/approvals", ana, req, data.HeaderIdempotencyKey, "ask-1")
	e.want(first, http.StatusCreated)
	again := e.do("POST", "/v1/approvals", ana, req, data.HeaderIdempotencyKey, "ask-1")
	e.want(again, http.StatusCreated)
	if !bytes.Equal(again.Body, first.Body) || again.Header.Get(data.HeaderIdempotentReplayed) != "true" {
		t.Errorf("repeated request answered %s", again.Body)
	}
	other := req
	other.Reason = "something else"
	e.want(e.do("POST", "/v1/approvals", ana, other, data.HeaderIdempotencyKey, "ask-1"), http.StatusConflict)
	if n := len(e.approvals(sam, url.Values{})); n != 1 {
		t.Fatalf("%d approvals stored, want 1", n)
	}
	var ap data.Approval
	first.decode(t, &ap)

	dec := e.do("POST", "/v1/approvals/"+ap.ID+"/approve", sam, data.DecisionRequest{Note: "ID checked on video"})
	e.want(dec, 200)
	redo := e.do("POST", "/v1/approvals/"+ap.ID+"/approve", sam, data.DecisionRequest{Note: "ID checked on video"})
	e.want(redo, 200)
	if !bytes.Equal(redo.Body, dec.Body) || redo.Header.Get(data.HeaderIdempotentReplayed) != "true" {
		t.Errorf("repeated decision answered %s", redo.Body)
	}
	// Another decision, or another supervisor, is a conflict.
	e.want(e.do("POST", "/v1/approvals/"+ap.ID+"/reject", sam, data.DecisionRequest{Note: "changed my mind"}), http.StatusConflict)
	e.want(e.do("POST", "/v1/approvals/"+ap.ID+"/approve", kim, data.DecisionRequest{Note: "ID checked on video"}), http.StatusConflict)
	if got := e.findPhone(ana, "+16502530001"); got.ID != "acc_1005" {
		t.Errorf("the approved change did not run: %+v", got)
	}
	if n := len(e.notices(ana, "acc_1005")); n != 1 {
		t.Errorf("%d security notices, want 1: the change ran more than once", n)
	}
}

// TestDisable2FAAndChangeContactBothPaths runs turning 2FA off and changing a
// contact through an identity proof and through an approval.
func TestDisable2FAAndChangeContactBothPaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, sam := e.signIn("ana"), e.signIn("sam")
	account := func(id string) data.Account {
		var a data.Account
		e.do("GET", "/v1/accounts/"+id, ana, nil).decode(t, &a)
		return a
	}
	// Through an identity proof.
	e.want(e.do("POST", "/v1/accounts/acc_1005/two-factor/disable", ana, nil, data.HeaderIdentityProof, e.proof(ana, "acc_1005", data.ChannelAppPush)), 200)
	if account("acc_1005").TwoFactor.Enabled {
		t.Error("2FA still on after the proof path")
	}
	e.clock.Advance(time.Minute)
	e.want(e.do("POST", "/v1/accounts/acc_1005/contact", ana, data.ContactChange{Email: "emily.c@example.org"},
		data.HeaderIdentityProof, e.proof(ana, "acc_1005", data.ChannelAppPush)), 200)
	if got := account("acc_1005").EmailMasked; got != "e***@example.org" {
		t.Errorf("email after the proof path %s", got)
	}
	// Through approvals.
	for _, c := range []struct {
		action string
		params map[string]string
		call   func(apID string) resp
	}{
		{data.ActionDisable2FA, nil, func(id string) resp {
			return e.do("POST", "/v1/accounts/acc_1002/two-factor/disable", ana, nil, data.HeaderApprovalID, id)
		}},
		{data.ActionChangePhone, map[string]string{"new_phone": "+447911123457"}, func(id string) resp {
			return e.do("POST", "/v1/accounts/acc_1002/contact", ana, data.ContactChange{Phone: "+447911123457"}, data.HeaderApprovalID, id)
		}},
	} {
		ap := e.requestApproval(ana, data.ApprovalRequest{AccountID: "acc_1002", Action: c.action, Params: c.params, Reason: "customer cannot pass the check"})
		e.want(c.call(ap.ID), http.StatusForbidden) // pending
		e.want(e.do("POST", "/v1/approvals/"+ap.ID+"/approve", sam, data.DecisionRequest{Note: "ok"}), 200)
		r := c.call(ap.ID)
		e.want(r, 200)
		var res data.ActionResult
		r.decode(t, &res)
		if res.Action != c.action {
			t.Errorf("%s through its approval answered %+v", c.action, res)
		}
	}
	a := account("acc_1002")
	if a.TwoFactor.Enabled || a.PhoneVerified {
		t.Errorf("after the approved actions %+v", a)
	}
	if got := e.findPhone(ana, "+447911123457"); got.ID != "acc_1002" {
		t.Errorf("the new phone finds %s", got.ID)
	}
	// An approval for one new phone does not change it to another.
	ap := e.requestApproval(ana, data.ApprovalRequest{AccountID: "acc_1002", Action: data.ActionChangeEmail,
		Params: map[string]string{"new_email": "oliver@example.org"}, Reason: "r"})
	e.want(e.do("POST", "/v1/approvals/"+ap.ID+"/approve", sam, data.DecisionRequest{Note: "ok"}), 200)
	e.want(e.do("POST", "/v1/accounts/acc_1002/contact", ana, data.ContactChange{Email: "attacker@example.net"}, data.HeaderApprovalID, ap.ID), http.StatusForbidden)
	if got := account("acc_1002").EmailMasked; got != "o***@example.org" {
		t.Errorf("email %s, want the approved one", got)
	}
}

func TestIdentityProofSaysWhatItIsGoodFor(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana := e.signIn("ana")
	chk, code := e.startCheck(ana, "acc_1005", data.ChannelAppPush)
	r := e.do("POST", "/v1/identity-checks/"+chk.ID+"/verify", ana, data.VerifyRequest{Code: code})
	e.want(r, 200)
	var p data.IdentityProof
	r.decode(t, &p)
	if p.UsesLeft != 1 || len(p.Actions) != 5 || !p.ExpiresAt.Equal(e.clock.Now().Add(proofTTL)) {
		t.Errorf("proof %+v", p)
	}
}

func TestApprovalCommentIsBounded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, sam := e.signIn("ana"), e.signIn("sam")
	ap := e.requestApproval(ana, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionRevokeSessions, Reason: "r"})
	e.want(e.do("POST", "/v1/approvals/"+ap.ID+"/approve", sam, data.DecisionRequest{Note: strings.Repeat("x", 501)}), http.StatusUnprocessableEntity)
	r := e.do("POST", "/v1/approvals/"+ap.ID+"/approve", sam, data.DecisionRequest{Note: strings.Repeat("é", 500)})
	e.want(r, 200)
	r.decode(t, &ap)
	if ap.Note != strings.Repeat("é", 500) {
		t.Error("the comment was cut")
	}
}
