package backend

import (
	"bytes"
	"sort"
	"strings"
	"testing"
	"verifydesk/backend/contracttest"

	"github.com/getkin/kin-openapi/openapi3"
)

func loadDoc(t testing.TB) *openapi3.T { return contracttest.Load(t, OpenAPI) }

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
