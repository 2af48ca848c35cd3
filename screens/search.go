package screens

import (
	"context"
	"regexp"
	"strings"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
)

// accountIDPattern is what an account id looks like to the search field.
var accountIDPattern = regexp.MustCompile(`^[A-Za-z]+[-_][0-9A-Za-z]+$`)

// pendingSearch is a search to run again when the backend is back.
type pendingSearch struct{ region, text string }

// openAccountID fetches an account by id and opens it (a case or an approval
// names only the id). UI thread.
func (w *workspace) openAccountID(id string) { w.startSearch("", id) }

func (w *workspace) selectedRegion() string { return w.region.code }

// query is what the search field asks for.
type query struct {
	q         client.AccountQuery
	diagnosis *phone.Diagnosis
	problem   string // why there is nothing to search yet
}

// parseQuery decides what the agent typed: an email, an account id, or a phone
// number in the picked country.
func parseQuery(text, region string) query {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return query{problem: i18n.L("Type a phone number, email or account id.")}
	case strings.Contains(text, "@"):
		return query{q: client.AccountQuery{Email: strings.ToLower(text)}}
	case accountIDPattern.MatchString(text):
		return query{q: client.AccountQuery{ID: text}}
	}
	d := phone.Diagnose(region, text)
	if d.E164 == "" {
		msg := i18n.L("Not a phone number yet.")
		for _, f := range d.Findings {
			if f.Severity == phone.SeverityError {
				msg = findingWords(f, i18n.Agent())
				break
			}
		}
		return query{diagnosis: &d, problem: msg}
	}
	return query{q: client.AccountQuery{Phone: d.E164}, diagnosis: &d}
}

// onSearchChanged says under the field what the search will look for. The
// diagnosis is fast but still parsing: it runs off the UI thread.
func (w *workspace) onSearchChanged(text string) {
	region := w.selectedRegion()
	var hint string
	w.run.run(job{name: "search hint", local: true, wanted: w.hintGen.next(),
		work: func(context.Context) error { hint = searchHint(parseQuery(text, region)); return nil },
		done: func(error) { w.searchHint.SetText(hint) },
	})
}

// searchHint says under the search field, in the agent's language, what
// the search will look for (or why there is nothing to search yet).
func searchHint(q query) string {
	if q.problem != "" {
		return q.problem
	}
	return searchHintIn(q, i18n.Agent())
}

// searchHintIn is the hint of a search in l's language: the agent's on
// screen, English in the audit log, which is read in English whatever the
// agent's language (as the CLI prints it).
func searchHintIn(q query, l *i18n.Localizer) string {
	switch {
	case q.q.Email != "":
		return l.L("Will search the email {{.Email}}", i18n.M{"Email": q.q.Email})
	case q.q.ID != "":
		return l.L("Will search the account id {{.ID}}", i18n.M{"ID": q.q.ID})
	}
	hint := l.L("Will search {{.Number}}", i18n.M{"Number": q.diagnosis.International})
	if fs := searchFindings(q.diagnosis.Findings); len(fs) > 0 {
		hint += " · " + l.N("{{.Finding}} ({{.Count}} findings, see Phone check)", len(fs),
			i18n.M{"Finding": findingWords(worstFinding(fs), l)})
	}
	return hint
}

// findingWords is what a phone finding says, in l's language as far as the
// phone package words it.
func findingWords(f phone.Finding, l *i18n.Localizer) string { return f.MessageIn(l) }

// formOnlyFindings are about how the customer's app form wants the number
// (digits only, no country code): in the agent's search field a + and the
// country code are the right way to type an international number, so the
// hint leaves them to Phone check.
var formOnlyFindings = map[string]bool{
	phone.CodePlusSign: true, phone.CodeCountryCodeTyped: true, phone.CodeSeparators: true,
	phone.CodeOtherCountryCode: true, phone.CodeTrunkPrefix: true,
}

// searchFindings are the findings that matter to the search itself.
func searchFindings(fs []phone.Finding) []phone.Finding {
	var out []phone.Finding
	for _, f := range fs {
		// Notes (mobile or landline, possibly ported) are for Phone check.
		if !formOnlyFindings[f.Code] && f.Severity != phone.SeverityInfo {
			out = append(out, f)
		}
	}
	return out
}

// worstFinding is the finding to mention first: errors before warnings before
// notes, in the diagnosis's order otherwise.
func worstFinding(fs []phone.Finding) phone.Finding {
	rank := map[string]int{phone.SeverityError: 3, phone.SeverityWarning: 2, phone.SeverityInfo: 1}
	best := fs[0]
	for _, f := range fs[1:] {
		if rank[f.Severity] > rank[best.Severity] {
			best = f
		}
	}
	return best
}

// onSearch searches what the agent typed in the country they picked.
func (w *workspace) onSearch() { w.startSearch(w.selectedRegion(), w.search.Text) }

// startSearch parses text, asks the backend and shows what it found, unless a
// newer search started meanwhile. UI thread.
func (w *workspace) startSearch(region, text string) {
	wanted := w.searchGen.next()
	q := parseQuery(text, region) // microseconds: the phone index is built at start
	w.searchHint.SetText(searchHint(q))
	if q.problem != "" {
		return
	}
	w.record("search", "", "", searchHintIn(q, i18n.In(i18n.English)))
	// The answer usually comes within milliseconds: the screen changes once,
	// to the account. A slow one shows the progress in its place, so the
	// last account is not taken for the caller's.
	w.searchHint.SetText(searchHint(q) + " · " + i18n.L("searching…"))
	answered := false
	w.run.later(searchingAfter, "show searching", func() {
		if wanted() && !answered {
			w.showCenter(container.NewCenter(container.NewVBox(widget.NewProgressBarInfinite(), widget.NewLabel(i18n.L("Searching…")))))
		}
	})
	var accounts []data.Account
	w.run.run(job{name: "search", wanted: wanted,
		work: func(ctx context.Context) (err error) {
			accounts, err = w.api.SearchAccounts(ctx, q.q)
			return err
		},
		done: func(err error) {
			answered = true
			w.searchHint.SetText(searchHint(q))
			w.failedSearch = nil
			if err != nil && client.Unreachable(err) {
				w.failedSearch = &pendingSearch{region, text} // searched again when the backend is back
			}
			w.onSearchDone(q, accounts, err)
		},
	})
}

// searchingAfter is how long a search runs before its progress replaces the
// account on screen.
const searchingAfter = 150 * time.Millisecond

func (w *workspace) onSearchDone(q query, accounts []data.Account, err error) {
	switch {
	case err != nil:
		w.showCenter(emptyState(explainRetry(err)))
	case len(accounts) == 0:
		what := q.q.Email + q.q.ID
		if q.diagnosis != nil {
			what = q.diagnosis.International
		}
		w.showCenter(emptyState(i18n.L("No account found for {{.What}}. Check the country and the number with the caller (the hint under the search shows what was searched).", i18n.M{"What": what})))
	case len(accounts) == 1:
		w.openAccount(accounts[0], &foundBy{accountID: accounts[0].ID, q: q.q, diagnosis: q.diagnosis})
	default:
		w.results, w.resultsQuery = accounts, q
		w.resultList.Refresh()
		head := widget.NewLabel(i18n.N("{{.Count}} accounts match. Pick the caller's:", len(accounts)))
		w.showCenter(newBorder(head, nil, nil, nil, w.resultList))
	}
}
