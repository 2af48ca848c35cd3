package policy

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"howett.net/plist"
)

const fullJSON = `{
  "_comment": "pinned by IT",
  "backendUrl": "https://auth.example.com",
  "ssoIssuer": "https://login.example.com/tenant",
  "ssoClientId": "verifydesk-console",
  "retentionDays": 14,
  "geoDatabases": ["/opt/geo/GeoLite2-City.mmdb", "/opt/geo/GeoLite2-ASN.mmdb"],
  "allowDemo": false,
  "idleLockMinutes": 10,
  "allowBackendChange": false
}`

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkFull: every key of fullJSON read, as IT wrote it.
func checkFull(t *testing.T, p Policy, source string) {
	t.Helper()
	if p.Source != source {
		t.Errorf("Source = %q, want %q", p.Source, source)
	}
	for _, k := range Keys {
		if !p.Pinned(k) {
			t.Errorf("%s not pinned", k)
		}
	}
	if p.BackendURL != "https://auth.example.com" || p.SSOIssuer != "https://login.example.com/tenant" || p.SSOClientID != "verifydesk-console" ||
		p.RetentionDays != 14 || p.IdleLockMinutes != 10 || p.AllowDemo || p.AllowBackendChange ||
		!slices.Equal(p.GeoDatabases, []string{"/opt/geo/GeoLite2-City.mmdb", "/opt/geo/GeoLite2-ASN.mmdb"}) {
		t.Errorf("policy read as %+v", p)
	}
	if p.DemoAllowed() || p.BackendChangeAllowed() {
		t.Error("demo or a backend change allowed against the policy")
	}
}

func TestLoadJSONFromEnv(t *testing.T) {
	path := write(t, "policy.json", fullJSON)
	t.Setenv(EnvFile, path)
	p, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	checkFull(t, p, path)
}

// TestLoadPlist: a configuration profile's managed preferences, in XML and in
// the binary form macOS often writes.
func TestLoadPlist(t *testing.T) {
	xml := `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>backendUrl</key><string>https://auth.example.com</string>
  <key>ssoIssuer</key><string>https://login.example.com/tenant</string>
  <key>ssoClientId</key><string>verifydesk-console</string>
  <key>retentionDays</key><integer>14</integer>
  <key>geoDatabases</key><array><string>/opt/geo/GeoLite2-City.mmdb</string><string>/opt/geo/GeoLite2-ASN.mmdb</string></array>
  <key>allowDemo</key><false/>
  <key>idleLockMinutes</key><integer>10</integer>
  <key>allowBackendChange</key><false/>
</dict></plist>`
	path := write(t, "com.verifydesk.console.plist", xml)
	p, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkFull(t, p, path)

	var values map[string]any
	if _, err := plist.Unmarshal([]byte(xml), &values); err != nil {
		t.Fatal(err)
	}
	bin, err := plist.Marshal(values, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	path = write(t, "binary.plist", string(bin))
	p, err = LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkFull(t, p, path)
}

// TestNoPolicy: nothing pinned, everything allowed.
func TestNoPolicy(t *testing.T) {
	var p Policy
	for _, k := range Keys {
		if p.Pinned(k) {
			t.Errorf("%s pinned by the zero policy", k)
		}
	}
	if !p.DemoAllowed() || !p.BackendChangeAllowed() {
		t.Error("the zero policy forbids something")
	}
	dir := t.TempDir()
	p, err := loadFirst(filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"))
	if err != nil || p.Source != "" {
		t.Errorf("no file: %+v, %v", p, err)
	}
	// An empty object, or comments only: a policy that pins nothing.
	path := write(t, "policy.json", `{"_comment": "nothing pinned yet"}`)
	if p, err = LoadFile(path); err != nil || p.Pinned(KeyBackendURL) || !p.DemoAllowed() {
		t.Errorf("comment-only policy: %+v, %v", p, err)
	}
}

// TestFirstSourceWins: macOS reads the profile before the file IT placed.
func TestFirstSourceWins(t *testing.T) {
	profile := write(t, "managed.plist", `<plist version="1.0"><dict><key>retentionDays</key><integer>7</integer></dict></plist>`)
	file := write(t, "policy.json", `{"retentionDays": 9}`)
	p, err := loadFirst(filepath.Join(t.TempDir(), "absent.plist"), profile, file)
	if err != nil || p.RetentionDays != 7 || p.Source != profile {
		t.Errorf("got %+v, %v; want the profile's 7 days", p, err)
	}
}

// TestBadPolicies: each bad input names the source and the key, and says
// what is wrong, in words IT can act on.
func TestBadPolicies(t *testing.T) {
	for _, tc := range []struct{ name, content, key, want string }{
		{"mistyped backend", `{"backendUrl": "htps://auth.example.com"}`, "backendUrl", "not an http:// or https:// address"},
		{"backend with spaces", `{"backendUrl": "auth example.com"}`, "backendUrl", "spaces"},
		{"empty backend", `{"backendUrl": ""}`, "backendUrl", "is empty"},
		{"backend a number", `{"backendUrl": 443}`, "backendUrl", "must be a string, not a number"},
		{"mistyped key", `{"backendURL": "https://auth.example.com"}`, "backendURL", "not a policy key"},
		{"retention as text", `{"retentionDays": "30"}`, "retentionDays", "not a string"},
		{"retention zero", `{"retentionDays": 0}`, "retentionDays", "from 1 to 3650"},
		{"retention fraction", `{"retentionDays": 1.5}`, "retentionDays", "whole number"},
		{"retention huge", `{"retentionDays": 1e300}`, "retentionDays", "from 1 to 3650"},
		{"idle lock too long", `{"idleLockMinutes": 10000}`, "idleLockMinutes", "from 1 to 1440"},
		{"demo as text", `{"allowDemo": "no"}`, "allowDemo", "true or false"},
		{"change as number", `{"allowBackendChange": 2}`, "allowBackendChange", "true or false"},
		{"issuer over http", `{"ssoIssuer": "http://login.example.com"}`, "ssoIssuer", "not an https:// address"},
		{"client id with space", `{"ssoClientId": "verify desk"}`, "ssoClientId", "spaces"},
		{"geo not a list", `{"geoDatabases": 3}`, "geoDatabases", "list of file paths"},
		{"geo item a number", `{"geoDatabases": ["/a.mmdb", 3]}`, "geoDatabases", "item 2"},
		{"geo item empty", `{"geoDatabases": [""]}`, "geoDatabases", "item 1 is empty"},
		{"geo control char", `{"geoDatabases": ["/a\u0007.mmdb"]}`, "geoDatabases", "control characters"},
		{"not an object", `["backendUrl"]`, "", "not a JSON object"},
		{"null", `null`, "", "not a JSON object"},
		{"broken JSON", `{"backendUrl": "https://a.example.com"`, "", "not a JSON object"},
		{"two objects", `{} {}`, "", "text after"},
		{"key twice", `{"backendUrl": "htps://typo.example.com", "backendUrl": "https://auth.example.com"}`, "backendUrl", "given twice"},
		{"unclosed", `{"backendUrl": "https://auth.example.com",`, "", "not a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, "policy.json", tc.content)
			t.Setenv(EnvFile, path)
			_, err := Load()
			if err == nil {
				t.Fatalf("%s accepted", tc.content)
			}
			var pe *Error
			if !errors.As(err, &pe) || pe.Source != path || pe.Key != tc.key {
				t.Fatalf("error %v (%#v): want source %s and key %q", err, pe, path, tc.key)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "policy "+path+": ") || !strings.Contains(msg, tc.want) {
				t.Errorf("message %q: want it to start with the source and say %q", msg, tc.want)
			}
			if tc.key != "" && !strings.Contains(msg, ": "+tc.key+": ") {
				t.Errorf("message %q does not name the key %s", msg, tc.key)
			}
		})
	}
}

// TestEveryBadKeyReported: two bad keys, two errors, in key order.
func TestEveryBadKeyReported(t *testing.T) {
	_, err := ParseJSON("p.json", []byte(`{"retentionDays": -1, "backendUrl": "x", "allowDemo": true}`))
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "policy p.json: backendUrl: ") || !strings.HasPrefix(lines[1], "policy p.json: retentionDays: ") {
		t.Errorf("errors: %q", lines)
	}
}

func TestUnreadableFiles(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "policy.json")
	t.Setenv(EnvFile, missing)
	if _, err := Load(); err == nil || err.Error() != "policy "+missing+": no such file" {
		t.Errorf("missing file named by %s: %v", EnvFile, err)
	}
	big := write(t, "big.json", `{"_c": "`+strings.Repeat("x", maxFile)+`"}`)
	if _, err := LoadFile(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a huge file: %v", err)
	}
	bad := write(t, "bad.plist", "not a plist <")
	if _, err := LoadFile(bad); err == nil || !strings.Contains(err.Error(), "policy "+bad+": not a property list") {
		t.Errorf("a broken plist: %v", err)
	}
	if os.Getuid() > 0 { // not root, and not Windows (-1), where a file's mode does not lock it
		locked := write(t, "locked.json", `{}`)
		if err := os.Chmod(locked, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadFile(locked); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("an unreadable file: %v", err)
		}
	}
}

// TestGeoDatabasesAsLines: a registry REG_SZ holds the paths a line each.
func TestGeoDatabasesAsLines(t *testing.T) {
	p, err := FromValues("HKLM", map[string]any{KeyGeoDatabases: "C:\\geo\\City.mmdb\r\n\r\nC:\\geo\\ASN.mmdb\r\n", KeyAllowDemo: uint64(1), KeyRetentionDays: uint64(5)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.GeoDatabases, []string{`C:\geo\City.mmdb`, `C:\geo\ASN.mmdb`}) || !p.AllowDemo || p.RetentionDays != 5 {
		t.Errorf("read %+v", p)
	}
	// An empty list pins the demo locations.
	p, err = ParseJSON("p", []byte(`{"geoDatabases": []}`))
	if err != nil || !p.Pinned(KeyGeoDatabases) || len(p.GeoDatabases) != 0 {
		t.Errorf("empty list: %+v, %v", p, err)
	}
}

// TestPackagedExample: the example /etc/verifydesk/policy.json the .deb and
// .rpm install pins nothing, and each of its keys, once the _ is removed as
// it says, is a valid policy key and value.
func TestPackagedExample(t *testing.T) {
	b, err := os.ReadFile("../../.ci/nfpm/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseJSON("example", b)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys {
		if p.Pinned(k) {
			t.Errorf("the example pins %s", k)
		}
	}
	_, err = ParseJSON("example", []byte(strings.ReplaceAll(string(b), `"_`, `"`)))
	if err == nil || !strings.Contains(err.Error(), "comment: not a policy key") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("the example with its keys on: %v, want only the comment refused", err)
	}
	un := strings.ReplaceAll(strings.Replace(string(b), `"_comment"`, `"__"`, 1), `"_`, `"`)
	if p, err = ParseJSON("example", []byte(un)); err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys {
		if !p.Pinned(k) {
			t.Errorf("the example has no %s", k)
		}
	}
}
