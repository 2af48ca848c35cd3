package i18n

import (
	"strings"

	"github.com/jeandeaual/go-locale"
	"golang.org/x/text/language"
)

// System is the language the operating system asks for: its first preferred
// locale the console has, else English. Fyne reads the same list (Linux:
// LC_ALL, LC_MESSAGES, LANG, LANGUAGE; Windows: the user's UI languages;
// macOS: AppleLanguages).
func System() Language {
	locs, err := locale.GetLocales()
	if err != nil {
		return English
	}
	return Match(locs...)
}

// Match is the console's language for a list of locales, best first. Chinese
// goes by script: Taiwan, Hong Kong and Macau read Traditional Chinese
// (x/text's matcher would give zh-TW Simplified Chinese at low confidence);
// mainland China, Singapore and a bare "zh" Simplified Chinese. "C" and
// "POSIX" are English.
func Match(locales ...string) Language {
	for _, l := range locales {
		l = strings.ReplaceAll(strings.TrimSpace(l), "_", "-")
		if i := strings.IndexAny(l, ".@"); i >= 0 {
			l = l[:i] // "zh_TW.UTF-8", "ru_RU@euro"
		}
		t, err := language.Parse(l)
		if err != nil || l == "" || l == "C" || l == "POSIX" {
			continue
		}
		base, _ := t.Base()
		switch base.String() {
		case "en":
			return English
		case "ru":
			return Russian
		case "zh":
			// The likely script: Hant for zh-TW, zh-HK and zh-MO, Hans for
			// zh-CN, zh-SG and a bare zh; an explicit script wins.
			if script, _ := t.Script(); script.String() == "Hant" {
				return ChineseTraditional
			}
			return ChineseSimplified
		}
	}
	return English
}

// Parse is a language a person or a setting names ("zh-TW", "ru_RU",
// "zh-Hant", "en"); ok is false for one the console does not have.
func Parse(s string) (Language, bool) {
	if strings.TrimSpace(s) == "" {
		return "", false
	}
	l := Match(s)
	if l == English {
		t, err := language.Parse(strings.ReplaceAll(strings.SplitN(s, ".", 2)[0], "_", "-"))
		if err != nil {
			return "", false
		}
		if b, _ := t.Base(); b.String() != "en" {
			return "", false
		}
	}
	return l, true
}
