package screens

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2/widget"
)

// ScreenshotWalk takes the signed-in workspace to a screen the way an agent
// would, for `verifydesk screenshot`: it runs on the UI thread with the
// background work run in place (the software driver's).
func (u *UI) ScreenshotWalk(name string) error {
	w := u.work
	if w == nil {
		return errors.New("not signed in")
	}
	open := func(region, text, tab string) error {
		w.region.set(region)
		u.Search(text)
		if w.account == nil {
			return fmt.Errorf("the demo search %q found no account", text)
		}
		u.SelectTab(tab)
		return nil
	}
	switch name {
	case "overview":
		return open("GB", "+447911123456", "overview")
	case "codes":
		return open("GB", "+447911123456", "codes")
	case "devices":
		return open("US", "acc_1014", "devices")
	case "phone":
		return open("TW", "0936 123 456", "phone")
	case "activity":
		if err := open("US", "+16502530000", "activity"); err != nil {
			return err
		}
		p := w.activity
		p.flaggedOnly.SetChecked(true)
		for i, e := range p.rows {
			if strings.HasPrefix(placeText(e.Location), "Lagos") {
				p.table.Select(widget.TableCellID{Row: i, Col: 0})
			}
		}
		return nil
	case "case", "customer":
		region, number := "GB", "+447911123456"
		if name == "customer" { // a Taiwanese customer: the checklist in their language too
			region, number = "TW", "0936 123 456"
		}
		if err := open(region, number, "case"); err != nil {
			return err
		}
		if p := w.casePanel; p.rec == nil && p.startButton != nil {
			p.startButton.OnTapped()
		}
		return nil
	case "approvals":
		w.approvals.openQueue()
		if len(w.approvals.rows) == 0 {
			return errors.New("no request in the demo queue")
		}
		w.approvals.list.Select(0)
		return nil
	case "audit":
		w.showAudit()
		return nil
	}
	return fmt.Errorf("unknown screen %q", name)
}
