package i18n

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// use is one key as the code uses it.
type use struct {
	key, english string
	plural       bool
	where        string
}

// keysInCode finds every key the module's code uses: the first argument of
// L, X, N, XN and Mark calls (i18n.L, or a customer's localizer's loc.L),
// with the English text (the key, or X's fallback). A call of i18n's L, X,
// N or XN whose key is not a literal is a problem: such keys go through Mark
// and T.
func keysInCode(t *testing.T) (map[string]use, []string) {
	t.Helper()
	root := filepath.Join("..", "..")
	uses := map[string]use{}
	var problems []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			recv, _ := sel.X.(*ast.Ident)
			ours := recv != nil && recv.Name == "i18n"
			name := sel.Sel.Name
			switch name {
			case "L", "X", "N", "XN", "Mark", "Msg", "XMsg":
			default:
				return true
			}
			key, lit := literal(call.Args[0])
			where := fset.Position(call.Pos()).String()
			if !lit {
				if ours {
					problems = append(problems, where+": the key of i18n."+name+" is not a literal; write it with i18n.Mark and show it with i18n.T")
				}
				return true
			}
			u := use{key: key, english: key, plural: name == "N" || name == "XN", where: where}
			if name == "X" || name == "XN" || name == "XMsg" {
				if len(call.Args) < 2 {
					return true
				}
				fb, ok := literal(call.Args[1])
				if !ok {
					problems = append(problems, where+": the English text of "+name+" is not a literal")
					return true
				}
				u.english = fb
			}
			if old, ok := uses[key]; ok && (old.english != u.english || old.plural != u.plural) {
				problems = append(problems, where+": "+strconv.Quote(key)+" is used differently at "+old.where)
			}
			uses[key] = u
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return uses, problems
}

func literal(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := literal(e.X)
		b, ok2 := literal(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return literal(e.X)
	}
	return "", false
}

// keysInData is the keys the checklists use: each category's title and what
// the customer says, each step, each escalation field (services/cases).
func keysInData(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "cases", "checklists.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Fields []struct {
			ID string `json:"id"`
		} `json:"escalation_fields"`
		Categories []struct {
			ID    string `json:"id"`
			Steps []struct {
				ID string `json:"id"`
			} `json:"steps"`
		} `json:"categories"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, f := range c.Fields {
		keys["field."+f.ID] = true
	}
	for _, cat := range c.Categories {
		keys["category."+cat.ID+".title"] = true
		keys["category."+cat.ID+".customer_says"] = true
		for _, s := range cat.Steps {
			keys["step."+s.ID] = true
		}
	}
	return keys
}

// pluralForms is the CLDR forms each language needs for a count.
var pluralForms = map[Language][]string{
	English:            {"one", "other"},
	Russian:            {"one", "few", "many", "other"},
	ChineseTraditional: {"other"},
	ChineseSimplified:  {"other"},
}

var field = regexp.MustCompile(`\{\{\s*\.(\w+)`)

func fields(s string) string {
	var f []string
	for _, m := range field.FindAllStringSubmatch(s, -1) {
		f = append(f, m[1])
	}
	sort.Strings(f)
	return strings.Join(f, ",")
}

// TestEveryKeyInEveryLanguage is the key-completeness test: every key the
// code uses is in every language, with the same template fields and every
// plural form; English says what the code says; no file has a key no code
// uses; no file is broken.
func TestEveryKeyInEveryLanguage(t *testing.T) {
	ld := LoadEmbedded()
	for _, p := range ld.Problems {
		t.Errorf("broken translation: %v", p)
	}
	uses, problems := keysInCode(t)
	for _, p := range problems {
		t.Error(p)
	}
	if len(uses) < 10 {
		t.Fatalf("found %d keys in the code: the scan is broken", len(uses))
	}
	data := keysInData(t)
	for _, lang := range Languages {
		keys := ld.Keys[lang]
		for key, u := range uses {
			f, ok := keys[key]
			if !ok {
				t.Errorf("%s: %q (used at %s) is missing", lang, key, u.where)
				continue
			}
			if lang == English && f["other"] != u.english {
				t.Errorf("en: %q says %q in the file and %q in the code (%s)", key, f["other"], u.english, u.where)
			}
			checkForms(t, lang, key, f, u.plural, fields(u.english))
		}
		for key := range data {
			if _, ok := keys[key]; !ok {
				t.Errorf("%s: the checklists' %q is missing", lang, key)
			}
		}
		for key, f := range keys {
			if _, ok := uses[key]; !ok && !data[key] {
				t.Errorf("%s: %q is in a file but no code uses it", lang, key)
			}
			if data[key] {
				checkForms(t, lang, key, f, false, fields(ld.Keys[English][key]["other"]))
			}
		}
	}
	for lang := range ld.Keys {
		if !isOurs(lang) {
			t.Errorf("a translation file is in %q, which is not one of the console's languages", lang)
		}
	}
}

func isOurs(l Language) bool {
	for _, o := range Languages {
		if o == l {
			return true
		}
	}
	return false
}

func checkForms(t *testing.T, lang Language, key string, f map[string]string, plural bool, want string) {
	t.Helper()
	if plural {
		for _, form := range pluralForms[lang] {
			if f[form] == "" {
				t.Errorf("%s: %q has no %q form", lang, key, form)
			}
		}
	} else if len(f) != 1 {
		t.Errorf("%s: %q has plural forms but the code does not count it", lang, key)
	}
	for form, text := range f {
		got := fields(text)
		if plural && !strings.Contains(want, "Count") {
			want = strings.Trim(want+",Count", ",")
		}
		if got != want && !(plural && strings.ReplaceAll(got, "Count", "") == strings.ReplaceAll(want, "Count", "")) {
			t.Errorf("%s: %q (%s) fills {{.%s}}; English fills {{.%s}}", lang, key, form, got, want)
		}
	}
}
