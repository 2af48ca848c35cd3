package screens

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

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
