package screens

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/casework"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

// caseStatuses are the statuses in the order an agent moves through them;
// words.CaseStatus names them.
var caseStatuses = []string{data.CaseOpen, data.CaseWaiting, data.CaseEscalated, data.CaseResolved}

// statusChoices are caseStatuses' names, in their order: a choice's index
// is its status's.
func statusChoices() []string {
	out := make([]string, len(caseStatuses))
	for i, s := range caseStatuses {
		out[i] = words.CaseStatus(s)
	}
	return out
}

// stepStates are the checklist states an agent sets, with their words
// (English keys: shown through i18n.T).
var stepStates = []struct{ id, words string }{
	{cases.StateTodo, i18n.Mark("not asked")}, {cases.StateDone, i18n.Mark("done")},
	{cases.StateFailed, i18n.Mark("did not help")}, {cases.StateSkipped, i18n.Mark("does not apply")},
}

// caseView is the case: status, checklist, escalation fields, notes.
func (p *casePanel) caseView() fyne.CanvasObject {
	c := p.rec.Case
	cat, _ := cases.LookupCategory(c.Category)
	catTitle, _ := cases.CategoryIn(i18n.Agent(), cat.ID, cat.Title, cat.CustomerSays)
	title := widget.NewLabelWithStyle(fmt.Sprintf("%s · %s", catTitle, casework.ShortID(c.ID)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.status = widget.NewSelect(statusChoices(), nil)
	p.first = p.status
	if i := slices.Index(caseStatuses, c.Status); i >= 0 {
		p.status.Selected = p.status.Options[i]
	}
	p.status.OnChanged = func(string) {
		i := p.status.SelectedIndex()
		if i < 0 || caseStatuses[i] == p.rec.Case.Status {
			return
		}
		st := caseStatuses[i]
		p.saveAs(data.CasePatch{Status: &st}, "status "+words.CaseStatusIn(i18n.English, st),
			i18n.L("status {{.Status}}", i18n.M{"Status": words.CaseStatus(st)}))
	}
	head := []fyne.CanvasObject{title, widget.NewLabel(i18n.L("Status:")), p.status}
	if p.cached || p.rec.OnlyCached() {
		head = append(head, badge(i18n.L("only cached: changes are queued"), widget.WarningImportance))
	}
	// Who opened it stays on its line; saveInfo says what the last change
	// did (a note added, a field saved) and starts empty.
	opened := widget.NewLabel(shown(i18n.L("Opened {{.When}} by {{.Agent}}.",
		i18n.M{"When": relativeTime(c.CreatedAt, p.w.now(), nil), "Agent": p.w.agentName(c.AgentID)})))
	opened.Wrapping = wordWrap()
	p.saveInfo = widget.NewLabel("")
	p.saveInfo.Wrapping = wordWrap()

	// The checklist: each step's state, and why the evidence set it; in the
	// customer's language too, beside, when it is not the agent's.
	cust := p.customer()
	heading := fyne.CanvasObject(widget.NewLabelWithStyle(i18n.L("Checklist from the help page"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if cust != nil {
		// Two columns, each headed, past the steps' states.
		room := canvas.NewRectangle(color.Transparent)
		room.SetMinSize(fyne.NewSize(stepStateWidth(), 1))
		heading = newBorder(nil, nil, room, nil, container.NewGridWithColumns(2, heading, widget.NewLabelWithStyle(
			i18n.L("For the customer, in {{.Language}}", i18n.M{"Language": cust.Language().Name()}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})))
	}
	list := container.NewVBox(p.languageRow(), heading)
	for i := range p.steps {
		list.Add(p.stepRow(i, cust))
	}

	// The escalation fields the pages ask support to collect.
	p.fields = map[string]*widget.Entry{}
	form := widget.NewForm()
	for _, id := range cat.Escalation {
		def := fieldDef(id)
		e := wheelThrough(widget.NewEntry())
		e.SetText(p.esc.Get(id))
		p.fields[id] = e
		form.Append(cases.FieldIn(i18n.Agent(), id, def.Label), e)
	}
	saveFields := widget.NewButtonWithIcon(i18n.L("Save the escalation fields"), theme.DocumentSaveIcon(), p.onSaveFields)

	// Notes: append-only, newest last.
	notes := container.NewVBox(widget.NewLabelWithStyle(i18n.L("Notes"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, n := range c.Notes {
		l := widget.NewLabel(shownText(fmt.Sprintf("%s · %s: %s", relativeTime(n.At, p.w.now(), nil), p.w.agentName(n.AuthorID), notePreview(n.Text))))
		l.Wrapping = wordWrap()
		notes.Add(l)
	}
	if len(c.Notes) == 0 {
		notes.Add(widget.NewLabel(i18n.L("No notes yet.")))
	}
	typed := ""
	if p.note != nil && p.noteCase == c.ID {
		typed = p.note.Text // a redraw keeps what the agent is writing
	}
	p.noteCase = c.ID
	p.note = widget.NewMultiLineEntry()
	p.note.SetText(typed)
	p.note.SetPlaceHolder(i18n.L("What the customer said, what you did"))
	p.note.Wrapping = wordWrap()
	p.note.SetMinRowsVisible(2)
	p.addNote = widget.NewButtonWithIcon(i18n.L("Add note"), theme.ContentAddIcon(), handler("add a note", p.onAddNote))
	export := widget.NewButtonWithIcon(i18n.L("Export escalation package…"), theme.DocumentSaveIcon(), p.onExport)

	// Attachments the customer sent: kept with the case, on this computer.
	attach := container.NewVBox(widget.NewLabelWithStyle(i18n.L("Attachments"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, a := range p.rec.Attachments {
		size := i18n.L("{{.Size}} KiB", i18n.M{"Size": (a.Size + 1023) / 1024})
		attach.Add(oneLine(fmt.Sprintf("%s · %s · %s · %s", a.Name, a.Type, size, relativeTime(a.AddedAt, p.w.now(), nil))))
	}
	if len(p.rec.Attachments) == 0 {
		attach.Add(widget.NewLabel(i18n.L("None. Screenshots of the 2FA settings (PNG, JPEG) and app logs (text or .zip), up to 5 MiB each.")))
	}
	attachButton := widget.NewButtonWithIcon(i18n.L("Attach a file…"), theme.FileIcon(), p.onAttach)
	if !p.w.caseWork().HasCache() {
		attachButton.Disable()
	}
	attach.Add(container.NewHBox(attachButton))

	body := container.NewVBox(p.conflictBox(), list,
		widget.NewSeparator(), widget.NewLabelWithStyle(i18n.L("For an escalation"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		form, container.NewHBox(saveFields, export), widget.NewSeparator(), attach, widget.NewSeparator(), notes)
	// The status on top and the note being written at the bottom stay in view
	// while the checklist and the notes scroll: agents write as they talk.
	// The ids, for whoever needs them (an escalation, the CLI): one line, at
	// the end of what scrolls.
	body.Add(idLabel(idsLine(i18n.L("case {{.ID}}", i18n.M{"ID": c.ID}), i18n.L("account {{.ID}}", i18n.M{"ID": c.AccountID}))))
	top := container.NewVBox(container.NewHBox(head...), opened, p.saveInfo, widget.NewSeparator())
	composer := newBorder(nil, nil, nil, p.addNote, p.note)
	p.scroll = container.NewVScroll(body)
	return newBorder(top, container.NewVBox(widget.NewSeparator(), composer), nil, nil, p.scroll)
}

// notePreviewChars is how much of a note the tab draws: wrapping thousands of
// characters without a space costs Fyne seconds per layout, and the whole
// text is in the case, the export and the CLI.
const notePreviewChars = 600

// notePreview is a note as the tab shows it.
func notePreview(text string) string {
	r := []rune(text)
	if len(r) <= notePreviewChars {
		return text
	}
	return string(r[:notePreviewChars]) + i18n.N("… ({{.Count}} characters in all: the export has the whole note)", len(r))
}

func fieldDef(id string) cases.FieldDef {
	for _, f := range cases.EscalationFieldDefs() {
		if f.ID == id {
			return f
		}
	}
	return cases.FieldDef{ID: id, Label: id}
}

// stepRow is one checklist step: its state (a choice the agent ticks), its
// text, and the evidence's reason when it pre-filled the step; with cust,
// the step in the customer's language beside it.
func (p *casePanel) stepRow(i int, cust *i18n.Localizer) fyne.CanvasObject {
	s := p.steps[i]
	var options []string
	for _, st := range stepStates {
		options = append(options, i18n.T(st.words))
	}
	state := widget.NewSelect(options, nil)
	for _, st := range stepStates {
		if st.id == s.State {
			state.Selected = i18n.T(st.words)
		}
	}
	state.OnChanged = func(string) {
		j := state.SelectedIndex() // the choices are stepStates, in order
		if j < 0 || stepStates[j].id == p.steps[i].State {
			return
		}
		st := stepStates[j]
		p.steps[i].State = st.id
		p.saveAs(data.CasePatch{Checklist: cases.ContractSteps(p.steps)}, "step "+p.steps[i].ID+" "+st.words,
			i18n.L("step {{.ID}} {{.State}}", i18n.M{"ID": p.steps[i].ID, "State": i18n.T(st.words)}))
	}
	text := widget.NewLabel(shownText(cases.StepIn(i18n.Agent(), s.ID, s.Text)))
	text.Wrapping = wordWrap()
	items := []fyne.CanvasObject{text}
	if s.Reason != "" {
		why := widget.NewLabel(shownText(i18n.L("Why: {{.Reason}}", i18n.M{"Reason": s.Reason})))
		why.Wrapping = wordWrap()
		// Italic, not the low-importance grey: the reason is read too.
		why.TextStyle = fyne.TextStyle{Italic: true}
		items = append(items, why)
	}
	cell := container.NewGridWrap(fyne.NewSize(stepStateWidth(), state.MinSize().Height), state)
	body := fyne.CanvasObject(container.NewVBox(items...))
	if cust != nil {
		body = container.NewGridWithColumns(2, body, forCustomer(cases.StepIn(cust, s.ID, s.Text), cust.Language()))
	}
	return newBorder(nil, nil, container.NewVBox(cell), nil, body)
}

// stepStateWidth is the width of a step's state choice: its longest word
// whole ("не относится"), with the choice's arrow.
func stepStateWidth() float32 {
	w := 9 * theme.TextSize()
	for _, st := range stepStates {
		w = fyne.Max(w, fyne.MeasureText(i18n.T(st.words), theme.TextSize(), fyne.TextStyle{}).Width+4*theme.TextSize())
	}
	return w
}

func (p *casePanel) onSaveFields() {
	esc := p.esc
	for id, e := range p.fields {
		esc.Set(id, strings.TrimSpace(e.Text))
	}
	p.esc = esc
	e := esc.Escalation
	p.saveAs(data.CasePatch{Escalation: &e}, "escalation fields", i18n.L("escalation fields"))
}
