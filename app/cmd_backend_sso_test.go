package app

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"verifydesk/backend"
	"verifydesk/services/client"
)

func TestBackendSSOFlagsRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--oidc-issuer", "https://login.example.com"}, "--oidc-issuer and --oidc-client-id go together"},
		{[]string{"--oidc-client-id", "vd"}, "--oidc-issuer and --oidc-client-id go together"},
		{[]string{"--password-sign-in=false"}, "or nobody can sign in"},
		{[]string{"--oidc-issuer", "http://login.example.com", "--oidc-client-id", "vd"}, "must be an https:// URL"},
		{[]string{"--oidc-issuer", "login.example.com", "--oidc-client-id", "vd"}, "must be an https:// URL"},
	} {
		var errb bytes.Buffer
		if got := runBackend(tc.args, Stdio{Out: &bytes.Buffer{}, Err: &errb}); got != exitUsage || !strings.Contains(errb.String(), tc.says) {
			t.Errorf("%v: exit %d, %q", tc.args, got, errb.String())
		}
	}
	var out bytes.Buffer
	runBackend([]string{"--help"}, Stdio{Out: &out, Err: &out})
	for _, f := range []string{"oidc-issuer", "oidc-client-id", "oidc-provider-name", "oidc-groups-claim", "oidc-supervisor-group", "oidc-agent-group", "password-sign-in"} {
		if !strings.Contains(out.String(), f) {
			t.Errorf("--help lacks %s", f)
		}
	}
}

func TestServeBackendAdvertisesSSO(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	o := backendOptions{listen: "127.0.0.1:0", data: filepath.Join(t.TempDir(), "b.db"), passwordOff: true,
		oidc: backend.OIDCConfig{Issuer: "https://login.example.com/realms/support", ClientID: "verifydesk", ProviderName: "Keycloak"}}
	go func() { done <- serveBackend(ctx, Stdio{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, o, ready) }()
	url := <-ready
	m, err := client.New(url, client.Options{}).SignInMethods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.Password || m.OIDC == nil || m.OIDC.Issuer != o.oidc.Issuer || m.OIDC.ClientID != "verifydesk" || m.OIDC.ProviderName != "Keycloak" {
		t.Errorf("advertised %+v", m)
	}
	cancel()
	if got := <-done; got != exitOK {
		t.Errorf("exit %d", got)
	}
}
