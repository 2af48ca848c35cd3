package screens

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"verifydesk/services/deliveries"
	"verifydesk/services/phone"
	"verifydesk/services/words"
)

// findingRow is one finding: its severity as a word on a theme colour, the
// message and the advice to read out. Findings sit in a VBox rather than a
// List: there are at most a handful and each wraps to its own height.
func findingRow(f phone.Finding) fyne.CanvasObject {
	msg := widget.NewLabelWithStyle(f.Message, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	msg.Wrapping = fyne.TextWrapWord
	adv := widget.NewLabel(f.Advice)
	adv.Wrapping = fyne.TextWrapWord
	return newBorder(nil, nil, container.NewVBox(severityBadge(f.Severity)), nil, container.NewVBox(msg, adv))
}

func severityBadge(sev string) *badgeWidget {
	switch sev {
	case phone.SeverityError:
		return badge("error", widget.DangerImportance)
	case phone.SeverityWarning:
		return badge("warning", widget.WarningImportance)
	}
	return badge("info", widget.MediumImportance)
}

// formsSummary is the sentence an agent reads first: which form works.
func formsSummary(rows []deliveries.FormStats) string {
	var parts []string
	for _, r := range rows {
		parts = append(parts, fmt.Sprintf("%s: %d of %d delivered", formLabel(r.Form), r.Delivered, r.Sent))
	}
	s := strings.Join(parts, "; ") + "."
	var good, bad string
	for _, r := range rows {
		if r.Delivered > 0 && good == "" {
			good = formLabel(r.Form)
		}
		if r.Delivered == 0 && r.Failed > 0 && bad == "" {
			bad = formLabel(r.Form)
		}
	}
	if good != "" && bad != "" {
		s += " Codes arrive " + strings.ToLower(good[:1]) + good[1:] + " and fail " + strings.ToLower(bad[:1]) + bad[1:] + "."
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
			return r.Last.Status + ": " + r.LastReason
		}
		return r.Last.Status
	case 5:
		return relativeTime(r.Last.RequestedAt, p.now(), nil)
	case 6:
		if r.Network == "" {
			return "not reported"
		}
		return r.Network
	}
	return ""
}

func smsLabel(s string) string {
	switch s {
	case phone.SMSYes:
		return "yes"
	case phone.SMSNo:
		return "no"
	}
	return "not known: ask whether it is a mobile"
}

// formLabel is a number form as the forms table names it: "Without the 0
// (E.164)".
func formLabel(form string) string { return words.Capital(words.Form(form)) }
