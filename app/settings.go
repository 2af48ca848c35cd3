package app

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"verifydesk/data"
	"verifydesk/screens"

	"fyne.io/fyne/v2"
)

// Preference keys and defaults. Preferences hold only UI state and endpoints;
// domain data lives in bbolt.
const (
	keyBackendURL = "backend.url"
	keyGeoDBs     = "geo.databases"
	keyRegion     = "search.region"
	keyRecent     = "search.recentRegions"
	keyConsoleID  = "console.id"
	keyRetention  = "cache.retentionDays"
	keyAppearance = "look.appearance"
	keyLanguage   = "look.language"
	keyLastTab    = "workspace.lastTab"
	// defaultRetentionDays: resolved cases are purged from the cache after this.
	defaultRetentionDays = 30
	keyWindowW           = "window.width"
	keyWindowH           = "window.height"
	defaultRegion        = "US"
	defaultWindowW       = 1280
	defaultWindowH       = 800
)

// Settings is the typed wrapper over the app's preferences.
type Settings struct {
	p preferences
}

// preferences are the parts of fyne.Preferences that Settings uses: the app's
// own, or the settings file read without starting Fyne (`verifydesk policy`).
type preferences interface {
	String(key string) string
	SetString(key, value string)
	StringWithFallback(key, fallback string) string
	StringList(key string) []string
	SetStringList(key string, value []string)
	IntWithFallback(key string, fallback int) int
	SetInt(key string, value int)
	FloatWithFallback(key string, fallback float64) float64
	SetFloat(key string, value float64)
}

// BackendURL is the auth backend's base URL; empty means demo mode.
func (s Settings) BackendURL() string { return strings.TrimSpace(s.p.String(keyBackendURL)) }

// SetBackendURL stores the backend's base URL ("" for demo mode).
func (s Settings) SetBackendURL(u string) { s.p.SetString(keyBackendURL, strings.TrimSpace(u)) }

// GeoDatabases are the paths of the MaxMind or flat-schema databases to use;
// none means the demo database.
func (s Settings) GeoDatabases() []string {
	var out []string
	// Lines end in \n or \r\n (a file edited on Windows): a \r is never part of a path.
	for _, p := range strings.FieldsFunc(s.p.String(keyGeoDBs), func(r rune) bool { return r == '\n' || r == '\r' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// SetGeoDatabases stores the database paths.
func (s Settings) SetGeoDatabases(paths []string) {
	s.p.SetString(keyGeoDBs, strings.Join(paths, "\n"))
}

// Region is the country picker's last choice.
//
// A stored value that is not a country the phone service knows (a hand-edited
// preferences file, an older version) gives the default.
func (s Settings) Region() string {
	if r := s.p.StringWithFallback(keyRegion, defaultRegion); storedRegion(r) {
		return r
	}
	return defaultRegion
}

// storedRegion reports whether r, as stored, is a region code the phone
// service has a plan for (upper case, as the picker stores it).
func storedRegion(r string) bool { return r == strings.ToUpper(r) && knownRegion(r) }

// SetRegion remembers the country picker's choice, first among the recent ones.
func (s Settings) SetRegion(r string) {
	s.p.SetString(keyRegion, r)
	recent := []string{r}
	for _, old := range s.RecentRegions() {
		if old != r && len(recent) < maxRecentRegions {
			recent = append(recent, old)
		}
	}
	s.p.SetStringList(keyRecent, recent)
}

// ConsoleID names this installation (the backend records its local audit
// chain's head under it); made once, on first use.
func (s Settings) ConsoleID() string {
	id := s.p.String(keyConsoleID)
	if !validConsoleID(id) {
		id = "console-" + uuid.NewString()
		s.p.SetString(keyConsoleID, id)
	}
	return id
}

// validConsoleID: an id the backend takes in a path: the contract's client
// id pattern (data.ClientIDPattern).
func validConsoleID(id string) bool { return data.ValidClientID(id) }

// RetentionDays is how long resolved cases stay in the cache, 1 to 3650.
func (s Settings) RetentionDays() int {
	d := s.p.IntWithFallback(keyRetention, defaultRetentionDays)
	if d < 1 || d > screens.MaxRetentionDays {
		return defaultRetentionDays
	}
	return d
}

// Appearance is the theme the agent chose: system (default), light or dark.
func (s Settings) Appearance() string {
	switch a := s.p.String(keyAppearance); a {
	case screens.AppearanceLight, screens.AppearanceDark:
		return a
	}
	return screens.AppearanceSystem
}

// SetAppearance stores the theme choice.
func (s Settings) SetAppearance(a string) { s.p.SetString(keyAppearance, a) }

// Language is the console's language the agent chose ("zh-Hant", "ru"...);
// empty follows the operating system's.
func (s Settings) Language() string { return s.p.String(keyLanguage) }

// SetLanguage stores the agent's language; empty follows the system. It
// takes effect at the next start.
func (s Settings) SetLanguage(l string) { s.p.SetString(keyLanguage, l) }

// SetRetentionDays stores the retention period.
func (s Settings) SetRetentionDays(d int) { s.p.SetInt(keyRetention, d) }

// maxRecentRegions is how many recent countries the picker lists first.
const maxRecentRegions = 8

// RecentRegions are the countries picked lately, most recent first.
// Unknown and repeated codes are left out, and at most maxRecentRegions kept.
func (s Settings) RecentRegions() []string {
	var out []string
	for _, r := range s.p.StringList(keyRecent) {
		if storedRegion(r) && !slices.Contains(out, r) && len(out) < maxRecentRegions {
			out = append(out, r)
		}
	}
	return out
}

// maxTabTitle bounds a stored tab title in bytes: the titles are a word or two.
const maxTabTitle = 40

// LastTab is the title of the account tab the agent chose last, or "" for the
// first tab. Which tab a title names is the screens' to decide (one no tab has
// gives the first tab); a stored value that cannot be a tab's title (too long,
// not UTF-8, control or bidi characters, another type) gives "".
func (s Settings) LastTab() string {
	t := strings.TrimSpace(s.p.String(keyLastTab))
	if len(t) > maxTabTitle || !utf8.ValidString(t) {
		return ""
	}
	for _, r := range t {
		if !unicode.IsPrint(r) {
			return ""
		}
	}
	return t
}

// SetLastTab remembers the title of the account tab the agent chose.
func (s Settings) SetLastTab(title string) { s.p.SetString(keyLastTab, strings.TrimSpace(title)) }

// WindowSize is the last size of the main window.
func (s Settings) WindowSize() fyne.Size {
	w := s.p.FloatWithFallback(keyWindowW, defaultWindowW)
	h := s.p.FloatWithFallback(keyWindowH, defaultWindowH)
	ok := func(v float64) bool { return !math.IsNaN(v) && v >= 320 && v <= 20000 }
	if !ok(w) || !ok(h) {
		return fyne.NewSize(defaultWindowW, defaultWindowH)
	}
	return fyne.NewSize(float32(w), float32(h))
}

// SetWindowSize remembers the main window's size.
func (s Settings) SetWindowSize(sz fyne.Size) {
	s.p.SetFloat(keyWindowW, float64(sz.Width))
	s.p.SetFloat(keyWindowH, float64(sz.Height))
}
