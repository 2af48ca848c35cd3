package screens

import (
	"fmt"

	"verifydesk/data"
	"verifydesk/services/deliveries"
	"verifydesk/services/words"
)

// The resend row's number forms, short: the note under it says them in full.
const (
	formWithout0 = "without the 0"
	formWith0    = "with the 0"
)

func formChoiceLabel(form string) string {
	if form == data.FormTrunk0 {
		return formWith0
	}
	return formWithout0
}

// selectedForm is the number form the resend row names.
func (p *codesPanel) selectedForm() string {
	if p.form.Selected == formWith0 {
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
		p.setChannel(first.label)
		return
	}
	for _, c := range codeChannels[1:] {
		if _, no := p.refused[c.channel]; !no {
			p.chosen = fmt.Sprintf("%s is chosen: %s", c.label, refusalWhy(r))
			p.setChannel(c.label)
			return
		}
	}
	p.chosen = ""
	p.setChannel(first.label) // none can: the allowance says why
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
		why = "no SMS went to either form in the last 30 days; carriers route numbers without the trunk 0"
	case c.Sent == 0:
		why = fmt.Sprintf("%s: %d of %d delivered in the last 30 days; carriers route numbers without the trunk 0",
			other, c.OtherDelivered, c.OtherSent)
	default:
		why = fmt.Sprintf("%d of %d delivered in the last 30 days, %s %d of %d",
			c.Delivered, c.Sent, other, c.OtherDelivered, c.OtherSent)
	}
	suggested := "SMS to the number " + words.Form(c.Form) + " suggested: " + why + "."
	if chosen != c.Form {
		return suggested + " You chose " + words.Form(chosen) + "."
	}
	return suggested
}

// refusalWhy says in a sentence why a channel cannot carry a code.
func refusalWhy(r deliveries.Refusal) string {
	why, _ := refusalParts(r)
	return why
}
