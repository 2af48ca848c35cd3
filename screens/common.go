package screens

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/client"
)

// describeError turns any error into short words for the agent. It is the one
// place errors become text on screen.
func describeError(err error) string {
	if err == nil {
		return ""
	}
	return client.Explain(err, time.Local)
}

// emptyState is the centred sentence a tab shows when it has nothing to show.
func emptyState(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = fyne.TextWrapWord
	// Not container.NewCenter: a wrapping label there gets its minimum width and
	// breaks after every letter. Spacers centre it vertically at full width.
	return container.NewVBox(layout.NewSpacer(), l, layout.NewSpacer())
}

// relativeTime formats t for an agent on a call: "14:02 (2 min ago)", with the
// date when it is not today.
func relativeTime(t, now time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "never"
	}
	if loc == nil {
		loc = time.Local
	}
	lt := t.In(loc)
	clock := lt.Format("15:04")
	y1, m1, d1 := lt.Date()
	y2, m2, d2 := now.In(loc).Date()
	switch {
	case y1 != y2:
		clock = lt.Format("2 Jan 2006 15:04")
	case m1 != m2 || d1 != d2:
		clock = lt.Format("2 Jan 15:04")
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return clock
	case d < time.Minute:
		return clock + " (just now)"
	case d < time.Hour:
		return fmt.Sprintf("%s (%d min ago)", clock, int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%s (%d h ago)", clock, int(d.Hours()))
	case d < 30*24*time.Hour:
		return fmt.Sprintf("%s (%d days ago)", clock, int(d.Hours()/24))
	default:
		return lt.Format("2 Jan 2006")
	}
}

// onUI returns what f computes on the UI thread: background work uses it to
// read state that widgets' handlers change, without a lock.
func onUI[T any](f func() T) T {
	var v T
	fyne.DoAndWait(func() { v = f() })
	return v
}

// showIf shows o when cond holds and hides it otherwise.
func showIf(o fyne.CanvasObject, cond bool) {
	if cond {
		o.Show()
	} else {
		o.Hide()
	}
}
