package screens

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/client"
	"verifydesk/services/geo"
)

func TestSettingsCheckEntries(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("Verifydesk")
	w.Resize(fyne.NewSize(1000, 700))
	var saved *SettingsForm
	f := SettingsForm{
		CheckURL:   client.CheckBaseURL,
		CheckGeoDB: func(p string) error { _, err := geo.CheckDatabase(p); return err },
		Background: runNow,
	}
	d := showSettings(w, f, func(got SettingsForm) { saved = &got })

	notMMDB := filepath.Join(t.TempDir(), "GeoLite2-City.mmdb")
	if err := os.WriteFile(notMMDB, []byte("this is a text file"), 0o600); err != nil {
		t.Fatal(err)
	}
	test.Type(d.geo, notMMDB)
	err := d.geo.Validate()
	if err == nil || !strings.Contains(err.Error(), "not a MaxMind database") || !strings.Contains(err.Error(), notMMDB) {
		t.Errorf("a wrong file gives no clear message: %v", err)
	}

	good, _ := filepath.Abs("../services/geo/demodata/demo-city.mmdb")
	d.geo.SetText(good + "\n" + strings.Replace(good, "city", "asn", 1))
	if err := d.geo.Validate(); err != nil {
		t.Errorf("real databases refused: %v", err)
	}

	test.Type(d.backend, "ftp://auth")
	if err := d.backend.Validate(); err == nil || !strings.Contains(err.Error(), "http") {
		t.Errorf("an ftp address as the backend: %v", err)
	}
	d.backend.SetText("https://auth.example.com")
	d.dlg.Submit()
	if saved == nil {
		t.Fatal("Save did not hand back the settings")
	}
	if saved.BackendURL != "https://auth.example.com" || len(saved.GeoDatabases) != 2 {
		t.Errorf("saved %+v", *saved)
	}
}

func TestSettingsPurgeNow(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("Verifydesk")
	w.Resize(fyne.NewSize(1280, 800))
	var purgedDays int
	showSettings(w, SettingsForm{RetentionDays: 30, Background: func(f func()) { f() },
		Purge: func(days int) (int, error) { purgedDays = days; return 3, nil }}, func(SettingsForm) {})
	s := screenText(w.Canvas().Overlays().Top())
	if !strings.Contains(s, "Keep resolved cases (days)") {
		t.Fatalf("no retention setting:\n%s", s)
	}
	b := findButton(t, w.Canvas().Overlays().Top(), "Purge resolved cases now")
	test.Tap(b)
	if purgedDays != 30 || !strings.Contains(screenText(w.Canvas().Overlays().Top()), "3 resolved cases older than 30 days removed") {
		t.Errorf("purge: %d days,\n%s", purgedDays, screenText(w.Canvas().Overlays().Top()))
	}
}

// The Settings dialog and the keyboard shortcuts fit the console's window,
// with the longest note the cache gives: nothing is cut at the right edge.
func TestDialogsFitTheWindow(t *testing.T) { checkDialogsFit(t, "Control+Tab", "Next tab") }

// checkDialogsFit: Settings and the keyboard shortcuts fit the window; the
// shortcuts' key next is beside its description what.
func checkDialogsFit(t *testing.T, next, what string) {
	a := test.NewTempApp(t)
	w := a.NewWindow("Verifydesk")
	w.SetContent(widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	d := showSettings(w, SettingsForm{RetentionDays: 30, Background: runNow,
		CacheNote: "No OS keyring is available: the cache key is in a file beside the cache (readable only by you). Anyone who can read both files can read the cached cases."}, func(SettingsForm) {})
	if min := d.dlg.MinSize(); min.Width > 1280 || min.Height > 800 {
		t.Errorf("the Settings dialog needs %v, more than the 1280x800 window", min)
	}
	d.dlg.Hide()

	u, w2 := signedIn(t)
	w2.Resize(fyne.NewSize(1280, 800))
	u.work.showShortcuts()
	top := w2.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no shortcuts dialog")
	}
	// Each key in its own column: "Control+Tab" and "Next tab" are two
	// labels, side by side, not one text.
	var keys, desc *widget.Label
	walkObjects(top, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			switch l.Text {
			case next:
				keys = l
			case what:
				desc = l
			}
		}
	})
	if keys == nil || desc == nil {
		t.Fatalf("the shortcuts are not in two columns:\n%s", screenText(top))
	}
	if kx, wx := keys.Position().X+keys.Size().Width, desc.Position().X; kx > wx {
		t.Errorf("the key column (ends at %.0f) runs into the description (starts at %.0f)", kx, wx)
	}
	if min := top.MinSize(); min.Width > 1280 {
		t.Errorf("the shortcuts dialog needs %v wide", min)
	}
}
