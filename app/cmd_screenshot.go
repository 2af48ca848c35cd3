package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"verifydesk/backend"
	"verifydesk/data"
	"verifydesk/screens"
	"verifydesk/services/client"
	"verifydesk/services/geo"
	"verifydesk/services/i18n"
)

// screenshotScreens are the screens `verifydesk screenshot` renders, each as
// an agent reaches it in demo mode.
var screenshotScreens = []struct{ name, summary string }{
	{"signin", "the sign-in form"},
	{"overview", "Overview of an account found by phone"},
	{"codes", "Codes: an SMS that does not arrive"},
	{"devices", "Devices of an account"},
	{"activity", "Activity: a flagged login abroad on the map"},
	{"phone", "Phone check of a number typed the old way"},
	{"case", "Case: a started case with its checklist"},
	{"customer", "Case of a Taiwanese customer: the checklist in their language beside the agent's"},
	{"approvals", "a supervisor's approvals queue with a request open"},
	{"audit", "a supervisor's audit screen"},
	{"settings", "the Settings dialog over an account's Codes"},
}

// runScreenshot renders one screen with demo data to a PNG without a display
// (Fyne's software driver), so the README's pictures never go stale.
func runScreenshot(args []string, std Stdio) int {
	fs := flag.NewFlagSet("screenshot", flag.ContinueOnError)
	name := fs.String("screen", "codes", "the screen to render (see below)")
	out := fs.String("out", "", "the PNG file to write (required)")
	appearance := fs.String("theme", screens.AppearanceDark, "light or dark")
	size := fs.String("size", "1280x800", "the window size, WIDTHxHEIGHT in screen pixels")
	scale := fs.Float64("scale", 1, "Fyne's scale (FYNE_SCALE): 1.5 draws everything half as big again in the same window")
	langFlag := fs.String("lang", "", "the console's language: en, zh-TW, zh-CN, ru, or en-XA, the pseudo-locale (default: the system's, from LANG)")
	usage := func(fs *flag.FlagSet, w io.Writer) {
		fmt.Fprintln(w, "Usage: verifydesk screenshot --screen NAME --out FILE [--theme light|dark] [--size 1280x800] [--scale 1.5] [--lang zh-TW]")
		fmt.Fprintln(w, "\nRender a screen of the console with demo data to a PNG, without a display.")
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fmt.Fprintln(w, "\nScreens:")
		for _, s := range screenshotScreens {
			fmt.Fprintf(w, "  %-10s %s\n", s.name, s.summary)
		}
	}
	if status, ok := parseFlags(fs, args, std, usage); !ok {
		return status
	}
	w, h, err := parseSize(*size)
	system := i18n.System() // before useLanguage sets LANGUAGE
	var l i18n.Language
	if err == nil {
		l, err = screenshotLanguage(*langFlag)
	}
	known := false
	for _, s := range screenshotScreens {
		known = known || s.name == *name
	}
	switch {
	case err != nil:
	case *out == "":
		err = errors.New("--out is required")
	case !known:
		err = fmt.Errorf("unknown screen %q", *name)
	case *appearance != screens.AppearanceLight && *appearance != screens.AppearanceDark:
		err = fmt.Errorf("--theme is light or dark, not %q", *appearance)
	case !(*scale >= 0.5 && *scale <= 4): // also refuses NaN
		err = fmt.Errorf("--scale is between 0.5 and 4, not %v", *scale)
	}
	if err != nil || fs.NArg() > 0 {
		if err == nil {
			err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
		}
		fmt.Fprintf(std.Err, "verifydesk screenshot: %v\n", err)
		usage(fs, std.Err)
		return exitUsage
	}
	// The software driver runs the console's UI on the calling goroutine,
	// which must not be the main one (fyne.Do is for other goroutines).
	done := make(chan error, 1)
	useLanguage(l, system)
	go func() { done <- screenshot(*name, *appearance, fyne.NewSize(w, h), float32(*scale), *out, system) }()
	if err := <-done; err != nil {
		fmt.Fprintf(std.Err, "verifydesk screenshot: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(std.Out, "%s\n", *out)
	return exitOK
}

func parseSize(s string) (float32, float32, error) {
	ws, hs, ok := strings.Cut(s, "x")
	w, err1 := strconv.ParseFloat(ws, 32)
	h, err2 := strconv.ParseFloat(hs, 32)
	if !ok || err1 != nil || err2 != nil || w < 320 || h < 240 || w > 8000 || h > 8000 {
		return 0, 0, fmt.Errorf("--size is WIDTHxHEIGHT between 320x240 and 8000x8000, not %q", s)
	}
	return float32(w), float32(h), nil
}

// screenshot signs in to an embedded demo backend in a window of the software
// driver, walks to the screen and writes what it shows: size pixels, drawn at
// scale.
func screenshot(name, appearance string, size fyne.Size, scale float32, out string, system i18n.Language) error {
	dir, err := os.MkdirTemp("", "verifydesk-screenshot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	base, stop, err := backend.StartDemo(ctx, filepath.Join(dir, "demo-backend.db"))
	if err != nil {
		return err
	}
	defer stop()
	loc, err := geo.OpenDemo()
	if err != nil {
		return err
	}
	defer loc.Close()

	a := test.NewApp()
	defer a.Quit()
	a.Settings().SetTheme(screens.Theme(appearance))
	win := a.NewWindow("Verifydesk")
	win.Canvas().(test.WindowlessCanvas).SetScale(scale)
	win.Resize(fyne.NewSize(size.Width/scale, size.Height/scale))
	user := "ana"
	if name == "approvals" || name == "audit" {
		user = "sam"
	}
	if name == "approvals" {
		// Something to decide: ana asks to remove a lost phone.
		if err := askApproval(ctx, base); err != nil {
			return err
		}
	}
	ui := screens.NewUI(win, screens.Config{Demo: true, DemoUser: user, DemoPassword: backend.DemoPassword, Region: "GB",
		Locator: loc, Background: func(f func()) { f() }, After: func(time.Duration, func()) {}})
	win.SetContent(ui.Content())
	ui.SetBackend(client.New(base, client.Options{}), "demo ("+strings.TrimPrefix(base, "http://")+")")
	if name != "signin" {
		ui.SubmitSignIn()
		walk := name
		if name == "settings" {
			walk = "codes"
		}
		if err := ui.ScreenshotWalk(walk); err != nil {
			return err
		}
	}
	if name == "settings" {
		screens.ShowSettings(win, screens.SettingsForm{RetentionDays: defaultRetentionDays, Appearance: appearance,
			IdleLockMinutes: 15, SystemLanguage: system, CheckURL: client.CheckBaseURL,
			Background: func(f func()) { f() }}, func(screens.SettingsForm) {})
	}
	// A real window never gets smaller than what its content needs: grow to
	// it, as the desktop driver does (and the software painter needs). Text
	// wrapped in a narrower window asks for more height, and less once the
	// window is wider: grow until the size holds, from the size asked for.
	want := win.Canvas().Size()
	for range 5 {
		size := want.Max(win.Content().MinSize())
		if size == win.Canvas().Size() {
			break
		}
		win.Resize(size)
	}
	img := win.Canvas().Capture()
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// askApproval has ana ask a supervisor to remove a device of acc_1014.
func askApproval(ctx context.Context, base string) error {
	c := client.New(base, client.Options{})
	if _, err := c.SignIn(ctx, "ana", backend.DemoPassword); err != nil {
		return err
	}
	devs, err := c.TrustedDevices(ctx, "acc_1014")
	if err != nil || len(devs) == 0 {
		return fmt.Errorf("demo devices: %w", err)
	}
	_, err = c.RequestApproval(ctx, data.ApprovalRequest{AccountID: "acc_1014", Action: data.ActionRemoveDevice,
		Params: map[string]string{"device_id": devs[0].ID}, Reason: "caller lost the phone and cannot receive a code"})
	return err
}
