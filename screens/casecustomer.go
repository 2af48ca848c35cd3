package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/i18n"
)

// customerLanguage is the language the case is spoken in with the customer:
// the one chosen on it, else the account's suggestion. UI thread.
func (p *casePanel) customerLanguage() i18n.Language {
	return cases.CustomerLanguage(p.rec.Case, p.account())
}

// account is the case's account as the tab has it (empty before it loaded).
func (p *casePanel) account() data.Account {
	if p.acct == nil {
		return data.Account{}
	}
	return *p.acct
}

// customer is the customer's localizer when it differs from the agent's,
// else nil: what the agent reads to the customer then shows beside the
// agent's own words.
func (p *casePanel) customer() *i18n.Localizer { return unlessAgents(p.customerLanguage()) }

// unlessAgents is a localizer for lang, nil when lang is the agent's.
func unlessAgents(lang i18n.Language) *i18n.Localizer {
	if lang == i18n.Current() {
		return nil
	}
	return i18n.In(lang)
}

// languageRow is the case's customer language: a choice, and why it is the
// one it is. A change is a patch like any other (queued when offline).
func (p *casePanel) languageRow() fyne.CanvasObject {
	langs := i18n.Languages
	names := make([]string, len(langs))
	for i, l := range langs {
		names[i] = l.Name()
	}
	pick := widget.NewSelect(names, nil)
	current := p.customerLanguage()
	for i, l := range langs {
		if l == current {
			pick.SetSelectedIndex(i)
		}
	}
	var why string
	if p.rec.Case.CustomerLanguage == "" {
		_, reason := cases.SuggestedLanguage(p.account())
		why = i18n.L("Suggested: {{.Reason}}.", i18n.M{"Reason": reason.String()})
	} else {
		why = i18n.L("Chosen on this case.")
	}
	pick.OnChanged = func(string) {
		i := pick.SelectedIndex()
		if i < 0 || langs[i] == p.customerLanguage() {
			return
		}
		tag := string(langs[i])
		p.saveAs(data.CasePatch{CustomerLanguage: &tag}, "customer language "+tag,
			i18n.L("the customer's language ({{.Language}})", i18n.M{"Language": langs[i].Name()}))
	}
	hint := widget.NewLabel(why)
	hint.TextStyle = fyne.TextStyle{Italic: true}
	hint.Truncation = fyne.TextTruncateEllipsis
	return newBorder(nil, nil, container.NewHBox(widget.NewLabel(i18n.L("Customer's language:")), pick), nil, hint)
}

// customerLabel is a text in the customer's language: what the agent reads
// or pastes to the customer.
type customerLabel struct{ widget.Label }

// forCustomer is a text the agent reads or pastes to the customer, in the
// customer's language (lang): selectable, to copy.
func forCustomer(text string, lang i18n.Language) *customerLabel {
	l := &customerLabel{}
	l.ExtendBaseWidget(l)
	l.SetText(shownText(text))
	l.Wrapping = wrapIn(lang)
	l.Selectable = true
	l.Importance = widget.HighImportance
	return l
}

// customer is the customer's localizer when it is not the agent's, else nil:
// the language of the account's case on the Case tab, else the one the
// account suggests. UI thread.
func (w *workspace) customer() *i18n.Localizer {
	if w.account == nil {
		return nil
	}
	if p := w.casePanel; p != nil && p.rec != nil && p.rec.Case.AccountID == w.account.ID {
		return p.customer()
	}
	l, _ := cases.SuggestedLanguage(*w.account)
	return unlessAgents(l)
}

// inCustomerLanguage is text for the customer followed, when the customer's
// language is not the agent's, by the same in the customer's language.
func inCustomerLanguage(text string, cust *i18n.Localizer, theirs string) string {
	if cust == nil {
		return text
	}
	return text + "\n" + i18n.L("In {{.Language}}: {{.Text}}", i18n.M{"Language": cust.Language().Name(), "Text": theirs})
}
