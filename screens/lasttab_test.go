package screens

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/google/uuid"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/cases"
)

// newTestUIConfig is newTestUI with Config fields the test sets (the tab
// remembered, where a choice is told), before NewUI sees them as the console
// would give them.
func newTestUIConfig(t *testing.T, srv *httptest.Server, set func(*Config)) (*UI, fyne.Window) {
	t.Helper()
	return newTestUIFull(t, srv, func(a API) API { return a }, set)
}

// signInAndOpen signs ana in and opens the account of a US number, as the
// agent would on a call.
func signInAndOpen(t *testing.T, u *UI, w fyne.Window) *workspace {
	t.Helper()
	u.SubmitSignIn()
	if u.work == nil {
		t.Fatalf("not signed in; screen says:\n%s", screenText(w.Content()))
	}
	search(t, u, "US", "+16502530000")
	if u.work.account == nil {
		t.Fatalf("no account opened; screen says:\n%s", screenText(w.Content()))
	}
	return u.work
}

// shownTab is the title of the account tab on screen.
func shownTab(ws *workspace) string {
	if it := ws.tabs.Selected(); it != nil {
		return it.Text
	}
	return ""
}

// tapTab taps the tab bar's button titled title, as the agent clicks it.
func tapTab(t *testing.T, ws *workspace, title string) {
	t.Helper()
	var found fyne.Tappable
	walkObjects(ws.tabs, func(o fyne.CanvasObject) {
		if tp, ok := o.(fyne.Tappable); ok && found == nil && o.Visible() && o != fyne.CanvasObject(ws.tabs) && screenText(o) == title {
			found = tp
		}
	})
	if found == nil {
		t.Fatalf("no tab button %q in the tab bar:\n%s", title, screenText(ws.tabs))
	}
	test.Tap(found)
}

func typeShortcut(w fyne.Window, key fyne.KeyName, mod fyne.KeyModifier) {
	w.Canvas().(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod})
}

// TestTabChoiceIsReported: a tab click and the tab shortcuts are the agent's
// choices and are told to OnTab; the console's own switches (a case opened
// from the list, an action leading to its tab, SelectTab) are not. A new sign-in
// in the same run opens on the tab chosen last.
func TestTabChoiceIsReported(t *testing.T) {
	srv := backendtest.New(t)
	var told []string
	u, w := newTestUIConfig(t, srv, func(c *Config) { c.OnTab = func(title string) { told = append(told, title) } })
	ws := signInAndOpen(t, u, w)
	if shownTab(ws) != "Overview" || len(told) != 0 {
		t.Fatalf("with nothing stored the account opens on %q and told %q; want Overview, nothing told", shownTab(ws), told)
	}

	tapTab(t, ws, "Activity")
	if shownTab(ws) != "Activity" || !slices.Equal(told, []string{"Activity"}) {
		t.Fatalf("after a click on Activity: shown %q, told %q", shownTab(ws), told)
	}
	if !ws.loaded[ws.activity] {
		t.Error("the Activity tab was chosen but not loaded")
	}
	tapTab(t, ws, "Activity") // the tab on screen already: nothing new to tell
	typeShortcut(w, fyne.KeyName("2"), fyne.KeyModifierShortcutDefault)
	typeShortcut(w, fyne.KeyTab, fyne.KeyModifierControl)
	if want := []string{"Activity", "Codes", "Devices"}; shownTab(ws) != "Devices" || !slices.Equal(told, want) {
		t.Fatalf("after Ctrl+2 and Ctrl+Tab: shown %q, told %q, want Devices and %q", shownTab(ws), told, want)
	}

	// The console's own switches.
	u.SelectTab("case")
	if shownTab(ws) != "Case" {
		t.Fatalf("SelectTab(case) shows %q", shownTab(ws))
	}
	ws.passwordReset()
	if shownTab(ws) != "Codes" {
		t.Fatalf("the password reset leads to %q, want Codes", shownTab(ws))
	}
	acct := *ws.account
	cs := data.Case{ID: "case-" + uuid.NewString(), AccountID: "acc_1002", AgentID: ws.agent.ID, Channel: "phone",
		Category: cases.CategorySMSNotArriving, Status: data.CaseOpen}
	if _, err := ws.api.CreateCase(context.Background(), cs); err != nil {
		t.Fatal(err)
	}
	ws.reloadCases()
	i := slices.IndexFunc(ws.cases, func(c data.Case) bool { return c.ID == cs.ID })
	if i < 0 {
		t.Fatalf("the new case is not in the left column: %d cases", len(ws.cases))
	}
	ws.caseList.Select(i)
	if ws.account == nil || ws.account.ID != "acc_1002" || shownTab(ws) != "Case" {
		t.Fatalf("the case from the list opened %v on %q, want acc_1002 on Case", ws.account, shownTab(ws))
	}
	if want := []string{"Activity", "Codes", "Devices"}; !slices.Equal(told, want) {
		t.Fatalf("the console's switches were told as choices: %q, want %q", told, want)
	}

	// The agent now picks the tab the console showed: that is a choice.
	typeShortcut(w, fyne.KeyName("6"), fyne.KeyModifierShortcutDefault)
	if want := []string{"Activity", "Codes", "Devices", "Case"}; !slices.Equal(told, want) {
		t.Fatalf("Ctrl+6 on the Case tab shown by the console: told %q, want %q", told, want)
	}
	tapTab(t, ws, "Activity")

	// Signed out and in again, in the same run: the first account opens on
	// the tab chosen last.
	u.SignOut("")
	u.SubmitSignIn()
	if u.work == nil {
		t.Fatal("not signed in again")
	}
	u.Search(acct.ID)
	if u.work.account == nil || shownTab(u.work) != "Activity" {
		t.Errorf("after a new sign-in the account opens on %q, want Activity", shownTab(u.work))
	}
}

// TestChosenTabOpensTheNextStart: what one run told is what the next starts
// with (app.Settings keeps it in between): its first account opens on that
// tab, loaded, and starting on it is not a new choice.
func TestChosenTabOpensTheNextStart(t *testing.T) {
	srv := backendtest.New(t)
	stored := ""
	first, w1 := newTestUIConfig(t, srv, func(c *Config) { c.OnTab = func(title string) { stored = title } })
	tapTab(t, signInAndOpen(t, first, w1), "Activity")
	if stored != "Activity" {
		t.Fatalf("choosing Activity stored %q", stored)
	}
	first.Close()

	var told []string
	next, w2 := newTestUIConfig(t, srv, func(c *Config) {
		c.LastTab = stored
		c.OnTab = func(title string) { told = append(told, title) }
	})
	ws := signInAndOpen(t, next, w2)
	if shownTab(ws) != "Activity" || !ws.isSelected(ws.activity) {
		t.Fatalf("the next start opens the first account on %q, want Activity", shownTab(ws))
	}
	if !ws.loaded[ws.activity] || ws.loaded[ws.overview] {
		t.Errorf("loaded Activity %v, Overview %v: want the tab shown loaded, not the first", ws.loaded[ws.activity], ws.loaded[ws.overview])
	}
	if len(told) != 0 {
		t.Errorf("starting on the stored tab told %q", told)
	}
}

// TestUnknownLastTabGivesFirstTab: a stored title no tab has (an older
// version's, a hand-edited file's, part of one) opens on the first tab; the
// title matches whole, in any case.
func TestUnknownLastTabGivesFirstTab(t *testing.T) {
	srv := backendtest.New(t)
	for _, c := range []struct{ stored, want string }{
		{"", "Overview"},
		{"Billing", "Overview"},
		{"Act", "Overview"},   // a prefix names no tab
		{"Phone", "Overview"}, // nor does one word of "Phone check"
		{"Case\x00", "Overview"},
		{"activity", "Activity"},
		{" Phone check ", "Phone check"},
	} {
		u, w := newTestUIConfig(t, srv, func(cfg *Config) { cfg.LastTab = c.stored })
		if got := shownTab(signInAndOpen(t, u, w)); got != c.want {
			t.Errorf("stored %q: the first account opens on %q, want %q", c.stored, got, c.want)
		}
		u.Close()
	}
}
