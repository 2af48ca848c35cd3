package app

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"verifydesk/backend"
	"verifydesk/services/client"
)

func TestBackendUsage(t *testing.T) {
	for _, args := range [][]string{{"--nope"}, {"extra"}, {"--tls-cert", "c.pem"}, {"--generate", "-3"}} {
		var out, errb bytes.Buffer
		if got := runBackend(args, Stdio{Out: &out, Err: &errb}); got != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, got, exitUsage)
		}
		if !strings.Contains(errb.String(), "verifydesk backend") && !strings.Contains(errb.String(), "Usage") {
			t.Errorf("%v: no usage on stderr: %q", args, errb.String())
		}
	}
	var out bytes.Buffer
	if got := runBackend([]string{"--help"}, Stdio{Out: &out, Err: &out}); got != exitOK || !strings.Contains(out.String(), "--listen") && !strings.Contains(out.String(), "-listen") {
		t.Errorf("--help: exit %d, %q", got, out.String())
	}
}

func TestBackendGenerate(t *testing.T) {
	var out, errb bytes.Buffer
	path := filepath.Join(t.TempDir(), "g.db")
	if got := runBackend([]string{"--generate", "50", "--data", path}, Stdio{Out: &out, Err: &errb}); got != exitOK {
		t.Fatalf("exit %d: %s", got, errb.String())
	}
	if !strings.Contains(out.String(), "generated 50 accounts") {
		t.Errorf("output %q", out.String())
	}
}

func TestServeBackendDemoAndShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	var errb bytes.Buffer
	o := backendOptions{listen: "127.0.0.1:0", data: filepath.Join(t.TempDir(), "b.db"), demo: true}
	go func() { done <- serveBackend(ctx, Stdio{Out: &bytes.Buffer{}, Err: &errb}, o, ready) }()
	url := <-ready
	res, err := http.Post(url+"/v1/agent/sessions", "application/json", strings.NewReader(`{"username":"sam","password":"demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Errorf("demo sign-in: %d", res.StatusCode)
	}
	cancel()
	if got := <-done; got != exitOK {
		t.Errorf("exit %d", got)
	}
}

func TestServeBackendTLS(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM := selfSigned(t)
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	if err := os.WriteFile(cert, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	o := backendOptions{listen: "127.0.0.1:0", data: filepath.Join(dir, "b.db"), cert: cert, key: key}
	go func() { done <- serveBackend(ctx, Stdio{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, o, ready) }()
	url := <-ready
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("url %s", url)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := client.Get(url + "/v1/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.TLS == nil {
		t.Errorf("status %d, tls %v", res.StatusCode, res.TLS != nil)
	}
	cancel()
	if got := <-done; got != exitOK {
		t.Errorf("exit %d", got)
	}
}

func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
}

// TestServeBackendLimits: the send limits given on the command line are the
// ones the backend applies and reports.
func TestServeBackendLimits(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan int, 1)
	o := backendOptions{listen: "127.0.0.1:0", data: filepath.Join(t.TempDir(), "b.db"), demo: true,
		limits: backend.Limits{PerMinute: 2, PerHour: 7, PerDay: 20}}
	go func() { done <- serveBackend(ctx, Stdio{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}, o, ready) }()
	c := client.New(<-ready, client.Options{})
	if _, err := c.SignIn(ctx, "ana", "demo"); err != nil {
		t.Fatal(err)
	}
	rl, err := c.RateLimits(ctx, "acc_1001")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"minute": 2, "hour": 7, "day": 20}
	if len(rl.Limits) == 0 {
		t.Fatal("no limits reported")
	}
	for _, l := range rl.Limits {
		for _, w := range l.Windows {
			if w.Limit != want[w.Window] {
				t.Errorf("%s %s: limit %d, want %d", l.Channel, w.Window, w.Limit, want[w.Window])
			}
		}
	}
	cancel()
	<-done
}

func TestBackendLimitFlagsChecked(t *testing.T) {
	var errb bytes.Buffer
	code := runBackend([]string{"--limit-minute", "0"}, Stdio{Out: &bytes.Buffer{}, Err: &errb})
	if code != exitUsage || !strings.Contains(errb.String(), "limits") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}
