package screens

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// describeError turns any error into short words for the agent. It is the one
// place errors become text on screen.
func describeError(err error) string {
	if err == nil {
		return ""
	}
	return explainError(err)
}

// explainError is replaced when the backend client lands; until then it says
// something generic instead of a Go error.
var explainError = func(err error) string { return "Something went wrong. Try again." }

// emptyState is the centred sentence a tab shows when it has nothing to show.
func emptyState(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = fyne.TextWrapWord
	return container.NewCenter(l)
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
	if y1, m1, d1 := lt.Date(); true {
		y2, m2, d2 := now.In(loc).Date()
		if y1 != y2 || m1 != m2 || d1 != d2 {
			clock = lt.Format("2 Jan 2006 15:04")
		}
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
	default:
		return fmt.Sprintf("%s (%d days ago)", clock, int(d.Hours()/24))
	}
}
