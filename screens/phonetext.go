package screens

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/deliveries"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
	"verifydesk/services/words"
)

// findingRow is one finding: its severity as a word on a theme colour, the
// message and the advice to read out, and the advice in the customer's
// language too when it is not the agent's (cust). Findings sit in a VBox
// rather than a List: there are at most a handful and each wraps to its own
// height.
func findingRow(f phone.Finding, cust *i18n.Localizer) fyne.CanvasObject {
	msg := widget.NewLabelWithStyle(f.MessageIn(i18n.Agent()), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	msg.Wrapping = wordWrap()
	adv := widget.NewLabel(f.AdviceIn(i18n.Agent()))
	adv.Wrapping = wordWrap()
	lines := container.NewVBox(msg, adv)
	if cust != nil {
		lines.Add(forCustomer(i18n.L("In {{.Language}}: {{.Text}}", i18n.M{"Language": cust.Language().Name(), "Text": f.AdviceIn(cust)}), cust.Language()))
	}
	return newBorder(nil, nil, container.NewVBox(severityBadge(f.Severity)), nil, lines)
}

func severityBadge(sev string) *badgeWidget {
	switch sev {
	case phone.SeverityError:
		return badge(i18n.X("phonecheck.severity.error", "error"), widget.DangerImportance)
	case phone.SeverityWarning:
		return badge(i18n.X("phonecheck.severity.warning", "warning"), widget.WarningImportance)
	}
	return badge(i18n.X("phonecheck.severity.info", "info"), widget.MediumImportance)
}

// formsSummary is the sentence an agent reads first: which form works.
func formsSummary(rows []deliveries.FormStats) string {
	var parts []string
	for _, r := range rows {
		parts = append(parts, i18n.L("{{.Form}}: {{.Delivered}} of {{.Sent}} delivered", i18n.M{"Form": formLabel(r.Form), "Delivered": r.Delivered, "Sent": r.Sent}))
	}
	s := i18n.L("{{.Forms}}.", i18n.M{"Forms": strings.Join(parts, i18n.X("phonecheck.forms.separator", "; "))})
	var good, bad string
	for _, r := range rows {
		if r.Delivered > 0 && good == "" {
			good = words.Form(r.Form) // as formLabel, not capitalised
		}
		if r.Delivered == 0 && r.Failed > 0 && bad == "" {
			bad = words.Form(r.Form)
		}
	}
	if good != "" && bad != "" {
		s = i18n.L("{{.Summary}} Codes arrive {{.Good}} and fail {{.Bad}}.", i18n.M{"Summary": s, "Good": good, "Bad": bad})
	}
	return s
}

// cell is the text of one table cell.
func (p *phoneCheckPanel) cell(row, col int) string {
	if row < 0 || row >= len(p.rows) {
		return ""
	}
	r := p.rows[row]
	switch col {
	case 0:
		return formLabel(r.Form) + " · " + r.To
	case 1:
		return strconv.Itoa(r.Sent)
	case 2:
		return strconv.Itoa(r.Delivered)
	case 3:
		return strconv.Itoa(r.Failed)
	case 4:
		if r.LastReason != "" {
			return i18n.L("{{.Status}}: {{.Reason}}", i18n.M{"Status": words.DeliveryStatus(r.Last.Status), "Reason": i18n.T(r.LastReason)})
		}
		return words.DeliveryStatus(r.Last.Status)
	case 5:
		return relativeTime(r.Last.RequestedAt, p.now(), nil)
	case 6:
		if r.Network == "" {
			return i18n.L("not reported")
		}
		return r.Network
	}
	return ""
}

// formLabel is a number form as the forms table names it: "Without the 0
// (E.164)".
func formLabel(form string) string { return words.Capital(words.Form(form)) }
