// Command verifydesk is the Verifydesk support console and its reference auth
// backend. With no subcommand it opens the console; see `verifydesk --help`.
package main

import (
	"embed"
	"fmt"
	"log"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"verifydesk/app"
)

// files are the app's metadata and the icon it names: the one source of the
// id, name, version, build, icon and Fyne migrations, for `go build` and
// `fyne package` alike.
//
//go:embed FyneApp.toml Icon.png
var files embed.FS

func main() {
	started := time.Now()
	meta, err := app.LoadMetadata(files)
	if err != nil {
		fmt.Fprintln(os.Stderr, "verifydesk:", err)
		os.Exit(1)
	}
	app.SetMetadata(meta)
	newApp := func() fyne.App {
		// Fyne and the console log through the log package: into the log
		// file too, since a program started from a menu has no terminal.
		w, err := app.LogWriter(os.Stderr)
		log.SetOutput(w)
		if err != nil {
			log.Println("verifydesk: no log file:", err)
		}
		// A `fyne package` build also sets the metadata, in the init the fyne
		// tool generates from the same FyneApp.toml; this call comes after
		// it and sets the same values (and a plain `go build` has only this).
		fyneapp.SetMetadata(meta)
		return fyneapp.NewWithID(meta.ID)
	}
	os.Exit(app.Main(os.Args[1:], app.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, newApp, started))
}
