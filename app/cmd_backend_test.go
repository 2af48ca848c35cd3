package app

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
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
