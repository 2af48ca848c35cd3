package screens

import (
	"testing"

	"fyne.io/fyne/v2"
)

// fitAtScale is the room a maximised window has on a 1080p screen at Fyne's
// scale 1.5: 1280x720 units, less a title bar.
var fitAtScale = fyne.NewSize(1280, 720-32)

// The smallest window the workspace needs fits a 1080p screen at scale 1.5,
// in both themes, on every tab of accounts with long and short data: nothing
// is cut off there, and the default 1280x800 window has room to spare.
func TestWorkspaceFitsA1080pScreenAtScaleOneAndAHalf(t *testing.T) {
	for _, appearance := range []string{AppearanceLight, AppearanceDark} {
		u, w := signedIn(t)
		fyne.CurrentApp().Settings().SetTheme(Theme(appearance))
		for _, a := range dayAccounts {
			search(t, u, a.region, a.query)
			if u.work.account == nil {
				t.Fatalf("%s: no account for %s", appearance, a.query)
			}
			for i, p := range u.work.panels {
				u.work.tabs.SelectIndex(i)
				if min := w.Content().MinSize(); min.Width > fitAtScale.Width || min.Height > fitAtScale.Height {
					t.Errorf("%s, %s, %s tab: the window needs %v, more than %v", appearance, a.id, p.title(), min, fitAtScale)
				}
			}
		}
	}
}
