package screens

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestSettingsLockedByPolicy: what the organisation's policy sets shows its
// value, locked, with "Set by your organisation."; typing does nothing and
// Save hands back the pinned values; the other settings stay editable.
func TestSettingsLockedByPolicy(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("Verifydesk")
	w.Resize(fyne.NewSize(1280, 800))
	var saved *SettingsForm
	f := SettingsForm{
		BackendURL: "https://auth.example.com", GeoDatabases: []string{"/opt/geo/City.mmdb"}, RetentionDays: 14,
		Background: runNow, BackendLocked: true, GeoLocked: true, RetentionLocked: true,
	}
	d := showSettings(w, f, func(got SettingsForm) { saved = &got })
	for _, e := range []*escEntry{d.backend, d.geo, d.retention} {
		if !e.Disabled() {
			t.Errorf("field %q is editable", e.Text)
		}
	}
	text := screenText(w.Canvas().Overlays().Top())
	if n := strings.Count(text, "Set by your organisation."); n != 3 {
		t.Errorf("%d fields say they are set by the organisation, want 3:\n%s", n, text)
	}
	for _, v := range []string{"https://auth.example.com", "/opt/geo/City.mmdb", "14"} {
		if !strings.Contains(text, v) {
			t.Errorf("the pinned value %s is not shown:\n%s", v, text)
		}
	}
	test.Type(d.backend, "x")
	d.retention.SetText("90") // even a change that got through is not saved
	d.dlg.Submit()
	if saved == nil {
		t.Fatal("Save did not hand back the settings")
	}
	if saved.BackendURL != "https://auth.example.com" || saved.RetentionDays != 14 || !slices.Equal(saved.GeoDatabases, f.GeoDatabases) {
		t.Errorf("saved %+v", *saved)
	}

	// Nothing locked: no such hint, every field editable.
	d = showSettings(w, SettingsForm{RetentionDays: 30, Background: runNow}, func(SettingsForm) {})
	if d.backend.Disabled() || d.geo.Disabled() || d.retention.Disabled() {
		t.Error("a field is locked without a policy")
	}
	if strings.Contains(screenText(w.Canvas().Overlays().Top()), "organisation") {
		t.Error("an unlocked form mentions the organisation")
	}
}

// A value the organisation pins beyond what an agent may choose (a 10-hour
// idle lock; Settings offers up to 8 hours) shows locked, and the form still
// saves: the agent's limits are not the organisation's.
func TestLockedValueBeyondTheAgentsLimitsStillSaves(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("Verifydesk")
	w.SetContent(widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	var saved *SettingsForm
	d := showSettings(w, SettingsForm{RetentionDays: 30, IdleLockMinutes: 600, IdleLockLocked: true, Background: runNow},
		func(f SettingsForm) { saved = &f })
	if !d.idle.Disabled() {
		t.Fatal("the pinned idle lock is editable")
	}
	d.dlg.Submit()
	if saved == nil || saved.IdleLockMinutes != 600 {
		t.Fatalf("Save with a pinned 600-minute idle lock gave %+v", saved)
	}
}
