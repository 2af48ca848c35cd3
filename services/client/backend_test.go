package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"verifydesk/backend"
	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/client"
)

// These tests run the client against the real reference backend (demo data,
// bbolt in t.TempDir) over HTTP and check what an agent would check.

// fakeClock is the backend's clock: real time plus an offset tests move, or a
// frozen instant.
type fakeClock struct {
	off    atomic.Int64
	frozen atomic.Int64 // unix nanoseconds; 0: running
}

func (c *fakeClock) now() time.Time {
	if f := c.frozen.Load(); f != 0 {
		return time.Unix(0, f).Add(time.Duration(c.off.Load()))
	}
	return time.Now().Add(time.Duration(c.off.Load()))
}

func (c *fakeClock) advance(d time.Duration) { c.off.Add(int64(d)) }

// freeze stops the clock at the current instant.
func (c *fakeClock) freeze() { c.frozen.Store(time.Now().UnixNano()) }

type env struct {
	t     *testing.T
	url   string
	clock *fakeClock
}

func newEnv(t *testing.T, opts ...func(*backend.Config)) *env {
	t.Helper()
	clk := &fakeClock{}
	srv := backendtest.New(t, append([]func(*backend.Config){func(cfg *backend.Config) { cfg.Now = clk.now }}, opts...)...)
	// Every exchange of these tests is checked against openapi.yaml.
	return &env{t: t, url: contractProxy(t, srv.URL), clock: clk}
}

// as signs a demo agent in and returns their client.
func (e *env) as(username string) *client.Client {
	e.t.Helper()
	c := client.New(e.url, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 20 * time.Millisecond})
	s, err := c.SignIn(ctx(e.t), username, "demo")
	if err != nil {
		e.t.Fatalf("sign in %s: %v", username, err)
	}
	if s.Agent.Username != username {
		e.t.Fatalf("signed in as %+v, want %s", s.Agent, username)
	}
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustFind(t *testing.T, c *client.Client, q client.AccountQuery) data.Account {
	t.Helper()
	accs, err := c.SearchAccounts(ctx(t), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	if len(accs) != 1 {
		t.Fatalf("search %+v: %d accounts, want 1", q, len(accs))
	}
	return accs[0]
}

func TestSessionLifecycle(t *testing.T) {
	e := newEnv(t)
	var unauthorized atomic.Int64
	c := client.New(e.url, client.Options{OnUnauthorized: func() { unauthorized.Add(1) }})
	cx := ctx(t)

	if _, err := c.SignIn(cx, "ana", "wrong"); !errors.Is(err, client.ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := c.Me(cx); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("Me before sign-in: %v", err)
	}
	if unauthorized.Load() != 1 {
		t.Errorf("OnUnauthorized calls = %d, want 1", unauthorized.Load())
	}
	s, err := c.SignIn(cx, "ana", "demo")
	if err != nil {
		t.Fatal(err)
	}
	if s.Token == "" || s.Agent.Role != data.RoleAgent || !s.ExpiresAt.After(time.Now()) {
		t.Errorf("session = %+v", s)
	}
	me, err := c.Me(cx)
	if err != nil || me.Username != "ana" || me.Role != data.RoleAgent {
		t.Fatalf("Me = %+v, %v", me, err)
	}
	if err := c.SignOut(cx); err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	// The old token is revoked on the backend, not just forgotten here.
	c.SetToken(s.Token)
	if _, err := c.Me(cx); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("Me with a signed-out token: %v", err)
	}
	if unauthorized.Load() != 2 {
		t.Errorf("OnUnauthorized calls = %d, want 2", unauthorized.Load())
	}
}

func TestExpiredSessionSendsAgentToSignIn(t *testing.T) {
	e := newEnv(t)
	var unauthorized atomic.Int64
	c := client.New(e.url, client.Options{OnUnauthorized: func() { unauthorized.Add(1) }})
	if _, err := c.SignIn(ctx(t), "lee", "demo"); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(9 * time.Hour)
	_, err := c.Account(ctx(t), "acc_1001")
	if !errors.Is(err, client.ErrUnauthorized) || unauthorized.Load() != 1 {
		t.Fatalf("expired session: %v (OnUnauthorized %d)", err, unauthorized.Load())
	}
	if got := client.Explain(err, time.UTC); got != "Your session ended: sign in again." {
		t.Errorf("Explain = %q", got)
	}
}

func TestSearchAndOverview(t *testing.T) {
	e := newEnv(t)
	c := e.as("ana")
	cx := ctx(t)

	tw := mustFind(t, c, client.AccountQuery{Phone: "+886936123456"})
	if tw.ID != "acc_1001" || tw.PhoneStoredForm != "trunk_0" {
		t.Errorf("TW account = %s stored %q, want acc_1001 in trunk_0 form", tw.ID, tw.PhoneStoredForm)
	}
	if strings.Contains(tw.PhoneMasked, "936123456") || tw.PhoneMasked == "" {
		t.Errorf("phone is not masked: %q", tw.PhoneMasked)
	}
	kasa := mustFind(t, c, client.AccountQuery{Email: "2fa.pending@example.com"})
	if kasa.App != data.AppKasa || kasa.TwoFactor.FeatureAvailable {
		t.Errorf("Kasa account = %+v, want 2FA not rolled out", kasa)
	}
	byID := mustFind(t, c, client.AccountQuery{ID: "acc_1002"})
	got, err := c.Account(cx, byID.ID)
	if err != nil || got.ID != "acc_1002" || got.TrustedDeviceCount != 1 {
		t.Fatalf("Account = %+v, %v", got, err)
	}
	for _, q := range []client.AccountQuery{{Phone: "+447911123456"}, {Phone: "+445612345678"}, {Phone: "+4915123456789"}, {Phone: "+16502530000"}} {
		mustFind(t, c, q)
	}

	none, err := c.SearchAccounts(cx, client.AccountQuery{Email: "nobody@example.com"})
	if err != nil || len(none) != 0 {
		t.Errorf("no match = %v, %v; want empty", none, err)
	}
	_, err = c.SearchAccounts(cx, client.AccountQuery{Phone: "0936 123 456"})
	if !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("non-E.164 search: %v, want ErrBadRequest", err)
	}
	if got := client.Explain(err, time.UTC); !strings.Contains(got, "E.164") {
		t.Errorf("Explain = %q, want the backend's reason", got)
	}
	_, err = c.Account(cx, "acc_none")
	if !errors.Is(err, client.ErrNotFound) || client.Explain(err, time.UTC) != "Not found." {
		t.Errorf("unknown account: %v", err)
	}
}

func TestRevealIsAuditedWithReason(t *testing.T) {
	e := newEnv(t)
	ana, sam := e.as("ana"), e.as("sam")
	cx := ctx(t)

	if _, err := ana.Reveal(cx, "acc_1001", "phone", ""); !errors.Is(err, client.ErrBadRequest) {
		t.Fatalf("reveal without reason: %v", err)
	}
	v, err := ana.Reveal(cx, "acc_1001", "phone", "caller reads the number back")
	if err != nil || v != "+8860936123456" {
		t.Fatalf("Reveal = %q, %v", v, err)
	}
	entries, err := sam.Audit(cx, client.AuditQuery{AccountID: "acc_1001", Action: "reveal"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, en := range entries {
		if en.AgentID == "ag_ana" && en.Reason == "caller reads the number back" {
			found = true
		}
	}
	if !found {
		t.Errorf("reveal not in the audit: %+v", entries)
	}
}

func TestDeliveriesExplainFailures(t *testing.T) {
	e := newEnv(t)
	c := e.as("ana")
	ds, err := c.Deliveries(ctx(t), "acc_1002")
	if err != nil || len(ds) == 0 {
		t.Fatalf("Deliveries = %d, %v", len(ds), err)
	}
	if ds[0].Status != data.StatusUndelivered || ds[0].ProviderError != data.ProviderUnreachable {
		t.Errorf("newest delivery = %+v, want undelivered 30003", ds[0])
	}
	for i := 1; i < len(ds); i++ {
		if ds[i].RequestedAt.After(ds[i-1].RequestedAt) {
			t.Fatalf("deliveries not newest first at %d", i)
		}
	}
}

func TestResendRulesAndIdempotency(t *testing.T) {
	e := newEnv(t)
	c := e.as("ana")
	cx := ctx(t)
	email := data.ResendRequest{Channel: data.ChannelEmail, Purpose: data.PurposeLogin}

	before, _ := c.Deliveries(cx, "acc_1002")
	key := client.NewIdempotencyKey()
	first, err := c.Resend(cx, "acc_1002", email, key)
	if err != nil || first.Replayed || first.Delivery.ID == "" {
		t.Fatalf("first resend = %+v, %v", first, err)
	}
	if first.Delivery.RequestedBy != data.RequesterAgent || first.Delivery.Channel != data.ChannelEmail {
		t.Errorf("delivery = %+v", first.Delivery)
	}
	again, err := c.Resend(cx, "acc_1002", email, key)
	if err != nil || !again.Replayed || again.Delivery.ID != first.Delivery.ID {
		t.Fatalf("same key again = %+v, %v; want the first result replayed", again, err)
	}
	after, _ := c.Deliveries(cx, "acc_1002")
	if len(after) != len(before)+1 {
		t.Errorf("deliveries %d -> %d, want exactly one more", len(before), len(after))
	}
	// The same key for another request is refused, not replayed.
	_, err = c.Resend(cx, "acc_1002", data.ResendRequest{Channel: data.ChannelSMS, Purpose: data.PurposeLogin}, key)
	if !errors.Is(err, client.ErrConflict) {
		t.Errorf("conflicting key: %v, want ErrConflict", err)
	}

	// A second code to the same address within the minute is over the limit.
	_, err = c.Resend(cx, "acc_1002", email, client.NewIdempotencyKey())
	var rl *client.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("second resend in a minute: %v, want *RateLimitError", err)
	}
	if wait := time.Until(rl.Until); wait <= 0 || wait > 61*time.Second {
		t.Errorf("Until = %v (in %v), want within the minute", rl.Until, wait)
	}
	if got := client.Explain(err, time.UTC); !strings.HasPrefix(got, "Too many codes: the next one can be sent at ") {
		t.Errorf("Explain = %q", got)
	}
	limits, err := c.RateLimits(cx, "acc_1002")
	if err != nil {
		t.Fatal(err)
	}
	blocked := false
	for _, l := range limits.Limits {
		if l.Channel == data.ChannelEmail && l.Purpose == data.PurposeLogin && l.Blocked && l.NextAllowedAt != nil {
			blocked = true
		}
	}
	if !blocked {
		t.Errorf("rate limits do not show the blocked email: %+v", limits)
	}
}

func TestResendAtHourlyLimit(t *testing.T) {
	e := newEnv(t)
	c := e.as("lee")
	de := mustFind(t, c, client.AccountQuery{Phone: "+4915123456789"})
	_, err := c.Resend(ctx(t), de.ID, data.ResendRequest{Channel: data.ChannelSMS, Purpose: data.PurposeLogin}, client.NewIdempotencyKey())
	var rl *client.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("resend at the hourly limit: %v", err)
	}
	if wait := time.Until(rl.Until); wait < time.Minute || wait > time.Hour {
		t.Errorf("next allowed in %v, want the hourly window to free (more than a minute)", wait)
	}
}

func TestResendRefusedChannels(t *testing.T) {
	e := newEnv(t)
	c := e.as("ana")
	voip := mustFind(t, c, client.AccountQuery{Phone: "+445612345678"})
	_, err := c.Resend(ctx(t), voip.ID, data.ResendRequest{Channel: data.ChannelSMS, Purpose: data.PurposeLogin}, "")
	if !errors.Is(err, client.ErrChannelUnavailable) {
		t.Fatalf("SMS to VoIP: %v, want ErrChannelUnavailable", err)
	}
	if got := client.Explain(err, time.UTC); !strings.HasPrefix(got, "This channel cannot be used for this account. SMS refused") {
		t.Errorf("Explain = %q", got)
	}
	_, err = c.Resend(ctx(t), "acc_1010", data.ResendRequest{Channel: data.ChannelAppPush, Purpose: data.PurposeLogin}, "")
	if !errors.Is(err, client.ErrChannelUnavailable) {
		t.Errorf("push with notifications off: %v, want ErrChannelUnavailable", err)
	}
}

// TestResendBurst fires concurrent resends with distinct keys at one
// destination: exactly one code goes out, the others are rate limited.
func TestResendBurst(t *testing.T) {
	t.Run("frozen clock", func(t *testing.T) { testResendBurst(t, true) })
	// With a running clock a request that waited for the write lock must still
	// see the codes committed meanwhile (the backend reads the clock inside
	// its transaction).
	t.Run("running clock", func(t *testing.T) { testResendBurst(t, false) })
}

func testResendBurst(t *testing.T, frozen bool) {
	e := newEnv(t)
	if frozen {
		e.clock.freeze()
	}
	c := e.as("ana")
	cx := ctx(t)
	before, _ := c.Deliveries(cx, "acc_1007")
	var sent, limited atomic.Int64
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			_, err := c.Resend(cx, "acc_1007", data.ResendRequest{Channel: data.ChannelSMS, Purpose: data.PurposeLogin}, client.NewIdempotencyKey())
			switch {
			case err == nil:
				sent.Add(1)
			case errors.Is(err, client.ErrRateLimited):
				limited.Add(1)
			default:
				t.Errorf("burst resend: %v", err)
			}
		})
	}
	wg.Wait()
	if sent.Load() != 1 || limited.Load() != 11 {
		t.Errorf("sent %d, limited %d; want 1 and 11", sent.Load(), limited.Load())
	}
	after, _ := c.Deliveries(cx, "acc_1007")
	if len(after) != len(before)+1 {
		t.Errorf("deliveries %d -> %d, want one more", len(before), len(after))
	}
}

// identityProof runs a full identity check for c on accountID through the demo
// inbox and returns the proof.
func identityProof(t *testing.T, c *client.Client, accountID, channel string) data.IdentityProof {
	t.Helper()
	cx := ctx(t)
	chk, err := c.StartIdentityCheck(cx, accountID, channel)
	if err != nil {
		t.Fatalf("StartIdentityCheck: %v", err)
	}
	code := inboxCode(t, c, accountID)
	p, err := c.VerifyIdentity(cx, chk.ID, code)
	if err != nil {
		t.Fatalf("VerifyIdentity: %v", err)
	}
	if p.Proof == "" || p.AccountID != accountID {
		t.Fatalf("proof = %+v", p)
	}
	return p
}

func inboxCode(t *testing.T, c *client.Client, accountID string) string {
	t.Helper()
	msgs, err := c.DemoInbox(ctx(t), accountID)
	if err != nil {
		t.Fatalf("DemoInbox: %v", err)
	}
	for _, m := range msgs {
		if m.Purpose == data.PurposeIdentityCheck && m.Code != "" {
			return m.Code
		}
	}
	t.Fatalf("no identity-check code in the inbox: %+v", msgs)
	return ""
}

func TestIdentityCheckThenRemoveDevice(t *testing.T) {
	e := newEnv(t)
	ana, lee := e.as("ana"), e.as("lee")
	cx := ctx(t)
	const acc = "acc_1005"

	devs, err := ana.TrustedDevices(cx, acc)
	if err != nil || len(devs) != 2 {
		t.Fatalf("TrustedDevices = %+v, %v", devs, err)
	}
	_, err = ana.RemoveDevice(cx, acc, devs[1].ID, client.ActionAuth{})
	if !errors.Is(err, client.ErrIdentityRequired) || client.Explain(err, time.UTC) != "Check the caller's identity first." {
		t.Fatalf("remove without proof: %v", err)
	}

	proof := identityProof(t, ana, acc, data.ChannelAppPush)

	// Someone else's proof, or a proof for another account, does not count.
	if _, err := lee.RemoveDevice(cx, acc, devs[1].ID, client.ActionAuth{Proof: proof.Proof}); !errors.Is(err, client.ErrIdentityRequired) {
		t.Errorf("foreign proof: %v, want ErrIdentityRequired", err)
	}
	if _, err := ana.RevokeSessions(cx, "acc_1001", client.ActionAuth{Proof: proof.Proof}); !errors.Is(err, client.ErrIdentityRequired) {
		t.Errorf("proof for another account: %v, want ErrIdentityRequired", err)
	}

	res, err := ana.RemoveDevice(cx, acc, devs[1].ID, client.ActionAuth{Proof: proof.Proof})
	if err != nil {
		t.Fatalf("RemoveDevice: %v", err)
	}
	if res.Action != data.ActionRemoveDevice || res.NoticeDeliveryID == "" {
		t.Errorf("result = %+v, want a security notice", res)
	}
	left, _ := ana.TrustedDevices(cx, acc)
	if len(left) != 1 || left[0].ID == devs[1].ID {
		t.Errorf("devices after removal = %+v", left)
	}
	ds, _ := ana.Deliveries(cx, acc)
	if len(ds) == 0 || ds[0].ID != res.NoticeDeliveryID || ds[0].Purpose != data.PurposeSecurityNotice {
		t.Errorf("newest delivery = %+v, want the security notice", ds[0])
	}

	// A proof is good for one action.
	if _, err := ana.RevokeSessions(cx, acc, client.ActionAuth{Proof: proof.Proof}); !errors.Is(err, client.ErrIdentityRequired) {
		t.Errorf("used proof: %v, want ErrIdentityRequired", err)
	}
	e.clock.advance(time.Minute) // past the per-minute send limit
	proof = identityProof(t, ana, acc, data.ChannelAppPush)
	rv, err := ana.RevokeSessions(cx, acc, client.ActionAuth{Proof: proof.Proof})
	if err != nil || rv.Action != data.ActionRevokeSessions {
		t.Errorf("RevokeSessions = %+v, %v", rv, err)
	}

	e.clock.advance(time.Minute)
	proof = identityProof(t, ana, acc, data.ChannelAppPush)
	e.clock.advance(16 * time.Minute)
	if _, err := ana.RevokeSessions(cx, acc, client.ActionAuth{Proof: proof.Proof}); !errors.Is(err, client.ErrIdentityRequired) {
		t.Errorf("expired proof: %v, want ErrIdentityRequired", err)
	}
}

func TestIdentityCheckWrongCodes(t *testing.T) {
	e := newEnv(t)
	ana, lee := e.as("ana"), e.as("lee")
	cx := ctx(t)
	chk, err := ana.StartIdentityCheck(cx, "acc_1002", data.ChannelEmail)
	if err != nil {
		t.Fatal(err)
	}
	code := inboxCode(t, ana, "acc_1002")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if _, err := lee.VerifyIdentity(cx, chk.ID, code); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("another agent's check: %v, want ErrForbidden", err)
	}
	_, err = ana.VerifyIdentity(cx, chk.ID, wrong)
	if !errors.Is(err, client.ErrWrongCode) || client.Explain(err, time.UTC) != "Wrong code: 2 tries left." {
		t.Fatalf("wrong code: %v (%q)", err, client.Explain(err, time.UTC))
	}
	_, _ = ana.VerifyIdentity(cx, chk.ID, wrong)
	_, err = ana.VerifyIdentity(cx, chk.ID, wrong)
	if !errors.Is(err, client.ErrLocked) {
		t.Fatalf("third wrong code: %v, want ErrLocked", err)
	}
	if got := client.Explain(err, time.UTC); !strings.HasPrefix(got, "Too many wrong codes") {
		t.Errorf("Explain = %q", got)
	}
	// Even the right code no longer works, and new checks are locked out.
	if _, err := ana.VerifyIdentity(cx, chk.ID, code); !errors.Is(err, client.ErrLocked) {
		t.Errorf("right code after lock: %v", err)
	}
	e.clock.advance(2 * time.Minute) // past the send limit, inside the lockout
	_, err = ana.StartIdentityCheck(cx, "acc_1002", data.ChannelEmail)
	if !errors.Is(err, client.ErrLocked) {
		t.Errorf("new check while locked: %v, want ErrLocked", err)
	}
	if got := client.Explain(err, time.UTC); !strings.HasPrefix(got, "Too many wrong codes: identity checks are locked until ") {
		t.Errorf("Explain = %q", got)
	}
}

func TestIdentityCheckExpires(t *testing.T) {
	e := newEnv(t)
	ana := e.as("ana")
	cx := ctx(t)
	chk, err := ana.StartIdentityCheck(cx, "acc_1002", data.ChannelEmail)
	if err != nil {
		t.Fatal(err)
	}
	code := inboxCode(t, ana, "acc_1002")
	e.clock.advance(11 * time.Minute)
	if _, err := ana.VerifyIdentity(cx, chk.ID, code); !errors.Is(err, client.ErrIdentityRequired) {
		t.Errorf("expired check: %v, want ErrIdentityRequired", err)
	}
}

func TestApprovalsFourEyes(t *testing.T) {
	e := newEnv(t)
	ana, lee, sam := e.as("ana"), e.as("lee"), e.as("sam")
	cx := ctx(t)
	const acc = "acc_1005"

	req := data.ApprovalRequest{AccountID: acc, Action: data.ActionDisable2FA, Reason: "customer lost every device; ID checked by video"}
	ap, err := ana.RequestApproval(cx, req)
	if err != nil || ap.Status != data.ApprovalPending || ap.RequestedBy != "ag_ana" {
		t.Fatalf("RequestApproval = %+v, %v", ap, err)
	}
	// Before approval the approval id authorises nothing.
	if _, err := ana.Disable2FA(cx, acc, client.ActionAuth{ApprovalID: ap.ID}); !errors.Is(err, client.ErrIdentityRequired) {
		t.Errorf("pending approval used: %v", err)
	}
	// Agents cannot decide (ana cannot approve her own request); a
	// supervisor cannot decide their own request either.
	for _, c := range []*client.Client{lee, ana} {
		if _, err := c.Approve(cx, ap.ID, "ok"); !errors.Is(err, client.ErrForbidden) {
			t.Errorf("agent approving: %v, want ErrForbidden", err)
		}
	}
	own, err := sam.RequestApproval(cx, data.ApprovalRequest{AccountID: acc, Action: data.ActionRevokeSessions, Reason: "suspicious logins"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sam.Approve(cx, own.ID, "self")
	if !errors.Is(err, client.ErrSelfApproval) || !errors.Is(err, client.ErrForbidden) {
		t.Errorf("self-approval: %v, want ErrSelfApproval", err)
	}
	if got := client.Explain(err, time.UTC); got != "You asked for this yourself: another supervisor must decide it." {
		t.Errorf("Explain = %q", got)
	}
	if got := client.Explain(errors.New("x"), time.UTC); got == "" {
		t.Error("Explain of a foreign error is empty")
	}

	pending, err := sam.Approvals(cx, data.ApprovalPending)
	if err != nil || len(pending) != 2 {
		t.Errorf("pending approvals = %d, %v; want 2", len(pending), err)
	}
	mine, err := ana.Approvals(cx, "")
	if err != nil || len(mine) != 1 {
		t.Errorf("ana's approvals = %d, %v; want her one", len(mine), err)
	}

	done, err := sam.Approve(cx, ap.ID, "verified")
	if err != nil || done.Status != data.ApprovalApproved || done.DecidedBy != "ag_sam" || done.Result == nil {
		t.Fatalf("Approve = %+v, %v", done, err)
	}
	a, _ := ana.Account(cx, acc)
	if a.TwoFactor.Enabled {
		t.Error("2FA still on after the approved action ran")
	}
	// The requester can show the approval for the action it allowed; another
	// agent cannot.
	if r, err := ana.Disable2FA(cx, acc, client.ActionAuth{ApprovalID: ap.ID}); err != nil || r.Action != data.ActionDisable2FA {
		t.Errorf("Disable2FA with approval = %+v, %v", r, err)
	}
	if _, err := lee.Disable2FA(cx, acc, client.ActionAuth{ApprovalID: ap.ID}); !errors.Is(err, client.ErrIdentityRequired) {
		t.Errorf("another agent's approval: %v", err)
	}
	if _, err := sam.Reject(cx, ap.ID, "too late"); !errors.Is(err, client.ErrConflict) {
		t.Errorf("deciding twice: %v, want ErrConflict", err)
	}

	// Lee's request rejected by sam: nothing runs.
	chg, err := lee.RequestApproval(cx, data.ApprovalRequest{AccountID: "acc_1002", Action: data.ActionChangeEmail,
		Params: map[string]string{"new_email": "oliver.new@example.co.uk"}, Reason: "old mailbox closed"})
	if err != nil {
		t.Fatal(err)
	}
	rej, err := sam.Reject(cx, chg.ID, "ask for ID")
	if err != nil || rej.Status != data.ApprovalRejected {
		t.Fatalf("Reject = %+v, %v", rej, err)
	}
	if _, err := lee.ChangeContact(cx, "acc_1002", data.ContactChange{Email: "oliver.new@example.co.uk"}, client.ActionAuth{ApprovalID: chg.ID}); !errors.Is(err, client.ErrIdentityRequired) {
		t.Errorf("rejected approval used: %v", err)
	}
}

func TestChangeContactWithProof(t *testing.T) {
	e := newEnv(t)
	ana := e.as("ana")
	cx := ctx(t)
	proof := identityProof(t, ana, "acc_1002", data.ChannelEmail)
	if _, err := ana.ChangeContact(cx, "acc_1002", data.ContactChange{Phone: "0791 112 3457"}, client.ActionAuth{Proof: proof.Proof}); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("non-E.164 phone: %v, want ErrBadRequest", err)
	}
	r, err := ana.ChangeContact(cx, "acc_1002", data.ContactChange{Phone: "+447911123457"}, client.ActionAuth{Proof: proof.Proof})
	if err != nil || r.Action != data.ActionChangePhone {
		t.Fatalf("ChangeContact = %+v, %v", r, err)
	}
	a, _ := ana.Account(cx, "acc_1002")
	if a.PhoneVerified {
		t.Error("a new phone must be unverified")
	}
}

func TestCasesAndNotes(t *testing.T) {
	e := newEnv(t)
	ana, lee := e.as("ana"), e.as("lee")
	cx := ctx(t)

	cs := data.Case{ID: uuid.NewString(), AccountID: "acc_1002", Category: "sms_not_arriving", Channel: "phone",
		Escalation: data.Escalation{Region: "GB", App: data.AppTapo}}
	made, err := ana.CreateCase(cx, cs)
	if err != nil || made.Version != 1 || made.AgentID != "ag_ana" || made.Status != data.CaseOpen {
		t.Fatalf("CreateCase = %+v, %v", made, err)
	}
	again, err := ana.CreateCase(cx, cs)
	if err != nil || again.ID != made.ID || !again.CreatedAt.Equal(made.CreatedAt) {
		t.Fatalf("CreateCase repeated = %+v, %v; want the stored case", again, err)
	}
	other := cs
	other.Category = "lost_device"
	if _, err := ana.CreateCase(cx, other); !errors.Is(err, client.ErrConflict) {
		t.Errorf("same id, other case: %v, want ErrConflict", err)
	}

	note := data.Note{ID: uuid.NewString(), Text: "Customer is roaming in Spain; asked to enable SMS roaming."}
	for range 2 {
		got, err := ana.AddNote(cx, cs.ID, note)
		if err != nil || len(got.Notes) != 1 {
			t.Fatalf("AddNote = %d notes, %v; want 1", len(got.Notes), err)
		}
	}
	if _, err := ana.AddNote(cx, cs.ID, data.Note{ID: note.ID, Text: "changed"}); !errors.Is(err, client.ErrConflict) {
		t.Errorf("same note id, other text: %v", err)
	}

	waiting := data.CaseWaiting
	upd, err := ana.UpdateCase(cx, cs.ID, data.CasePatch{Version: made.Version, Status: &waiting})
	if err != nil || upd.Status != data.CaseWaiting || upd.Version != made.Version+1 {
		t.Fatalf("UpdateCase = %+v, %v", upd, err)
	}
	resolved := data.CaseResolved
	if _, err := lee.UpdateCase(cx, cs.ID, data.CasePatch{Version: made.Version, Status: &resolved}); !errors.Is(err, client.ErrConflict) {
		t.Errorf("stale version: %v, want ErrConflict", err)
	}
	read, err := lee.Case(cx, cs.ID)
	if err != nil || read.Status != data.CaseWaiting || len(read.Notes) != 1 {
		t.Errorf("Case = %+v, %v", read, err)
	}
	if _, err := lee.Case(cx, "no-such-case"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("unknown case: %v", err)
	}
	list, err := lee.Cases(cx, client.CaseQuery{AccountID: "acc_1002", Status: data.CaseWaiting})
	if err != nil || len(list) != 1 || list[0].ID != cs.ID {
		t.Errorf("Cases = %+v, %v", list, err)
	}
	if list, _ := lee.Cases(cx, client.CaseQuery{AgentID: "ag_lee"}); len(list) != 0 {
		t.Errorf("lee's cases = %d, want 0", len(list))
	}
}

// flakyProxy forwards every request to the backend but, for the first n
// writes, throws the backend's answer away and cuts the connection: the write
// happened, the client never heard of it. That is exactly when a retry must
// not duplicate anything.
func flakyProxy(t *testing.T, target string, n int64) (*httptest.Server, *atomic.Int64) {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	var writes, dropped atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || writes.Add(1) > n {
			rp.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		rp.ServeHTTP(rec, r)
		dropped.Add(1)
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &dropped
}

func TestRetriedWritesDoNotDuplicate(t *testing.T) {
	e := newEnv(t)
	ana := e.as("ana")
	cx := ctx(t)
	tok := signInToken(t, e.url, "ana")

	proxy, dropped := flakyProxy(t, e.url, 1)
	flaky := client.New(proxy.URL, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
	flaky.SetToken(tok)
	cs := data.Case{ID: uuid.NewString(), AccountID: "acc_1001", Category: "needs_trunk_0"}
	if _, err := flaky.CreateCase(cx, cs); err != nil {
		t.Fatalf("CreateCase through a connection cut after the write: %v", err)
	}
	if dropped.Load() != 1 {
		t.Fatalf("proxy dropped %d answers, want 1", dropped.Load())
	}
	if list, _ := ana.Cases(cx, client.CaseQuery{AccountID: "acc_1001"}); len(list) != 1 {
		t.Errorf("cases for the account = %d, want 1", len(list))
	}

	proxy2, _ := flakyProxy(t, e.url, 1)
	flaky2 := client.New(proxy2.URL, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
	flaky2.SetToken(tok)
	got, err := flaky2.AddNote(cx, cs.ID, data.Note{ID: uuid.NewString(), Text: "Told the customer to type the number without the 0."})
	if err != nil || len(got.Notes) != 1 {
		t.Fatalf("AddNote through a cut = %d notes, %v; want 1", len(got.Notes), err)
	}

	before, _ := ana.Deliveries(cx, "acc_1008")
	proxy3, _ := flakyProxy(t, e.url, 1)
	flaky3 := client.New(proxy3.URL, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
	flaky3.SetToken(tok)
	r, err := flaky3.Resend(cx, "acc_1008", data.ResendRequest{Channel: data.ChannelSMS, Purpose: data.PurposeLogin}, client.NewIdempotencyKey())
	// The retry got the first send's answer replayed; that send was this
	// call's own, so it is not reported as an earlier one.
	if err != nil || r.Replayed || r.Delivery.ID == "" {
		t.Fatalf("Resend through a cut = %+v, %v; want this call's send", r, err)
	}
	after, _ := ana.Deliveries(cx, "acc_1008")
	if len(after) != len(before)+1 {
		t.Errorf("deliveries %d -> %d, want exactly one more", len(before), len(after))
	}
}

func TestNonIdempotentWriteNotRepeatedAfterCut(t *testing.T) {
	e := newEnv(t)
	ana := e.as("ana")
	cx := ctx(t)
	proof := identityProof(t, ana, "acc_1005", data.ChannelAppPush)
	proxy, _ := flakyProxy(t, e.url, 1)
	flaky := client.New(proxy.URL, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
	flaky.SetToken(signInToken(t, e.url, "ana"))
	// A sensitive action has no idempotency key: after a cut it is not sent
	// again, and the agent is told the backend could not be reached.
	_, err := flaky.RevokeSessions(cx, "acc_1005", client.ActionAuth{Proof: proof.Proof})
	if !errors.Is(err, client.ErrOffline) {
		t.Fatalf("RevokeSessions through a cut: %v, want ErrOffline", err)
	}
	notices := 0
	ds, _ := ana.Deliveries(cx, "acc_1005")
	for _, d := range ds {
		if d.Purpose == data.PurposeSecurityNotice {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d security notices, want 1: the action ran once", notices)
	}
}

// TestKeyedApprovalWritesSurviveACut: a request for approval, a decision and
// a chain head whose answers are lost are retried and happen once.
func TestKeyedApprovalWritesSurviveACut(t *testing.T) {
	e := newEnv(t)
	sam := e.as("sam")
	cx := ctx(t)
	flakyAs := func(user string) *client.Client {
		proxy, dropped := flakyProxy(t, e.url, 1)
		c := client.New(proxy.URL, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
		c.SetToken(signInToken(t, e.url, user))
		t.Cleanup(func() {
			if dropped.Load() != 1 {
				t.Errorf("proxy dropped %d answers, want 1", dropped.Load())
			}
		})
		return c
	}
	ap, err := flakyAs("ana").RequestApproval(cx, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionRevokeSessions, Reason: "r"})
	if err != nil || ap.Status != data.ApprovalPending {
		t.Fatalf("RequestApproval through a cut = %+v, %v", ap, err)
	}
	if all, _ := sam.Approvals(cx, ""); len(all) != 1 {
		t.Errorf("approvals stored = %d, want exactly 1", len(all))
	}
	done, err := flakyAs("sam").Approve(cx, ap.ID, "checked")
	if err != nil || done.Status != data.ApprovalApproved || done.Result == nil {
		t.Fatalf("Approve through a cut = %+v, %v", done, err)
	}
	h, err := flakyAs("ana").RecordChainHead(cx, data.ChainHeadRequest{ConsoleID: "desk-1", Count: 3, Hash: strings.Repeat("ab", 32)})
	if err != nil || h.Count != 3 {
		t.Fatalf("RecordChainHead through a cut = %+v, %v", h, err)
	}
}

func signInToken(t *testing.T, url, user string) string {
	t.Helper()
	s, err := client.New(url, client.Options{}).SignIn(ctx(t), user, "demo")
	if err != nil {
		t.Fatal(err)
	}
	return s.Token
}

func TestAuditAgentsSeeTheirOwn(t *testing.T) {
	e := newEnv(t)
	ana, sam := e.as("ana"), e.as("sam")
	cx := ctx(t)
	start := time.Now().Add(-time.Second)
	if _, err := ana.Account(cx, "acc_1003"); err != nil {
		t.Fatal(err)
	}
	own, err := ana.Audit(cx, client.AuditQuery{})
	if err != nil || len(own) == 0 {
		t.Fatalf("ana's own audit = %d entries, %v", len(own), err)
	}
	for _, en := range own {
		if en.AgentID != "ag_ana" {
			t.Errorf("ana sees %+v", en)
		}
	}
	_, err = ana.Audit(cx, client.AuditQuery{AgentID: "ag_sam"})
	if !errors.Is(err, client.ErrForbidden) || client.Explain(err, time.UTC) != "You are not allowed to do this." {
		t.Fatalf("agent reading another's audit: %v", err)
	}
	entries, err := sam.Audit(cx, client.AuditQuery{AgentID: "ag_ana", AccountID: "acc_1003", Since: start, Until: time.Now().Add(time.Minute)})
	if err != nil || len(entries) == 0 {
		t.Fatalf("Audit = %+v, %v", entries, err)
	}
	for _, en := range entries {
		if en.AgentID != "ag_ana" || en.AccountID != "acc_1003" || en.At.Before(start) {
			t.Errorf("entry outside the filter: %+v", en)
		}
	}
	denied, err := sam.Audit(cx, client.AuditQuery{AgentID: "ag_ana", Action: "audit_denied"})
	if err != nil || len(denied) != 1 || denied[0].Status != http.StatusForbidden {
		t.Errorf("the denied audit read is not audited: %+v, %v", denied, err)
	}
	if old, err := sam.Audit(cx, client.AuditQuery{Until: start.Add(-time.Hour)}); err != nil || len(old) != 0 {
		t.Errorf("audit before the backend started = %d, %v", len(old), err)
	}
}

func TestLoginActivityPaging(t *testing.T) {
	e := newEnv(t)
	c := e.as("ana")
	cx := ctx(t)
	all, err := c.AllLoginActivity(cx, "acc_1005", 0)
	if err != nil || len(all) < 10 {
		t.Fatalf("AllLoginActivity = %d, %v", len(all), err)
	}
	// Page by hand with a small limit: the same events, in order, no repeats.
	var paged []data.LoginEvent
	cursor := ""
	for {
		p, err := c.LoginActivity(cx, "acc_1005", cursor, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Events) > 7 {
			t.Fatalf("page of %d events, limit 7", len(p.Events))
		}
		paged = append(paged, p.Events...)
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	if len(paged) != len(all) {
		t.Fatalf("paged %d events, all %d", len(paged), len(all))
	}
	seen := map[string]bool{}
	for i, ev := range paged {
		if seen[ev.ID] || ev.ID != all[i].ID {
			t.Fatalf("event %d: %s repeated or out of order", i, ev.ID)
		}
		seen[ev.ID] = true
		if i > 0 && ev.At.After(paged[i-1].At) {
			t.Fatalf("not newest first at %d", i)
		}
	}
	some, err := c.AllLoginActivity(cx, "acc_1005", 5)
	if err != nil || len(some) != 5 {
		t.Errorf("max 5 = %d, %v", len(some), err)
	}
	if _, err := c.LoginActivity(cx, "acc_1005", "forged", 5); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("forged cursor: %v", err)
	}
}
