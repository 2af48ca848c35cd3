package backend

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

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
	rec := httptest.NewRecorder()
	body, _ := json.Marshal(data.SignInRequest{Username: "ana", Password: "demo"})
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/agent/sessions", bytes.NewReader(body)))
	var sess data.Session
	if err := json.Unmarshal(rec.Body.Bytes(), &sess); err != nil {
		f.Fatal(err)
	}
	routes := s.routes()
	f.Add(uint8(3), "", "phone=%2B886936123456", []byte(nil), "")
	f.Add(uint8(7), "acc_1005", "", []byte(`{"channel":"sms","purpose":"login"}`), "k")
	f.Add(uint8(13), "acc_1005", "limit=2&cursor=AAAA", []byte(nil), "")
	f.Add(uint8(16), "ic_x", "", []byte(`{"code":"123456"}`), "")
	f.Add(uint8(22), "c1", "", []byte(`{"id":"c1","account_id":"acc_1001","notes":[{"id":"n","text":"t"}]}`), "")
	f.Add(uint8(23), "c1", "", []byte(`{"version":1,"status":"resolved"}`), "")
	f.Add(uint8(26), "", "since=2026-01-01T00:00:00Z&agent=ag_ana", []byte(nil), "")
	f.Add(uint8(12), "acc_1005", "", []byte(`{"phone":"+16502530009"}`), "pf_x")
	f.Fuzz(func(t *testing.T, ri uint8, arg, query string, body []byte, header string) {
		rt := routes[int(ri)%len(routes)]
		path := rt.Path
		for _, p := range []string{"{id}", "{deviceId}", "{checkId}", "{approvalId}", "{caseId}"} {
			path = strings.ReplaceAll(path, p, arg)
		}
		req, err := http.NewRequest(rt.Method, "http://x"+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.URL.RawQuery = query
		req.Header.Set("Authorization", "Bearer "+sess.Token)
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
