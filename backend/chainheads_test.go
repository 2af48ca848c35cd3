package backend

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"verifydesk/data"
)

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestChainHeadsOnlyMoveForward(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ana, lee, sam := e.signIn("ana"), e.signIn("lee"), e.signIn("sam")
	const path = "/v1/audit/chain-heads"
	e.want(e.do("GET", path+"/desk-7", ana, nil), http.StatusNotFound)

	first := e.do("POST", path, ana, data.ChainHeadRequest{ConsoleID: "desk-7", Count: 10, Hash: hashOf("e10")})
	e.want(first, http.StatusCreated)
	var h data.ChainHead
	first.decode(t, &h)
	if h.AgentID != "ag_ana" || h.Count != 10 || h.Hash != hashOf("e10") || h.RecordedAt.IsZero() {
		t.Errorf("recorded %+v", h)
	}
	// A retry (upper-case hex is the same hash): the first answer.
	r := e.do("POST", path, ana, data.ChainHeadRequest{ConsoleID: "desk-7", Count: 10, Hash: strings.ToUpper(hashOf("e10"))})
	e.want(r, http.StatusCreated)
	if !bytes.Equal(r.Body, first.Body) || r.Header.Get(data.HeaderIdempotentReplayed) != "true" {
		t.Errorf("retry answered %s", r.Body)
	}
	// Another agent at the same console moves it on; everyone reads it.
	e.want(e.do("POST", path, lee, data.ChainHeadRequest{ConsoleID: "desk-7", Count: 15, Hash: hashOf("e15")}), http.StatusCreated)
	r = e.do("GET", path+"/desk-7", ana, nil)
	e.want(r, 200)
	r.decode(t, &h)
	if h.Count != 15 || h.AgentID != "ag_lee" {
		t.Errorf("latest %+v", h)
	}
	// A shorter chain (a cut-off tail) or the same length with another hash
	// (a rewritten one) is refused, naming what was recorded.
	for _, req := range []data.ChainHeadRequest{
		{ConsoleID: "desk-7", Count: 12, Hash: hashOf("e12")},
		{ConsoleID: "desk-7", Count: 15, Hash: hashOf("forged")},
		{ConsoleID: "desk-7", Count: 10, Hash: hashOf("forged")},
	} {
		r := e.do("POST", path, ana, req)
		e.want(r, http.StatusConflict)
		if d := r.apiErr(t).Details; d["latest_count"] != float64(15) || d["latest_hash"] != hashOf("e15") {
			t.Errorf("%+v: details %v", req, d)
		}
	}
	// Other consoles are their own chains.
	e.want(e.do("POST", path, ana, data.ChainHeadRequest{ConsoleID: "desk-8", Count: 1, Hash: hashOf("x")}), http.StatusCreated)
	for _, bad := range []data.ChainHeadRequest{
		{ConsoleID: "desk-7", Count: 16, Hash: "abc"},
		{ConsoleID: "desk-7", Count: 0, Hash: hashOf("e0")},
		{ConsoleID: "", Count: 16, Hash: hashOf("e16")},
		{ConsoleID: "a/b", Count: 16, Hash: hashOf("e16")},
	} {
		e.want(e.do("POST", path, ana, bad), http.StatusBadRequest)
	}
	e.want(e.do("GET", path+"/"+url.PathEscape("a\x00b"), ana, nil), http.StatusBadRequest)
	// Recording heads is audited.
	var l data.AuditList
	e.do("GET", "/v1/audit?action=audit_chain_head", sam, nil).decode(t, &l)
	if len(l.Entries) != 7+4 {
		t.Errorf("%d chain-head audit entries, want 11", len(l.Entries))
	}
}
