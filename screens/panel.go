// Package screens holds Verifydesk's Fyne views: the sign-in form, the workspace
// frame (top bar, left column, account header, tabs, status bar) and one file per
// tab. Screens call services; every widget change happens on the UI thread, inside
// fyne.Do when the work ran in a goroutine.
package screens

import (
	"context"

	"fyne.io/fyne/v2"

	"verifydesk/data"
)

// panel is one tab of the account workspace (Overview, Codes, Devices, Activity,
// Phone check, Case).
type panel interface {
	// title is the tab's label.
	title() string
	// build returns the tab's content. Called once, on the UI thread.
	build() fyne.CanvasObject
	// setAccount is called on the UI thread when the workspace shows another
	// account (nil clears it). The panel drops what it showed for the previous
	// account; it does no I/O here.
	setAccount(acct *data.Account)
	// refresh loads the panel's data for the current account. It does I/O, so the
	// workspace calls it in a goroutine when the tab is first shown for an
	// account; it changes widgets only inside fyne.Do. Tests call it directly.
	refresh(ctx context.Context)
}

// accountActions starts the sensitive actions a panel can lead to. The workspace
// implements it with the identity-check and approval dialogs, so a panel only
// says which action and on what.
type accountActions interface {
	removeDevice(deviceID, deviceName string)
	revokeSessions()
}
