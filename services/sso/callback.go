package sso

import (
	"crypto/subtle"
	"fmt"
	"net/url"
)

// ParseCallback reads the query of the provider's redirect to the loopback
// listener (RFC 6749 4.1.2, RFC 9207) and returns the authorization code.
// state is this sign-in's state; issuer, when the redirect names one (iss),
// must be the provider's. It refuses a redirect with an error, without a
// code, with another state or from another issuer, with a message that says
// which; it never panics on what a browser sends.
func ParseCallback(rawQuery, state, issuer string) (string, error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", fmt.Errorf("%w: the redirect's address cannot be read", ErrRefused)
	}
	if len(q["state"]) > 1 || len(q["code"]) > 1 || len(q["iss"]) > 1 {
		return "", fmt.Errorf("%w: the redirect repeats a parameter", ErrRefused)
	}
	if e := q.Get("error"); e != "" {
		msg := bounded(e)
		if d := q.Get("error_description"); d != "" {
			msg += ": " + bounded(d)
		}
		// An error redirect of another sign-in is still not this one's.
		if st := q.Get("state"); st != "" && !sameString(st, state) {
			return "", ErrState
		}
		return "", fmt.Errorf("%w: %s", ErrRefused, msg)
	}
	if state == "" || !sameString(q.Get("state"), state) {
		return "", ErrState
	}
	if iss := q.Get("iss"); iss != "" && iss != issuer {
		return "", fmt.Errorf("%w: the redirect comes from another provider (%s)", ErrRefused, bounded(iss))
	}
	code := q.Get("code")
	if code == "" {
		return "", fmt.Errorf("%w: the redirect carries no code", ErrRefused)
	}
	if len(code) > 4096 {
		return "", fmt.Errorf("%w: the redirect's code is too long", ErrRefused)
	}
	return code, nil
}

func sameString(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
