package screens

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/casework"
)

// caseStatuses are the statuses in the order an agent moves through them,
// with their words.
var caseStatuses = []struct{ id, words string }{
	{data.CaseOpen, "open"}, {data.CaseWaiting, "waiting on customer"},
	{data.CaseEscalated, "escalated"}, {data.CaseResolved, "resolved"},
}

// stepStates are the checklist states an agent sets, with their words.
var stepStates = []struct{ id, words string }{
	{cases.StateTodo, "not asked"}, {cases.StateDone, "done"},
	{cases.StateFailed, "did not help"}, {cases.StateSkipped, "does not apply"},
}

// caseView is the case: status, checklist, escalation fields, notes.
func (p *casePanel) caseView() fyne.CanvasObject {
	c := p.rec.Case
	cat, _ := cases.LookupCategory(c.Category)
	title := widget.NewLabelWithStyle(fmt.Sprintf("%s · %s", cat.Title, casework.ShortID(c.ID)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	var words []string
	for _, s := range caseStatuses {
		words = append(words, s.words)
	}
	p.status = widget.NewSelect(words, nil)
	p.first = p.status
	for _, s := range caseStatuses {
		if s.id == c.Status {
			p.status.Selected = s.words
		}
	}
	p.status.OnChanged = func(w string) {
		for _, s := range caseStatuses {
			if s.words == w && s.id != p.rec.Case.Status {
				st := s.id
				p.save(data.CasePatch{Status: &st}, "status "+s.words)
			}
		}
	}
	head := []fyne.CanvasObject{title, widget.NewLabel("Status:"), p.status}
	if p.cached || p.rec.OnlyCached() {
		head = append(head, badge("only cached: changes are queued", widget.WarningImportance))
	}
	// Who opened it stays on its line; saveInfo says what the last change
	// did (a note added, a field saved) and starts empty.
	opened := widget.NewLabel(shown(fmt.Sprintf("Opened %s by %s.", relativeTime(c.CreatedAt, p.w.now(), nil), p.w.agentName(c.AgentID))))
	opened.Wrapping = fyne.TextWrapWord
	p.saveInfo = widget.NewLabel("")
	p.saveInfo.Wrapping = fyne.TextWrapWord

	// The checklist: each step's state, and why the evidence set it.
	list := container.NewVBox(widget.NewLabelWithStyle("Checklist from the help page", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for i := range p.steps {
		list.Add(p.stepRow(i))
	}

	// The escalation fields the pages ask support to collect.
	p.fields = map[string]*widget.Entry{}
	form := widget.NewForm()
	for _, id := range cat.Escalation {
		def := fieldDef(id)
		e := wheelThrough(widget.NewEntry())
		e.SetText(p.esc.Get(id))
		p.fields[id] = e
		form.Append(def.Label, e)
	}
	saveFields := widget.NewButtonWithIcon("Save the escalation fields", theme.DocumentSaveIcon(), p.onSaveFields)

	// Notes: append-only, newest last.
	notes := container.NewVBox(widget.NewLabelWithStyle("Notes", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, n := range c.Notes {
		l := widget.NewLabel(shownText(fmt.Sprintf("%s · %s: %s", relativeTime(n.At, p.w.now(), nil), p.w.agentName(n.AuthorID), notePreview(n.Text))))
		l.Wrapping = fyne.TextWrapWord
		notes.Add(l)
	}
	if len(c.Notes) == 0 {
		notes.Add(widget.NewLabel("No notes yet."))
	}
	typed := ""
	if p.note != nil && p.noteCase == c.ID {
		typed = p.note.Text // a redraw keeps what the agent is writing
	}
	p.noteCase = c.ID
	p.note = widget.NewMultiLineEntry()
	p.note.SetText(typed)
	p.note.SetPlaceHolder("What the customer said, what you did")
	p.note.Wrapping = fyne.TextWrapWord
	p.note.SetMinRowsVisible(2)
	p.addNote = widget.NewButtonWithIcon("Add note", theme.ContentAddIcon(), handler("add a note", p.onAddNote))
	export := widget.NewButtonWithIcon("Export escalation package…", theme.DocumentSaveIcon(), p.onExport)

	// Attachments the customer sent: kept with the case, on this computer.
	attach := container.NewVBox(widget.NewLabelWithStyle("Attachments", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, a := range p.rec.Attachments {
		attach.Add(oneLine(fmt.Sprintf("%s · %s · %d KiB · %s", a.Name, a.Type, (a.Size+1023)/1024, relativeTime(a.AddedAt, p.w.now(), nil))))
	}
	if len(p.rec.Attachments) == 0 {
		attach.Add(widget.NewLabel("None. Screenshots of the 2FA settings (PNG, JPEG) and app logs (text or .zip), up to 5 MiB each."))
	}
	attachButton := widget.NewButtonWithIcon("Attach a file…", theme.FileIcon(), p.onAttach)
	if !p.w.caseWork().HasCache() {
		attachButton.Disable()
	}
	attach.Add(container.NewHBox(attachButton))

	body := container.NewVBox(p.conflictBox(), list,
		widget.NewSeparator(), widget.NewLabelWithStyle("For an escalation", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		form, container.NewHBox(saveFields, export), widget.NewSeparator(), attach, widget.NewSeparator(), notes)
	// The status on top and the note being written at the bottom stay in view
	// while the checklist and the notes scroll: agents write as they talk.
	// The ids, for whoever needs them (an escalation, the CLI): one line, at
	// the end of what scrolls.
	body.Add(idLabel(idsLine("case "+c.ID, "account "+c.AccountID)))
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
	return string(r[:notePreviewChars]) + fmt.Sprintf("… (%d characters in all: the export has the whole note)", len(r))
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
// text, and the evidence's reason when it pre-filled the step.
func (p *casePanel) stepRow(i int) fyne.CanvasObject {
	s := p.steps[i]
	var words []string
	for _, st := range stepStates {
		words = append(words, st.words)
	}
	state := widget.NewSelect(words, nil)
	for _, st := range stepStates {
		if st.id == s.State {
			state.Selected = st.words
		}
	}
	state.OnChanged = func(w string) {
		for _, st := range stepStates {
			if st.words == w && st.id != p.steps[i].State {
				p.steps[i].State = st.id
				p.save(data.CasePatch{Checklist: cases.ContractSteps(p.steps)}, "step "+p.steps[i].ID+" "+st.words)
			}
		}
	}
	text := widget.NewLabel(shownText(s.Text))
	text.Wrapping = fyne.TextWrapWord
	items := []fyne.CanvasObject{text}
	if s.Reason != "" {
		why := widget.NewLabel(shownText("Why: " + s.Reason))
		why.Wrapping = fyne.TextWrapWord
		// Italic, not the low-importance grey: the reason is read too.
		why.TextStyle = fyne.TextStyle{Italic: true}
		items = append(items, why)
	}
	cell := container.NewGridWrap(fyne.NewSize(9*theme.TextSize(), state.MinSize().Height), state)
	return newBorder(nil, nil, container.NewVBox(cell), nil, container.NewVBox(items...))
}

func (p *casePanel) onSaveFields() {
	esc := p.esc
	for id, e := range p.fields {
		esc.Set(id, strings.TrimSpace(e.Text))
	}
	p.esc = esc
	e := esc.Escalation
	p.save(data.CasePatch{Escalation: &e}, "escalation fields")
}
