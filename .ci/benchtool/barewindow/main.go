// Command barewindow is the floor of the console's start and memory figures
// (SPEC section 10): the smallest Fyne program that opens a window of the
// console's size with a search entry in it, on the same GLFW driver and with
// the same fyneDo migration. Like `verifydesk --exit-when-ready` it prints
// ready_ms=<ms since start> on stderr once the window is shown and its event
// loop runs, then quits (after -linger).
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	started := time.Now()
	linger := flag.Duration("linger", 0, "keep the window this long after ready")
	flag.Parse()
	fyneapp.SetMetadata(fyne.AppMetadata{ID: "com.verifydesk.bench.bare", Name: "Bare window",
		Version: "0.0.1", Build: 1, Migrations: map[string]bool{"fyneDo": true}})
	a := fyneapp.NewWithID("com.verifydesk.bench.bare")
	w := a.NewWindow("Bare window")
	search := widget.NewEntry()
	search.SetPlaceHolder("phone, email or account id")
	w.SetContent(container.NewBorder(search, nil, nil, nil, widget.NewLabel("ready")))
	w.Resize(fyne.NewSize(1280, 800))
	// OnStarted runs once the driver is up and the window shown and painted;
	// the fyne.Do from it runs on the event loop's first turn, as the
	// console's own ready does.
	a.Lifecycle().SetOnStarted(func() {
		fyne.Do(func() {
			fmt.Fprintf(os.Stderr, "ready_ms=%d\n", time.Since(started).Milliseconds())
			go func() {
				time.Sleep(*linger)
				fyne.Do(a.Quit)
			}()
		})
	})
	w.ShowAndRun()
}
