package client_test

import (
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"verifydesk/backend"
	"verifydesk/backend/contracttest"
)

// contractProxy sits between the client and the reference backend and checks
// every exchange against the contract (backend/openapi.yaml): a request the
// client sends must be one the document allows whenever the backend accepted
// it, and every answer the client decodes must have the documented shape. So
// the client's routes, queries, headers and bodies are checked against the
// document, not only against this backend's leniency.
func contractProxy(t *testing.T, target string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	srv = httptest.NewServer(contracttest.Validating(t, backend.OpenAPI, httputil.NewSingleHostReverseProxy(u),
		func() string { return srv.URL }, contracttest.Options{}))
	t.Cleanup(srv.Close)
	return srv.URL
}
