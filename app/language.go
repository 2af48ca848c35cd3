package app

import (
	_ "embed"
	"fmt"
	"os"
	"runtime"

	"fyne.io/fyne/v2/lang"

	"verifydesk/services/i18n"
)

// fyneZhHant is Fyne's own widget strings (file dialogs, menus, Cancel) in
// Traditional Chinese: Fyne ships them in Simplified Chinese only, and would
// show those on a zh-TW desktop.
//
//go:embed fyne.zh-Hant.json
var fyneZhHant []byte

// chooseLanguage is the console's language for this run: --lang (parsed,
// "" when not given), else the agent's choice in Settings, else the
// computer's (system).
func chooseLanguage(flagLang i18n.Language, setting string, system i18n.Language) i18n.Language {
	if flagLang != "" {
		return flagLang
	}
	if l, ok := i18n.Parse(setting); ok {
		return l
	}
	return system
}

// useLanguage makes l the console's language, before any window is built:
// ours (every string of the console), and Fyne's own widgets' as far as Fyne
// allows. Fyne picks its language from the system's locale and has no public
// override (fyne issue #5333); on Linux and the BSDs it reads LANGUAGE, which
// we set, so its dialogs follow the choice there. On Windows and macOS its
// few words (Cancel, OK, file dialog) stay in the system's language.
// system is the computer's language, read before.
func useLanguage(l, system i18n.Language) {
	i18n.Use(l)
	if l != system && runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		posix := map[i18n.Language]string{
			i18n.English: "en_US", i18n.ChineseTraditional: "zh_TW", i18n.ChineseSimplified: "zh_CN", i18n.Russian: "ru_RU",
		}[l]
		if posix == "" {
			posix = "en_US" // the pseudo-locale
		}
		os.Setenv("LANGUAGE", posix)
		// LANGUAGE counts only under a locale that is not C or POSIX.
		if os.Getenv("LC_ALL") == "" && os.Getenv("LC_MESSAGES") == "" {
			if lc := os.Getenv("LANG"); lc == "" || lc == "C" || lc == "POSIX" {
				os.Setenv("LC_MESSAGES", posix+".UTF-8")
			}
		}
	}
	// Adding a translation makes Fyne choose its language again, from the
	// environment set above. Under zh-TW, not zh-Hant: Fyne turns the tag it
	// matched into a locale without its script when it has no region
	// ("zh-Hant" becomes "zh", which go-i18n reads as Simplified).
	_ = lang.AddTranslationsForLocale(fyneZhHant, "zh-TW")
}

// screenshotLanguage is `verifydesk screenshot --lang`: a language, the
// pseudo-locale (en-XA), or the system's when empty.
func screenshotLanguage(flagLang string) (i18n.Language, error) {
	if i18n.Language(flagLang) == i18n.PseudoLanguage {
		i18n.UseCatalog(i18n.WithPseudo(i18n.LoadEmbedded()), i18n.PseudoLanguage)
		return i18n.PseudoLanguage, nil
	}
	if flagLang == "" {
		return i18n.System(), nil
	}
	l, ok := i18n.Parse(flagLang)
	if !ok {
		return "", fmt.Errorf("--lang %q: not one of en, zh-TW, zh-CN, ru", flagLang)
	}
	return l, nil
}
