package screens

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/client"
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
			t.Run("a supervisor's screens at scale 1.5", checkSupervisorFits)
		})
	}
}

// checkSupervisorFits: a supervisor's approvals, audit, delivery health and
// cases fit a 1080p screen at scale 1.5.
func checkSupervisorFits(t *testing.T) {
	sam, w := newTestUIConfig(t, backendtest.New(t), func(c *Config) { c.DemoUser, c.OnSettings = "sam", func() {} })
	sam.SubmitSignIn()
	for _, s := range []struct {
		name string
		show func()
	}{
		{"approvals", func() { test.Tap(sam.work.approvals.button) }},
		{"audit", sam.work.showAudit},
		{"delivery health", sam.work.showHealth},
		{"cases", sam.work.showCases},
	} {
		s.show()
		if min := neededAt(w, fitAtScale); min.Width > fitAtScale.Width || min.Height > fitAtScale.Height {
			t.Errorf("%s: the window needs %v, more than %v", s.name, min, fitAtScale)
		}
	}
}

// englishWords are words an English sentence of the console's own would
// have; data (names, places, what a provider said) seldom has them. A word
// in an address or a name with a hyphen ("no-reply@") is not one.
var englishWords = regexp.MustCompile(`(?i)(?:^|[\s(])(the|to|is|are|not|and|or|of|for|with|this|that|from|was|has|have|no|none|open|show|search|sign|cases?|codes?|account|customer|agent|number|phone|email|devices?|activity|notes?|status|save|cancel|resend|reveal|refresh|export|settings|loading|back|next|check)(?:$|[\s,.:;)!?])`)

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
	var words []string
	for _, m := range englishWords.FindAllStringSubmatch(outside.String(), -1) {
		words = append(words, m[1])
	}
	return strings.Join(words, " ")
}

// shownEnglish is every text on screen under o that the pseudo-locale did
// not reach, with the English words it has. What is in the customer's
// language (a customerLabel) is left out: it is English for an English
// customer, whatever the agent's language.
func shownEnglish(o fyne.CanvasObject, found map[string]string) {
	add := func(text string) {
		if w := untranslated(text); w != "" {
			found[text] = w
		}
	}
	walkShown(o, func(o fyne.CanvasObject) bool {
		switch v := o.(type) {
		case *customerLabel:
			return false
		case *canvas.Text:
			add(v.Text)
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
	// A case started on the last account, the cases on this computer, the
	// shortcuts and the settings.
	ws := u.work
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	test.Tap(findButton(t, ws.casePanel.build(), i18n.L("Start the case")))
	shownEnglish(w.Content(), found)
	ws.showCases()
	shownEnglish(w.Content(), found)
	ws.showShortcuts()
	shownEnglish(w.Canvas().Overlays().Top(), found)
	w.Canvas().Overlays().Top().Hide()
	d := showSettings(w, SettingsForm{RetentionDays: 30, IdleLockMinutes: 15, Background: runNow}, func(SettingsForm) {})
	shownEnglish(w.Canvas().Overlays().Top(), found)
	d.dlg.Hide()

	// A supervisor's screens: approvals, audit, delivery health.
	sam, w2 := newTestUIConfig(t, backendtest.New(t), func(c *Config) { c.DemoUser, c.OnSettings = "sam", func() {} })
	w2.Resize(fyne.NewSize(1280, 800))
	sam.SubmitSignIn()
	test.Tap(sam.work.approvals.button)
	shownEnglish(w2.Content(), found)
	sam.work.showAudit()
	shownEnglish(w2.Content(), found)
	sam.work.showHealth()
	shownEnglish(w2.Content(), found)

	if len(found) > 0 {
		var lines []string
		for text, words := range found {
			lines = append(lines, words+"\t← "+text)
		}
		sort.Strings(lines)
		t.Errorf("%d texts on screen are not translated:\n%s", len(found), strings.Join(lines, "\n"))
	}
}

// A Taiwanese customer served by an English-speaking agent: the case opens
// in the customer's language, suggested from their app; the checklist shows
// each step beside in Traditional Chinese; the Codes tab's advice too. The
// agent changes the case to Russian: the backend keeps it, and the steps
// follow. An agent who speaks the customer's language sees one column.
func TestCustomerLanguageOnACase(t *testing.T) {
	inLanguage(t, i18n.English)
	srv := backendtest.New(t)
	u, w := newTestUI(t, srv)
	w.Resize(fyne.NewSize(1280, 800))
	u.SubmitSignIn()
	search(t, u, "TW", "0936 123 456")
	ws := u.work
	if ws.account == nil || ws.account.ID != "acc_1001" {
		t.Fatalf("acc_1001 not opened:\n%s", screenText(w.Content()))
	}
	p := ws.casePanel
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	test.Tap(findButton(t, p.build(), "Start the case"))
	if p.rec == nil {
		t.Fatalf("no case started:\n%s", screenText(p.build()))
	}
	zh := i18n.In(i18n.ChineseTraditional)
	step := p.steps[0]
	theirs := cases.StepIn(zh, step.ID, step.Text)
	if theirs == step.Text {
		t.Fatalf("step %s has no Traditional Chinese text", step.ID)
	}
	s := screenText(p.build())
	for _, want := range []string{"Customer's language:", "繁體中文", "Suggested: the customer's app runs in 繁體中文.", "For the customer, in 繁體中文", firstLine(theirs), firstLine(step.Text)} {
		if !strings.Contains(s, want) {
			t.Errorf("the Case tab lacks %q:\n%s", want, s)
		}
	}

	// The Codes tab's advice for a failed delivery, in both languages.
	codes := ws.codes
	for i, d := range codes.rows {
		if pe, ok := data.ProviderErrors[d.ProviderError]; ok {
			codes.table.Select(widget.TableCellID{Row: i, Col: 0})
			if got := codes.detail.Text; !strings.Contains(got, "In 繁體中文: "+zh.T(pe.Advice)) {
				t.Errorf("the delivery's advice is not in the customer's language:\n%s", got)
			}
			break
		}
	}

	// The agent speaks Russian with the customer instead.
	pick := findSelectWith(t, p.build(), "繁體中文")
	pick.SetSelected(i18n.Russian.Name())
	c := client.New(srv.URL, client.Options{})
	if _, err := c.SignIn(context.Background(), "ana", "demo"); err != nil {
		t.Fatal(err)
	}
	got, err := c.Case(context.Background(), p.rec.Case.ID)
	if err != nil || got.CustomerLanguage != "ru" {
		t.Fatalf("the backend keeps %q (%v), want ru", got.CustomerLanguage, err)
	}
	p.show()
	s = screenText(p.build())
	if ru := cases.StepIn(i18n.In(i18n.Russian), step.ID, step.Text); !strings.Contains(s, firstLine(ru)) || !strings.Contains(s, "Chosen on this case.") {
		t.Errorf("after choosing Russian the steps are not in it:\n%s", s)
	}

	// An agent who speaks Traditional Chinese with a Traditional Chinese
	// customer: one column.
	hant := "zh-Hant"
	if _, err := c.UpdateCase(context.Background(), p.rec.Case.ID, data.CasePatch{Version: got.Version, CustomerLanguage: &hant}); err != nil {
		t.Fatal(err)
	}
	inLanguage(t, i18n.ChineseTraditional)
	ws.startLoad(p)
	if s := screenText(p.build()); strings.Contains(s, "給客戶") || !strings.Contains(s, firstLine(theirs)) {
		t.Errorf("one language, yet two columns (or not the agent's):\n%s", s)
	}
}

// firstLine is the start of a text as a wrapped label's first line shows it.
func firstLine(s string) string {
	r := []rune(s)
	if len(r) > 12 {
		r = r[:12]
	}
	return string(r)
}

// findSelectWith is the select under o showing selected.
func findSelectWith(t *testing.T, o fyne.CanvasObject, selected string) *widget.Select {
	t.Helper()
	var found *widget.Select
	walkObjects(o, func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok && s.Selected == selected {
			found = s
		}
	})
	if found == nil {
		t.Fatalf("no choice showing %q:\n%s", selected, screenText(o))
	}
	return found
}
