package client

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The contract has no redirects: every route answers where it is asked. A
// redirect comes from something between the console and the backend (a proxy
// sending http:// to https://, a moved host) or from a hostile server, and
// following it blindly hands the request to whoever the Location names: Go's
// http.Client resends a 307's body (a sign-in's password) and, for another
// port of the same host, even the Authorization header. So:
//   - a write (POST, PUT, PATCH, DELETE) follows no redirect at all: its body
//     or its effect must reach the backend the agent configured, or nothing;
//   - a read follows a redirect only within the origin it was sent to (same
//     scheme, host and port), at most maxRedirects times;
//   - no redirected request carries the bearer token, an identity proof or an
//     approval id.
//
// A refused redirect is the 3xx answer itself, which do turns into a
// *RedirectError (ErrRedirect).

// maxRedirects bounds the same-origin redirects of one read; a loop ends as a
// *RedirectError.
const maxRedirects = 5

// credentialHeaders never travel on a redirected request.
var credentialHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization", "Identity-Proof", "Approval-Id"}

// checkRedirect is the client's http.Client.CheckRedirect: it returns
// http.ErrUseLastResponse (the 3xx becomes the answer, nothing more is sent)
// for every redirect the rules above refuse, and strips the credentials from
// the ones they allow.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	if !readMethod(first.Method) || len(via) > maxRedirects || origin(req.URL) != origin(first.URL) {
		return http.ErrUseLastResponse
	}
	for _, h := range credentialHeaders {
		req.Header.Del(h)
	}
	return nil
}

func readMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// origin is scheme://host:port with the default port made explicit and case
// folded, so http://h and http://H:80 are one origin and http://h:8080 another.
func origin(u *url.URL) string {
	if u == nil {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// RedirectError is a redirect the client refused to follow (a write
// redirected anywhere, a read redirected to another origin, a redirect loop),
// or an answer reached through a redirect that needed the token the client
// does not forward (401). Nothing was sent past the redirect.
// errors.Is(err, ErrRedirect) is true.
type RedirectError struct {
	Status int    // the 3xx status, or 401 when the redirected read was refused
	Method string // the method of the call
	// To is the origin (scheme://host:port) the backend pointed to; never
	// the path or query, which could carry personal data. Empty when the
	// Location could not be read.
	To string
	// CrossOrigin is true when To is another origin than the one the call
	// was sent to.
	CrossOrigin bool
}

func (e *RedirectError) Error() string {
	s := fmt.Sprintf("%v: %s answered %d", ErrRedirect, e.Method, e.Status)
	if e.To != "" {
		s += " to " + e.To
		if e.CrossOrigin {
			s += " (another origin)"
		}
	}
	return s
}

// Is reports ErrRedirect.
func (e *RedirectError) Is(target error) bool { return target == ErrRedirect }

// redirectError describes the refused redirect resp is, or nil when resp is
// not one (a 3xx without Location is only an unexpected status).
func redirectError(method string, resp *http.Response) error {
	if resp == nil || resp.StatusCode < 300 || resp.StatusCode > 399 {
		return nil
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil
	}
	e := &RedirectError{Status: resp.StatusCode, Method: method}
	if resp.Request != nil && resp.Request.URL != nil {
		if to, err := resp.Request.URL.Parse(loc); err == nil && to.Host != "" {
			e.To = origin(to)
			e.CrossOrigin = e.To != origin(resp.Request.URL)
		}
	}
	return e
}

// redirected reports whether resp answers a request the client made by
// following a redirect.
func redirected(resp *http.Response) bool {
	return resp != nil && resp.Request != nil && resp.Request.Response != nil
}
