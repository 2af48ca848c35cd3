package screens

import (
	"errors"
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
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
	"verifydesk/services/sso"
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
		m := i18n.M{"Path": dbe.Path}
		switch {
		case errors.Is(err, geo.ErrNotMaxMind):
			return i18n.L("The geolocation database {{.Path}} is not a MaxMind database file (.mmdb).", m)
		case errors.Is(err, geo.ErrUnsupportedType):
			return i18n.L("The geolocation database {{.Path}} is a {{.Type}} database: Verifydesk reads City and ASN databases.",
				i18n.M{"Path": dbe.Path, "Type": dbe.Type})
		}
		switch fileProblem(err) {
		case fileMissing:
			return i18n.L("The geolocation database {{.Path}} does not exist.", m)
		case fileDenied:
			return i18n.L("The geolocation database {{.Path}} cannot be read: permission denied.", m)
		}
		return i18n.L("The geolocation database {{.Path}} cannot be read.", m)
	case errors.As(err, &pe):
		m := i18n.M{"Path": pe.Path}
		switch fileProblem(err) {
		case fileMissing:
			return i18n.L("The file {{.Path}} does not exist.", m)
		case fileDenied:
			return i18n.L("The file {{.Path}} cannot be read: permission denied.", m)
		}
		return i18n.L("The file {{.Path}} cannot be read.", m)
	}
	if words, ok := casework.ExplainCache(err); ok {
		return words // the cache's own words, as the CLI prints them: never "backend down"
	}
	if words := sso.Explain(err); words != "" {
		return words // a single sign-on's: the provider, the browser, the checks
	}
	return client.Explain(err, time.Local)
}

// fileProblem is what is wrong with a file that could not be opened.
func fileProblem(err error) int {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fileMissing
	case errors.Is(err, fs.ErrPermission):
		return fileDenied
	}
	return fileUnreadable
}

// What fileProblem finds.
const (
	fileUnreadable = iota
	fileMissing
	fileDenied
)

// emptyState is the centred sentence a tab shows when it has nothing to show.
func emptyState(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = wordWrap()
	// Not container.NewCenter: a wrapping label there gets its minimum width and
	// breaks after every letter. Spacers centre it vertically at full width.
	return container.NewVBox(layout.NewSpacer(), l, layout.NewSpacer())
}

// relativeTime formats t for an agent on a call: "14:02 (2 min ago)", with the
// date when it is not today.
func relativeTime(t, now time.Time, loc *time.Location) string {
	if t.IsZero() {
		return i18n.L("never")
	}
	if loc == nil {
		loc = time.Local
	}
	lang := i18n.Current()
	lt := t.In(loc)
	clock := i18n.Clock(lt)
	y1, m1, d1 := lt.Date()
	y2, m2, d2 := now.In(loc).Date()
	switch {
	case y1 != y2:
		clock = i18n.DateTime(lang, lt)
	case m1 != m2 || d1 != d2:
		clock = i18n.DayTime(lang, lt)
	}
	when := i18n.M{"When": clock}
	d := now.Sub(t)
	switch {
	case d < 0:
		return clock
	case d < time.Minute:
		return i18n.L("{{.When}} (just now)", when)
	case d < time.Hour:
		return i18n.N("{{.When}} ({{.Count}} min ago)", int(d.Minutes()), when)
	case d < 48*time.Hour:
		return i18n.N("{{.When}} ({{.Count}} h ago)", int(d.Hours()), when)
	case d < 30*24*time.Hour:
		return i18n.N("{{.When}} ({{.Count}} days ago)", int(d.Hours()/24), when)
	default:
		return i18n.Date(lang, lt)
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
	d.SetConfirmText(i18n.L("Export here"))
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
// read names. The screen test of names allows ids only on such lines. It is
// the English one: idsLine says it in the agent's language.
const idsPrefix = "Ids: "

// idsLine is the labelled id line: "Ids: case case-…, account acc_1001".
func idsLine(parts ...string) string {
	return i18n.L("Ids: {{.List}}", i18n.M{"List": strings.Join(parts, ", ")})
}

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
		return i18n.L("not known")
	}
	return phone.RegionNameIn(i18n.Current(), code)
}

// wordWrap is how a long text wraps in the agent's language.
func wordWrap() fyne.TextWrap { return wrapIn(i18n.Current()) }

// wrapIn is how a long text wraps in lang: at spaces; Chinese has none
// between words, so at any character (at a space only, a line ends early
// before each run of Chinese).
func wrapIn(lang i18n.Language) fyne.TextWrap {
	if lang == i18n.ChineseTraditional || lang == i18n.ChineseSimplified {
		return fyne.TextWrapBreak
	}
	return fyne.TextWrapWord
}
