package cases

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltinCatalog parses the embedded file the way init does and checks
// what the validator cannot: every check the code offers is used by some step
// (an unused one is dead code or a step someone forgot), and every category
// has at least one pre-fillable step.
func TestBuiltinCatalog(t *testing.T) {
	c, err := parseCatalog(checklistsJSON)
	if err != nil {
		t.Fatalf("checklists.json: %v", err)
	}
	used := map[string]bool{}
	for _, cat := range c.Categories {
		prefillable := false
		for _, s := range cat.Steps {
			used[s.Check] = true
			prefillable = prefillable || s.Check != ""
		}
		if !prefillable {
			t.Errorf("category %s: no step the evidence can answer", cat.ID)
		}
		if len(cat.Escalation) == 0 {
			t.Errorf("category %s: no escalation fields", cat.ID)
		}
	}
	for name := range checks {
		if !used[name] {
			t.Errorf("check %q is used by no step in checklists.json", name)
		}
	}
	if got := len(Categories()); got != len(knownCategories) {
		t.Errorf("Categories() = %d, want %d", got, len(knownCategories))
	}
}

// TestSeedPagesExist checks the file against the help pages it cites, where
// the shared folder is present (it is beside the repository, not in it): each
// page exists, and the literal details the steps quote appear in them.
func TestSeedPagesExist(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "seeds")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no seeds folder at %s", dir)
	}
	text := map[string]string{}
	for _, p := range builtin.Pages {
		b, err := os.ReadFile(filepath.Join(dir, p.File))
		if err != nil {
			t.Errorf("page %s: %v", p.File, err)
			continue
		}
		text[p.File] = string(b)
	}
	quotes := map[string]string{ // a detail a step quotes -> the page it must come from
		"no-reply@email.tp-link.com": "001_ed35cb0b20fcad9c.txt",
		"093613XXXX":                 "003_44d2f93cb9da1058.txt",
		"5-10 minutes":               "000_7b85076c0b62ddef.txt",
		"at least two bars":          "000_7b85076c0b62ddef.txt",
		"Login Security":             "002_c090e28667f79d65.txt",
	}
	for q, page := range quotes {
		if text[page] != "" && !strings.Contains(text[page], q) {
			t.Errorf("%q is quoted from %s but is not in it", q, page)
		}
	}
}

// mutate returns checklists.json with one change applied to its decoded form.
func mutate(t *testing.T, change func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(checklistsJSON, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func category(m map[string]any, i int) map[string]any {
	return m["categories"].([]any)[i].(map[string]any)
}

func step(m map[string]any, cat, i int) map[string]any {
	return category(m, cat)["steps"].([]any)[i].(map[string]any)
}

// TestCatalogRejects feeds the validator broken variants of the real file: each
// must fail with ErrCatalog and a message naming the problem.
func TestCatalogRejects(t *testing.T) {
	tests := []struct {
		name, want string
		file       []byte
	}{
		{"not JSON", "invalid character", []byte(`{"format": x}`)},
		{"data after", "data after", append(append([]byte{}, checklistsJSON...), []byte(`{}`)...)},
		{"unknown key", "unknown field", mutate(t, func(m map[string]any) { step(m, 0, 0)["chek"] = "signal" })},
		{"wrong format", "format", mutate(t, func(m map[string]any) { m["format"] = "something-else" })},
		{"newer version", "version 2", mutate(t, func(m map[string]any) { m["version"] = 2 })},
		{"repeated step id", "used twice", mutate(t, func(m map[string]any) { step(m, 1, 0)["id"] = step(m, 0, 0)["id"] })},
		{"malformed step id", "malformed", mutate(t, func(m map[string]any) { step(m, 0, 0)["id"] = "Signal Step" })},
		{"unknown check", "unknown check", mutate(t, func(m map[string]any) { step(m, 0, 0)["check"] = "telepathy" })},
		{"no text", "no text", mutate(t, func(m map[string]any) { step(m, 0, 1)["text"] = "  " })},
		{"unknown page", "not in pages", mutate(t, func(m map[string]any) {
			step(m, 0, 0)["sources"] = []any{map[string]any{"page": "999_0000000000000000.txt"}}
		})},
		{"no source", "no source", mutate(t, func(m map[string]any) { step(m, 0, 0)["sources"] = []any{} })},
		{"field without its check", "field goes with", mutate(t, func(m map[string]any) { step(m, 0, 0)["field"] = "region" })},
		{"unknown field", "unknown escalation field", mutate(t, func(m map[string]any) { step(m, 11, 0)["field"] = "shoe_size" })},
		{"unknown category", "want \"sms_not_arriving\"", mutate(t, func(m map[string]any) { category(m, 0)["id"] = "sms_lost" })},
		{"categories out of order", "SPEC section 3 order", mutate(t, func(m map[string]any) {
			cs := m["categories"].([]any)
			cs[0], cs[1] = cs[1], cs[0]
		})},
		{"missing category", "categories, want", mutate(t, func(m map[string]any) {
			m["categories"] = m["categories"].([]any)[:11]
		})},
		{"category without steps", "no steps", mutate(t, func(m map[string]any) { category(m, 2)["steps"] = []any{} })},
		{"unknown escalation id in a category", "unknown or repeated", mutate(t, func(m map[string]any) {
			category(m, 0)["escalation"] = []any{"region", "blood_type"}
		})},
		{"escalation field missing", "is missing", mutate(t, func(m map[string]any) {
			m["escalation_fields"] = m["escalation_fields"].([]any)[1:]
		})},
		{"bad page name", "seed file name", mutate(t, func(m map[string]any) {
			m["pages"].([]any)[0].(map[string]any)["file"] = "help.txt"
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCatalog(tt.file)
			if !errors.Is(err, ErrCatalog) {
				t.Fatalf("err = %v, want ErrCatalog", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to mention %q", err, tt.want)
			}
		})
	}
}
