package screens

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
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
}

// ShowSettings opens the settings dialog; onSave gets the new values.
func ShowSettings(win fyne.Window, f SettingsForm, onSave func(SettingsForm)) {
	backendEntry := widget.NewEntry()
	backendEntry.SetText(f.BackendURL)
	backendEntry.SetPlaceHolder("https://auth.example.com (empty: demo mode)")
	backendEntry.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" || f.CheckURL == nil {
			return nil
		}
		return f.CheckURL(strings.TrimSpace(s))
	}
	geoEntry := widget.NewMultiLineEntry()
	geoEntry.SetText(strings.Join(f.GeoDatabases, "\n"))
	geoEntry.SetPlaceHolder("/path/GeoLite2-City.mmdb\n/path/GeoLite2-ASN.mmdb")
	geoEntry.SetMinRowsVisible(3)
	geoEntry.Validator = func(s string) error {
		for _, p := range splitLines(s) {
			if f.CheckGeoDB == nil {
				break
			}
			if err := f.CheckGeoDB(p); err != nil {
				return errors.New(p + ": " + err.Error())
			}
		}
		return nil
	}
	backendItem := widget.NewFormItem("Auth backend", backendEntry)
	backendItem.HintText = "Empty runs the built-in reference backend with demo data. A change signs you out."
	geoItem := widget.NewFormItem("Geolocation databases", geoEntry)
	geoItem.HintText = "One path per line: MaxMind City/ASN or flat-schema City .mmdb files. Empty uses demo locations."
	d := dialog.NewForm("Settings", "Save", "Cancel", []*widget.FormItem{backendItem, geoItem}, func(ok bool) {
		if !ok {
			return
		}
		out := f
		out.BackendURL = strings.TrimSpace(backendEntry.Text)
		out.GeoDatabases = splitLines(geoEntry.Text)
		onSave(out)
	}, win)
	d.Resize(fyne.NewSize(win.Canvas().Size().Width*0.6, d.MinSize().Height))
	d.Show()
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
