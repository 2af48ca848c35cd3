package client_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"verifydesk/backend"
	"verifydesk/data"
	"verifydesk/services/client"
)

// These tests walk the supervisor's side against the real backend: the
// approvals queue, the sensitive actions through both paths, the audit and the
// local chain's heads.

// TestApprovalQueue: ana asks for a device removal, sam sees it in the queue
// and approves with a comment, the device is gone on the backend, and ana
// sees the outcome.
func TestApprovalQueue(t *testing.T) {
	e := newEnv(t)
	ana, sam := e.as("ana"), e.as("sam")
	cx := ctx(t)
	const acc = "acc_1014"

	devs, err := ana.TrustedDevices(cx, acc)
	if err != nil || len(devs) != 2 {
		t.Fatalf("TrustedDevices = %+v, %v", devs, err)
	}
	lost := devs[0].ID
	req := data.ApprovalRequest{AccountID: acc, Action: data.ActionRemoveDevice, Params: map[string]string{"device_id": lost},
		Reason: "phone stolen; caller cannot receive a check code", CaseID: uuid.NewString()}
	ap, err := ana.RequestApproval(cx, req)
	if err != nil || ap.Status != data.ApprovalPending || ap.CaseID != req.CaseID || !ap.ExpiresAt.After(ap.RequestedAt) {
		t.Fatalf("RequestApproval = %+v, %v", ap, err)
	}
	if n, err := sam.PendingApprovals(cx); err != nil || n != 1 {
		t.Errorf("sam's pending count = %d, %v; want 1", n, err)
	}
	queue, err := sam.ListApprovals(cx, client.ApprovalQuery{Status: data.ApprovalPending})
	if err != nil || len(queue) != 1 || queue[0].ID != ap.ID || queue[0].RequestedBy != "ag_ana" || queue[0].Reason != req.Reason {
		t.Fatalf("queue = %+v, %v", queue, err)
	}
	// ana cannot approve her own request.
	if _, err := ana.Approve(cx, ap.ID, "fine by me"); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("ana approving her own request: %v, want ErrForbidden", err)
	}
	// A decision needs a comment.
	if _, err := sam.Approve(cx, ap.ID, ""); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("approve without a comment: %v, want ErrBadRequest", err)
	}
	done, err := sam.Approve(cx, ap.ID, "stolen-phone report seen")
	if err != nil || done.Status != data.ApprovalApproved || done.Note != "stolen-phone report seen" || done.Result == nil {
		t.Fatalf("Approve = %+v, %v", done, err)
	}
	if done.Result.Action != data.ActionRemoveDevice || done.Result.AccountID != acc || done.Result.SessionsRevoked == 0 {
		t.Errorf("result = %+v", done.Result)
	}
	left, _ := ana.TrustedDevices(cx, acc)
	if len(left) != 1 || left[0].ID == lost {
		t.Errorf("devices after the approval = %+v, want %s gone and the other kept", left, lost)
	}
	// ana sees the outcome in her own requests without searching again.
	mine, err := ana.ListApprovals(cx, client.ApprovalQuery{AccountID: acc})
	if err != nil || len(mine) != 1 || mine[0].Status != data.ApprovalApproved || mine[0].DecidedBy != "ag_sam" {
		t.Errorf("ana's requests = %+v, %v", mine, err)
	}
	if n, _ := sam.PendingApprovals(cx); n != 0 {
		t.Errorf("pending count after the decision = %d", n)
	}
	// Her approval authorises exactly that removal, not another.
	if _, err := ana.RemoveDevice(cx, acc, left[0].ID, client.ActionAuth{ApprovalID: ap.ID}); !errors.Is(err, client.ErrIdentityRequired) {
		t.Errorf("approval used on another device: %v", err)
	}
}

func TestApprovalRejectedAndExpired(t *testing.T) {
	e := newEnv(t, func(c *backend.Config) { c.ApprovalTTL = time.Hour })
	ana, lee, sam := e.as("ana"), e.as("lee"), e.as("sam")
	cx := ctx(t)
	rej, err := lee.RequestApproval(cx, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionDisable2FA, Reason: "customer asked"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := sam.Reject(cx, rej.ID, "call the customer back on the number on file first")
	if err != nil || got.Status != data.ApprovalRejected || got.Result != nil {
		t.Fatalf("Reject = %+v, %v", got, err)
	}
	if a, _ := lee.Account(cx, "acc_1005"); !a.TwoFactor.Enabled {
		t.Error("a rejected request turned 2FA off")
	}

	exp, err := ana.RequestApproval(cx, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionRevokeSessions, Reason: "odd logins"})
	if err != nil {
		t.Fatal(err)
	}
	if !exp.ExpiresAt.Equal(exp.RequestedAt.Add(time.Hour)) {
		t.Errorf("expires at %v, requested at %v: want the backend's one-hour TTL", exp.ExpiresAt, exp.RequestedAt)
	}
	e.clock.advance(time.Hour + time.Second)
	if n, _ := sam.PendingApprovals(cx); n != 0 {
		t.Errorf("pending count after expiry = %d", n)
	}
	list, err := ana.ListApprovals(cx, client.ApprovalQuery{Status: data.ApprovalExpired})
	if err != nil || len(list) != 1 || list[0].ID != exp.ID {
		t.Errorf("expired = %+v, %v", list, err)
	}
	_, err = sam.Approve(cx, exp.ID, "late")
	if !errors.Is(err, client.ErrApprovalExpired) || !errors.Is(err, client.ErrConflict) {
		t.Fatalf("approving an expired request: %v, want ErrApprovalExpired", err)
	}
	if got := client.Explain(err, time.UTC); !strings.HasPrefix(got, "This request expired") {
		t.Errorf("Explain = %q", got)
	}
}

// TestSensitiveActionsBothPaths turns 2FA off and changes the contact through
// an identity check and through an approval.
func TestSensitiveActionsBothPaths(t *testing.T) {
	e := newEnv(t)
	ana, sam := e.as("ana"), e.as("sam")
	cx := ctx(t)

	p := identityProof(t, ana, "acc_1005", data.ChannelAppPush)
	if p.UsesLeft != 1 || len(p.Actions) != 5 || time.Until(p.ExpiresAt) <= 0 {
		t.Errorf("proof = %+v: want one use, the five actions and a future expiry", p)
	}
	if r, err := ana.Disable2FA(cx, "acc_1005", client.ActionAuth{Proof: p.Proof}); err != nil || r.Action != data.ActionDisable2FA {
		t.Fatalf("Disable2FA with a proof = %+v, %v", r, err)
	}
	if a, _ := ana.Account(cx, "acc_1005"); a.TwoFactor.Enabled {
		t.Error("2FA still on")
	}
	e.clock.advance(time.Minute) // past the per-minute send limit
	p = identityProof(t, ana, "acc_1005", data.ChannelAppPush)
	if _, err := ana.ChangeContact(cx, "acc_1005", data.ContactChange{Email: "emily.new@example.org"}, client.ActionAuth{Proof: p.Proof}); err != nil {
		t.Fatalf("ChangeContact with a proof: %v", err)
	}
	if found := mustFind(t, ana, client.AccountQuery{Email: "emily.new@example.org"}); found.ID != "acc_1005" || found.EmailVerified {
		t.Errorf("after the change %+v", found)
	}

	ask := func(action string, params map[string]string) data.Approval {
		t.Helper()
		ap, err := ana.RequestApproval(cx, data.ApprovalRequest{AccountID: "acc_1002", Action: action, Params: params, Reason: "cannot pass the check"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sam.Approve(cx, ap.ID, "ID seen on a video call"); err != nil {
			t.Fatal(err)
		}
		return ap
	}
	ap := ask(data.ActionDisable2FA, nil)
	if r, err := ana.Disable2FA(cx, "acc_1002", client.ActionAuth{ApprovalID: ap.ID}); err != nil || r.Action != data.ActionDisable2FA {
		t.Errorf("Disable2FA with its approval = %+v, %v", r, err)
	}
	ap = ask(data.ActionChangePhone, map[string]string{"new_phone": "+447911123457"})
	if r, err := ana.ChangeContact(cx, "acc_1002", data.ContactChange{Phone: "+447911123457"}, client.ActionAuth{ApprovalID: ap.ID}); err != nil || r.Action != data.ActionChangePhone {
		t.Errorf("ChangeContact with its approval = %+v, %v", r, err)
	}
	if _, err := ana.ChangeContact(cx, "acc_1002", data.ContactChange{Phone: "+447911123999"}, client.ActionAuth{ApprovalID: ap.ID}); !errors.Is(err, client.ErrIdentityRequired) {
		t.Errorf("the approval used for another number: %v", err)
	}
	a, _ := ana.Account(cx, "acc_1002")
	if a.TwoFactor.Enabled || a.PhoneVerified {
		t.Errorf("after the approved actions %+v", a)
	}
	if got := mustFind(t, ana, client.AccountQuery{Phone: "+447911123457"}); got.ID != "acc_1002" {
		t.Errorf("the approved number finds %s", got.ID)
	}
}

func TestResendReplayIsReported(t *testing.T) {
	e := newEnv(t)
	ana := e.as("ana")
	cx := ctx(t)
	key := client.NewIdempotencyKey()
	req := data.ResendRequest{Channel: data.ChannelEmail, Purpose: data.PurposeLogin}
	first, err := ana.Resend(cx, "acc_1007", req, key)
	if err != nil || first.Replayed {
		t.Fatalf("first = %+v, %v", first, err)
	}
	again, err := ana.Resend(cx, "acc_1007", req, key)
	if err != nil || !again.Replayed {
		t.Fatalf("again = %+v, %v; want Replayed from the header", again, err)
	}
	again.Replayed = false
	if fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("the replay differs from the first answer:\n%+v\n%+v", again, first)
	}
}

func TestStaleCaseUpdateCarriesTheCurrentCase(t *testing.T) {
	e := newEnv(t)
	ana, lee := e.as("ana"), e.as("lee")
	cx := ctx(t)
	cs, err := ana.CreateCase(cx, data.Case{ID: uuid.NewString(), AccountID: "acc_1002", Category: "sms_not_arriving",
		Checklist: []data.ChecklistStep{{ID: "signal", Text: "Signal", State: "done", Source: "evidence", Reason: "last SMS delivered"}}})
	if err != nil {
		t.Fatal(err)
	}
	esc := data.CaseEscalated
	if _, err := lee.UpdateCase(cx, cs.ID, data.CasePatch{Version: cs.Version, Status: &esc}); err != nil {
		t.Fatal(err)
	}
	resolved := data.CaseResolved
	_, err = ana.UpdateCase(cx, cs.ID, data.CasePatch{Version: cs.Version, Status: &resolved}) // edited offline on v1
	if !errors.Is(err, client.ErrConflict) {
		t.Fatalf("stale update: %v", err)
	}
	cur, ok := client.CurrentCase(err)
	if !ok || cur.ID != cs.ID || cur.Version != 2 || cur.Status != esc || cur.Checklist[0].Reason != "last SMS delivered" {
		t.Errorf("CurrentCase = %+v, %v", cur, ok)
	}
	if _, ok := client.CurrentCase(errors.New("x")); ok {
		t.Error("CurrentCase of another error")
	}
}

func TestAuditPagesAndFilters(t *testing.T) {
	e := newEnv(t)
	ana, lee, sam := e.as("ana"), e.as("lee"), e.as("sam")
	cx := ctx(t)
	for i := range 12 {
		c := ana
		if i%3 == 0 {
			c = lee
		}
		_, _ = c.Account(cx, fmt.Sprintf("acc_10%02d", 1+i%5))
		e.clock.advance(time.Second)
	}
	_, _ = ana.Account(cx, "acc_none") // a 404: denied
	var all []data.AuditEntry
	q := client.AuditQuery{Limit: 4}
	for pages := 0; ; pages++ {
		p, err := sam.AuditPage(cx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Entries) > 4 || pages > 50 {
			t.Fatalf("page of %d entries, page %d", len(p.Entries), pages)
		}
		all = append(all, p.Entries...)
		if p.NextCursor == "" {
			break
		}
		q.Cursor = p.NextCursor
	}
	one, err := sam.Audit(cx, client.AuditQuery{Limit: 1000})
	if err != nil || len(one) != len(all) {
		t.Fatalf("one page has %d entries, pages %d (%v)", len(one), len(all), err)
	}
	for i := range one {
		if one[i].ID != all[i].ID {
			t.Fatalf("entry %d differs between paging and one page", i)
		}
	}
	denied, err := sam.Audit(cx, client.AuditQuery{AgentID: "ag_ana", Outcome: data.AuditDenied, Action: "view_account"})
	if err != nil || len(denied) != 1 || denied[0].AccountID != "acc_none" || denied[0].Status != 404 {
		t.Errorf("ana's denied account views = %+v, %v", denied, err)
	}
	views, err := sam.Audit(cx, client.AuditQuery{AccountID: "acc_1001", Action: "view_account"})
	if err != nil || len(views) != 3 {
		t.Errorf("views of acc_1001 = %d, %v; want 3", len(views), err)
	}
	if _, err := sam.Audit(cx, client.AuditQuery{Outcome: "maybe"}); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("bad outcome: %v", err)
	}
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestChainHeads(t *testing.T) {
	e := newEnv(t)
	ana, lee, sam := e.as("ana"), e.as("lee"), e.as("sam")
	cx := ctx(t)
	if _, err := ana.LatestChainHead(cx, "desk-3"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("no head yet: %v", err)
	}
	h, err := ana.RecordChainHead(cx, data.ChainHeadRequest{ConsoleID: "desk-3", Count: 40, Hash: sha("40")})
	if err != nil || h.AgentID != "ag_ana" || h.Count != 40 {
		t.Fatalf("RecordChainHead = %+v, %v", h, err)
	}
	if _, err := lee.RecordChainHead(cx, data.ChainHeadRequest{ConsoleID: "desk-3", Count: 55, Hash: sha("55")}); err != nil {
		t.Fatal(err)
	}
	latest, err := ana.LatestChainHead(cx, "desk-3")
	if err != nil || latest.Count != 55 || latest.Hash != sha("55") || latest.AgentID != "ag_lee" {
		t.Errorf("LatestChainHead = %+v, %v", latest, err)
	}
	// The local log was cut to 50 entries: the backend refuses the head.
	if _, err := ana.RecordChainHead(cx, data.ChainHeadRequest{ConsoleID: "desk-3", Count: 50, Hash: sha("50")}); !errors.Is(err, client.ErrConflict) {
		t.Errorf("a head behind the recorded one: %v, want ErrConflict", err)
	}
	entries, err := sam.Audit(cx, client.AuditQuery{Action: "audit_chain_head"})
	if err != nil || len(entries) != 3 {
		t.Errorf("chain heads in the audit = %d, %v", len(entries), err)
	}
}
