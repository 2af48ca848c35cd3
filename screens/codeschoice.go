package screens

import (
	"verifydesk/data"
	"verifydesk/services/deliveries"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

// The resend row's number forms, short: the note under it says them in full.
// In English: shown through i18n.T.
var (
	formWithout0 = i18n.Mark("without the 0")
	formWith0    = i18n.Mark("with the 0")
)

func formChoiceLabel(form string) string {
	if form == data.FormTrunk0 {
		return i18n.T(formWith0)
	}
	return i18n.T(formWithout0)
}

// selectedForm is the number form the resend row names.
func (p *codesPanel) selectedForm() string {
	if p.form.Selected == i18n.T(formWith0) {
		return data.FormTrunk0
	}
	return data.FormE164
}

// chooseChannel picks, until the agent picks one for this account, the first
// channel that can carry a code, and says why when it is not the first of the
// list. UI thread.
func (p *codesPanel) chooseChannel() {
	if p.picked {
		return
	}
	first := codeChannels[0]
	r, refused := p.refused[first.channel]
	if !refused {
		p.chosen = ""
		p.setChannel(i18n.T(first.label))
		return
	}
	for _, c := range codeChannels[1:] {
		if _, no := p.refused[c.channel]; !no {
			p.chosen = i18n.L("{{.Channel}} is chosen: {{.Why}}", i18n.M{"Channel": i18n.T(c.label), "Why": refusalWhy(r)})
			p.setChannel(i18n.T(c.label))
			return
		}
	}
	p.chosen = ""
	p.setChannel(i18n.T(first.label)) // none can: the allowance says why
}

// setChannel selects the channel for the agent, which is not the agent's
// pick. UI thread.
func (p *codesPanel) setChannel(label string) {
	p.choosing = true
	p.channel.SetSelected(label)
	p.choosing = false
	p.showForm()
}

// showForm shows the number form choice for an SMS to a number stored with
// the trunk 0, and the note that says what was chosen and why. UI thread.
func (p *codesPanel) showForm() {
	if p.form == nil || p.formNote == nil {
		return // still being built
	}
	sms := p.selectedChannel() == data.ChannelSMS
	showIf(p.form, sms && p.hasForms)
	note := p.chosen
	if sms && p.hasForms {
		note = formNote(p.suggested, p.selectedForm())
	}
	p.formNote.SetText(note)
	showIf(p.formNote, note != "")
}

// formNote says which form of the number the log suggests and why, and what
// the chosen form did when it is not the suggested one.
func formNote(c deliveries.FormChoice, chosen string) string {
	other := words.Form(data.FormE164)
	if c.Form == data.FormE164 {
		other = words.Form(data.FormTrunk0)
	}
	var why string
	switch {
	case c.Sent == 0 && c.OtherSent == 0:
		why = i18n.L("no SMS went to either form in the last 30 days; carriers route numbers without the trunk 0")
	case c.Sent == 0:
		why = i18n.L("{{.Other}}: {{.Delivered}} of {{.Sent}} delivered in the last 30 days; carriers route numbers without the trunk 0",
			i18n.M{"Other": other, "Delivered": c.OtherDelivered, "Sent": c.OtherSent})
	default:
		why = i18n.L("{{.Delivered}} of {{.Sent}} delivered in the last 30 days, {{.Other}} {{.OtherDelivered}} of {{.OtherSent}}",
			i18n.M{"Delivered": c.Delivered, "Sent": c.Sent, "Other": other, "OtherDelivered": c.OtherDelivered, "OtherSent": c.OtherSent})
	}
	suggested := i18n.L("SMS to the number {{.Form}} suggested: {{.Why}}.", i18n.M{"Form": words.Form(c.Form), "Why": why})
	if chosen != c.Form {
		return i18n.L("{{.Suggested}} You chose {{.Form}}.", i18n.M{"Suggested": suggested, "Form": words.Form(chosen)})
	}
	return suggested
}

// refusalWhy says in a sentence why a channel cannot carry a code.
func refusalWhy(r deliveries.Refusal) string { return r.Why().String() }
