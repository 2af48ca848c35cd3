package backend

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

func FuzzPhoneHelpers(f *testing.F) {
	for _, s := range []string{"+886936123456", "+8860936123456", "+1", "+", "", "+999999", "+44 7911", "+٣٣", "+0000", "++44", "+8869361234567890123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := maskPhone(s)
		_ = trunkVariant(s)
		_ = phoneForm(s)
		_ = phoneRegion(s)
		_ = maskEmail(s)
		_, _ = smsRefusal(s)
		if cc, nat, ok := splitPhone(s); ok && isE164ish(s) {
			digits := 0
			for _, r := range m {
				if r >= '0' && r <= '9' {
					digits++
				}
			}
			if max := len(cc) + 4; digits > max {
				t.Fatalf("maskPhone(%q) = %q keeps %d digits of %s", s, m, digits, nat)
			}
		}
	})
}

// FuzzHandler sends arbitrary requests with a valid token: the backend never
// panics nor answers 500, and every error is the contract's JSON shape.
func FuzzHandler(f *testing.F) {
	s, err := Open(Config{DBPath: filepath.Join(f.TempDir(), "f.db"), Demo: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	h := s.Handler()
	// An agent's token and a supervisor's: supervisor routes (decisions)
	// refuse agents before they parse anything.
	var tokens []string
	for _, user := range []string{"ana", "sam"} {
		rec := httptest.NewRecorder()
		body, _ := json.Marshal(data.SignInRequest{Username: user, Password: "demo"})
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/agent/sessions", bytes.NewReader(body)))
		var sess data.Session
		if err := json.Unmarshal(rec.Body.Bytes(), &sess); err != nil {
			f.Fatal(err)
		}
		tokens = append(tokens, sess.Token)
	}
	routes := s.routes()
	ri := func(method, path string) uint8 {
		for i, r := range routes {
			if r.Method == method && r.Path == path {
				return uint8(i)
			}
		}
		f.Fatalf("no route %s %s", method, path)
		return 0
	}
	f.Add(ri("GET", "/v1/accounts"), "", "phone=%2B886936123456", []byte(nil), "")
	f.Add(ri("POST", "/v1/accounts/{id}/codes"), "acc_1005", "", []byte(`{"channel":"sms","purpose":"login"}`), "k")
	f.Add(ri("GET", "/v1/accounts/{id}/login-activity"), "acc_1005", "limit=2&cursor=AAAA", []byte(nil), "")
	f.Add(ri("POST", "/v1/identity-checks/{checkId}/verify"), "ic_x", "", []byte(`{"code":"123456"}`), "")
	f.Add(ri("POST", "/v1/cases"), "c1", "", []byte(`{"id":"c1","account_id":"acc_1001","notes":[{"id":"n","text":"t"}]}`), "")
	f.Add(ri("PATCH", "/v1/cases/{caseId}"), "c1", "", []byte(`{"version":1,"status":"resolved"}`), "")
	f.Add(ri("POST", "/v1/cases/{caseId}/notes"), "c1", "", []byte(`{"id":"n2","text":"t"}`), "")
	f.Add(ri("GET", "/v1/audit"), "", "since=2026-01-01T00:00:00Z&agent=ag_ana&outcome=denied&cursor=AAAAAAAAAAAA", []byte(nil), "")
	f.Add(ri("GET", "/v1/audit"), "", "until=0001-01-01T00:00:00Z&since=9999-12-31T23:59:59Z&account=%00", []byte(nil), "")
	f.Add(ri("POST", "/v1/accounts/{id}/contact"), "acc_1005", "", []byte(`{"phone":"+16502530009"}`), "pf_x")
	f.Add(ri("POST", "/v1/approvals"), "", "", []byte(`{"account_id":"acc_1005","action":"remove_device","params":{"device_id":"dv_1","x":"y"},"reason":"r"}`), "key")
	f.Add(ri("GET", "/v1/approvals"), "", "status=expired&requested_by=ag_ana&limit=3", []byte(nil), "")
	f.Add(ri("GET", "/v1/approvals/count"), "", "status=pending&account_id=acc_1005", []byte(nil), "")
	f.Add(ri("POST", "/v1/approvals/{approvalId}/approve")|0x80, "ap_x", "", []byte(`{"note":"ok"}`), "")
	f.Add(ri("POST", "/v1/audit/chain-heads"), "", "", []byte(`{"console_id":"d","count":3,"hash":"`+strings.Repeat("a", 64)+`"}`), "")
	f.Add(ri("GET", "/v1/audit/chain-heads/{consoleId}"), "d", "", []byte(nil), "")
	f.Fuzz(func(t *testing.T, ri uint8, arg, query string, body []byte, header string) {
		// The high bit picks the supervisor.
		token := tokens[int(ri>>7)]
		rt := routes[int(ri&0x7f)%len(routes)]
		path := rt.Path
		for _, p := range []string{"{id}", "{deviceId}", "{checkId}", "{approvalId}", "{caseId}", "{consoleId}"} {
			path = strings.ReplaceAll(path, p, arg)
		}
		req, err := http.NewRequest(rt.Method, "http://x"+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.URL.RawQuery = query
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set(data.HeaderIdempotencyKey, header)
		req.Header.Set(data.HeaderIdentityProof, header)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s?%s: %d %s", rt.Method, path, query, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e data.APIError
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || e.Message == "" {
				t.Fatalf("%s %s: error body %q", rt.Method, path, rec.Body)
			}
		}
	})
}

// FuzzAuditQuery reads arbitrary audit queries and runs them on a small audit:
// a bad query is a 400, never a panic, and a page holds at most limit entries,
// each passing the filters, newest first, with a cursor that parses.
func FuzzAuditQuery(f *testing.F) {
	s, err := Open(Config{DBPath: filepath.Join(f.TempDir(), "a.db")})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	end := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	seedAudit(f, s, 300, end)
	for _, q := range []string{"", "agent=ag_ana&limit=5", "account=acc_1003&outcome=denied", "action=reveal&cursor=AAAAAAAAAAAAAAAA",
		"since=2026-11-20T09:58:00Z&until=2026-11-20T09:59:00Z", "until=1969-01-01T00:00:00Z", "since=9999-01-01T00:00:00Z",
		"limit=5001", "cursor=%FF", "outcome=ok&agent=%00", "limit=1&cursor=" + encodeAuditCursor([]byte("\xff\xff\xff\xff\xff\xff\xff\xffz"))} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseAuditQuery(v)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.status != http.StatusBadRequest {
				t.Fatalf("%q: %v is not a 400", raw, err)
			}
			return
		}
		var page data.AuditList
		if err := s.db.View(func(tx *bolt.Tx) error {
			var err error
			page, err = auditPage(tx, q)
			return err
		}); err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		if len(page.Entries) > q.limit {
			t.Fatalf("%q: %d entries, limit %d", raw, len(page.Entries), q.limit)
		}
		for i, e := range page.Entries {
			if !q.matches(&e) {
				t.Fatalf("%q: entry %+v does not pass the filters", raw, e)
			}
			if i > 0 && e.At.After(page.Entries[i-1].At) {
				t.Fatalf("%q: not newest first", raw)
			}
		}
		if page.NextCursor != "" {
			if _, err := decodeAuditCursor(page.NextCursor); err != nil {
				t.Fatalf("%q: next cursor %q does not parse", raw, page.NextCursor)
			}
		}
	})
}

// FuzzApprovalParams checks an approval request's params: an accepted set is
// exactly the action's one parameter (or none), trimmed and not empty.
func FuzzApprovalParams(f *testing.F) {
	f.Add("remove_device", "device_id", " dv_1 ", "", "")
	f.Add("disable_2fa", "device_id", "dv_1", "", "")
	f.Add("change_phone", "new_phone", "+16502530001", "new_email", "x@y")
	f.Add("change_email", "new_email", "   ", "", "")
	f.Add("delete_account", "", "", "", "")
	f.Fuzz(func(t *testing.T, action, k1, v1, k2, v2 string) {
		p := map[string]string{}
		if k1 != "" {
			p[k1] = v1
		}
		if k2 != "" {
			p[k2] = v2
		}
		out, err := approvalParams(action, p)
		if err != nil {
			return
		}
		want := actionParam[action]
		switch {
		case want == "" && len(out) != 0:
			t.Fatalf("%s accepted params %v", action, out)
		case want != "" && (len(out) != 1 || out[want] == "" || out[want] != strings.TrimSpace(out[want])):
			t.Fatalf("%s accepted params %v", action, out)
		}
	})
}
