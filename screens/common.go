package screens

import (
	"errors"
	"fmt"
	"image/color"
	"io/fs"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/casework"
	"verifydesk/services/client"
	"verifydesk/services/geo"
	"verifydesk/services/phone"
	"verifydesk/services/words"
)

// Explain turns any error into short words for the agent: the backend's
// through client.Explain, files and databases by what is wrong with them. It
// is the one place errors become text on screen; nothing else pastes
// err.Error() there.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var dbe *geo.DBError
	var pe *fs.PathError
	switch {
	case errors.As(err, &dbe):
		name := "The geolocation database " + dbe.Path
		switch {
		case errors.Is(err, geo.ErrNotMaxMind):
			return name + " is not a MaxMind database file (.mmdb)."
		case errors.Is(err, geo.ErrUnsupportedType):
			return fmt.Sprintf("%s is a %s database: Verifydesk reads City and ASN databases.", name, dbe.Type)
		}
		return name + " " + fileProblem(err) + "."
	case errors.As(err, &pe):
		return "The file " + pe.Path + " " + fileProblem(err) + "."
	}
	if words, ok := casework.ExplainCache(err); ok {
		return words // the cache's own words, as the CLI prints them: never "backend down"
	}
	return client.Explain(err, time.Local)
}

// fileProblem words what is wrong with a file that could not be opened.
func fileProblem(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "cannot be read: permission denied"
	}
	return "cannot be read"
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

// chooseExportFolder asks the agent for the folder an export goes into, in a
// dialog titled title with "Export here", and hands its path to then (not
// called when the agent cancels). Fyne's own folder dialog says "Open
// Folder" and "Open".
func chooseExportFolder(win fyne.Window, title string, then func(dir string)) {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err == nil && dir != nil {
			then(dir.Path())
		}
	}, win)
	d.SetTitleText(title)
	d.SetConfirmText("Export here")
	d.Show()
}

// wheelThrough makes a one-line entry inside a scrolled page pass the mouse
// wheel to the page while its text is short: Fyne gives an entry a scroller
// of its own, which took the wheel and stopped the page under the pointer.
// Without it the entry is as wide as its text, so past wheelThroughChars it
// takes its scroller back (a long text never widens the window). Call it
// after setting OnChanged.
func wheelThrough(e *widget.Entry) *widget.Entry {
	fit := func() {
		wrap, scroll := fyne.TextWrapOff, container.ScrollNone
		if utf8.RuneCountInString(e.Text) > wheelThroughChars {
			wrap, scroll = fyne.TextWrap(fyne.TextTruncateClip), container.ScrollBoth // Fyne's own
		}
		if e.Wrapping != wrap || e.Scroll != scroll {
			e.Wrapping, e.Scroll = wrap, scroll
			e.Refresh()
		}
	}
	changed := e.OnChanged
	e.OnChanged = func(s string) {
		fit()
		if changed != nil {
			changed(s)
		}
	}
	fit()
	return e
}

// wheelThroughChars is the longest text a wheelThrough entry shows without
// a scroller: about the width of a form's field at 1280.
const wheelThroughChars = 48

// newBorder is container.NewBorder with its objects in reading order: top,
// left, the middle, right, bottom. The Tab key visits widgets in the order of
// the tree, and container.NewBorder puts the middle first, so Tab went from
// the search field to the status bar, and on the Codes tab to the table before
// the resend row above it.
func newBorder(top, bottom, left, right fyne.CanvasObject, middle ...fyne.CanvasObject) *fyne.Container {
	var objs []fyne.CanvasObject
	add := func(os ...fyne.CanvasObject) {
		for _, o := range os {
			if o != nil {
				objs = append(objs, o)
			}
		}
	}
	add(top, left)
	add(middle...)
	add(right, bottom)
	return container.New(layout.NewBorderLayout(top, bottom, left, right), objs...)
}

// withRows keeps room for the header and rows lines of t: a split or a
// border beside it never squeezes the table below what an agent can read
// (Fyne's table asks for one cell only).
func withRows(t fyne.CanvasObject, rows int) fyne.CanvasObject {
	line := widget.NewLabel("Xy").MinSize().Height + theme.Padding()
	return atLeast(t, fyne.NewSize(0, float32(rows+1)*line))
}

// atLeast gives o room of at least size, whatever o asks for itself.
func atLeast(o fyne.CanvasObject, size fyne.Size) fyne.CanvasObject {
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(size)
	return container.NewStack(room, o)
}

// showIf shows o when cond holds and hides it otherwise.
func showIf(o fyne.CanvasObject, cond bool) {
	if cond {
		o.Show()
	} else {
		o.Hide()
	}
}

// Text from outside (the backend, a file, the cache) on screen: control and
// direction characters shown escaped, and bounded (words.Shown, the one
// text-display function of the console). shown is for one line, shownText
// for a wrapped pane.
const (
	maxShown     = 120
	maxShownText = 20000
)

func shown(s string) string     { return words.Shown(s, maxShown, false) }
func shownText(s string) string { return words.Shown(s, maxShownText, true) }

// oneLine is a label for a single line of outside text: cut where the column
// ends, so a long name never widens the window. Clipped, not ellipsised: Fyne
// shapes an ellipsis-cut text anew on every refresh, and lists refresh often.
func oneLine(text string) *widget.Label {
	l := widget.NewLabel(shown(text))
	l.Truncation = fyne.TextTruncateClip
	return l
}

// idsPrefix starts the one labelled line of ids a view may show for whoever
// needs them (a case's, an account's, a request's); everywhere else people
// read names. The screen test of names allows ids only on such lines.
const idsPrefix = "Ids: "

// idsLine is the labelled id line: "Ids: case case-…, account acc_1001".
func idsLine(parts ...string) string { return idsPrefix + strings.Join(parts, ", ") }

// idLabel shows an id line, small and quiet, whole (ids are not cut).
func idLabel(text string) *widget.Label {
	l := widget.NewLabel(shown(text))
	l.Importance = widget.LowImportance
	l.SizeName = theme.SizeNameCaptionText
	l.Wrapping = fyne.TextWrapBreak
	return l
}

// countryName names a customer's country for people ("Taiwan" for "TW");
// an empty code reads "not known".
func countryName(code string) string {
	if code == "" {
		return "not known"
	}
	return phone.RegionName(code)
}
