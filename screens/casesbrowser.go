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

var caseColumns = []string{"Case", "Customer", "Category", "Status", "Updated", "Notes", "Agent", "Sync"}

var caseAges = []struct {
	words string
	d     time.Duration
}{{"any age", 0}, {"last day", 24 * time.Hour}, {"last week", 7 * 24 * time.Hour}, {"last 30 days", 30 * 24 * time.Hour}}

func newCasesBrowser(w *workspace) *casesBrowser {
	b := &casesBrowser{w: w}
	b.query = widget.NewEntry()
	b.query.SetPlaceHolder("phone, email, account id, case id or words of a note")
	b.query.OnSubmitted = func(string) { b.refresh() }
	statuses := []string{"any status"}
	for _, s := range caseStatuses {
		statuses = append(statuses, s.words)
	}
	b.status = widget.NewSelect(statuses, func(string) { b.refresh() })
	b.status.Selected = statuses[0]
	b.mine = widget.NewCheck("Mine only", func(bool) { b.refresh() })
	var ages []string
	for _, a := range caseAges {
		ages = append(ages, a.words)
	}
	b.age = widget.NewSelect(ages, func(string) { b.refresh() })
	b.age.Selected = ages[0]
	b.state = widget.NewLabel("")
	b.state.Wrapping = fyne.TextWrapWord
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
					l.SetText(fmt.Sprintf("only cached (%d)", r.Queued))
					l.Importance = widget.WarningImportance
				} else {
					l.SetText("synced")
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
		return c.Title
	}
	return id
}

func (b *casesBrowser) build() fyne.CanvasObject {
	if b.content == nil {
		title := widget.NewLabelWithStyle("Cases kept on this computer", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		find := widget.NewButtonWithIcon("Find", theme.SearchIcon(), b.refresh)
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
		b.state.SetText("This console keeps no cases on this computer (the cache could not be opened).")
		return
	}
	q := strings.TrimSpace(b.query.Text)
	lq := casework.ListQuery{Limit: 500}
	for _, s := range caseStatuses {
		if s.words == b.status.Selected {
			lq.Status = s.id
		}
	}
	if b.mine.Checked {
		lq.AgentID = b.w.agent.ID
	}
	for _, a := range caseAges {
		if a.words == b.age.Selected && a.d > 0 {
			lq.UpdatedSince = b.w.cfg.now().Add(-a.d)
		}
	}
	var rows []casework.Summary
	b.w.run.run(job{name: "search the cached cases", local: true, wanted: b.gen.next(),
		work: func(ctx context.Context) (err error) { rows, err = svc.List(ctx, q, lq); return err },
		done: func(err error) {
			if err != nil {
				b.state.SetText("The cache could not be searched: " + Explain(err))
				return
			}
			b.rows = rows
			b.table.Refresh()
			switch {
			case len(rows) == 0 && q != "":
				b.state.SetText("No cached case matches " + q + ".")
			case len(rows) == 0:
				b.state.SetText("No cached cases match the filters.")
			default:
				b.state.SetText(fmt.Sprintf("%d case%s. Pick one to open it.", len(rows), words.Plural(len(rows))))
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
				acct = data.Account{ID: s.AccountID, Name: "(not in the cached snapshot)"}
			}
			w.openAccount(acct, nil)
		},
	})
}
