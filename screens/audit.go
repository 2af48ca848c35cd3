package screens

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/auditlog"
	"verifydesk/services/casework"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

// auditPageSize is one page of the audit screen: what fits a screen or two,
// so the first page of 100,000 entries comes back at once.
const auditPageSize = 100

// auditScreen is the backend's audit in the main area: filters (agent,
// account, action, time range, outcome), one page at a time, and an export of
// exactly what the filters show. A supervisor sees every agent's entries; an
// agent their own.
type auditScreen struct {
	w *workspace

	agent        *widget.SelectEntry // by name, completed from the agent directory
	account      *widget.Entry
	action       *widget.Select
	outcome      *widget.Select
	from, until  *widget.Entry
	apply        *widget.Button
	newer, older *widget.Button
	exportCSV    *widget.Button
	exportJSONL  *widget.Button
	verify       *widget.Button
	verdict      *widget.Label
	state        *widget.Label
	table        *dataTable

	rows    []data.AuditEntry
	cursors []string // the cursor of each page shown so far; the last is the current page's
	next    string   // the next page's cursor, "" on the last page
	query   client.AuditQuery
	gen     generation
	content fyne.CanvasObject
}

// auditColumns are the columns, in English (the header shows each in the
// agent's language).
var auditColumns = []string{i18n.Mark("Time"), i18n.Mark("Agent"), i18n.Mark("Action"), i18n.Mark("Account id"),
	i18n.Mark("Outcome"), i18n.Mark("Reason"), i18n.Mark("Detail")}

// auditActions are the actions the filter offers, after its "any action":
// the codes the backend records (identifiers, never translated).
var auditActions = []string{"", "sign_in", "sign_out", "search_accounts", "view_account", "reveal",
	"list_deliveries", "resend_code", "list_devices", "remove_device", "revoke_sessions", "disable_2fa",
	"change_contact", "identity_check_start", "identity_check_verify", "approval_request", "approval_decide",
	"view_login_activity", "view_rate_limits", "case_create", "case_update", "case_note", "case_view"}

// auditOutcomes are the outcomes the filter offers, after its "any outcome":
// the backend's values.
var auditOutcomes = []string{"", data.AuditOK, data.AuditDenied, data.AuditFailed}

// auditActionWords are auditActions as the filter shows them; the filter
// maps the one picked back to its code by its place.
func auditActionWords() []string {
	out := []string{i18n.L("any action")}
	for _, a := range auditActions[1:] {
		out = append(out, words.AuditAction(a))
	}
	return out
}

// auditOutcomeWords are auditOutcomes as the filter shows them.
func auditOutcomeWords() []string {
	return []string{i18n.L("any outcome"), i18n.X("audit.filter.ok", "ok"),
		i18n.X("audit.filter.denied", "denied"), i18n.X("audit.filter.failed", "failed")}
}

// badTimeWords is auditlog.ErrBadTime's text in the agent's language.
func badTimeWords() string {
	return i18n.L("write a date as 2026-12-01, or a date and time as 2026-12-01 14:05")
}

// sayBadTime says a time filter cannot be read. UI thread.
func (s *auditScreen) sayBadTime() {
	s.state.SetText(i18n.L("A time filter cannot be read: {{.Hint}}.", i18n.M{"Hint": badTimeWords()}))
}

func newAuditScreen(w *workspace) *auditScreen {
	s := &auditScreen{w: w}
	s.agent = widget.NewSelectEntry(nil)
	s.agent.SetPlaceHolder(i18n.L("agent (all)"))
	if w.agent.Role != data.RoleSupervisor {
		s.agent.SetText(w.agentName(w.agent.ID)) // an agent reads their own entries only
		s.agent.Disable()
	}
	s.namesChanged()
	s.account = widget.NewEntry()
	s.account.SetPlaceHolder(i18n.L("account id (all)"))
	s.action = widget.NewSelect(auditActionWords(), nil)
	s.action.SetSelectedIndex(0)
	s.outcome = widget.NewSelect(auditOutcomeWords(), nil)
	s.outcome.SetSelectedIndex(0)
	s.from = widget.NewEntry()
	s.from.SetPlaceHolder(i18n.L("from 2026-12-01"))
	s.until = widget.NewEntry()
	s.until.SetPlaceHolder(i18n.L("until 2026-12-01 18:00"))
	for _, e := range []*widget.Entry{s.from, s.until} {
		end := e == s.until
		e.Validator = func(text string) error {
			if _, err := auditlog.ParseTime(text, time.Local, end); err != nil {
				return errors.New(badTimeWords())
			}
			return nil
		}
	}
	for _, e := range []*widget.Entry{&s.agent.Entry, s.account, s.from, s.until} {
		e.OnSubmitted = func(string) { s.onApply() }
	}
	s.apply = widget.NewButtonWithIcon(i18n.X("audit.show", "Show"), theme.SearchIcon(), s.onApply)
	s.newer = widget.NewButtonWithIcon(i18n.X("audit.newer", "Newer"), theme.NavigateBackIcon(), s.onNewer)
	s.older = widget.NewButtonWithIcon(i18n.X("audit.older", "Older"), theme.NavigateNextIcon(), s.onOlder)
	s.exportCSV = widget.NewButtonWithIcon(i18n.L("Export CSV…"), theme.DocumentSaveIcon(), func() { s.onExport("csv") })
	s.exportJSONL = widget.NewButtonWithIcon(i18n.L("Export JSON lines…"), theme.DocumentSaveIcon(), func() { s.onExport("jsonl") })
	s.verify = widget.NewButtonWithIcon(i18n.L("Verify this console's own audit chain"), theme.ConfirmIcon(), s.onVerify)
	s.verdict = widget.NewLabel("")
	s.verdict.Wrapping = wordWrap()
	s.state = widget.NewLabel("")
	s.state.Wrapping = wordWrap()
	s.table = textTable(auditColumns, []int{6, 5},
		func() int { return len(s.rows) },
		func(row, col int, l *widget.Label) {
			e := s.rows[row]
			switch col {
			case 0:
				l.SetText(relativeTime(e.At, w.cfg.now(), nil))
			case 1:
				l.SetText(w.agentName(e.AgentID))
			case 2:
				l.SetText(words.AuditAction(e.Action))
			case 3:
				l.SetText(e.AccountID)
			case 4:
				o := e.Outcome
				if o == "" {
					o = data.AuditOutcome(e.Status)
				}
				l.SetText(words.AuditOutcome(o, e.Status))
				switch o {
				case data.AuditDenied:
					l.Importance = widget.WarningImportance
				case data.AuditFailed:
					l.Importance = widget.DangerImportance
				}
			case 5:
				l.SetText(e.Reason)
			case 6:
				l.SetText(s.detailWords(e.Detail))
			}
		})
	return s
}

// auditDetailIDs are the ids a detail may carry that read better as words:
// an agent's (their name) and a case's (its short id, as the Case tab shows).
// The exports keep the detail as recorded.
var auditDetailIDs = regexp.MustCompile(`\bag_[A-Za-z0-9_]+|\bcase-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// detailWords is an entry's detail for people. UI thread.
func (s *auditScreen) detailWords(d string) string {
	return auditDetailIDs.ReplaceAllStringFunc(d, func(id string) string {
		if strings.HasPrefix(id, "ag_") {
			return s.w.agentName(id)
		}
		return casework.ShortID(id)
	})
}

// namesChanged offers the agent directory's names in the agent filter and
// redraws the table with them. UI thread.
func (s *auditScreen) namesChanged() {
	var names []string
	for _, n := range s.w.agentNames {
		names = append(names, n)
	}
	sort.Strings(names)
	s.agent.SetOptions(names)
	if s.w.agent.Role != data.RoleSupervisor {
		s.agent.SetText(s.w.agentName(s.w.agent.ID))
	}
	if s.table != nil {
		s.table.Refresh()
	}
}

func (s *auditScreen) build() fyne.CanvasObject {
	if s.content == nil {
		title := widget.NewLabelWithStyle(i18n.L("Audit of the auth backend"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		grid := func(o fyne.CanvasObject, ems float32) fyne.CanvasObject {
			return container.NewGridWrap(fyne.NewSize(ems*theme.TextSize(), o.MinSize().Height), o)
		}
		filters := container.NewHBox(grid(s.agent, 9), grid(s.account, 9), s.action, s.outcome,
			grid(s.from, 11.5), grid(s.until, 13.5), s.apply) // their examples whole at 1280
		// Wraps to a second line in a language whose words are longer.
		pager := newFlow(container.NewHBox(s.newer, s.older), container.NewHBox(widget.NewSeparator(), s.exportCSV, s.exportJSONL),
			container.NewHBox(widget.NewSeparator(), s.verify))
		top := container.NewVBox(title, container.NewHScroll(filters), pager, s.verdict, s.state)
		s.content = newBorder(top, nil, nil, nil, s.table)
	}
	return s.content
}

// filters reads the filter fields; ok is false when a time cannot be read
// (its field says why). UI thread.
func (s *auditScreen) filters() (client.AuditQuery, bool) {
	since, err1 := auditlog.ParseTime(s.from.Text, time.Local, false)
	until, err2 := auditlog.ParseTime(s.until.Text, time.Local, true)
	if err1 != nil || err2 != nil {
		return client.AuditQuery{}, false
	}
	q := client.AuditQuery{AgentID: s.w.agentByName(s.agent.Text), AccountID: strings.TrimSpace(s.account.Text),
		Since: since, Until: until, Limit: auditPageSize}
	if s.action.SelectedIndex() > 0 {
		q.Action = auditActions[s.action.SelectedIndex()]
	}
	if s.outcome.SelectedIndex() > 0 {
		q.Outcome = auditOutcomes[s.outcome.SelectedIndex()]
	}
	return q, true
}

func (s *auditScreen) onApply() {
	q, ok := s.filters()
	if !ok {
		_ = s.from.Validate()
		_ = s.until.Validate()
		s.sayBadTime()
		return
	}
	s.query = q
	s.cursors = []string{""}
	s.load()
}

func (s *auditScreen) onOlder() {
	if s.next == "" {
		return
	}
	s.cursors = append(s.cursors, s.next)
	s.load()
}

func (s *auditScreen) onNewer() {
	if len(s.cursors) <= 1 {
		return
	}
	s.cursors = s.cursors[:len(s.cursors)-1]
	s.load()
}

// load fetches the current page. UI thread; the call runs off it.
func (s *auditScreen) load() {
	wanted := s.gen.next()
	q := s.query
	q.Cursor = s.cursors[len(s.cursors)-1]
	s.state.SetText(i18n.L("Loading…"))
	s.newer.Disable()
	s.older.Disable()
	var page data.AuditList
	s.w.run.run(job{name: "load the audit", wanted: wanted,
		work: func(ctx context.Context) (err error) { page, err = s.w.api.AuditPage(ctx, q); return err },
		done: func(err error) {
			if err != nil {
				s.state.SetText(i18n.L("The audit could not be loaded: {{.Error}}", i18n.M{"Error": explainRetry(err)}))
				showIf(s.newer, true)
				if len(s.cursors) > 1 {
					s.newer.Enable()
				}
				return
			}
			s.rows, s.next = page.Entries, page.NextCursor
			s.table.ScrollToTop()
			s.table.Refresh()
			n := len(s.cursors)
			switch {
			case len(s.rows) == 0 && s.next == "":
				s.state.SetText(i18n.L("No entries match the filters."))
			case len(s.rows) == 0:
				s.state.SetText(i18n.L("Page {{.Page}}: no entries on this page; older ones may match (Older).", i18n.M{"Page": n}))
			default:
				s.state.SetText(i18n.N("Page {{.Page}}: {{.Count}} entries, newest first.", len(s.rows), i18n.M{"Page": n}))
			}
			if n > 1 {
				s.newer.Enable()
			}
			if s.next != "" {
				s.older.Enable()
			}
		},
	})
}
