package backend

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

var (
	docOnce sync.Once
	doc     *openapi3.T
	docErr  error
)

func loadDoc(t testing.TB) *openapi3.T {
	t.Helper()
	docOnce.Do(func() {
		l := openapi3.NewLoader()
		doc, docErr = l.LoadFromData(OpenAPI)
		if docErr == nil {
			docErr = doc.Validate(context.Background())
		}
	})
	if docErr != nil {
		t.Fatalf("openapi.yaml: %v", docErr)
	}
	return doc
}

// TestOpenAPIMatchesRoutes fails when the backend serves a route the document
// lacks or the document names one the backend does not serve.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	d := loadDoc(t)
	inDoc := map[string]bool{}
	for path, item := range d.Paths.Map() {
		for method := range item.Operations() {
			inDoc[method+" "+path] = true
		}
	}
	s := &Server{}
	served := map[string]bool{}
	for _, r := range s.routes() {
		served[r.Method+" "+r.Path] = true
	}
	var missing, extra []string
	for k := range served {
		if !inDoc[k] {
			missing = append(missing, k)
		}
	}
	for k := range inDoc {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("served but not in openapi.yaml: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("in openapi.yaml but not served: %v", extra)
	}
	// Public routes are exactly those the document marks security: [].
	for _, r := range s.routes() {
		op := d.Paths.Find(r.Path).GetOperation(r.Method)
		public := op.Security != nil && len(*op.Security) == 0
		if public != r.Public {
			t.Errorf("%s %s: public %v in code, %v in the document", r.Method, r.Path, r.Public, public)
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do("GET", "/v1/openapi.yaml", "", nil)
	e.want(r, 200)
	if !bytes.Equal(r.Body, OpenAPI) || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/yaml") {
		t.Errorf("served document differs (%s)", r.Header.Get("Content-Type"))
	}
}

// validating wraps the handler so every request and response of every test is
// checked against openapi.yaml: a request the document calls invalid must be
// refused with a 4xx, and every response must match its documented shape.
func validating(t testing.TB, h http.Handler, baseURL func() string) http.Handler {
	d := loadDoc(t)
	var once sync.Once
	var router routers.Router
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() {
			dd := *d
			dd.Servers = openapi3.Servers{{URL: baseURL()}}
			var err error
			router, err = legacy.NewRouter(&dd)
			if err != nil {
				t.Errorf("router: %v", err)
			}
		})
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())

		if router == nil {
			return
		}
		vr := r.Clone(context.Background())
		vr.Body = io.NopCloser(bytes.NewReader(body))
		vr.URL.Scheme, vr.URL.Host = "http", strings.TrimPrefix(baseURL(), "http://")
		route, params, err := router.FindRoute(vr)
		if err != nil {
			if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: not in openapi.yaml but answered %d", r.Method, r.URL.Path, rec.Code)
			}
			return
		}
		in := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && rec.Code < 400 {
			t.Errorf("%s %s: the document says the request is invalid (%v) but it answered %d", r.Method, r.URL.Path, err, rec.Code)
		}
		if r.Header.Get("Authorization") == "" && route.Operation.Security == nil && rec.Code < 400 {
			t.Errorf("%s %s: answered %d without a token", r.Method, r.URL.Path, rec.Code)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s %s: response %d does not match openapi.yaml: %v\nbody: %.400s", r.Method, r.URL.Path, rec.Code, err, rec.Body.Bytes())
		}
	})
}
