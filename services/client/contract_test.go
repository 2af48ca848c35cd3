package client_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"verifydesk/backend"
)

var (
	docOnce sync.Once
	doc     *openapi3.T
	docErr  error
)

// contractProxy sits between the client and the reference backend and checks
// every exchange against the contract (backend/openapi.yaml): a request the
// client sends must be one the document allows whenever the backend accepted
// it, and every answer the client decodes must have the documented shape. So
// the client's routes, queries, headers and bodies are checked against the
// document, not only against this backend's leniency.
func contractProxy(t *testing.T, target string) string {
	t.Helper()
	docOnce.Do(func() {
		doc, docErr = openapi3.NewLoader().LoadFromData(backend.OpenAPI)
		if docErr == nil {
			docErr = doc.Validate(context.Background())
		}
	})
	if docErr != nil {
		t.Fatalf("openapi.yaml: %v", docErr)
	}
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	var router routers.Router
	var srv *httptest.Server
	var once sync.Once
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() {
			d := *doc
			d.Servers = openapi3.Servers{{URL: srv.URL}}
			var err error
			if router, err = legacy.NewRouter(&d); err != nil {
				t.Errorf("router: %v", err)
			}
		})
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		vr := r.Clone(context.Background())
		vr.Body = io.NopCloser(bytes.NewReader(body))
		vr.URL.Scheme, vr.URL.Host = "http", strings.TrimPrefix(srv.URL, "http://")

		rec := httptest.NewRecorder()
		rp.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())

		if router == nil {
			return
		}
		route, params, err := router.FindRoute(vr)
		if err != nil {
			t.Errorf("client sent %s %s: not in openapi.yaml", r.Method, r.URL.Path)
			return
		}
		in := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && rec.Code < 400 {
			t.Errorf("client sent %s %s, which openapi.yaml calls invalid: %v", r.Method, r.URL.Path, err)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s %s: answer %d does not match openapi.yaml: %v", r.Method, r.URL.Path, rec.Code, err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
