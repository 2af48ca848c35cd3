package app

import (
	"os"
	"runtime"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"verifydesk/services/i18n"
)

// The console's language: --lang first, then the agent's choice in Settings,
// then the computer's; a language the console lacks is refused on the
// command line and ignored in the settings.
func TestLanguageChoice(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "zh_TW.UTF-8")
	for _, c := range []struct {
		flag, setting string
		want          i18n.Language
	}{
		{"", "", i18n.ChineseTraditional},
		{"", "ru", i18n.Russian},
		{"zh-CN", "ru", i18n.ChineseSimplified},
		{"en", "ru", i18n.English},
		{"", "tlh", i18n.ChineseTraditional},
	} {
		var args []string
		if c.flag != "" {
			args = []string{"--lang", c.flag}
		}
		o, _, ok := parseConsoleFlags(args, Stdio{Err: &lockedBuffer{}})
		if got := chooseLanguage(o.lang, c.setting, i18n.System()); !ok || got != c.want {
			t.Errorf("--lang %q, setting %q: %s (flags ok %v); want %s", c.flag, c.setting, got, ok, c.want)
		}
	}
	for _, bad := range []string{"fr", "klingon"} {
		var errOut lockedBuffer
		if _, status, ok := parseConsoleFlags([]string{"--lang", bad}, Stdio{Err: &errOut}); ok || status != exitUsage {
			t.Errorf("--lang %s: ok %v, status %d", bad, ok, status)
		}
	}
}

// The language chosen in Settings is kept for the next start; the computer's
// is offered by name.
func TestLanguageFromSettings(t *testing.T) {
	a := test.NewTempApp(t)
	c := newConsole(a, consoleOptions{backendURL: "https://auth.example.com"}, Stdio{Err: &lockedBuffer{}})
	c.background = func(f func()) {}
	c.createWindow()
	t.Cleanup(c.stop)
	if f := c.settingsForm(); f.Language != "" || f.SystemLanguage == "" {
		t.Fatalf("a new console's form: language %q, system %q", f.Language, f.SystemLanguage)
	}
	f := c.settingsForm()
	f.Language = string(i18n.Russian)
	c.applySettings(f)
	if got := (Settings{a.Preferences()}).Language(); got != "ru" {
		t.Fatalf("stored %q, want ru", got)
	}
	if l := chooseLanguage("", c.settings.Language(), i18n.English); l != i18n.Russian {
		t.Errorf("the next start speaks %s", l)
	}
	f.Language = ""
	c.applySettings(f)
	if got := c.settings.Language(); got != "" {
		t.Errorf("back to the computer's: stored %q", got)
	}
}

// Fyne's own words (the file dialog's, Cancel) follow: Traditional Chinese on
// a zh-TW desktop (Fyne has only Simplified), and on Linux the language
// chosen in Settings over the desktop's.
func TestFyneWordsFollowTheLanguage(t *testing.T) {
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES"} {
		t.Setenv(k, "")
	}
	t.Setenv("LANG", "zh_TW.UTF-8")
	t.Cleanup(func() {
		os.Setenv("LANG", "C")
		os.Unsetenv("LANGUAGE")
		os.Unsetenv("LC_MESSAGES")
		useLanguage(i18n.English, i18n.System())
	})
	for _, desktop := range []string{"zh_TW.UTF-8", "zh_HK.UTF-8"} {
		os.Setenv("LANG", desktop)
		useLanguage(i18n.ChineseTraditional, i18n.System())
		if got := lang.L("Create Folder"); got != "建立資料夾" {
			t.Errorf("on %s Fyne says %q, want 建立資料夾 (Traditional, not 新建文件夹)", desktop, got)
		}
	}
	os.Setenv("LANG", "zh_CN.UTF-8")
	useLanguage(i18n.ChineseSimplified, i18n.System())
	if got := lang.L("Create Folder"); got != "新建文件夹" {
		t.Errorf("on zh-CN Fyne says %q, want 新建文件夹", got)
	}
	if runtime.GOOS == "linux" {
		t.Setenv("LANG", "en_US.UTF-8")
		useLanguage(i18n.Russian, i18n.System())
		if got := lang.L("Cancel"); got != "Отмена" {
			t.Errorf("Settings say Russian on an English desktop: Fyne says %q, want Отмена", got)
		}
		if i18n.Current() != i18n.Russian || i18n.L("Language") != "Язык" {
			t.Errorf("the console speaks %s", i18n.Current())
		}
	}
}
