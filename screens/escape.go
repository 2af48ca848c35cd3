package screens

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Esc closes the dialog on top, as its Cancel or Close would. Fyne's dialogs
// do not take Esc, and a key goes to the focused widget or, when none has the
// focus, to the canvas: the console's dialogs register here (showEscapable),
// their text fields are escEntry, and a canvas handler covers the rest.

// escDialogs are the open dialogs of each window's canvas, the top last. UI
// thread only.
var escDialogs = map[fyne.Canvas][]dialog.Dialog{}

// showEscapable shows d on win and lets Esc close it. UI thread.
func showEscapable(win fyne.Window, d dialog.Dialog) {
	c := win.Canvas()
	escDialogs[c] = append(escDialogs[c], d)
	d.SetOnClosed(func() {
		escDialogs[c] = slices.DeleteFunc(escDialogs[c], func(x dialog.Dialog) bool { return x == d })
		if len(escDialogs[c]) == 0 {
			delete(escDialogs, c)
		}
	})
	if c.OnTypedKey() == nil {
		c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
			if ev.Name == fyne.KeyEscape {
				closeTopDialog(c)
			}
		})
	}
	d.Show()
}

// closeTopDialog closes the top dialog of c and says whether there was one.
func closeTopDialog(c fyne.Canvas) bool {
	ds := escDialogs[c]
	if len(ds) == 0 {
		return false
	}
	ds[len(ds)-1].Hide() // its callback runs with "cancel", and SetOnClosed's
	return true
}

// escEntry is a text field of a dialog: Esc closes the dialog instead of
// being lost in the field.
type escEntry struct {
	widget.Entry
	canvas fyne.Canvas
}

func newEscEntry(win fyne.Window) *escEntry {
	e := &escEntry{canvas: win.Canvas()}
	e.ExtendBaseWidget(e)
	return e
}

// newEscPasswordEntry masks what is typed, as widget.NewPasswordEntry does,
// without its reveal button: a check code is not for the agent's eyes.
func newEscPasswordEntry(win fyne.Window) *escEntry {
	e := newEscEntry(win)
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	return e
}

func newEscMultiLineEntry(win fyne.Window) *escEntry {
	e := newEscEntry(win)
	e.MultiLine = true
	e.Wrapping = wordWrap()
	return e
}

func (e *escEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && closeTopDialog(e.canvas) {
		return
	}
	e.Entry.TypedKey(ev)
}

// EntryOf is the text field o is, if it is one: a widget.Entry or a dialog's
// field (for the real-window probe and the tests, which list the fields).
func EntryOf(o fyne.CanvasObject) (*widget.Entry, bool) {
	switch v := o.(type) {
	case *widget.Entry:
		return v, true
	case *escEntry:
		return &v.Entry, true
	}
	return nil, false
}
