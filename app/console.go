//go:build !vdwip

package app

import (
	"time"

	"fyne.io/fyne/v2"
)

func runConsole(args []string, std Stdio, newApp func() fyne.App, started time.Time) int {
	a := newApp()
	w := a.NewWindow("Verifydesk")
	w.ShowAndRun()
	return exitOK
}
