//go:build windows

package policy

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/windows/registry"
)

// testKey makes a registry key of its own under HKCU (no administrator
// needed), removed at the end. CI runs this under Wine (.ci/wine-test).
func testKey(t *testing.T) (registry.Key, string) {
	t.Helper()
	path := fmt.Sprintf(`Software\VerifydeskPolicyTest\%d-%s`, os.Getpid(), t.Name())
	k, _, err := registry.CreateKey(registry.CURRENT_USER, path, registry.ALL_ACCESS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		k.Close()
		_ = registry.DeleteKey(registry.CURRENT_USER, path)
	})
	return k, path
}

func TestRegistryPolicy(t *testing.T) {
	k, path := testKey(t)
	for _, err := range []error{
		k.SetStringValue("BACKENDURL", "https://auth.example.com"), // names without regard to case
		k.SetExpandStringValue("ssoIssuer", "https://login.example.com"),
		k.SetStringValue("ssoClientId", "verifydesk-console"),
		k.SetDWordValue("retentionDays", 14),
		k.SetQWordValue("idleLockMinutes", 10),
		k.SetDWordValue("allowDemo", 0),
		k.SetDWordValue("allowBackendChange", 1),
		k.SetStringsValue("geoDatabases", []string{`C:\geo\City.mmdb`, `C:\geo\ASN.mmdb`}),
		k.SetStringValue("", "the key's default value is not a setting"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	p, err := LoadRegistry(registry.CURRENT_USER, path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != `HKCU\`+path || p.BackendURL != "https://auth.example.com" || p.SSOIssuer != "https://login.example.com" ||
		p.SSOClientID != "verifydesk-console" || p.RetentionDays != 14 || p.IdleLockMinutes != 10 || p.DemoAllowed() ||
		!p.Pinned(KeyAllowBackendChange) || !slices.Equal(p.GeoDatabases, []string{`C:\geo\City.mmdb`, `C:\geo\ASN.mmdb`}) {
		t.Errorf("read %+v", p)
	}
	for _, key := range Keys {
		if !p.Pinned(key) {
			t.Errorf("%s not read", key)
		}
	}
}

func TestRegistryBadValues(t *testing.T) {
	for _, tc := range []struct {
		name, key, want string
		set             func(registry.Key) error
	}{
		{"retention as text", "retentionDays", "not a string", func(k registry.Key) error { return k.SetStringValue("retentionDays", "14") }},
		{"demo as 2", "allowDemo", "true or false", func(k registry.Key) error { return k.SetDWordValue("allowDemo", 2) }},
		{"binary value", "backendUrl", "has registry type 3", func(k registry.Key) error { return k.SetBinaryValue("backendUrl", []byte{1}) }},
		{"mistyped name", "backendURI", "not a policy key", func(k registry.Key) error { return k.SetStringValue("backendURI", "https://a.example.com") }},
		{"mistyped backend", "backendUrl", "not an http:// or https:// address", func(k registry.Key) error { return k.SetStringValue("backendUrl", "htps://a.example.com") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, path := testKey(t)
			if err := tc.set(k); err != nil {
				t.Fatal(err)
			}
			_, err := LoadRegistry(registry.CURRENT_USER, path)
			var pe *Error
			if !errors.As(err, &pe) || pe.Key != tc.key || pe.Source != `HKCU\`+path || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v: want the source, the key %s and %q", err, tc.key, tc.want)
			}
		})
	}
}

func TestRegistryNoKey(t *testing.T) {
	p, err := LoadRegistry(registry.CURRENT_USER, `Software\VerifydeskPolicyTest\absent`)
	if err != nil || p.Source != "" || p.Pinned(KeyBackendURL) {
		t.Errorf("no key: %+v, %v", p, err)
	}
}
