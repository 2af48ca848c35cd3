package app

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2/test"
)

// TestLastTabStoredAndSanitised: the tab's title comes back as stored; a value
// that cannot be a tab's title gives "" (the first tab), whatever its type.
func TestLastTabStoredAndSanitised(t *testing.T) {
	a := test.NewTempApp(t)
	p := a.Preferences()
	s := Settings{p}
	if got := s.LastTab(); got != "" {
		t.Errorf("nothing stored gives %q, want \"\"", got)
	}
	s.SetLastTab(" Phone check ")
	if got := s.LastTab(); got != "Phone check" {
		t.Errorf("stored Phone check, read %q", got)
	}
	for _, garbage := range []string{"Case\x00", "\u202eytivitcA", "Act\nivity", "\xff\xfe", strings.Repeat("Activity", 10)} {
		p.SetString(keyLastTab, garbage)
		if got := s.LastTab(); got != "" {
			t.Errorf("stored %q, read %q, want \"\"", garbage, got)
		}
	}
	p.SetInt(keyLastTab, 4)
	if got := s.LastTab(); got != "" {
		t.Errorf("a number stored gives %q", got)
	}
	p.RemoveValue(keyLastTab) // Fyne's preferences panic when a list replaces a number
	p.SetStringList(keyLastTab, []string{"Activity"})
	if got := s.LastTab(); got != "" {
		t.Errorf("a list stored gives %q", got)
	}
}

// FuzzSettingsLastTab stores any text as the last tab: LastTab gives "" or a
// title the screens can match, and a title stored by SetLastTab comes back.
func FuzzSettingsLastTab(f *testing.F) {
	a := test.NewTempApp(f)
	for _, seed := range []string{"", "Activity", "Phone check", " Case ", "Case\x00", "\u202eCase", "\xff", strings.Repeat("x", 41), "活动"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, stored string) {
		p := a.Preferences()
		p.SetString(keyLastTab, stored)
		s := Settings{p}
		got := s.LastTab()
		if got == "" {
			return
		}
		if got != strings.TrimSpace(got) || len(got) > maxTabTitle || !utf8.ValidString(got) || strings.IndexFunc(got, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
			t.Errorf("stored %q, LastTab %q is no tab title", stored, got)
		}
		s.SetLastTab(got)
		if again := s.LastTab(); again != got {
			t.Errorf("SetLastTab(%q) reads back %q", got, again)
		}
	})
}

// TestConsoleRemembersLastTab: the screens start on the stored tab, and the
// agent's next choice is stored.
func TestConsoleRemembersLastTab(t *testing.T) {
	a := test.NewTempApp(t)
	s := Settings{a.Preferences()}
	s.SetLastTab("Activity")
	c := newConsole(a, consoleOptions{}, Stdio{Err: &lockedBuffer{}})
	cfg := c.uiConfig()
	if cfg.LastTab != "Activity" || cfg.OnTab == nil {
		t.Fatalf("the screens start on %q (OnTab set: %v)", cfg.LastTab, cfg.OnTab != nil)
	}
	cfg.OnTab("Devices")
	if got := s.LastTab(); got != "Devices" {
		t.Errorf("the agent chose Devices, stored %q", got)
	}
	if again := newConsole(a, consoleOptions{}, Stdio{Err: &lockedBuffer{}}).uiConfig(); again.LastTab != "Devices" {
		t.Errorf("the next start opens on %q, want Devices", again.LastTab)
	}
}
