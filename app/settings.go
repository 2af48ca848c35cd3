package app

import (
	"strings"

	"fyne.io/fyne/v2"
)

// Preference keys and defaults. Preferences hold only UI state and endpoints;
// domain data lives in bbolt.
const (
	keyBackendURL  = "backend.url"
	keyGeoDBs      = "geo.databases"
	keyRegion      = "search.region"
	keyRecent      = "search.recentRegions"
	keyWindowW     = "window.width"
	keyWindowH     = "window.height"
	defaultRegion  = "US"
	defaultWindowW = 1280
	defaultWindowH = 800
)

// Settings is the typed wrapper over the app's preferences.
type Settings struct {
	p fyne.Preferences
}

// BackendURL is the auth backend's base URL; empty means demo mode.
func (s Settings) BackendURL() string { return strings.TrimSpace(s.p.String(keyBackendURL)) }

// SetBackendURL stores the backend's base URL ("" for demo mode).
func (s Settings) SetBackendURL(u string) { s.p.SetString(keyBackendURL, strings.TrimSpace(u)) }

// GeoDatabases are the paths of the MaxMind or flat-schema databases to use;
// none means the demo database.
func (s Settings) GeoDatabases() []string {
	var out []string
	for _, p := range strings.Split(s.p.String(keyGeoDBs), "\n") {
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
func (s Settings) Region() string { return s.p.StringWithFallback(keyRegion, defaultRegion) }

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

// maxRecentRegions is how many recent countries the picker lists first.
const maxRecentRegions = 8

// RecentRegions are the countries picked lately, most recent first.
func (s Settings) RecentRegions() []string { return s.p.StringList(keyRecent) }

// WindowSize is the last size of the main window.
func (s Settings) WindowSize() fyne.Size {
	return fyne.NewSize(float32(s.p.FloatWithFallback(keyWindowW, defaultWindowW)), float32(s.p.FloatWithFallback(keyWindowH, defaultWindowH)))
}

// SetWindowSize remembers the main window's size.
func (s Settings) SetWindowSize(sz fyne.Size) {
	s.p.SetFloat(keyWindowW, float64(sz.Width))
	s.p.SetFloat(keyWindowH, float64(sz.Height))
}
