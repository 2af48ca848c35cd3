package client

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"verifydesk/data"
)

// TestImpossibleAnswersAreErrors is issue 21 point 10: a hostile backend
// answers every route with values that cannot be true. Each becomes an error
// in words (ErrBadAnswer), never data a screen would show as fact.
func TestImpossibleAnswersAreErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, body string
		call       func(c *Client) (any, error)
	}{
		{"account with -1 trusted devices", `{"id":"acc_1","trusted_device_count":-1}`,
			func(c *Client) (any, error) { return c.Account(ctx, "acc_1") }},
		{"a search with one impossible account", `{"accounts":[{"id":"acc_1"},{"id":"acc_2","trusted_device_count":-7}]}`,
			func(c *Client) (any, error) { return c.SearchAccounts(ctx, AccountQuery{Phone: "+447911123456"}) }},
		{"-1 of -1 this minute, free", `{"limits":[{"channel":"sms","purpose":"login","windows":[{"window":"minute","limit":-1,"used":-1}],"blocked":false}]}`,
			func(c *Client) (any, error) { return c.RateLimits(ctx, "acc_1") }},
		{"a limit below its use", `{"limits":[{"channel":"sms","purpose":"login","windows":[{"window":"hour","limit":5,"used":9}],"blocked":true,"next_allowed_at":"2026-11-24T15:00:00Z"}]}`,
			func(c *Client) (any, error) { return c.RateLimits(ctx, "acc_1") }},
		{"a used-up window that claims a code can go now", `{"limits":[{"channel":"sms","purpose":"login","windows":[{"window":"minute","limit":1,"used":1}],"blocked":false}]}`,
			func(c *Client) (any, error) { return c.RateLimits(ctx, "acc_1") }},
		{"a delivery whose status came before it was asked for", `{"deliveries":[{"id":"d1","requested_at":"2026-11-24T14:00:00Z","status":"delivered","status_at":"2026-11-24T13:00:00Z"}]}`,
			func(c *Client) (any, error) { return c.Deliveries(ctx, "acc_1") }},
		{"a resend whose delivery ends before it starts", `{"delivery":{"id":"d1","requested_at":"2026-11-24T14:00:00Z","status_at":"2000-01-01T00:00:00Z"}}`,
			func(c *Client) (any, error) {
				return c.Resend(ctx, "acc_1", data.ResendRequest{Channel: data.ChannelSMS, Purpose: data.PurposeLogin}, "k")
			}},
		{"a device last seen before it was added", `{"devices":[{"id":"dv_1","added_at":"2026-11-24T14:00:00Z","last_seen_at":"2025-01-01T00:00:00Z"}]}`,
			func(c *Client) (any, error) { return c.TrustedDevices(ctx, "acc_1") }},
		{"-3 sessions revoked", `{"action":"revoke_sessions","account_id":"acc_1","sessions_revoked":-3}`,
			func(c *Client) (any, error) { return c.RevokeSessions(ctx, "acc_1", ActionAuth{Proof: "p"}) }},
		{"an identity check with -1 attempts", `{"id":"ic_1","attempts_left":-1}`,
			func(c *Client) (any, error) { return c.StartIdentityCheck(ctx, "acc_1", data.ChannelEmail) }},
		{"a proof with -1 uses", `{"proof":"p","uses_left":-1}`,
			func(c *Client) (any, error) { return c.VerifyIdentity(ctx, "ic_1", "123456") }},
		{"-1 pending approvals", `{"status":"pending","count":-1}`,
			func(c *Client) (any, error) { return c.PendingApprovals(ctx) }},
		{"an approval that expires before it was asked", `{"approvals":[{"id":"ap_1","requested_at":"2026-11-24T14:00:00Z","expires_at":"2026-11-23T14:00:00Z","status":"pending"}]}`,
			func(c *Client) (any, error) { return c.ListApprovals(ctx, ApprovalQuery{}) }},
		{"an approval decided before it was asked", `{"id":"ap_1","requested_at":"2026-11-24T14:00:00Z","expires_at":"2026-11-25T14:00:00Z","decided_at":"2026-11-24T13:59:00Z","status":"approved"}`,
			func(c *Client) (any, error) { return c.Approve(ctx, "ap_1", "ok") }},
		{"an approval whose action revoked -1 sessions", `{"id":"ap_1","status":"approved","result":{"sessions_revoked":-1}}`,
			func(c *Client) (any, error) { return c.Reject(ctx, "ap_1", "no") }},
		{"a case of version -1", `{"id":"c1","version":-1}`,
			func(c *Client) (any, error) { return c.Case(ctx, "c1") }},
		{"a case updated before it was created", `{"cases":[{"id":"c1","version":2,"created_at":"2026-11-24T14:00:00Z","updated_at":"2026-11-20T14:00:00Z"}]}`,
			func(c *Client) (any, error) { return c.Cases(ctx, CaseQuery{}) }},
		{"an audit entry with status -5", `{"entries":[{"id":"a1","status":-5,"outcome":"ok"}]}`,
			func(c *Client) (any, error) { return c.AuditPage(ctx, AuditQuery{Limit: 10}) }},
		{"a chain head of -1 entries", `{"console_id":"desk-1","count":-1,"hash":"x"}`,
			func(c *Client) (any, error) { return c.LatestChainHead(ctx, "desk-1") }},
		{"more delivered than sent", `{"rows":[{"channel":"sms","windows":[{"window":"1h","sent":10,"delivered":11,"verdict":"normal"}]}]}`,
			func(c *Client) (any, error) { return c.DeliveryHealth(ctx, HealthQuery{}) }},
		{"a delivery rate of 1.4", `{"rows":[{"channel":"sms","windows":[{"window":"1h","sent":10,"delivered":10,"delivery_rate":1.4,"verdict":"normal"}]}]}`,
			func(c *Client) (any, error) { return c.DeliveryHealth(ctx, HealthQuery{}) }},
		{"a window of 2 sends shown", `{"rows":[{"channel":"sms","windows":[{"window":"15m","sent":2,"delivered":2,"verdict":"too_few"}]}]}`,
			func(c *Client) (any, error) { return c.DeliveryHealth(ctx, HealthQuery{}) }},
		{"a verdict that is not one", `{"rows":[{"channel":"sms","windows":[{"window":"1h","sent":10,"delivered":10,"verdict":"fine"}]}]}`,
			func(c *Client) (any, error) { return c.DeliveryHealth(ctx, HealthQuery{}) }},
		{"p90 under p50", `{"rows":[{"channel":"sms","windows":[{"window":"1h","sent":10,"delivered":10,"verdict":"normal","latency_p50_seconds":30,"latency_p90_seconds":5}]}]}`,
			func(c *Client) (any, error) { return c.DeliveryHealth(ctx, HealthQuery{}) }},
		{"more converted than followed", `{"rows":[{"channel":"sms","windows":[{"window":"1h","sent":10,"delivered":10,"verdict":"normal","followed":5,"converted":6}]}]}`,
			func(c *Client) (any, error) { return c.DeliveryHealth(ctx, HealthQuery{}) }},
		{"a conversion rate that is not converted / followed", `{"rows":[{"channel":"sms","windows":[{"window":"1h","sent":10,"delivered":10,"verdict":"normal","followed":10,"converted":5,"conversion_rate":0.9}]}]}`,
			func(c *Client) (any, error) { return c.DeliveryHealth(ctx, HealthQuery{}) }},
		{"a surge under its threshold", `{"surges":[{"prefix":"447911","unverified_sends":3,"threshold":20}]}`,
			func(c *Client) (any, error) { return c.DeliveryHealth(ctx, HealthQuery{}) }},
		{"a baseline after the answer", `{"baseline_from":"2026-11-20T00:00:00Z","baseline_to":"2026-11-21T00:00:00Z","generated_at":"2026-11-20T10:00:00Z"}`,
			func(c *Client) (any, error) { return c.DeliveryHealth(ctx, HealthQuery{}) }},
	}
	for _, tc := range cases {
		s := newCounted(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			status := http.StatusOK
			if r.Method != http.MethodGet {
				status = http.StatusCreated
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(tc.body))
		})
		c := New(s.URL, fastOptions())
		c.SetToken("tok")
		got, err := tc.call(c)
		var ba *BadAnswerError
		if !errors.Is(err, ErrBadAnswer) || !errors.Is(err, ErrBadResponse) || !errors.As(err, &ba) {
			t.Errorf("%s: got %+v, %v; want ErrBadAnswer", tc.name, got, err)
			continue
		}
		words := Explain(err, time.UTC)
		if !strings.HasPrefix(words, "The auth backend sent an answer that cannot be right (") || strings.ContainsAny(words, "\n\x00") {
			t.Errorf("%s: Explain = %q", tc.name, words)
		}
		if s.hits.Load() != 1 {
			t.Errorf("%s: %d requests, want 1: an impossible answer is not a passing fault", tc.name, s.hits.Load())
		}
	}
}

// TestPossibleEdgesPass: values at the edge of possible are data.
func TestPossibleEdgesPass(t *testing.T) {
	for _, a := range []any{
		&data.RateLimits{Limits: []data.DestinationLimits{{Windows: []data.LimitWindow{{Window: "minute", Limit: 1, Used: 1}}, Blocked: true}}},
		&data.RateLimits{Limits: []data.DestinationLimits{{Windows: []data.LimitWindow{{Window: "day", Limit: 10, Used: 0}}}}},
		&data.DeliveryList{Deliveries: []data.Delivery{{RequestedAt: time.Unix(100, 0), StatusAt: time.Unix(100, 0)}, {RequestedAt: time.Unix(100, 0)}}},
		&data.Account{TrustedDeviceCount: 0},
		&data.Case{Version: 1, CreatedAt: time.Unix(5, 0), UpdatedAt: time.Unix(5, 0)},
		&data.AuditList{Entries: []data.AuditEntry{{Status: 200}, {}}},
		&data.DeliveryHealth{Rows: []data.HealthRow{{Windows: []data.HealthWindow{
			{Window: data.Window15m, Suppressed: true, Verdict: data.VerdictTooFew},
			{Window: data.Window1h, Sent: 5, Delivered: 0, Failed: map[string]int64{"30003": 5}, Verdict: data.VerdictTooFew},
		}}}, Surges: []data.PrefixSurge{{Prefix: "447911", UnverifiedSends: 21, Threshold: 20}}},
	} {
		if err := checkAnswer(a); err != nil {
			t.Errorf("checkAnswer(%+v) = %v", a, err)
		}
	}
}

func TestCurrentCaseRefusesAnImpossibleCase(t *testing.T) {
	err := &APIError{Status: http.StatusConflict, Body: data.APIError{Code: data.ErrCodeConflict,
		Details: map[string]any{"current": map[string]any{"id": "c1", "version": -4}}}}
	if cs, ok := CurrentCase(err); ok {
		t.Errorf("CurrentCase = %+v: a case of version -4 taken as the current one", cs)
	}
}

// answerTypes are the models the client decodes answers into.
func answerTypes() []any {
	return []any{&data.Session{}, &data.Agent{}, &data.AccountList{}, &data.Account{}, &data.RevealResult{},
		&data.DeliveryList{}, &data.ResendResult{}, &data.RateLimits{}, &data.TrustedDeviceList{},
		&data.ActionResult{}, &data.LoginActivityPage{}, &data.IdentityCheck{}, &data.IdentityProof{},
		&data.ApprovalList{}, &data.Approval{}, &data.ApprovalCount{}, &data.CaseList{}, &data.Case{}, &data.AuditList{},
		&data.ChainHead{}, &data.DemoInbox{}, &data.DeliveryHealth{}}
}

// FuzzDecodeAnswer decodes arbitrary bodies into every answer model: never a
// panic, every error is ErrBadResponse, and whatever is accepted is possible
// by a check of its own (possible below, written apart from checkAnswer): no
// negative number anywhere, no known end before its start, no window used
// past its limit.
func FuzzDecodeAnswer(f *testing.F) {
	f.Add([]byte(`{"id":"acc_1","trusted_device_count":-1}`))
	f.Add([]byte(`{"limits":[{"windows":[{"window":"minute","limit":-1,"used":-1}],"blocked":false}]}`))
	f.Add([]byte(`{"limits":[{"windows":[{"window":"minute","limit":1,"used":1}],"blocked":true}]}`))
	f.Add([]byte(`{"deliveries":[{"requested_at":"2026-11-24T14:00:00Z","status_at":"2026-11-24T13:00:00Z"}]}`))
	f.Add([]byte(`{"devices":[{"added_at":"2026-11-24T14:00:00Z","last_seen_at":"2026-11-24T14:00:01Z"}]}`))
	f.Add([]byte(`{"approvals":[{"requested_at":"2026-11-24T14:00:00Z","expires_at":"2026-11-25T14:00:00Z","decided_at":"2026-11-24T15:00:00Z","result":{"sessions_revoked":2}}]}`))
	f.Add([]byte(`{"cases":[{"version":3,"created_at":"2026-11-24T14:00:00Z","updated_at":"2026-11-24T14:00:00Z"}]}`))
	f.Add([]byte(`{"entries":[{"status":404}],"count":-9223372036854775808,"uses_left":1,"attempts_left":0}`))
	f.Add([]byte(`{"delivery":{"requested_at":"0001-01-01T00:00:00Z","status_at":"9999-12-31T23:59:59Z"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, out := range answerTypes() {
			err := decodeAnswer(body, out)
			if err != nil {
				if !errors.Is(err, ErrBadResponse) {
					t.Fatalf("decode into %T: %v is not ErrBadResponse", out, err)
				}
				_ = Explain(err, time.UTC)
				continue
			}
			if why := possible(reflect.ValueOf(out)); why != "" {
				t.Fatalf("decode into %T accepted %s: %s", out, body, why)
			}
		}
	})
}

// possible walks an accepted answer and says what in it cannot be true ("" if
// nothing).
func possible(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return possible(v.Elem())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Int() < 0 {
			return "a negative number"
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if why := possible(v.Index(i)); why != "" {
				return why
			}
		}
	case reflect.Struct:
		if _, ok := v.Interface().(time.Time); ok {
			return ""
		}
		for _, p := range [][2]string{{"RequestedAt", "StatusAt"}, {"AddedAt", "LastSeenAt"}, {"RequestedAt", "ExpiresAt"},
			{"RequestedAt", "DecidedAt"}, {"CreatedAt", "UpdatedAt"}, {"From", "To"}, {"BaselineFrom", "BaselineTo"}, {"BaselineTo", "GeneratedAt"}} {
			start, end := timeField(v, p[0]), timeField(v, p[1])
			if !start.IsZero() && !end.IsZero() && end.Before(start) {
				return p[1] + " before " + p[0]
			}
		}
		if w, ok := v.Interface().(data.LimitWindow); ok && w.Used > w.Limit {
			return "a window used past its limit"
		}
		if l, ok := v.Interface().(data.DestinationLimits); ok && !l.Blocked {
			for _, w := range l.Windows {
				if w.Used >= w.Limit {
					return "a used-up window on a destination that is not blocked"
				}
			}
		}
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if why := possible(v.Field(i)); why != "" {
				return why
			}
		}
	}
	return ""
}

// timeField is v's field name as a time (a *time.Time too); zero when v has
// no such field.
func timeField(v reflect.Value, name string) time.Time {
	f := v.FieldByName(name)
	if !f.IsValid() {
		return time.Time{}
	}
	switch t := f.Interface().(type) {
	case time.Time:
		return t
	case *time.Time:
		if t != nil {
			return *t
		}
	}
	return time.Time{}
}
