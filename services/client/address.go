package client

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// CheckBaseURL reports whether s can be the backend address given to New: an
// http:// or https:// URL with a host name, optionally a port and a path, and
// nothing the client could not append /v1/... to (no query or fragment) nor
// credentials (they would sit in the preferences in clear). s is checked as
// given; the caller trims it first. The error is a sentence for the agent, to
// show beside the address field, e.g. `"ftp://x" is not an http:// or https://
// address`.
func CheckBaseURL(s string) error {
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return fmt.Errorf("%q contains spaces or control characters", s)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("%q is not an http:// or https:// address", s)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%q has no host name", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q has a port outside 1-65535", s)
		}
	}
	if u.User != nil {
		return fmt.Errorf("%q must not hold a user name or password", s)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#") {
		return fmt.Errorf("%q must not have a query (?) or fragment (#)", s)
	}
	return nil
}
