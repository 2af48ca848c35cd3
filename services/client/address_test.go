package client

import (
	"net/url"
	"strings"
	"testing"
)

func TestCheckBaseURL(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" = accepted, else the exact error
	}{
		{"http://127.0.0.1:8477", ""},
		{"https://auth.example.com", ""},
		{"https://auth.example.com/", ""},
		{"https://example.com/auth-backend", ""},
		{"HTTPS://Auth.Example.com", ""},
		{"http://[::1]:8477", ""},
		{"ftp://x", `"ftp://x" is not an http:// or https:// address`},
		{"", `"" is not an http:// or https:// address`},
		{"127.0.0.1:8477", `"127.0.0.1:8477" is not an http:// or https:// address`},
		{"localhost", `"localhost" is not an http:// or https:// address`},
		{"http//x", `"http//x" is not an http:// or https:// address`},
		{"http://x:abc", `"http://x:abc" is not an http:// or https:// address`},
		{"http://", `"http://" has no host name`},
		{"http:///v1", `"http:///v1" has no host name`},
		{"http://:8477", `"http://:8477" has no host name`},
		{"http:example.com", `"http:example.com" has no host name`},
		{"http://x:0", `"http://x:0" has a port outside 1-65535`},
		{"http://x:70000", `"http://x:70000" has a port outside 1-65535`},
		{"https://ana:secret@x", `"https://ana:secret@x" must not hold a user name or password`},
		{"http://x/?a=b", `"http://x/?a=b" must not have a query (?) or fragment (#)`},
		{"http://x?", `"http://x?" must not have a query (?) or fragment (#)`},
		{"http://x#top", `"http://x#top" must not have a query (?) or fragment (#)`},
		{" http://x", `" http://x" contains spaces or control characters`},
		{"http://x\n", `"http://x\n" contains spaces or control characters`},
	} {
		err := CheckBaseURL(c.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("CheckBaseURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzCheckBaseURL: an accepted address always gives the client request URLs
// on the same host.
func FuzzCheckBaseURL(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:8477", "https://a.example/x/", "ftp://x", "http://[::1]", "http://x?y#z", "https://u@h:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckBaseURL(s) != nil {
			return
		}
		base, err := url.Parse(s)
		if err != nil {
			t.Fatalf("accepted %q, which does not parse: %v", s, err)
		}
		req, err := url.Parse(New(s, Options{}).BaseURL() + path("agent", "me"))
		if err != nil || req.Host != base.Host || (req.Scheme != "http" && req.Scheme != "https") || req.RawQuery != "" {
			t.Fatalf("accepted %q, but a request goes to %v (%v)", s, req, err)
		}
		if !strings.HasSuffix(req.Path, "/v1/agent/me") {
			t.Fatalf("accepted %q, but a request path is %q", s, req.Path)
		}
	})
}
