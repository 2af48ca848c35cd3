package backend

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

func TestResendSendsAndShowsInLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	before := len(e.deliveries(tok, "acc_1007"))
	r := e.resend(tok, "acc_1007", data.ChannelSMS, data.PurposeLogin, "k1")
	e.want(r, http.StatusCreated)
	var res data.ResendResult
	r.decode(t, &res)
	d := res.Delivery
	if res.Replayed || d.Status != data.StatusDelivered || d.RequestedBy != data.RequesterAgent || d.AgentID != "ag_ana" {
		t.Errorf("resend result %+v", res)
	}
	if d.NetworkReached != "Vodafone" || d.Sender != "TP-Link" || d.SenderKind != "sender_id" || d.DestinationMasked != "+49 1*** *** 567" {
		t.Errorf("ported DE delivery %+v", d)
	}
	got := e.deliveries(tok, "acc_1007")
	if len(got) != before+1 || got[0].ID != d.ID {
		t.Fatalf("log has %d deliveries (was %d), newest %s, want %s", len(got), before, got[0].ID, d.ID)
	}
}

func TestResendIdempotency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	first := e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeLogin, "same-key")
	e.want(first, http.StatusCreated)
	var a, b data.ResendResult
	first.decode(t, &a)
	n := len(e.deliveries(tok, "acc_1005"))
	if first.Header.Get(data.HeaderIdempotentReplayed) != "" {
		t.Errorf("first answer says it is a replay")
	}
	// The same key again, even past the minute limit: exactly the first
	// answer (201, the same bytes) with the replay header; nothing sent.
	e.clock.Advance(10 * time.Second)
	for range 2 {
		again := e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeLogin, "same-key")
		e.want(again, http.StatusCreated)
		if !bytes.Equal(again.Body, first.Body) || again.Header.Get(data.HeaderIdempotentReplayed) != "true" {
			t.Errorf("replay answered %s (replayed %q), first %s", again.Body, again.Header.Get(data.HeaderIdempotentReplayed), first.Body)
		}
		again.decode(t, &b)
		if b.Delivery.ID != a.Delivery.ID {
			t.Errorf("replay %+v, first %+v", b, a)
		}
	}
	if got := len(e.deliveries(tok, "acc_1005")); got != n {
		t.Errorf("replay sent something: %d deliveries, want %d", got, n)
	}
	// The same key with another body, another account, or by another agent.
	r := e.resend(tok, "acc_1005", data.ChannelSMS, data.PurposeLogin, "same-key")
	e.want(r, http.StatusConflict)
	e.want(e.resend(tok, "acc_1007", data.ChannelEmail, data.PurposeLogin, "same-key"), http.StatusConflict)
	e.want(e.resend(e.signIn("lee"), "acc_1005", data.ChannelEmail, data.PurposeLogin, "same-key"), http.StatusConflict)
	// No key at all.
	e.want(e.do("POST", "/v1/accounts/acc_1005/codes", tok, data.ResendRequest{Channel: "sms", Purpose: "login"}), http.StatusBadRequest)
}

func TestResendBurstIsRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	e.want(e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeLogin, "b0"), http.StatusCreated)
	for i := 1; i < 20; i++ {
		r := e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeLogin, fmt.Sprintf("b%d", i))
		e.want(r, http.StatusTooManyRequests)
		ae := r.apiErr(t)
		ra, _ := strconv.Atoi(r.Header.Get("Retry-After"))
		if ae.Code != data.ErrCodeRateLimited || ae.RetryAfter != 60 || ra != 60 {
			t.Fatalf("429 %+v Retry-After %q", ae, r.Header.Get("Retry-After"))
		}
	}
	// Another purpose to the same destination has its own limits.
	e.want(e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeResetPassword, "other"), http.StatusCreated)
	// A minute later one more fits; after five in the hour the hour limit holds.
	for i := 0; i < 4; i++ {
		e.clock.Advance(time.Minute)
		e.want(e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeLogin, fmt.Sprintf("m%d", i)), http.StatusCreated)
	}
	e.clock.Advance(time.Minute)
	r := e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeLogin, "sixth")
	e.want(r, http.StatusTooManyRequests)
	if ra := r.apiErr(t).RetryAfter; ra != 55*60 {
		t.Errorf("hour limit retry_after %d, want %d", ra, 55*60)
	}
}

func TestHourlyLimitFromCustomersOwnRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	a := e.findPhone(tok, "+4915123456789")
	r := e.do("GET", "/v1/accounts/"+a.ID+"/rate-limits", tok, nil)
	e.want(r, 200)
	var rl data.RateLimits
	r.decode(t, &rl)
	var sms *data.DestinationLimits
	for i, l := range rl.Limits {
		if l.Channel == data.ChannelSMS && l.Purpose == data.PurposeLogin {
			sms = &rl.Limits[i]
		}
	}
	if sms == nil || !sms.Blocked || sms.NextAllowedAt == nil {
		t.Fatalf("DE limits %+v", rl)
	}
	now := e.clock.Now()
	if want := now.Add(8 * time.Minute); !sms.NextAllowedAt.Equal(want) {
		t.Errorf("next allowed %v, want %v", sms.NextAllowedAt, want)
	}
	if sms.Windows[1].Window != "hour" || sms.Windows[1].Used != 5 || sms.Windows[1].Limit != 5 {
		t.Errorf("hour window %+v", sms.Windows[1])
	}
	res := e.resend(tok, a.ID, data.ChannelSMS, data.PurposeLogin, "de1")
	e.want(res, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") != "480" {
		t.Errorf("Retry-After %q, want 480", res.Header.Get("Retry-After"))
	}
	e.clock.Advance(8 * time.Minute)
	e.want(e.resend(tok, a.ID, data.ChannelSMS, data.PurposeLogin, "de2"), http.StatusCreated)
}

func TestChannelsThatCannotWork(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	for _, c := range []struct {
		phone, account, channel, perr string
	}{
		{"+445612345678", "", data.ChannelSMS, data.ProviderVoIPRefused},
		{"", "acc_1015", data.ChannelSMS, data.ProviderLandline},
		{"", "acc_1010", data.ChannelAppPush, data.ProviderPushNotifDisabled},
		{"", "acc_1011", data.ChannelEmail, ""},
		{"", "acc_1006", data.ChannelSMS, ""},
	} {
		id := c.account
		if c.phone != "" {
			id = e.findPhone(tok, c.phone).ID
		}
		r := e.resend(tok, id, c.channel, data.PurposeLogin, "k-"+id+c.channel)
		e.want(r, http.StatusUnprocessableEntity)
		ae := r.apiErr(t)
		if ae.Code != data.ErrCodeChannelUnavailable || (c.perr != "" && ae.Details["provider_error"] != c.perr) {
			t.Errorf("%s %s: %+v", id, c.channel, ae)
		}
	}
}

func TestSimulatedOutcomes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	for _, c := range []struct {
		account, channel, status, perr string
	}{
		{"acc_1002", data.ChannelSMS, data.StatusUndelivered, data.ProviderUnreachable},
		{"acc_1001", data.ChannelSMS, data.StatusUndelivered, data.ProviderUnknownNumber}, // trunk-0 form on file
		{"acc_1013", data.ChannelSMS, data.StatusUndelivered, data.ProviderCarrierFiltered},
		{"acc_1008", data.ChannelEmail, data.StatusBounced, data.ProviderEmailBounced},
		{"acc_1009", data.ChannelEmail, data.StatusSent, data.ProviderEmailDeferred},
		{"acc_1005", data.ChannelAppPush, data.StatusDelivered, ""},
		{"acc_1005", data.ChannelSMS, data.StatusDelivered, ""},
	} {
		r := e.resend(tok, c.account, c.channel, data.PurposeNewDevice, "o-"+c.account+c.channel)
		e.want(r, http.StatusCreated)
		var res data.ResendResult
		r.decode(t, &res)
		if res.Delivery.Status != c.status || res.Delivery.ProviderError != c.perr {
			t.Errorf("%s %s: %s %s, want %s %s", c.account, c.channel, res.Delivery.Status, res.Delivery.ProviderError, c.status, c.perr)
		}
		if c.account == "acc_1005" && c.channel == data.ChannelSMS && (res.Delivery.Sender != "87022" || res.Delivery.SenderKind != "short_code") {
			t.Errorf("US sender %s %s", res.Delivery.Sender, res.Delivery.SenderKind)
		}
		if c.channel == data.ChannelEmail && res.Delivery.Sender != "no-reply@email.tp-link.com" {
			t.Errorf("email sender %s", res.Delivery.Sender)
		}
	}
}

func TestResendBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	e.want(e.resend(tok, "acc_1005", "fax", data.PurposeLogin, "x1"), http.StatusBadRequest)
	e.want(e.resend(tok, "acc_1005", data.ChannelSMS, data.PurposeSecurityNotice, "x2"), http.StatusBadRequest)
	e.want(e.resend(tok, "nope", data.ChannelSMS, data.PurposeLogin, "x3"), http.StatusNotFound)
	e.want(e.do("POST", "/v1/accounts/acc_1005/codes", tok, "not an object", data.HeaderIdempotencyKey, "x4"), http.StatusBadRequest)
}

func TestTrunkZeroHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	var trunkFailed, e164Delivered bool
	for _, d := range e.deliveries(tok, "acc_1001") {
		if d.DestinationForm == "trunk_0" && d.Status == data.StatusUndelivered {
			trunkFailed = true
		}
		if d.DestinationForm == "e164" && d.Status == data.StatusDelivered && d.Channel == data.ChannelSMS {
			e164Delivered = true
		}
	}
	if !trunkFailed || !e164Delivered {
		t.Errorf("TW history: trunk-0 failed %v, e164 delivered %v", trunkFailed, e164Delivered)
	}
}

// TestRateLimitsPerDestination: the send limits list every destination and
// purpose used today plus the contacts on file, each with its own counts.
func TestRateLimitsPerDestination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	// Emily today: 3 app notifications for a new device (62, 35 and 12 min
	// ago) and an SMS login code 32 min ago; now an email reset code too.
	e.want(e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeResetPassword, "k1"), http.StatusCreated)
	r := e.do("GET", "/v1/accounts/acc_1005/rate-limits", tok, nil)
	e.want(r, 200)
	var rl data.RateLimits
	r.decode(t, &rl)
	type row struct {
		channel, masked, purpose string
		minute, hour, day        int
		blocked                  bool
	}
	var got []row
	for _, l := range rl.Limits {
		if len(l.Windows) != 3 {
			t.Fatalf("windows %+v", l.Windows)
		}
		got = append(got, row{l.Channel, l.DestinationMasked, l.Purpose, l.Windows[0].Used, l.Windows[1].Used, l.Windows[2].Used, l.Blocked})
	}
	want := []row{
		{data.ChannelSMS, "+1 6*** *** 000", data.PurposeLogin, 0, 1, 1, false},
		{data.ChannelEmail, "e***@example.com", data.PurposeLogin, 0, 0, 0, false},
		{data.ChannelEmail, "e***@example.com", data.PurposeResetPassword, 1, 1, 1, true},
		{data.ChannelAppPush, "Emily's iPhone", data.PurposeNewDevice, 0, 2, 3, false},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("limits\n got %v\nwant %v", got, want)
	}
	for _, l := range rl.Limits {
		if l.Blocked && (l.NextAllowedAt == nil || !l.NextAllowedAt.Equal(e.clock.Now().Add(time.Minute))) {
			t.Errorf("%s %s next allowed at %v, want in a minute", l.Channel, l.Purpose, l.NextAllowedAt)
		}
	}
}

// TestResendReplaysDuringSend fires the same key many times at once while the
// provider is slow: one code goes out, and every answer is the first answer.
func TestResendReplaysDuringSend(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	e := newEnv(t, func(c *Config) {
		c.Provider = hookProvider{Provider: NewSimulatedProvider(c.Now), hook: func(Message) { <-release }}
	})
	tok := e.signIn("ana")
	before := len(e.deliveries(tok, "acc_1007"))
	const n = 8
	answers := make(chan resp, n)
	for range n {
		go func() { answers <- e.resend(tok, "acc_1007", data.ChannelEmail, data.PurposeLogin, "slow-key") }()
	}
	close(release)
	var got []resp
	for range n {
		got = append(got, <-answers)
	}
	firsts := 0
	for _, r := range got {
		e.want(r, http.StatusCreated)
		if r.Header.Get(data.HeaderIdempotentReplayed) == "" {
			firsts++
		}
		if !bytes.Equal(r.Body, got[0].Body) {
			t.Errorf("answers differ:\n%s\n%s", r.Body, got[0].Body)
		}
	}
	if firsts != 1 {
		t.Errorf("%d answers without the replay header, want 1", firsts)
	}
	if after := len(e.deliveries(tok, "acc_1007")); after != before+1 {
		t.Errorf("deliveries %d -> %d, want one more", before, after)
	}
}

// TestResendReplayOfKeyWithoutAnswer: a key stored before first answers were
// kept (or whose send was cut off) still replays as a 201 with the delivery,
// and from then on always the same bytes.
func TestResendReplayOfKeyWithoutAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	first := e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeLogin, "old-key")
	e.want(first, http.StatusCreated)
	scope := idemScope("codes", "old-key")
	if err := e.s.db.Update(func(tx *bolt.Tx) error {
		var rec idemRec
		if _, err := getJSON(tx.Bucket(bucketIdempotency), scope, &rec); err != nil {
			return err
		}
		rec.Status, rec.Body = 0, nil
		return putJSON(tx.Bucket(bucketIdempotency), scope, rec)
	}); err != nil {
		t.Fatal(err)
	}
	a := e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeLogin, "old-key")
	b := e.resend(tok, "acc_1005", data.ChannelEmail, data.PurposeLogin, "old-key")
	for _, r := range []resp{a, b} {
		e.want(r, http.StatusCreated)
		if r.Header.Get(data.HeaderIdempotentReplayed) != "true" || !bytes.Equal(r.Body, first.Body) {
			t.Errorf("replay %s (%q), first %s", r.Body, r.Header.Get(data.HeaderIdempotentReplayed), first.Body)
		}
	}
}

// A number stored with the trunk 0 (+8860936...) fails in that form and
// delivers without it: the agent can send to the form that delivers, and a
// form the number is not stored in, or a form for another channel, is refused.
func TestResendToTheFormThatDelivers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	send := func(account, channel, form, key string) resp {
		return e.do("POST", "/v1/accounts/"+account+"/codes", tok,
			data.ResendRequest{Channel: channel, Purpose: data.PurposeLogin, Form: form}, data.HeaderIdempotencyKey, key)
	}
	for _, c := range []struct {
		form, wantForm, wantMasked, wantStatus string
	}{
		{"", data.FormTrunk0, "+886 0*** *** 456", data.StatusUndelivered},
		{data.FormTrunk0, data.FormTrunk0, "+886 0*** *** 456", data.StatusUndelivered},
		{data.FormE164, data.FormE164, "+886 9** *** 456", data.StatusDelivered},
	} {
		r := send("acc_1001", data.ChannelSMS, c.form, "form-"+c.form)
		e.want(r, http.StatusCreated)
		var res data.ResendResult
		r.decode(t, &res)
		if d := res.Delivery; d.DestinationForm != c.wantForm || d.DestinationMasked != c.wantMasked || d.Status != c.wantStatus {
			t.Errorf("form %q: sent to %s (%s), %s; want %s (%s), %s", c.form, d.DestinationMasked, d.DestinationForm, d.Status, c.wantMasked, c.wantForm, c.wantStatus)
		}
		e.clock.Advance(2 * time.Minute) // past the minute limit
	}
	e.want(send("acc_1007", data.ChannelSMS, data.FormTrunk0, "f1"), http.StatusUnprocessableEntity)
	e.want(send("acc_1001", data.ChannelEmail, data.FormE164, "f2"), http.StatusBadRequest)
	e.want(send("acc_1001", data.ChannelSMS, "national", "f3"), http.StatusBadRequest)
}

// The identity-check message asks the customer to read the code to the agent
// on the call they started, not never to share it (which the agent then asks
// them to do); other codes keep the warning.
func TestIdentityCheckMessageSaysWhoMayHearTheCode(t *testing.T) {
	check := messageText(data.AppTapo, data.PurposeIdentityCheck, "123456")
	login := messageText(data.AppTapo, data.PurposeLogin, "123456")
	if strings.Contains(check, "Never share") || !strings.Contains(check, "Read it only to the support agent on the call you started") {
		t.Errorf("identity check message %q", check)
	}
	if !strings.Contains(login, "Never share it") {
		t.Errorf("login code message %q", login)
	}
}
