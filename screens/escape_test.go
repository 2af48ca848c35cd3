package screens

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// Esc closes the dialog on top, from its text field or with nothing focused,
// as Cancel would: nothing is revealed, no check code is sent.
func TestEscClosesDialogs(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "GB", "+447911123456")
	ws := u.work
	esc := &fyne.KeyEvent{Name: fyne.KeyEscape}
	top := func() fyne.CanvasObject { return w.Canvas().Overlays().Top() }

	test.Tap(ws.header.revealPhone)
	if top() == nil || w.Canvas().Focused() == nil {
		t.Fatal("the reveal dialog did not open with its reason focused")
	}
	test.Type(w.Canvas().Focused(), "caller confirms")
	w.Canvas().Focused().TypedKey(esc)
	if top() != nil {
		t.Fatalf("Esc in the reason field left the dialog open:\n%s", screenText(top()))
	}
	if ws.header.revealed["phone"] != "" {
		t.Error("Esc revealed the phone")
	}

	// A decision dialog over a dialog: Esc closes the top one only.
	ws.showShortcuts()
	shortcuts := top()
	ws.removeDevice("dv_gb_1", "Oliver's Pixel")
	flow := top()
	if flow == nil || flow == shortcuts {
		t.Fatal("the identity check did not open")
	}
	w.Canvas().Unfocus()
	w.Canvas().OnTypedKey()(esc)
	if top() != shortcuts {
		t.Fatal("Esc with nothing focused did not close the identity check, or closed more")
	}
	w.Canvas().OnTypedKey()(esc)
	if top() != nil {
		t.Error("Esc did not close the shortcut list")
	}
	w.Canvas().OnTypedKey()(esc) // nothing left to close: nothing happens
}
