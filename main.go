// Command verifydesk is the Verifydesk support console and its reference auth
// backend. With no subcommand it opens the console; see `verifydesk --help`.
package main

import (
	_ "embed"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"verifydesk/app"
)

//go:embed Icon.png
var icon []byte

func main() {
	started := time.Now()
	newApp := func() fyne.App {
		// Plain `go build` does not read FyneApp.toml, so the metadata is set here.
		fyneapp.SetMetadata(fyne.AppMetadata{ID: app.ID, Name: "Verifydesk", Version: app.Version, Icon: fyne.NewStaticResource("Icon.png", icon)})
		return fyneapp.NewWithID(app.ID)
	}
	os.Exit(app.Main(os.Args[1:], app.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, newApp, started))
}
