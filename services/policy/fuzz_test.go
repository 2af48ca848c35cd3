package policy

import (
	"errors"
	"strings"
	"testing"

	"verifydesk/services/client"
)

// checkAccepted: whatever a parser accepts holds values the console can use.
func checkAccepted(t *testing.T, p Policy, err error) {
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "policy src: ") {
			t.Fatalf("error without its source: %v", err)
		}
		return
	}
	if p.Pinned(KeyBackendURL) && client.CheckBaseURL(p.BackendURL) != nil {
		t.Fatalf("bad backend accepted: %q", p.BackendURL)
	}
	if p.Pinned(KeyRetentionDays) && (p.RetentionDays < 1 || p.RetentionDays > MaxRetentionDays) {
		t.Fatalf("retention %d accepted", p.RetentionDays)
	}
	if p.Pinned(KeyIdleLockMinutes) && (p.IdleLockMinutes < 1 || p.IdleLockMinutes > MaxIdleLockMinutes) {
		t.Fatalf("idle lock %d accepted", p.IdleLockMinutes)
	}
	for _, g := range p.GeoDatabases {
		if strings.TrimSpace(g) == "" || strings.ContainsAny(g, "\n\r\x00") {
			t.Fatalf("geo path %q accepted", g)
		}
	}
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(fullJSON))
	f.Add([]byte(`{"retentionDays": 1e3, "geoDatabases": "a\nb"}`))
	f.Add([]byte(`{"backendUrl": "http://[::1]:0"}`))
	f.Add([]byte(`{"idleLockMinutes": 12345678901234567890}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseJSON("src", b)
		checkAccepted(t, p, err)
	})
}

func FuzzParsePlist(f *testing.F) {
	f.Add([]byte(`<plist version="1.0"><dict><key>retentionDays</key><integer>7</integer><key>allowDemo</key><true/></dict></plist>`))
	f.Add([]byte(`{ backendUrl = "https://a.example.com"; geoDatabases = ("/x"); }`))
	f.Add([]byte("bplist00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePlist("src", b)
		checkAccepted(t, p, err)
	})
}
