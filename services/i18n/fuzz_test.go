package i18n

import (
	"testing"
	"testing/fstest"
)

// A translation file of any content loads without a panic; what it keeps
// says something for every key, and a message it refused falls back to
// English, never to an empty text.
func FuzzTranslationFile(f *testing.F) {
	f.Add([]byte(`{"Save": "Сохранить", "{{.Count}} cases": {"one": "{{.Count}} обращение", "other": "{{.Count}} обращения"}}`))
	f.Add([]byte(`{"Hello {{.Name}}": "Привет, {{.Name"}`))
	f.Add([]byte(`{"x": {"lots": "y"}, "y": "", "z": 3}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ld := Load(fstest.MapFS{"t/a.ru.json": {Data: b}, "t/a.en.json": {Data: []byte(`{}`)}}, "t")
		ru := ld.Catalog.In(Russian)
		for key := range ld.Keys[Russian] {
			if ru.L(key, M{"Name": "Ana"}) == "" {
				t.Errorf("%q says nothing", key)
			}
			if ru.N(key, 3) == "" {
				t.Errorf("%q says nothing for 3", key)
			}
		}
		if got := ru.L("Not in the file"); got != "Not in the file" {
			t.Errorf("a missing key gave %q", got)
		}
	})
}
