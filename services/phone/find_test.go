package phone

import (
	"testing"

	"verifydesk/services/i18n"
)

func TestFindRegions(t *testing.T) {
	for _, c := range []struct {
		query  string
		recent []string
		first  string
	}{
		{"tai", nil, "TW"},
		{"TW", nil, "TW"},
		{"886", nil, "TW"},
		{"+886", nil, "TW"},
		{"kingdom", nil, "GB"},
		{"44", nil, "GB"},           // the calling code's main country
		{"1", []string{"CA"}, "CA"}, // +1 is shared: the recent one first
		{"", []string{"JP", "TW"}, "JP"},
		{"  de ", nil, "DE"},
	} {
		got := FindRegions(c.query, c.recent)
		if len(got) == 0 || got[0].Code != c.first {
			first := ""
			if len(got) > 0 {
				first = got[0].Code
			}
			t.Errorf("FindRegions(%q, %v) starts with %q, want %q", c.query, c.recent, first, c.first)
		}
	}
	if got := FindRegions("zzzz", nil); len(got) != 0 {
		t.Errorf("nonsense matched %d regions", len(got))
	}
	if all := FindRegions("", nil); len(all) != len(Regions()) {
		t.Errorf("empty query lists %d of %d regions", len(all), len(Regions()))
	}
}

func FuzzFindRegions(f *testing.F) {
	for _, s := range []string{"tai", "+886", "", "ü", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, r := range FindRegions(q, []string{"TW", q}) {
			if r.Code == "" {
				t.Fatal("a region without a code")
			}
		}
	})
}

// An agent finds a country by its name in the agent's language, and still by
// the English one.
func TestFindRegionsInTheAgentsLanguage(t *testing.T) {
	for _, c := range []struct {
		lang  i18n.Language
		query string
		first string
	}{
		{i18n.Russian, "тайв", "TW"},
		{i18n.Russian, "герман", "DE"},
		{i18n.ChineseTraditional, "台灣", "TW"},
		{i18n.ChineseTraditional, "英國", "GB"},
		{i18n.ChineseSimplified, "日本", "JP"},
		{i18n.Russian, "kingdom", "GB"},
	} {
		i18n.Use(c.lang)
		got := FindRegions(c.query, nil)
		if len(got) == 0 || got[0].Code != c.first {
			t.Errorf("%s: FindRegions(%q) = %v, want %s first", c.lang, c.query, got[:min(3, len(got))], c.first)
		}
	}
	i18n.Use(i18n.English)
}
