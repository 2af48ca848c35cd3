package screens

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/client"
)

// smallest is the window's size once shrunk to what its content needs:
// wrapped text grows taller in a narrower window, so it shrinks again until
// the size holds, as a desktop window at its smallest does.
func smallest(w fyne.Window) fyne.Size {
	min := w.Content().MinSize()
	for range 5 {
		w.Resize(min)
		next := w.Content().MinSize()
		if next == min {
			break
		}
		min = min.Max(next)
	}
	w.Resize(fyne.NewSize(1280, 800))
	return min
}

// neededAt is what the window's content needs laid out in size: a bar or a
// text that wraps needs more height in a narrower window, so the content is
// laid out at size first, and again at what it asks for until that holds.
func neededAt(w fyne.Window, size fyne.Size) fyne.Size {
	w.Resize(size)
	min := w.Content().MinSize()
	for range 5 {
		w.Resize(size.Max(min))
		next := w.Content().MinSize()
		if next == min {
			break
		}
		min = next
	}
	w.Resize(fyne.NewSize(1280, 800))
	return min
}

// fitAtScale is the room a maximised window has on a 1080p screen at Fyne's
// scale 1.5: 1280x720 units, less a title bar.
var fitAtScale = fyne.NewSize(1280, 720-32)

// The smallest window the workspace needs fits a 1080p screen at scale 1.5,
// in both themes, on every tab of accounts with long and short data: nothing
// is cut off there, and the default 1280x800 window has room to spare.
func TestWorkspaceFitsA1080pScreenAtScaleOneAndAHalf(t *testing.T) { checkWorkspaceFits(t) }

func checkWorkspaceFits(t *testing.T) {
	for _, appearance := range []string{AppearanceLight, AppearanceDark} {
		// As the console builds it: with the Settings button in the top bar.
		u, w := newTestUIConfig(t, backendtest.New(t), func(c *Config) { c.OnSettings = func() {} })
		u.SubmitSignIn()
		fyne.CurrentApp().Settings().SetTheme(Theme(appearance))
		for _, a := range dayAccounts {
			search(t, u, a.region, a.query)
			if u.work.account == nil {
				t.Fatalf("%s: no account for %s", appearance, a.query)
			}
			for i, p := range u.work.panels {
				u.work.tabs.SelectIndex(i)
				if min := neededAt(w, fitAtScale); min.Width > fitAtScale.Width || min.Height > fitAtScale.Height {
					t.Errorf("%s, %s, %s tab: the window needs %v, more than %v", appearance, a.id, p.title(), min, fitAtScale)
				}
			}
		}
	}
}

// A supervisor deciding a request with a long reason, on the Activity tab
// (the tallest): the card above the account scrolls instead of growing the
// window past the screen (a desktop window does not shrink back).
func TestApprovalCardDoesNotGrowTheWindow(t *testing.T) {
	srv := backendtest.New(t)
	ctx := context.Background()
	ana := client.New(srv.URL, client.Options{})
	if _, err := ana.SignIn(ctx, "ana", "demo"); err != nil {
		t.Fatal(err)
	}
	devs, err := ana.TrustedDevices(ctx, "acc_1014")
	if err != nil || len(devs) == 0 {
		t.Fatalf("devices %v %v", devs, err)
	}
	reason := strings.Repeat("The caller lost both phones on a train and answered every account question; ", 6)
	if _, err := ana.RequestApproval(ctx, data.ApprovalRequest{AccountID: "acc_1014", Action: data.ActionRemoveDevice,
		Params: map[string]string{"device_id": devs[0].ID}, Reason: reason}); err != nil {
		t.Fatal(err)
	}
	// Signed in as the console builds it, the Settings button in the top bar.
	sam, _ := newTestUIConfig(t, srv, func(c *Config) { c.DemoUser, c.OnSettings = "sam", func() {} })
	sam.SubmitSignIn()
	fyne.CurrentApp().Settings().SetTheme(Theme(AppearanceDark))
	ap := sam.work.approvals
	test.Tap(ap.button)
	ap.list.Select(0)
	if sam.work.account == nil || !strings.Contains(screenText(ap.card), "The caller lost both phones") {
		t.Fatalf("the request's card is not on screen:\n%s", screenText(sam.work.win.Content()))
	}
	sam.work.tabs.SelectIndex(3)
	if min := neededAt(sam.work.win, fitAtScale); min.Height > fitAtScale.Height || min.Width > fitAtScale.Width {
		t.Errorf("with the card open the window needs %v, more than %v", min, fitAtScale)
	}
}

// At the window's 1280x800, every demo account's rows show whole in every
// column that does not shrink: the To column keeps the last digits the agent
// reads back, a date its year, a sender its domain. Only the free-text
// columns named to shrink may be cut, and only when the row is wider than
// the table; the detail pane shows those whole.
func TestTablesShowEveryDemoRowWhole(t *testing.T) { checkTablesShowEveryDemoRowWhole(t) }

func checkTablesShowEveryDemoRowWhole(t *testing.T) {
	u, w := signedIn(t)
	w.Resize(fyne.NewSize(1280, 800))
	cells := 0
	for n := 1001; n <= 1015; n++ {
		id := fmt.Sprintf("acc_%d", n)
		search(t, u, "US", id)
		if u.work.account == nil || u.work.account.ID != id {
			t.Fatalf("%s not opened:\n%s", id, screenText(w.Content()))
		}
		for i, p := range u.work.panels {
			tbl := panelTable(p)
			if tbl == nil {
				continue
			}
			u.work.tabs.SelectIndex(i)
			roomy := tbl.roomy()
			rows, cols := tbl.Length()
			for r := range rows {
				for c := range cols {
					text, cut := tbl.cut(r, c)
					cells++
					if cut && (roomy || !slices.Contains(tbl.shrink, c)) {
						t.Errorf("%s, %s tab, %s of row %d: %q is cut at %.0f", id, p.title(), tbl.columns[c], r, text, tbl.widths[c])
					}
				}
			}
		}
	}
	if cells < 500 {
		t.Errorf("only %d cells measured: the demo accounts' tables are not filled", cells)
	}
}
