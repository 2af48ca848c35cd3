package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestMatchFollowsTheLocaleAndTheScript(t *testing.T) {
	for in, want := range map[string]Language{
		"zh_TW.UTF-8": ChineseTraditional, "zh-TW": ChineseTraditional, "zh-HK": ChineseTraditional, "zh_MO": ChineseTraditional,
		"zh-Hant": ChineseTraditional, "zh-Hant-CN": ChineseTraditional, "zh-Hans-TW": ChineseSimplified,
		"zh_CN.UTF-8": ChineseSimplified, "zh": ChineseSimplified, "zh-SG": ChineseSimplified, "zh-Hans": ChineseSimplified,
		"ru_RU.UTF-8": Russian, "ru": Russian, "ru-UA": Russian,
		"en_GB.UTF-8": English, "C": English, "POSIX": English, "": English, "de_DE": English, "not a locale!": English,
	} {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %s, want %s", in, got, want)
		}
	}
	// The first locale the console has wins: German, then Russian.
	if got := Match("de-DE", "ru-RU", "en-US"); got != Russian {
		t.Errorf("Match(de, ru, en) = %s, want ru", got)
	}
	for in, ok := range map[string]bool{"zh-TW": true, "ru_RU": true, "en": true, "fr": false, "": false, "klingon": false} {
		if _, got := Parse(in); got != ok {
			t.Errorf("Parse(%q) ok = %v, want %v", in, got, ok)
		}
	}
}

func TestBrokenFilesFallBackToEnglish(t *testing.T) {
	fsys := fstest.MapFS{
		"t/a.en.json":      {Data: []byte(`{"Hello {{.Name}}": "Hello {{.Name}}", "Save": "Save", "{{.Count}} cases": {"one": "{{.Count}} case", "other": "{{.Count}} cases"}}`)},
		"t/a.ru.json":      {Data: []byte(`{"Hello {{.Name}}": "Привет, {{.Name", "Save": "", "{{.Count}} cases": {"one": "{{.Count}} обращение", "few": "{{.Count}} обращения", "many": "{{.Count}} обращений", "other": "{{.Count}} обращения"}}`)},
		"t/b.zh-Hant.json": {Data: []byte(`not json`)},
		"t/c.zh-Hans.json": {Data: []byte(`{"Save": {"lots": "很多"}}`)},
		"t/d.json":         {Data: []byte(`{}`)},
	}
	ld := Load(fsys, "t")
	want := []string{`"Hello {{.Name}}"`, `"Save": empty text`, "b.zh-Hant.json: not a JSON object", `unknown plural form "lots"`, "d.json"}
	all := ""
	for _, p := range ld.Problems {
		all += p.Error() + "\n"
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("problems do not mention %s:\n%s", w, all)
		}
	}
	ru := ld.Catalog.In(Russian)
	if got := ru.L("Hello {{.Name}}", M{"Name": "Ana"}); got != "Hello Ana" {
		t.Errorf("a broken template gave %q, want the English", got)
	}
	if got := ru.L("Save"); got != "Save" {
		t.Errorf("an empty translation gave %q, want the English", got)
	}
	if got := ru.L("Not in any file"); got != "Not in any file" {
		t.Errorf("a missing key gave %q", got)
	}
	for n, want := range map[int]string{1: "1 обращение", 3: "3 обращения", 5: "5 обращений", 21: "21 обращение", 1000: "1\u00a0000 обращений"} {
		if got := ru.N("{{.Count}} cases", n); got != want {
			t.Errorf("N(%d) in Russian = %q, want %q", n, got, want)
		}
	}
	if got := ld.Catalog.In(English).N("{{.Count}} cases", 1); got != "1 case" {
		t.Errorf("N(1) in English = %q", got)
	}
	if got := ld.Catalog.In(ChineseSimplified).N("{{.Count}} cases", 12345); got != "12,345 cases" {
		t.Errorf("N in a language without the key = %q, want the English", got)
	}
}

func TestTwoLanguagesAtOnce(t *testing.T) {
	fsys := fstest.MapFS{
		"t/a.en.json":      {Data: []byte(`{"Resend": "Resend"}`)},
		"t/a.zh-Hant.json": {Data: []byte(`{"Resend": "重新傳送"}`)},
		"t/a.zh-Hans.json": {Data: []byte(`{"Resend": "重新发送"}`)},
	}
	ld := Load(fsys, "t")
	restore := UseCatalog(ld.Catalog, English)
	defer restore()
	if L("Resend") != "Resend" || In(ChineseTraditional).L("Resend") != "重新傳送" || In(ChineseSimplified).L("Resend") != "重新发送" {
		t.Errorf("agent %q, customer zh-Hant %q, zh-Hans %q", L("Resend"), In(ChineseTraditional).L("Resend"), In(ChineseSimplified).L("Resend"))
	}
	Use(ChineseTraditional)
	txt := Msg("Resend")
	if Current() != ChineseTraditional || txt.String() != "重新傳送" || txt.InEnglish() != "Resend" {
		t.Errorf("after Use: %s %q %q", Current(), txt.String(), txt.InEnglish())
	}
}

func TestDatesAndNumbersPerLanguage(t *testing.T) {
	at := time.Date(2026, 5, 17, 9, 4, 0, 0, time.UTC)
	cases := []struct {
		got, want string
	}{
		{Date(English, at), "17 May 2026"}, {Date(ChineseTraditional, at), "2026年5月17日"}, {Date(Russian, at), "17 мая 2026 г."},
		{DateTime(English, at), "17 May 2026 09:04"}, {DateTime(Russian, at), "17 мая 2026, 09:04"},
		{Day(English, at), "17 May"}, {Day(ChineseSimplified, at), "5月17日"}, {Day(Russian, at), "17 мая"},
		{Weekday(English, at), "Sun 17"}, {WeekdayDay(English, at), "Sun 17 May"}, {WeekdayDay(ChineseTraditional, at), "5月17日 週日"}, {WeekdayDay(Russian, at), "вс, 17 мая"}, {Weekday(ChineseTraditional, at), "週日 17日"}, {Weekday(Russian, at), "вс 17"},
		{Number(English, 12345), "12,345"}, {Number(Russian, 12345), "12\u00a0345"}, {Number(ChineseSimplified, 12345.4), "12,345"},
		{Decimal(Russian, 1.5, 1), "1,5"}, {Decimal(English, 1.5, 1), "1.5"},
		{Percent(English, 0.126), "13%"}, {Percent(Russian, 0.126), "13\u00a0%"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestPseudoLocaleKeepsTemplatesAndIsLonger(t *testing.T) {
	p := Pseudo("Sent to {{.To}} at {{.When}}")
	if !strings.Contains(p, "{{.To}}") || !strings.Contains(p, "{{.When}}") || !strings.HasPrefix(p, "⟦Šéñţ") {
		t.Errorf("Pseudo = %q", p)
	}
	en := "Resend the code to the customer"
	if got := len([]rune(Pseudo(en))); got < len(en)*13/10 {
		t.Errorf("pseudo text %d runes for %d: not about 40%% longer", got, len(en))
	}
	fsys := fstest.MapFS{"t/a.en.json": {Data: []byte(`{"Resend": "Resend", "{{.Count}} cases": {"one": "{{.Count}} case", "other": "{{.Count}} cases"}}`)}}
	c := WithPseudo(Load(fsys, "t"))
	if got := c.In(PseudoLanguage).L("Resend"); got != Pseudo("Resend") {
		t.Errorf("pseudo Resend = %q", got)
	}
	if got := c.In(PseudoLanguage).N("{{.Count}} cases", 2); !strings.Contains(got, "2 çášéš") {
		t.Errorf("pseudo plural = %q", got)
	}
}

// country is a word that is said in the language of the text it fills.
type country string

func (c country) In(l Language) string {
	if l == Russian {
		return map[country]string{"TW": "Тайвань"}[c]
	}
	return map[country]string{"TW": "Taiwan"}[c]
}

func TestWordsInDataFollowTheText(t *testing.T) {
	fsys := fstest.MapFS{
		"t/a.en.json": {Data: []byte(`{"Choose {{.Country}}.": "Choose {{.Country}}.", "{{.Why}} Try again.": "{{.Why}} Try again."}`)},
		"t/a.ru.json": {Data: []byte(`{"Choose {{.Country}}.": "Выберите {{.Country}}.", "{{.Why}} Try again.": "{{.Why}} Повторите."}`)},
	}
	c := Load(fsys, "t").Catalog
	txt := Msg("{{.Why}} Try again.", M{"Why": Msg("Choose {{.Country}}.", M{"Country": country("TW")})})
	if got := txt.In(c.In(Russian)); got != "Выберите Тайвань. Повторите." {
		t.Errorf("in Russian: %q", got)
	}
	if got := txt.In(c.In(English)); got != "Choose Taiwan. Try again." {
		t.Errorf("in English: %q", got)
	}
}

func TestSentencesAndListsAsEachLanguageWritesThem(t *testing.T) {
	if got := Sentences(English, "Sent.", "", " Wait. "); got != "Sent. Wait." {
		t.Errorf("English: %q", got)
	}
	if got := Sentences(ChineseTraditional, "已傳送。", "請稍候。"); got != "已傳送。請稍候。" {
		t.Errorf("Chinese: %q", got)
	}
	if ListSeparator(Russian) != ", " || ListSeparator(ChineseSimplified) != "、" {
		t.Errorf("separators %q %q", ListSeparator(Russian), ListSeparator(ChineseSimplified))
	}
}
