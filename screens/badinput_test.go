package screens

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/data/cache"
	"verifydesk/services/client"
)

// Bad input where it enters the console: right-to-left text, combining
// characters, control and invisible characters, text past the limits. Each
// field says what is wrong beside it, and nothing is saved half-way.
//
// Very long text is given to an entry's Text directly, not through SetText or
// typing: Fyne 2.7.1 lays out an entry's text in time quadratic in its length
// (a wrapped multi-line entry: 1,000 characters 0.5 s, 5,000 12 s, 20,000
// 3 min; a single-line one: 30,000 digits 2.5 s, 100,000 31 s), so pasting
// 1 MB freezes the window. The console takes text of any length: see the
// report of issue 15.

// goErrorWords are bits of Go errors that must never reach a screen.
var goErrorWords = []string{"dial tcp", "connection refused", "EOF", "invalid character", "json:", "http:", "%!"}

func noGoError(t *testing.T, where, s string) {
	t.Helper()
	for _, w := range goErrorWords {
		if strings.Contains(s, w) {
			t.Errorf("%s shows a Go error (%q): %q", where, w, s)
		}
	}
}

func TestSearchOddInputSaysWhatItSearchesBesideTheField(t *testing.T) {
	_, ana := proxiedAna(t, emily)
	ws := ana.u.work
	for _, c := range []struct {
		name, text, want string
	}{
		{"right-to-left override before the number", "\u202e+16502530000", "Will search +1 650-253-0000"},
		{"Arabic-Indic digits", "+١٦٥٠٢٥٣٠٠٠٠", "Will search +1 650-253-0000"},
		{"combining accent in an email", "e\u0301milie@example.com", "Will search the email e\u0301milie@example.com"},
		{"Hebrew letters", "שלום", "letter"},
		{"zero-width space inside the number", "+1650\u200b2530000", "Will search +1 650-253-0000"},
		{"a bell and an escape", "\a\x1b[2J+16502530000", ""},
		{"spaces only", "   ", "Type a phone number, email or account id."},
		{"2,000 digits", strings.Repeat("9", 2000), "more than any phone number"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws.search.Text = c.text // see the file comment
			ws.onSearch()
			hint := ws.searchHint.Text
			if hint == "" || !utf8.ValidString(hint) {
				t.Fatalf("hint beside the search: %q", hint)
			}
			if c.want != "" && !strings.Contains(strings.ToLower(hint), strings.ToLower(c.want)) {
				t.Errorf("hint %q, want it to say %q", hint, c.want)
			}
			noGoError(t, "the search", hint+"\n"+screenText(ws.center))
		})
	}
}

// detachNote puts text in a note field outside the window: Fyne's layout of
// that much text would take minutes (see the file comment), and the console
// reads only the field's Text.
func detachNote(cp *casePanel, text string) {
	cp.note = widget.NewMultiLineEntry()
	cp.note.Text = text
}

// notesOf counts the notes with text on the backend's copy of caseID.
func notesOf(t *testing.T, p *faultProxy, caseID, text string) int {
	t.Helper()
	return notesIn(t, p.directClient(t, "sam"), caseID, text)
}

// notesIn counts the notes with text on c's copy of caseID.
func notesIn(t *testing.T, c *client.Client, caseID, text string) int {
	t.Helper()
	cs, err := c.Case(t.Context(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, note := range cs.Notes {
		if note.Text == text {
			n++
		}
	}
	return n
}

func TestNotesInEveryScriptAreKeptExactly(t *testing.T) {
	p, ana := proxiedAna(t, dayAccount{"GB", "+447911123456", "acc_1002"})
	cp := startCase(t, ana)
	for _, text := range []string{
		"العميل لا يتلقى رمز التحقق منذ أمس",              // Arabic, right to left
		"הלקוח החליף מכשיר \u200f(iPhone 15)\u200f אתמול", // Hebrew with marks and LTR inside
		"cafe\u0301 na\u0303o Zo\u0308e",                  // combining characters, not precomposed
		"客户说验证码一直收不到，已建议检查短信拦截",
		"👩🏽‍💻 called back; 🇬🇧 number",
		"line one\nline two\ttabbed",
	} {
		cp.note.SetText(text)
		test.Tap(cp.addNote)
		if got := notesOf(t, p, cp.rec.Case.ID, text); got != 1 {
			t.Errorf("note %q is on the backend %d times (console: %q)", text, got, cp.saveInfo.Text)
		}
		if !strings.Contains(screenText(cp.build()), text) {
			t.Errorf("note %q is not on screen as written", text)
		}
	}
	// The cache keeps them byte for byte too.
	rec, err := ana.store.Case(cp.rec.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Case.Notes) != 6 {
		t.Errorf("the cache holds %d notes, want 6", len(rec.Case.Notes))
	}
}

func TestNoteOverTheLimitIsRefusedWholeOnlineAndOffline(t *testing.T) {
	p, ana := proxiedAna(t, dayAccount{"GB", "+447911123456", "acc_1002"})
	cp := startCase(t, ana)
	caseID := cp.rec.Case.ID
	long := strings.Repeat("log line 0123456789 ", 1001) // 20,020 characters: over the 20,000 a note holds
	for _, offline := range []bool{false, true} {
		p.setDown(offline)
		if offline {
			cp.note.Text = "" // the tab keeps a draft across a reload: not this one
			ana.u.work.startLoad(cp)
			if !cp.cached {
				t.Fatal("the case tab did not fall back to the cache")
			}
		}
		detachNote(cp, long)
		test.Tap(cp.addNote)
		info := cp.saveInfo.Text
		if cp.note.Text != long {
			t.Errorf("offline=%v: the refused note left the field", offline)
		}
		if !strings.Contains(info, "20000") && !strings.Contains(info, "20,000") {
			t.Errorf("offline=%v: the console does not say the limit: %q", offline, info)
		}
		noGoError(t, "the note", info)
		if offline && ana.u.work.online.text != "offline" {
			t.Errorf("the cache refusing a note turned the badge %q: the backend is still down", ana.u.work.online.text)
		}
		if st, _ := ana.store.Stats(); st.Queued != 0 {
			t.Errorf("offline=%v: %d changes queued for a refused note", offline, st.Queued)
		}
	}
	p.setDown(false)
	if n := notesOf(t, p, caseID, long); n != 0 {
		t.Errorf("the refused note is on the backend %d times", n)
	}
	if rec, _ := ana.store.Case(caseID); len(rec.Case.Notes) != 0 {
		t.Errorf("the cache holds %d notes after a refusal", len(rec.Case.Notes))
	}
	_ = ana.store.AuditEntries(1, func(e cache.AuditEntry) error {
		if e.Action == "case_note" {
			t.Errorf("the local chain records a note nobody took: %+v", e)
		}
		return nil
	})
}

// TestNoteLimitCountsCharacters: a note of 7,000 Chinese characters is well
// within "at most 20000 characters", but it is 21,000 bytes. The backend and
// the outbox are asked directly: the Case tab would lay the note out, which
// takes Fyne minutes at this length (see the file comment).
func TestNoteLimitCountsCharacters(t *testing.T) {
	_, ana := proxiedAna(t, dayAccount{"GB", "+447911123456", "acc_1002"})
	cp := startCase(t, ana)
	text := strings.Repeat("客户说验证码收不到", 778)[:7000*3] // 7,000 characters
	if _, err := ana.api.AddNote(t.Context(), cp.rec.Case.ID, data.Note{ID: "note-cjk-online", Text: text}); err != nil {
		t.Errorf("the backend refused a note of %d characters: %s", utf8.RuneCountInString(text), Explain(err))
	}
	if _, err := ana.store.QueueNote(cp.rec.Case.ID, data.Note{ID: "note-cjk-offline", Text: text}); err != nil {
		t.Errorf("the outbox refused a note of %d characters: %v", utf8.RuneCountInString(text), err)
	}
}

// TestApprovalReasonIsSavedWholeOrRefused asks for an approval with a reason
// of 300 Arabic words (1,500 characters): the supervisor must read the
// reason the agent wrote, or the agent must be told it is too long; never a
// reason cut short (and mid-character) without a word.
func TestApprovalReasonIsSavedWholeOrRefused(t *testing.T) {
	p, ana := proxiedAna(t, emily)
	ws := ana.u.work
	ws.tabs.SelectIndex(2)
	devs := ws.panels[2].(*devicesPanel)
	devs.table.Select(widgetCell(0, 0))
	test.Tap(devs.remove)
	test.Tap(findButton(t, ana.win.Canvas().Overlays().Top(), "Caller cannot get a code"))
	form := ana.win.Canvas().Overlays().Top()
	reason := strings.TrimSpace(strings.Repeat("فقد العميل هاتفه ", 75)) // 300 words
	entry := findEntry(t, form, false)
	entry.Text = reason // see the file comment
	entry.Validate()
	test.Tap(findButton(t, form, "Send request"))
	aps, err := p.directClient(t, "sam").ListApprovals(t.Context(), clientPendingFor(emily.id))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case len(aps) == 0:
		// Refused: the form must have said why.
		if s := screenText(ana.win.Canvas().Overlays().Top()); !strings.Contains(s, "long") && !strings.Contains(s, "characters") {
			t.Errorf("no request and no word about the length:\n%s", s)
		}
	case aps[0].Reason != reason:
		t.Errorf("the reason was stored cut: %d of %d bytes, valid UTF-8 %v, and the agent was told %q",
			len(aps[0].Reason), len(reason), utf8.ValidString(aps[0].Reason), screenText(ana.win.Canvas().Overlays().Top()))
	}
}

func TestDecisionCommentOverTheLimitSaysWhyAndDecidesNothing(t *testing.T) {
	p := newFaultProxy(t, 1)
	app := test.NewTempApp(t)
	sam := openConsole(t, app, p, "sam", "ag_sam")
	ana := p.directClient(t, "ana")
	devs, err := ana.TrustedDevices(t.Context(), emily.id)
	if err != nil || len(devs) == 0 {
		t.Fatalf("devices %v %v", devs, err)
	}
	if _, err := ana.RequestApproval(t.Context(), data.ApprovalRequest{AccountID: emily.id, Action: data.ActionRemoveDevice,
		Params: map[string]string{"device_id": devs[0].ID}, Reason: "caller lost the phone on a trip"}); err != nil {
		t.Fatal(err)
	}
	sam.signIn(t)
	ap := sam.u.work.approvals
	test.Tap(ap.button)
	ap.list.Select(0)
	ap.comment.Text = strings.TrimSpace(strings.Repeat("تم التحقق ", 60)) // 600 characters
	test.Tap(ap.approve)
	if !strings.HasPrefix(ap.status.Text, "Not decided") || !strings.Contains(ap.status.Text, "500") {
		t.Errorf("a comment over 500 characters: %q", ap.status.Text)
	}
	noGoError(t, "the decision", ap.status.Text)
	after, err := ana.TrustedDevices(t.Context(), emily.id)
	if err != nil || len(after) != len(devs) {
		t.Errorf("the action ran on a refused decision: %d devices, want %d (%v)", len(after), len(devs), err)
	}
}

func clientPendingFor(accountID string) client.ApprovalQuery {
	return client.ApprovalQuery{Status: data.ApprovalPending, AccountID: accountID}
}
