// Command verifydesk is the Verifydesk support console and its reference auth
// backend. With no subcommand it opens the console; see `verifydesk --help`.
package main

import (
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"verifydesk/app"
)

func main() {
	started := time.Now()
	newApp := func() fyne.App { return fyneapp.NewWithID(app.ID) }
	os.Exit(app.Main(os.Args[1:], app.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, newApp, started))
}
