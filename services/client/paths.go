package client

import (
	"fmt"
	"net/url"
	"strings"
)

// path joins escaped segments under /v1: path("accounts", id, "codes") is
// "/v1/accounts/<id>/codes". Ids are escaped so an id holding "/" or "?" cannot
// reach another route.
func path(segments ...string) string {
	var b strings.Builder
	b.WriteString("/v1")
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// needIDs refuses a call with an empty id before it is sent: an empty path
// segment would reach another route.
func needIDs(ids ...string) error {
	for _, id := range ids {
		if strings.TrimSpace(id) == "" {
			return fmt.Errorf("%w: empty id", ErrBadRequest)
		}
	}
	return nil
}
