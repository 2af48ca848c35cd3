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

// Every dialog opens with the keyboard on its first input.
func TestDialogsFocusTheirFirstInput(t *testing.T) {
	u, w := signedIn(t)
	search(t, u, "GB", "+447911123456")
	ws := u.work
	acct := ws.account
	focusedEntry := func(what, placeholder string) {
		t.Helper()
		f := w.Canvas().Focused()
		e, ok := f.(fyne.CanvasObject)
		if !ok {
			t.Errorf("%s: nothing has the keyboard", what)
			return
		}
		if entry, ok := EntryOf(e); !ok || entry.PlaceHolder != placeholder {
			t.Errorf("%s: the keyboard is on %T, not on the field %q", what, f, placeholder)
		}
		closeTopDialog(w.Canvas())
	}
	test.Tap(ws.header.revealPhone)
	focusedEntry("reveal", "e.g. caller confirms the number on file")
	ws.changeContact("email")
	focusedEntry("change email", "the new email address")
	act := ws.removeDeviceAction(acct, "dv_gb_1", "Oliver's Pixel")
	ws.requestApproval(acct, act)
	focusedEntry("approval request", "why, and how you checked the caller")
	ws.region.open()
	focusedEntry("country picker", "Type a country, an ISO code or a calling code (tai, TW, 886)")
	d := showSettings(w, SettingsForm{Background: runNow}, func(SettingsForm) {})
	if w.Canvas().Focused() != d.backend {
		t.Errorf("settings: the keyboard is on %T, not on the backend address", w.Canvas().Focused())
	}
	closeTopDialog(w.Canvas())
	// The identity check's code field opens disabled: nothing has the
	// keyboard, so Esc closes it; the field takes it once a code is sent.
	f := ws.startSensitive(acct, act)
	if w.Canvas().Focused() != nil {
		t.Errorf("identity check: the keyboard is on %T before a code is sent", w.Canvas().Focused())
	}
	f.channel.SetSelected(f.channels[1])
	test.Tap(f.send)
	if w.Canvas().Focused() != f.code {
		t.Errorf("identity check: the keyboard is on %T after the code was sent, not on the code field", w.Canvas().Focused())
	}
	closeTopDialog(w.Canvas())
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog is left open:\n%s", screenText(top))
	}
}
