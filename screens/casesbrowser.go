package screens

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/casework"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

// casesBrowser is the cached cases in the main area: found by phone, email,
// account id, case id or note words (the cache's token index), filtered by
// status, agent and age, each marked when it holds changes the backend has
// not confirmed yet. It works offline: the cache is on this computer.
type casesBrowser struct {
	w       *workspace
	query   *widget.Entry
	status  *widget.Select
	mine    *widget.Check
	age     *widget.Select
	state   *widget.Label
	table   *dataTable
	rows    []casework.Summary
	gen     generation // the latest search; older answers are dropped
	content fyne.CanvasObject
}

// caseColumns are the table's headers (English keys: shown through i18n.T).
var caseColumns = []string{i18n.Mark("Case"), i18n.Mark("Customer"), i18n.Mark("Category"), i18n.Mark("Status"),
	i18n.Mark("Updated"), i18n.Mark("Notes"), i18n.Mark("Agent"), i18n.Mark("Sync")}

// caseAges are the age filter's choices (English keys: shown through i18n.T).
var caseAges = []struct {
	words string
	d     time.Duration
}{{i18n.Mark("any age"), 0}, {i18n.Mark("last day"), 24 * time.Hour}, {i18n.Mark("last week"), 7 * 24 * time.Hour},
	{i18n.Mark("last 30 days"), 30 * 24 * time.Hour}}

func newCasesBrowser(w *workspace) *casesBrowser {
	b := &casesBrowser{w: w}
	b.query = widget.NewEntry()
	b.query.SetPlaceHolder(i18n.L("phone, email, account id, case id or words of a note"))
	b.query.OnSubmitted = func(string) { b.refresh() }
	statuses := append([]string{i18n.L("any status")}, statusChoices()...)
	b.status = widget.NewSelect(statuses, func(string) { b.refresh() })
	b.status.Selected = statuses[0]
	b.mine = widget.NewCheck(i18n.L("Mine only"), func(bool) { b.refresh() })
	var ages []string
	for _, a := range caseAges {
		ages = append(ages, i18n.T(a.words))
	}
	b.age = widget.NewSelect(ages, func(string) { b.refresh() })
	b.age.Selected = ages[0]
	b.state = widget.NewLabel("")
	b.state.Wrapping = wordWrap()
	b.table = textTable(caseColumns, []int{2, 1},
		func() int { return len(b.rows) },
		func(row, col int, l *widget.Label) {
			r := b.rows[row]
			switch col {
			case 0:
				l.SetText(casework.ShortID(r.ID))
			case 1:
				l.SetText(w.customerWords(r.AccountID, r.CustomerContact))
			case 2:
				l.SetText(categoryTitle(r.Category))
			case 3:
				l.SetText(words.CaseStatus(r.Status))
			case 4:
				l.SetText(relativeTime(r.UpdatedAt, w.cfg.now(), nil))
			case 5:
				l.SetText(fmt.Sprint(r.Notes))
				l.Alignment = fyne.TextAlignTrailing
			case 6:
				l.SetText(w.agentName(r.AgentID))
			case 7:
				if r.OnlyCached() {
					l.SetText(i18n.L("only cached ({{.Queued}})", i18n.M{"Queued": r.Queued}))
					l.Importance = widget.WarningImportance
				} else {
					l.SetText(i18n.L("synced"))
				}
			}
		})
	b.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(b.rows) {
			b.table.UnselectAll()
			w.openCase(b.rows[id.Row])
		}
	}
	return b
}

// namesChanged redraws the table with the agent directory's names. UI thread.
func (b *casesBrowser) namesChanged() { b.table.Refresh() }

func categoryTitle(id string) string {
	if c, ok := cases.LookupCategory(id); ok {
		title, _ := cases.CategoryIn(i18n.Agent(), c.ID, c.Title, c.CustomerSays)
		return title
	}
	return id
}

func (b *casesBrowser) build() fyne.CanvasObject {
	if b.content == nil {
		title := widget.NewLabelWithStyle(i18n.L("Cases kept on this computer"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		find := widget.NewButtonWithIcon(i18n.L("Find"), theme.SearchIcon(), b.refresh)
		filters := container.NewHBox(b.status, b.mine, b.age)
		top := container.NewVBox(title, newBorder(nil, nil, nil, find, b.query), filters, b.state)
		b.content = newBorder(top, nil, nil, nil, b.table)
	}
	return b.content
}

// refresh lists the cached cases through the service. The cache answers in
// microseconds from its index, but it is still I/O: off the UI thread.
func (b *casesBrowser) refresh() {
	svc := b.w.cfg.Cases
	if !svc.HasCache() {
		b.state.SetText(i18n.L("This console keeps no cases on this computer (the cache could not be opened)."))
		return
	}
	q := strings.TrimSpace(b.query.Text)
	lq := casework.ListQuery{Limit: 500}
	if i := b.status.SelectedIndex(); i > 0 { // 0: any status
		lq.Status = caseStatuses[i-1]
	}
	if b.mine.Checked {
		lq.AgentID = b.w.agent.ID
	}
	if i := b.age.SelectedIndex(); i >= 0 && caseAges[i].d > 0 { // the choices are caseAges, in order
		lq.UpdatedSince = b.w.cfg.now().Add(-caseAges[i].d)
	}
	var rows []casework.Summary
	b.w.run.run(job{name: "search the cached cases", local: true, wanted: b.gen.next(),
		work: func(ctx context.Context) (err error) { rows, err = svc.List(ctx, q, lq); return err },
		done: func(err error) {
			if err != nil {
				b.state.SetText(i18n.L("The cache could not be searched: {{.Reason}}", i18n.M{"Reason": Explain(err)}))
				return
			}
			b.rows = rows
			b.table.Refresh()
			switch {
			case len(rows) == 0 && q != "":
				b.state.SetText(i18n.L("No cached case matches {{.Query}}.", i18n.M{"Query": q}))
			case len(rows) == 0:
				b.state.SetText(i18n.L("No cached cases match the filters."))
			default:
				b.state.SetText(i18n.N("{{.Count}} cases. Pick one to open it.", len(rows)))
			}
		},
	})
}

// showCases shows the cases browser in the main area. A tap handler.
func (w *workspace) showCases() {
	w.showCenter(w.browser.build())
	w.browser.refresh()
}

// openCase opens a cached case's account on its Case tab: from the backend,
// or, offline, from the snapshot the cache kept. UI thread.
func (w *workspace) openCase(s casework.Summary) {
	w.selectCaseTab = true
	if w.isOnline() || !w.cfg.Cases.HasCache() {
		w.openAccountID(s.AccountID)
		return
	}
	svc := w.cfg.Cases
	var acct data.Account
	w.run.run(job{name: "open a cached case", local: true,
		work: func(ctx context.Context) (err error) { acct, err = svc.CachedAccount(ctx, s.ID); return err },
		done: func(err error) {
			if err != nil || acct.ID == "" {
				acct = data.Account{ID: s.AccountID, Name: i18n.L("(not in the cached snapshot)")}
			}
			w.openAccount(acct, nil)
		},
	})
}
