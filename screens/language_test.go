package screens

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"verifydesk/backend/backendtest"
	"verifydesk/services/i18n"
)

// inLanguage makes lang the agent's language for the rest of the test; the
// pseudo-locale (en-XA) is made from the English texts.
func inLanguage(t *testing.T, lang i18n.Language) {
	t.Helper()
	ld := i18n.LoadEmbedded()
	c := ld.Catalog
	if lang == i18n.PseudoLanguage {
		c = i18n.WithPseudo(ld)
	}
	t.Cleanup(i18n.UseCatalog(c, lang))
}

// In the pseudo-locale (every text about 40% longer) and in Russian, the
// longest of the console's languages, the workspace still fits a 1080p
// screen at scale 1.5, every demo row shows whole at 1280x800, and the
// dialogs fit the window.
func TestLongerLanguagesFit(t *testing.T) {
	for _, lang := range []i18n.Language{i18n.PseudoLanguage, i18n.Russian} {
		t.Run(string(lang), func(t *testing.T) {
			inLanguage(t, lang)
			t.Run("workspace at scale 1.5", checkWorkspaceFits)
			t.Run("tables", checkTablesShowEveryDemoRowWhole)
			t.Run("dialogs", func(t *testing.T) { checkDialogsFit(t, "Control+Tab", i18n.L("Next tab")) })
		})
	}
}

// englishWords are words an English sentence of the console's own would
// have; data (names, places, what a provider said) seldom has them.
var englishWords = regexp.MustCompile(`(?i)\b(the|to|is|are|not|and|or|of|for|with|this|that|from|was|has|have|no|none|open|show|search|sign|cases?|codes?|account|customer|agent|number|phone|email|devices?|activity|notes?|status|save|cancel|resend|reveal|refresh|export|settings|loading|back|next|check)\b`)

// untranslated is the English words of s outside the pseudo-locale's ⟦ ⟧:
// a wrapped text's lines each have a part of it.
func untranslated(s string) string {
	var outside strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '⟦':
			depth++
		case '⟧':
			if depth > 0 {
				depth--
			} else {
				// Closes a text opened on a line above (wrapped).
				outside.Reset()
			}
		default:
			if depth == 0 {
				outside.WriteRune(r)
			}
		}
	}
	return strings.Join(englishWords.FindAllString(outside.String(), -1), " ")
}

// shownEnglish is every text on screen under o that the pseudo-locale did
// not reach, with the English words it has.
func shownEnglish(o fyne.CanvasObject, found map[string]string) {
	add := func(text string) {
		if w := untranslated(text); w != "" {
			found[text] = w
		}
	}
	for _, s := range texts(o) {
		add(s)
	}
	walkShown(o, func(o fyne.CanvasObject) bool {
		switch v := o.(type) {
		case *widget.Entry:
			if v.Text == "" {
				add(v.PlaceHolder)
			}
		case *widget.Select:
			for _, opt := range v.Options {
				add(opt)
			}
		case *container.AppTabs:
			for _, it := range v.Items {
				add(it.Text)
			}
		}
		return true
	})
}

// In the pseudo-locale, nothing the console itself says is left in English:
// on every tab of the day's accounts, the sign-in screen, the case, a
// supervisor's screens. Data stays as it is (names, places, what a provider
// said, masked numbers), so the test looks for English words outside the
// pseudo-locale's brackets.
func TestNothingLeftInEnglish(t *testing.T) {
	inLanguage(t, i18n.PseudoLanguage)
	found := map[string]string{}
	u, w := newTestUIConfig(t, backendtest.New(t), func(c *Config) { c.OnSettings = func() {} })
	w.Resize(fyne.NewSize(1280, 800))
	shownEnglish(w.Content(), found)
	u.SubmitSignIn()
	for _, a := range dayAccounts {
		search(t, u, a.region, a.query)
		if u.work.account == nil {
			t.Fatalf("no account for %s:\n%s", a.query, screenText(w.Content()))
		}
		for i := range u.work.panels {
			u.work.tabs.SelectIndex(i)
			shownEnglish(w.Content(), found)
		}
	}
	if len(found) > 0 {
		var lines []string
		for text, words := range found {
			lines = append(lines, words+"\t← "+text)
		}
		sort.Strings(lines)
		t.Errorf("%d texts on screen are not translated:\n%s", len(found), strings.Join(lines, "\n"))
	}
}
