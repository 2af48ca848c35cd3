// Package i18n is the console's words in the agent's language and in the
// customer's: every string a person reads goes through L, X, N or XN, with
// the English text as the key (gettext style) or an explicit key and its
// English text, the way Fyne's lang package does it.
//
// Fyne's lang has one localizer for the whole process, chosen from the
// operating system's locale, with no public override (fyne issue #5333). The
// console needs two at once: the agent's, which Settings may override, and
// the customer's on a case (In). So the translations live in a go-i18n bundle
// of ours, loaded from the JSON files embedded here, in the same format; Fyne's
// own widgets keep following lang (see FyneStrings for Traditional Chinese).
package i18n

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Language is one of the console's languages, as a BCP 47 tag.
type Language string

// The console's languages: the customers' of the help pages behind it.
const (
	English            Language = "en"
	ChineseTraditional Language = "zh-Hant"
	ChineseSimplified  Language = "zh-Hans"
	Russian            Language = "ru"
)

// Languages is every language the console is complete in, English first.
var Languages = []Language{English, ChineseTraditional, ChineseSimplified, Russian}

// Name is the language's name in itself, as a menu shows it.
func (l Language) Name() string {
	switch l {
	case ChineseTraditional:
		return "繁體中文"
	case ChineseSimplified:
		return "简体中文"
	case Russian:
		return "Русский"
	case English:
		return "English"
	}
	return string(l)
}

// Tag is the language as x/text parses it.
func (l Language) Tag() language.Tag { return language.Make(string(l)) }

// M is the data of a templated string: L("Sent to {{.To}}", M{"To": to}).
type M = map[string]any

//go:embed translations
var embedded embed.FS

// Catalog is a set of translations, one go-i18n bundle.
type Catalog struct {
	bundle *goi18n.Bundle
	// locs are its localizers, one per language, made on first use.
	locs sync.Map // Language → *Localizer
}

// Loaded is the result of reading translation files: the catalog, and what
// was wrong in them, file by file. A broken file or message is left out, so
// that its keys fall back to English instead of a blank label.
type Loaded struct {
	Catalog  *Catalog
	Problems []error
	// Keys is every key of every language, with its messages' text by form.
	Keys map[Language]map[string]map[string]string
}

// Load reads every *.json file in dir of fsys: each named
// [area.]language.json, a flat object from key to text, or to an object of
// plural forms ("one", "few", "many", "other").
func Load(fsys fs.FS, dir string) Loaded {
	out := Loaded{
		Catalog: &Catalog{bundle: goi18n.NewBundle(language.English)},
		Keys:    map[Language]map[string]map[string]string{},
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		out.Problems = append(out.Problems, err)
		return out
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".json" {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			out.Problems = append(out.Problems, err)
			continue
		}
		lang, msgs, problems := parseFile(name, b)
		out.Problems = append(out.Problems, problems...)
		if lang == "" {
			continue
		}
		keys := out.Keys[lang]
		if keys == nil {
			keys = map[string]map[string]string{}
			out.Keys[lang] = keys
		}
		for _, m := range msgs {
			if old, dup := keys[m.ID]; dup && !maps.Equal(old, forms(m)) {
				out.Problems = append(out.Problems, fmt.Errorf("%s: %q has another text in another file", name, m.ID))
			}
			keys[m.ID] = forms(m)
		}
		if err := out.Catalog.bundle.AddMessages(lang.Tag(), msgs...); err != nil {
			out.Problems = append(out.Problems, fmt.Errorf("%s: %w", name, err))
		}
	}
	return out
}

func forms(m *goi18n.Message) map[string]string {
	f := map[string]string{}
	for k, v := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
		if v != "" {
			f[k] = v
		}
	}
	return f
}

// parseFile reads one translation file; a message that is empty, has an
// unknown form or a template that does not parse is a problem and left out.
func parseFile(name string, b []byte) (Language, []*goi18n.Message, []error) {
	base := strings.TrimSuffix(name, ".json")
	tag := base[strings.LastIndexByte(base, '.')+1:]
	t, err := language.Parse(tag)
	if err != nil {
		return "", nil, []error{fmt.Errorf("%s: the file name does not end in a language: %w", name, err)}
	}
	lang := Language(t.String())
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return "", nil, []error{fmt.Errorf("%s: not a JSON object of translations: %w", name, err)}
	}
	var msgs []*goi18n.Message
	var problems []error
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.TrimSpace(k) == "" {
			problems = append(problems, fmt.Errorf("%s: an empty key", name))
			continue
		}
		m, err := parseMessage(k, raw[k])
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %q: %w", name, k, err))
			continue
		}
		msgs = append(msgs, m)
	}
	return lang, msgs, problems
}

func parseMessage(key string, raw json.RawMessage) (*goi18n.Message, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return parseMessageForms(key, map[string]string{"other": s})
	}
	var f map[string]string
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("neither a text nor plural forms")
	}
	return parseMessageForms(key, f)
}

func parseMessageForms(key string, f map[string]string) (*goi18n.Message, error) {
	m := &goi18n.Message{ID: key}
	for form, text := range f {
		if strings.TrimSpace(text) == "" {
			return nil, fmt.Errorf("empty text (form %q)", form)
		}
		if strings.Contains(text, "{{") { // a plain text cannot be a broken template
			if err := checkTemplate(text); err != nil {
				return nil, err
			}
		}
		switch form {
		case "zero":
			m.Zero = text
		case "one":
			m.One = text
		case "two":
			m.Two = text
		case "few":
			m.Few = text
		case "many":
			m.Many = text
		case "other":
			m.Other = text
		default:
			return nil, fmt.Errorf("unknown plural form %q", form)
		}
	}
	if m.Other == "" {
		return nil, fmt.Errorf("no \"other\" form")
	}
	return m, nil
}

// Localizer says things in one language, falling back to English for a key
// its language lacks.
type Localizer struct {
	lang Language
	loc  *goi18n.Localizer
	// plain keeps the text of each key said without data: a table's cells
	// say the same words for thousands of rows, and go-i18n matches the
	// language again on every call.
	plain sync.Map // key → string
}

// In is the localizer for lang: the customer's language on a case. There is
// one per language, so what it learns (plain) is kept.
func (c *Catalog) In(lang Language) *Localizer {
	if l, ok := c.locs.Load(lang); ok {
		return l.(*Localizer)
	}
	l, _ := c.locs.LoadOrStore(lang, &Localizer{lang: lang, loc: goi18n.NewLocalizer(c.bundle, string(lang), string(English))})
	return l.(*Localizer)
}

// Language is the localizer's language.
func (l *Localizer) Language() Language { return l.lang }

// L is the text of key, in l's language; key is the English text.
func (l *Localizer) L(key string, data ...any) string { return l.say(key, key, nil, data) }

// X is the text of an explicit key whose English text is fallback.
func (l *Localizer) X(key, fallback string, data ...any) string {
	return l.say(key, fallback, nil, data)
}

// N is the plural form of key for count; the template has {{.Count}}.
func (l *Localizer) N(key string, count int, data ...any) string {
	return l.say(key, key, &count, data)
}

// XN is N with an explicit key.
func (l *Localizer) XN(key, fallback string, count int, data ...any) string {
	return l.say(key, fallback, &count, data)
}

// T is the text of a key held in a variable, one marked with Mark where it
// was written.
func (l *Localizer) T(key string, data ...any) string { return l.say(key, key, nil, data) }

func (l *Localizer) say(key, fallback string, count *int, data []any) string {
	if count == nil && len(data) == 0 {
		if s, ok := l.plain.Load(key); ok {
			return s.(string)
		}
		s := l.localize(key, fallback, nil, nil)
		l.plain.Store(key, s)
		return s
	}
	return l.localize(key, fallback, count, data)
}

func (l *Localizer) localize(key, fallback string, count *int, data []any) string {
	var d any
	if len(data) > 0 {
		d = l.resolve(data[0])
	}
	if count != nil {
		m := M{}
		if dm, ok := d.(M); ok {
			maps.Copy(m, dm)
		}
		m["Count"] = Number(l.lang, float64(*count))
		d = m
	}
	cfg := &goi18n.LocalizeConfig{DefaultMessage: &goi18n.Message{ID: key, Other: fallback}, TemplateData: d}
	if count != nil {
		cfg.PluralCount = *count
	}
	// A key l's language lacks comes back in English with a not-found
	// error: that is the fallback working. Anything else says English.
	s, err := l.loc.Localize(cfg)
	var missing *goi18n.MessageNotFoundErr
	if s == "" || err != nil && !errors.As(err, &missing) {
		slog.Warn("translation failed; English shown", "key", key, "language", string(l.lang), "err", err)
		return english(fallback, d)
	}
	return s
}

// Localized is a value in a template's data that is a word itself (a
// country, a channel): it is said in the language of the text it fills.
type Localized interface {
	In(Language) string
}

// resolve says the words in a template's data in l's language: a Localized
// value, or a Text, becomes its string there.
func (l *Localizer) resolve(d any) any {
	m, ok := d.(M)
	if !ok {
		return d
	}
	var out M
	for k, v := range m {
		var s string
		switch v := v.(type) {
		case Text:
			s = v.In(l)
		case Localized:
			s = v.In(l.lang)
		default:
			continue
		}
		if out == nil {
			out = maps.Clone(m)
		}
		out[k] = s
	}
	if out == nil {
		return m
	}
	return out
}

func english(text string, data any) string {
	t, err := parseTemplate(text)
	if err != nil {
		return text
	}
	var b strings.Builder
	if t.Execute(&b, data) != nil {
		return text
	}
	return b.String()
}

var (
	catalog atomic.Pointer[Catalog]
	agent   atomic.Pointer[Localizer]
	// loaded reads the embedded files once, on first use: a command of the
	// CLI that says nothing in a language does not pay for them.
	loaded sync.Once
)

// ensure loads the embedded translations, English the agent's language.
func ensure() {
	loaded.Do(func() {
		ld := Load(embedded, "translations")
		for _, p := range ld.Problems {
			slog.Error("translation file", "err", p)
		}
		catalog.Store(ld.Catalog)
		agent.Store(ld.Catalog.In(English))
	})
}

// Preload starts reading the embedded translations in the background: the
// console calls it first thing, so that the reading overlaps its other
// start-up work (the window system's) instead of adding to it.
func Preload() { go ensure() }

// Use makes lang the agent's language: the console calls it once at start,
// before any window is built.
func Use(lang Language) {
	ensure()
	agent.Store(catalog.Load().In(lang))
}

// UseCatalog replaces the translations and sets the agent's language; for
// tests (the pseudo-locale). It returns a function that puts back what was.
func UseCatalog(c *Catalog, lang Language) (restore func()) {
	ensure()
	oldC, oldA := catalog.Load(), agent.Load()
	catalog.Store(c)
	agent.Store(c.In(lang))
	return func() { catalog.Store(oldC); agent.Store(oldA) }
}

// Agent is the agent's localizer.
func Agent() *Localizer {
	ensure()
	return agent.Load()
}

// Current is the agent's language.
func Current() Language { return Agent().lang }

// In is a localizer for another language: the customer's.
func In(lang Language) *Localizer {
	ensure()
	return catalog.Load().In(lang)
}

// L is key's text in the agent's language; key is the English text, a
// template if data is given: L("Sent to {{.To}}", M{"To": to}).
func L(key string, data ...any) string { return Agent().L(key, data...) }

// X is the text of an explicit key whose English text is fallback; for a
// word that needs its context, such as X("case.open", "Open").
func X(key, fallback string, data ...any) string { return Agent().X(key, fallback, data...) }

// N is the plural form of key for count, with {{.Count}} in the template:
// N("{{.Count}} code sent", n) with "one" and "other" in English.
func N(key string, count int, data ...any) string { return Agent().N(key, count, data...) }

// XN is N with an explicit key.
func XN(key, fallback string, count int, data ...any) string {
	return Agent().XN(key, fallback, count, data...)
}

// T is the text of a key held in a variable; the key was written with Mark.
func T(key string, data ...any) string { return Agent().T(key, data...) }

// Mark marks a key written where no language is known yet (a package-level
// table, a constant) and returns it as it is; T translates it where it is
// shown. The key-completeness test finds keys by these calls.
func Mark(key string) string { return key }

// Content is the text of a key that comes from a data file (a checklist's
// step, by its id) whose English text is english; the key-completeness test
// reads the same file for its keys.
func (l *Localizer) Content(key, english string) string { return l.say(key, english, nil, nil) }
