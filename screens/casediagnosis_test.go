package screens

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"verifydesk/services/cases"
)

// pickedCategory is the category the Case tab's start view has chosen for the
// agent: the suggestion, in the agent's words.
func pickedCategory(t *testing.T, p *casePanel) string {
	t.Helper()
	return findSelectWithPlaceholder(t, p.build(), "Pick what the call is about").Selected
}

func categoryTitleOf(t *testing.T, id string) string {
	t.Helper()
	c, ok := cases.LookupCategory(id)
	if !ok {
		t.Fatalf("no category %q", id)
	}
	return c.Title
}

// flowText is what the agent reads, wrapped lines joined again.
func flowText(o fyne.CanvasObject) string { return strings.Join(strings.Fields(screenText(o)), " ") }

// caseTabAfterSearch searches as the agent does and shows the Case tab of the
// account found, not started yet.
func caseTabAfterSearch(t *testing.T, region, text, wantAccount string) (*workspace, *casePanel) {
	t.Helper()
	u, w := signedIn(t)
	search(t, u, region, text)
	ws := u.work
	if ws.account == nil || ws.account.ID != wantAccount {
		t.Fatalf("%s %q opened %v, want %s:\n%s", region, text, ws.account, wantAccount, screenText(w.Content()))
	}
	ws.tabs.SelectIndex(len(ws.panels) - 1)
	p := ws.casePanel
	if s := flowText(p.build()); !strings.Contains(s, "No open case for this account.") {
		t.Fatalf("no start view on the Case tab:\n%s", s)
	}
	return ws, p
}

// startSuggestedCase starts the suggested case and returns what the tab then
// shows: the checklist with the evidence's reasons.
func startSuggestedCase(t *testing.T, p *casePanel) string {
	t.Helper()
	test.Tap(findButton(t, p.build(), "Start the case"))
	if p.rec == nil {
		t.Fatalf("no case started:\n%s", screenText(p.build()))
	}
	return flowText(p.build())
}

// TestCaseIgnoresAPlusTypedInTheSearch: the United States picked and the
// correct international "+447911123456" typed in the agent's search field
// (Oliver Bennett, GB). The plus and the other country's code are how the
// agent types an international number, not what the customer typed into the
// app: the case suggests from the account's evidence (its SMS went
// undelivered), as for the same number searched with the United Kingdom
// picked, and no step cites the search text as the customer's.
func TestCaseIgnoresAPlusTypedInTheSearch(t *testing.T) {
	_, p := caseTabAfterSearch(t, "US", "+447911123456", "acc_1002")
	got := pickedCategory(t, p)
	if got == categoryTitleOf(t, cases.CategoryNumberInvalid) {
		t.Fatalf("the search's + suggests %q:\n%s", got, flowText(p.build()))
	}
	if want := categoryTitleOf(t, cases.CategorySMSNotArriving); got != want {
		t.Errorf("suggested %q, want %q (the undelivered SMS)", got, want)
	}
	if s := flowText(p.build()); strings.Contains(s, "what the customer typed") || !strings.Contains(s, "The last SMS") {
		t.Errorf("the suggestion's reason:\n%s", s)
	}
	if s := startSuggestedCase(t, p); strings.Contains(s, "+447911123456") || strings.Contains(s, "plus sign") {
		t.Errorf("a step reads the agent's search as the customer's typing:\n%s", s)
	}
}

// TestCaseKeepsATrunkZeroSearch: the Taiwan number typed as the customer
// types it, trunk 0 and hyphens ("0936-123-456", Chen Mei-Ling's legacy
// account), still suggests the trunk-0 case, and its checklist still cites the
// phone check of that typing.
func TestCaseKeepsATrunkZeroSearch(t *testing.T) {
	_, p := caseTabAfterSearch(t, "TW", "0936-123-456", "acc_1001")
	if got, want := pickedCategory(t, p), categoryTitleOf(t, cases.CategoryTrunkZero); got != want {
		t.Errorf("suggested %q, want %q", got, want)
	}
	if s := flowText(p.build()); !strings.Contains(s, "Suggested from what the console sees: The number is stored with the trunk 0 after the country code") {
		t.Errorf("the suggestion's reason:\n%s", s)
	}
	s := startSuggestedCase(t, p)
	for _, want := range []string{
		"Why: Phone check of what the customer typed (0936-123-456): The number contains hyphens.",
		"Why: Phone check: a valid Taiwan (+886) number; the country code is right.",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the checklist lacks %q:\n%s", want, s)
		}
	}
}

// TestCaseDiagnosisOnlyWithoutPlus: which searches count as the customer's
// typing for the case. A plus, however it was typed (a full-width one, inside
// brackets), is the agent's international form.
func TestCaseDiagnosisOnlyWithoutPlus(t *testing.T) {
	for _, c := range []struct {
		region, text string
		used         bool
	}{
		{"US", "+447911123456", false},
		{"GB", "+44 7911 123456", false},
		{"US", "(+44) 7911 123456", false},
		{"GB", "＋447911123456", false},
		{"TW", "0936-123-456", true},
		{"GB", "07911 123456", true},
		{"US", "6502530000", true},
	} {
		q := parseQuery(c.text, c.region)
		if q.problem != "" {
			t.Fatalf("%s %q is no search: %s", c.region, c.text, q.problem)
		}
		f := &foundBy{accountID: "acc_x", q: q.q, diagnosis: q.diagnosis}
		if got := f.typedDiagnosis() != nil; got != c.used {
			t.Errorf("%s %q: diagnosis used %v, want %v", c.region, c.text, got, c.used)
		}
	}
}
