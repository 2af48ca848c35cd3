package screens

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// focusName is how the tab order reads in a failure: a widget's words.
func focusName(o fyne.Focusable) string {
	switch v := o.(type) {
	case *widget.Button:
		return "button " + v.Text
	case *widget.Select:
		return "select " + v.Selected
	case *widget.Entry:
		return "entry " + v.PlaceHolder
	case *widget.Check:
		return "check " + v.Text
	}
	return fmt.Sprintf("%T", o)
}

// tabStops presses Tab from the focused widget until the focus comes back,
// and lists the stops.
func tabStops(t *testing.T, c fyne.Canvas) []fyne.Focusable {
	t.Helper()
	start := c.Focused()
	var stops []fyne.Focusable
	for range 80 {
		c.FocusNext()
		f := c.Focused()
		if f == nil || f == start {
			return stops
		}
		stops = append(stops, f)
	}
	t.Fatal("Tab never comes back to where it started")
	return nil
}

// Tab goes the way the agent reads: the top bar, the account header, the
// tab's controls, its table, the left column, the status bar; every stop is
// on screen and none twice.
func TestTabOrderFollowsTheScreen(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "GB", "07911 123456")
	ws := u.work
	ws.tabs.SelectIndex(1) // Codes
	w.Canvas().Focus(ws.search)
	stops := tabStops(t, w.Canvas())
	var names []string
	index := map[fyne.Focusable]int{}
	for i, f := range stops {
		names = append(names, focusName(f))
		if _, twice := index[f]; twice {
			t.Errorf("Tab stops twice at %s", focusName(f))
		}
		index[f] = i
		if o, ok := f.(fyne.CanvasObject); ok && (!o.Visible() || o.Size().IsZero()) {
			t.Errorf("Tab stops at %s, which is not on screen", focusName(f))
		}
	}
	order := strings.Join(names, " > ")
	codes := ws.codes
	want := []fyne.Focusable{ws.header.revealPhone, ws.header.revealEmail, codes.channel, codes.purpose, codes.resend, codes.table}
	last := -1
	for _, f := range want {
		i, ok := index[f]
		if !ok {
			t.Errorf("Tab never reaches %s: %s", focusName(f), order)
			continue
		}
		if i < last {
			t.Errorf("Tab reaches %s out of reading order: %s", focusName(f), order)
		}
		last = i
	}
	for i, n := range names {
		if n == "button Hide lists" && i < last {
			t.Errorf("Tab reaches the status bar before the tab's content: %s", order)
		}
	}
}
