// Package contracttest checks HTTP exchanges against the auth backend's
// contract, the OpenAPI document backend/openapi.yaml, with kin-openapi. The
// backend's tests put it in front of the backend; the client's tests put it
// between the client and the backend. It does not import the backend, so the
// backend's own tests can use it.
package contracttest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Options tune what counts as a breach.
type Options struct {
	// UnknownRoutesOK lets a route the document lacks pass when it was answered
	// 404 or 405 (tests that probe unknown routes on purpose). Without it every
	// undocumented route is an error.
	UnknownRoutesOK bool
}

var (
	docMu   sync.Mutex
	parsed  = map[string]*openapi3.T{}
	loadErr = map[string]error{}
)

// Load parses and validates the document once per content.
func Load(t testing.TB, doc []byte) *openapi3.T {
	t.Helper()
	docMu.Lock()
	defer docMu.Unlock()
	key := string(doc)
	if _, done := parsed[key]; !done {
		d, err := openapi3.NewLoader().LoadFromData(doc)
		if err == nil {
			err = d.Validate(context.Background())
		}
		parsed[key], loadErr[key] = d, err
	}
	if err := loadErr[key]; err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	return parsed[key]
}

// Validating serves next and checks every exchange against doc: the route is
// in the document, a request the document calls invalid was not accepted, a
// secured route did not succeed without a token, and the answer's status and
// body have the documented shape. Breaches are reported with t.Errorf.
// baseURL is where the returned handler is served (known once its server has
// started).
func Validating(t testing.TB, doc []byte, next http.Handler, baseURL func() string, opts Options) http.Handler {
	d := Load(t, doc)
	var once sync.Once
	var router routers.Router
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() {
			dd := *d
			dd.Servers = openapi3.Servers{{URL: baseURL()}}
			var err error
			if router, err = legacy.NewRouter(&dd); err != nil {
				t.Errorf("router: %v", err)
			}
		})
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		vr := r.Clone(context.Background())
		vr.Body = io.NopCloser(bytes.NewReader(body))
		vr.URL.Scheme, vr.URL.Host = "http", strings.TrimPrefix(baseURL(), "http://")

		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
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
			if !opts.UnknownRoutesOK || (rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed) {
				t.Errorf("%s %s: not in openapi.yaml, answered %d", r.Method, r.URL.Path, rec.Code)
			}
			return
		}
		in := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && rec.Code < 400 {
			t.Errorf("%s %s: the document calls the request invalid (%v) but it was answered %d", r.Method, r.URL.Path, err, rec.Code)
		}
		if r.Header.Get("Authorization") == "" && route.Operation.Security == nil && rec.Code < 400 {
			t.Errorf("%s %s: answered %d without a token", r.Method, r.URL.Path, rec.Code)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s %s: answer %d does not match openapi.yaml: %v\nbody: %.400s", r.Method, r.URL.Path, rec.Code, err, rec.Body.Bytes())
		}
	})
}
