package screens

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"verifydesk/services/i18n"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// SettingsForm is what the settings dialog edits; the checks validate entries
// as they are typed, so a wrong value shows under its field.
type SettingsForm struct {
	BackendURL   string   // empty: demo mode
	GeoDatabases []string // empty: the demo database
	CheckURL     func(string) error
	CheckGeoDB   func(path string) error
	// Appearance is AppearanceSystem, AppearanceLight or AppearanceDark.
	Appearance string
	// Language is the console's language the agent chose ("zh-Hant"...);
	// empty follows the computer's (SystemLanguage). It applies at the next
	// start: every screen is built in one language.
	Language       string
	SystemLanguage i18n.Language
	// RetentionDays is how long resolved cases stay in the cache (1-3650).
	RetentionDays int
	// IdleLockMinutes is how long the console waits without input before it
	// locks (1-480); zero leaves the field out.
	IdleLockMinutes int
	// Purge removes the resolved cases older than the retention now and says
	// how many; nil when there is no cache.
	Purge func(days int) (int, error)
	// CacheNote says how the cache is kept (the key in a file, not the
	// keyring, is a warning).
	CacheNote string
	// Background runs the file checks; nil means a goroutine.
	Background func(func())
	// BackendLocked, GeoLocked, RetentionLocked and IdleLockLocked: the organisation's
	// policy sets that value; it shows, locked, and is saved as it came.
	BackendLocked, GeoLocked, RetentionLocked, IdleLockLocked bool
}

// lock shows a field the organisation's policy sets: not editable, and
// saying why.
func lock(item *widget.FormItem, field fyne.Disableable, locked bool) {
	if locked {
		field.Disable()
		item.HintText = i18n.L("Set by your organisation.")
		// The organisation's value is not the agent's to correct: the
		// agent's limits do not apply to it (a policy may allow an idle lock
		// longer than Settings offers), and a field judged invalid would keep
		// the whole form from being saved.
		if e, ok := field.(*escEntry); ok {
			e.Validator = nil
		}
	}
}

// appearanceLabel is an appearance's name in the settings, in the agent's
// language (the appearance itself is a preference's value).
func appearanceLabel(a string) string {
	switch a {
	case AppearanceLight:
		return i18n.X("appearance.light", "light")
	case AppearanceDark:
		return i18n.X("appearance.dark", "dark")
	}
	return i18n.X("appearance.system", "system")
}

// runner runs the dialog's background work (runner.go).
func (f SettingsForm) runner() *runner { return newRunner(Config{Background: f.Background}) }

// settingsDialog is the open settings dialog and its fields.
type settingsDialog struct {
	backend, geo, retention *escEntry
	idle                    *escEntry
	language                *widget.Select
	dlg                     *dialog.FormDialog
}

// ShowSettings opens the settings dialog; onSave gets the new values.
func ShowSettings(win fyne.Window, f SettingsForm, onSave func(SettingsForm)) {
	showSettings(win, f, onSave)
}

func showSettings(win fyne.Window, f SettingsForm, onSave func(SettingsForm)) *settingsDialog {
	backendEntry := newEscEntry(win)
	backendEntry.SetText(f.BackendURL)
	backendEntry.SetPlaceHolder(i18n.L("https://auth.example.com (empty: demo mode)"))
	backendEntry.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" || f.CheckURL == nil {
			return nil
		}
		return f.CheckURL(strings.TrimSpace(s))
	}
	geoEntry := newEscMultiLineEntry(win)
	geoEntry.SetText(strings.Join(f.GeoDatabases, "\n"))
	geoEntry.SetPlaceHolder("/path/GeoLite2-City.mmdb\n/path/GeoLite2-ASN.mmdb")
	geoEntry.SetMinRowsVisible(3)
	// Checking a database opens the file: that runs in the background on every
	// change, and the validator shows the latest verdict for the text it was
	// made for.
	var checkedText string
	var checkErr error
	geoEntry.Validator = func(s string) error {
		if s != checkedText {
			return nil // the check of this text has not finished yet
		}
		return checkErr
	}
	geoEntry.OnChanged = func(text string) {
		var err error
		f.runner().run(job{name: "check geolocation files", local: true,
			wanted: func() bool { return geoEntry.Text == text }, // else a newer check is coming
			work:   func(context.Context) error { err = checkGeoPaths(f.CheckGeoDB, splitLines(text)); return nil },
			done: func(error) {
				checkedText, checkErr = text, err
				_ = geoEntry.Validate()
			},
		})
	}
	geoEntry.OnChanged(geoEntry.Text)
	backendItem := widget.NewFormItem(i18n.L("Auth backend"), backendEntry)
	backendItem.HintText = i18n.L("Empty runs the built-in reference backend with demo data. A change signs you out.")
	geoItem := widget.NewFormItem(i18n.L("Geolocation databases"), geoEntry)
	geoItem.HintText = i18n.L("One path per line: MaxMind City/ASN or flat-schema City .mmdb files. Empty uses demo locations.")
	retention := newEscEntry(win)
	retention.SetText(strconv.Itoa(f.RetentionDays))
	retention.Validator = validRetention
	purged := widget.NewLabel("")
	purged.Wrapping = wordWrap()
	purged.Hide() // until a purge says something
	purge := widget.NewButton(i18n.L("Purge resolved cases now"), func() {
		days, err := strconv.Atoi(strings.TrimSpace(retention.Text))
		if err != nil || validRetention(retention.Text) != nil || f.Purge == nil {
			return
		}
		purged.SetText(i18n.L("Purging…"))
		purged.Show()
		var n int
		f.runner().run(job{name: "purge resolved cases", local: true, timeout: time.Minute,
			work: func(context.Context) (err error) { n, err = f.Purge(days); return err },
			done: func(err error) {
				if err != nil {
					purged.SetText(i18n.L("Not purged: {{.Reason}}", i18n.M{"Reason": Explain(err)}))
					return
				}
				purged.SetText(i18n.N("{{.Count}} resolved cases older than {{.Days}} days removed, with their notes and index entries.", n,
					i18n.M{"Days": days}))
			},
		})
	})
	if f.Purge == nil {
		purge.Disable()
	}
	// The cache's note (no keyring, say) in a wrapped label of its own: a
	// form's hint is one line, and a long one made the dialog wider than the
	// window.
	cacheNote := widget.NewLabel(f.CacheNote)
	cacheNote.Wrapping = wordWrap()
	cacheNote.Importance = widget.WarningImportance
	showIf(cacheNote, f.CacheNote != "")
	retentionItem := widget.NewFormItem(i18n.L("Keep resolved cases (days)"), newBorder(nil, container.NewVBox(purged, cacheNote), nil, purge, retention))
	retentionItem.HintText = i18n.L("Resolved cases older than this leave this computer at start.")
	lock(backendItem, backendEntry, f.BackendLocked)
	lock(geoItem, geoEntry, f.GeoLocked)
	lock(retentionItem, retention, f.RetentionLocked)
	// The choices show in the agent's language; the setting keeps the
	// appearance itself.
	appearances := []string{AppearanceSystem, AppearanceLight, AppearanceDark}
	labels := make([]string, len(appearances))
	for i, a := range appearances {
		labels[i] = appearanceLabel(a)
	}
	appearance := widget.NewRadioGroup(labels, nil)
	appearance.Horizontal = true
	appearance.Required = true
	chosen := AppearanceSystem
	if slices.Contains(appearances, f.Appearance) {
		chosen = f.Appearance
	}
	appearance.SetSelected(appearanceLabel(chosen))
	appearanceItem := widget.NewFormItem(i18n.L("Appearance"), appearance)
	appearanceItem.HintText = i18n.L("System follows the computer's light or dark setting.")
	langs := append([]string{""}, languageTags()...)
	langLabels := make([]string, len(langs))
	for i, l := range langs {
		langLabels[i] = languageLabel(l, f.SystemLanguage)
	}
	language := widget.NewSelect(langLabels, nil)
	language.SetSelectedIndex(max(0, slices.Index(langs, f.Language)))
	languageItem := widget.NewFormItem(i18n.L("Language"), language)
	languageItem.HintText = i18n.L("Takes effect when Verifydesk starts again.")
	items := []*widget.FormItem{backendItem, geoItem, retentionItem, appearanceItem, languageItem}
	idle := newEscEntry(win)
	idle.SetText(strconv.Itoa(f.IdleLockMinutes))
	idle.Validator = validIdleLock
	if f.IdleLockMinutes > 0 {
		idleItem := widget.NewFormItem(i18n.L("Lock after (minutes without input)"), idle)
		idleItem.HintText = i18n.L("The console hides what is open behind the sign-in screen; signing in again brings it back.")
		lock(idleItem, idle, f.IdleLockLocked)
		items = append(items, idleItem)
	}
	d := dialog.NewForm(i18n.L("Settings"), i18n.L("Save"), i18n.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		out := f
		if !f.BackendLocked {
			out.BackendURL = strings.TrimSpace(backendEntry.Text)
		}
		if !f.GeoLocked {
			out.GeoDatabases = splitLines(geoEntry.Text)
		}
		for i, l := range labels {
			if l == appearance.Selected {
				out.Appearance = appearances[i]
			}
		}
		if i := language.SelectedIndex(); i >= 0 {
			out.Language = langs[i]
		}
		if days, err := strconv.Atoi(strings.TrimSpace(retention.Text)); err == nil && validRetention(retention.Text) == nil && !f.RetentionLocked {
			out.RetentionDays = days
		}
		if m, err := strconv.Atoi(strings.TrimSpace(idle.Text)); err == nil && validIdleLock(idle.Text) == nil && !f.IdleLockLocked {
			out.IdleLockMinutes = m
		}
		onSave(out)
	}, win)
	d.Resize(fyne.NewSize(win.Canvas().Size().Width*0.6, d.MinSize().Height))
	showEscapable(win, d)
	if !f.BackendLocked {
		win.Canvas().Focus(backendEntry)
	}
	return &settingsDialog{backend: backendEntry, geo: geoEntry, retention: retention, idle: idle, language: language, dlg: d}
}

// languageTags are the languages Settings offers, by tag.
func languageTags() []string {
	out := make([]string, len(i18n.Languages))
	for i, l := range i18n.Languages {
		out[i] = string(l)
	}
	return out
}

// languageLabel names a language in itself ("繁體中文"); the empty one is the
// computer's, named too.
func languageLabel(tag string, system i18n.Language) string {
	if tag == "" {
		if system == "" {
			system = i18n.English
		}
		return i18n.L("Same as the computer ({{.Language}})", i18n.M{"Language": system.Name()})
	}
	return i18n.Language(tag).Name()
}

// The most an agent may choose: days resolved cases stay in the cache, and
// minutes without input before the console locks (a working day). The
// messages below say them.
const (
	MaxRetentionDays   = 3650
	MaxIdleLockMinutes = 8 * 60
)

// validRetention accepts 1 to MaxRetentionDays days.
func validRetention(s string) error {
	d, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || d < 1 || d > MaxRetentionDays {
		return errors.New(i18n.L("a number of days from 1 to 3650"))
	}
	return nil
}

// validIdleLock accepts 1 to MaxIdleLockMinutes minutes.
func validIdleLock(s string) error {
	m, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || m < 1 || m > MaxIdleLockMinutes {
		return errors.New(i18n.L("a number of minutes from 1 to 480"))
	}
	return nil
}

// checkGeoPaths checks each database file; the first bad one names itself.
func checkGeoPaths(check func(string) error, paths []string) error {
	if check == nil {
		return nil
	}
	for _, p := range paths {
		if err := check(p); err != nil {
			return errors.New(Explain(err))
		}
	}
	return nil
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
