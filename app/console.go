package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"verifydesk/backend"
	"verifydesk/data/cache"
	"verifydesk/screens"
	"verifydesk/services/auditlog"
	"verifydesk/services/casework"
	"verifydesk/services/client"
	"verifydesk/services/geo"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
	"verifydesk/services/policy"
)

// Demo credentials, pre-filled in demo mode only.
const (
	demoUser     = "ana"
	demoPassword = "demo"
)

// consoleOptions are the console's flags.
type consoleOptions struct {
	backendURL    string
	demo          bool
	exitWhenReady bool
	linger        time.Duration
	search        string
	tab           string
	cachePath     string
	// lang is --lang, parsed ("" when not given).
	lang i18n.Language
}

func parseConsoleFlags(args []string, std Stdio) (consoleOptions, int, bool) {
	var o consoleOptions
	fs := flag.NewFlagSet("verifydesk", flag.ContinueOnError)
	fs.StringVar(&o.backendURL, "backend", "", "auth backend base URL for this run (default: the one in Settings; none means demo mode)")
	fs.BoolVar(&o.demo, "demo", false, "run on the embedded reference backend with demo data, whatever Settings say")
	fs.BoolVar(&o.exitWhenReady, "exit-when-ready", false, "print ready_ms=<ms since start> on stderr once the search is usable, then exit 0 (demo mode signs in as "+demoUser+")")
	fs.DurationVar(&o.linger, "linger", 0, "with --exit-when-ready: keep the window this long after ready (for screenshots)")
	fs.StringVar(&o.search, "search", "", "search this phone, email or account id right after sign-in")
	fs.StringVar(&o.cachePath, "cache", "", "the case cache file (default: verifydesk/cache.db in the user cache folder; see 'verifydesk paths')")
	fs.StringVar(&o.tab, "tab", "", "with --search: show this tab of the account (Overview, Codes, Devices, Activity, Phone check)")
	langFlag := fs.String("lang", "", "the console's language for this run: en, zh-TW, zh-CN or ru (default: the one in Settings, else the system's)")
	if status, ok := parseFlags(fs, args, std, consoleUsage); !ok {
		return o, status, false
	}
	if *langFlag != "" {
		l, ok := i18n.Parse(*langFlag)
		if !ok {
			fmt.Fprintf(std.Err, "verifydesk: --lang %q: not one of en, zh-TW, zh-CN, ru\n", *langFlag)
			return o, exitUsage, false
		}
		o.lang = l
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(std.Err, "verifydesk: unexpected argument %q\n", fs.Arg(0))
		consoleUsage(fs, std.Err)
		return o, exitUsage, false
	}
	if o.backendURL != "" {
		if err := client.CheckBaseURL(o.backendURL); err != nil {
			fmt.Fprintf(std.Err, "verifydesk: --backend: %v\n", err)
			return o, exitUsage, false
		}
	}
	return o, 0, true
}

func consoleUsage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "Usage: verifydesk [flags]   open the support console")
	fmt.Fprintln(w, "       verifydesk <command>  see 'verifydesk help' for the commands")
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func runConsole(args []string, std Stdio, newApp func() fyne.App, started time.Time) int {
	o, status, ok := parseConsoleFlags(args, std)
	if !ok {
		return status
	}
	i18n.Preload() // while the app and its window system start
	a := newApp()
	// The computer's language, read before useLanguage sets LANGUAGE: after
	// it, the system would answer with the console's own choice.
	system := i18n.System()
	useLanguage(chooseLanguage(o.lang, Settings{a.Preferences()}.Language(), system), system)
	c := newConsole(a, o, std)
	c.systemLanguage = system // as it was before LANGUAGE was set
	c.started = started
	c.exit = os.Exit
	c.show()
	c.win.ShowAndRun()
	c.stop()
	return c.exitCode
}

// console is the running app: its window, settings and backend connection.
type console struct {
	app fyne.App
	// settings are the agent's under the organisation's policy; policyErr
	// is why the policy cannot be used (the console then connects to
	// nothing).
	settings  managedSettings
	policyErr error
	opts      consoleOptions
	std       Stdio
	started   time.Time
	win       fyne.Window
	ui        *screens.UI
	demoStop  func() error
	demoBase  string
	// store is the case cache, nil until opened (or when it cannot be).
	store   *cache.Cache
	locator *geo.Locator
	// oldLocators were replaced in Settings; closed at exit only, since an open
	// workspace may still be reading them.
	oldLocators []*geo.Locator
	ready       bool
	// readyCh is closed when the search is usable.
	readyCh chan struct{}
	// background runs the UI's background work; nil means goroutines (tests
	// run it inline).
	background func(func())
	// exitCode is what runConsole returns: not zero when --exit-when-ready
	// could not get ready.
	exitCode int
	// exit ends the process (os.Exit) for --exit-when-ready; nil (tests on
	// Fyne's test app) quits the app instead.
	exit     func(code int)
	stopOnce sync.Once
	// systemLanguage is the computer's language, as it was at start.
	systemLanguage i18n.Language
}

func newConsole(a fyne.App, o consoleOptions, std Stdio) *console {
	c := &console{app: a, settings: managedSettings{Settings: Settings{a.Preferences()}}, opts: o, std: std, readyCh: make(chan struct{}),
		systemLanguage: i18n.System()}
	c.applyPolicy(policy.Load())
	return c
}

// demo reports whether this run uses the embedded backend.
func (c *console) demo() bool {
	if c.policyErr != nil {
		return false // a bad policy never falls back to demo data
	}
	return c.opts.demo || (c.opts.backendURL == "" && c.settings.BackendURL() == "")
}

// startProbe, when set (only in builds with the walkprobe tag, for the
// real-window test), serves what the window shows to the test driving it.
var startProbe func(c *console)

// show opens the window and connects in the background.
func (c *console) show() {
	c.createWindow()
	if startProbe != nil {
		startProbe(c)
	}
	go c.connect()
}

func (c *console) createWindow() {
	if a := c.settings.Appearance(); a != screens.AppearanceSystem {
		c.app.Settings().SetTheme(screens.Theme(a))
	}
	c.win = c.app.NewWindow("Verifydesk")
	c.win.SetIcon(c.app.Metadata().Icon)
	c.win.Resize(c.settings.WindowSize())
	c.win.SetMaster()
	c.buildUI()
	c.win.SetCloseIntercept(func() {
		c.settings.SetWindowSize(c.win.Canvas().Size())
		c.win.Close()
	})
}

func (c *console) buildUI() {
	c.ui = screens.NewUI(c.win, c.uiConfig())
	if c.store != nil {
		c.setCache(c.store, "")
	}
	c.win.SetContent(c.ui.Content())
}

// uiConfig is what the screens start from: the settings as stored now, and
// the setters that remember what the agent picks (country, tab).
func (c *console) uiConfig() screens.Config {
	demo := c.demo()
	cfg := screens.Config{
		Demo: demo, Region: c.settings.Region(), RecentRegions: c.settings.RecentRegions(), OnRegion: c.settings.SetRegion,
		LastTab: c.settings.LastTab(), OnTab: c.settings.SetLastTab,
		OnReady: c.onReady, OnSettings: c.onSettings, Background: c.background,
		IdleLock: time.Duration(c.settings.IdleLockMinutes()) * time.Minute,
		// The provider the organisation's policy sets, if any: no other is
		// followed.
		SSOIssuer: c.settings.pol.SSOIssuer, SSOClientID: c.settings.pol.SSOClientID,
	}
	if demo {
		cfg.DemoUser, cfg.DemoPassword = demoUser, demoPassword
	}
	cfg.ConsoleID = c.settings.ConsoleID()
	return cfg
}

// connect opens the geolocation databases and reaches the backend, both off
// the UI thread.
func (c *console) connect() {
	// The first diagnosis builds the phone library's region index (a few ms):
	// do it now rather than on the agent's first keystroke.
	go phone.Diagnose("US", "+1")
	// The cache opens beside the backend's start: its check takes tens of
	// milliseconds on a large cache, which the first usable window need not
	// wait for. Sign-in waits for the backend only; the cache and the
	// databases reach the UI whenever they are open (SetCache offers the
	// cached cases then, if the backend is away, and sends what was kept
	// offline if the agent has signed in meanwhile).
	type opened struct {
		store  *cache.Cache
		notice string
	}
	cached := make(chan opened, 1)
	go func() {
		store, notice := c.openCache()
		cached <- opened{store, notice}
	}()
	c.connectBackend()
	c.openGeo()
	if o := <-cached; o.store != nil {
		c.purgeOld(o.store, o.notice)
	}
}

// openCache opens the case cache and hands it to the UI, with what the agent
// should know about it (in use by another window, a damaged file moved aside,
// the key kept in a file). Runs off the UI thread.
func (c *console) openCache() (*cache.Cache, string) {
	path := c.opts.cachePath
	var err error
	if path == "" {
		path, err = DefaultCachePath()
	}
	var store *cache.Cache
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(path), 0o700); err == nil {
			store, err = cache.Open(path, cache.Options{})
		}
	}
	problem := cacheNotice(store, err)
	switch {
	case err != nil:
		slog.Info("cache not opened", "path", path, "error", err.Error()) // about the file or its key, never a case
	case store.Recovered() != "":
		slog.Info("cache damaged: moved aside, a new one started", "moved_to", store.Recovered())
	default:
		slog.Info("cache opened", "path", path, "damaged_records", store.DamagedRecords())
	}
	fyne.Do(func() {
		c.store = store
		c.setCache(store, problem)
	})
	return store, problem
}

// setCache hands the screens the case work and the local audit over store
// (nil: nothing is kept on this computer; problem says why). The screens bind
// them to the backend they sign in to. UI thread.
func (c *console) setCache(store *cache.Cache, problem string) {
	c.ui.SetCache(casework.New(nil, store), &auditlog.Recorder{Cache: store}, problem)
}

// purgeOld removes the resolved cases older than the retention period and
// adds how many to the cache's notice. It runs after the backend is reached
// (connect), so a long purge never delays the sign-in. Off the UI thread.
func (c *console) purgeOld(store *cache.Cache, notice string) {
	days := c.settings.RetentionDays()
	n, err := store.Purge(time.Duration(days)*24*time.Hour, time.Now())
	if err != nil || n == 0 {
		return
	}
	slog.Info("cache purged", "cases", n, "older_than_days", days)
	notice = strings.TrimSpace(notice + " " + i18n.N("{{.Count}} resolved cases older than {{.Days}} days purged.", n, i18n.M{"Days": days}))
	fyne.Do(func() { c.setCache(store, notice) })
}

// cacheNotice words what the agent should know about the cache.
func cacheNotice(store *cache.Cache, err error) string {
	switch {
	case errors.Is(err, cache.ErrInUse):
		return i18n.L("The case cache is in use by another Verifydesk window: this window keeps nothing on this computer.")
	case err != nil:
		return i18n.L("The case cache could not be opened: {{.Why}} This window keeps nothing on this computer.", i18n.M{"Why": screens.Explain(err)})
	case store == nil:
		return ""
	}
	var notes []string
	if moved := store.Recovered(); moved != "" {
		notes = append(notes, i18n.L("The case cache was damaged: it was moved to {{.Path}} and a new one started.", i18n.M{"Path": moved}))
	}
	if storage, warning := store.KeyStorage(); storage != "keyring" && warning != "" {
		notes = append(notes, warning)
	}
	return strings.Join(notes, " ")
}

// openGeo opens the databases named in Settings, or the demo one, and hands the
// locator to the UI. Runs off the UI thread.
func (c *console) openGeo() {
	loc, err := geo.Open(c.settings.GeoDatabases()...)
	if err != nil {
		loc, _ = geo.OpenDemo()
	}
	fyne.Do(func() {
		if c.locator != nil {
			c.oldLocators = append(c.oldLocators, c.locator) // a workspace may still read it
		}
		c.locator = loc
		c.ui.SetLocator(loc, geoProblem(err))
	})
}

// connectBackend starts the embedded demo backend or names the configured one,
// checks that it answers, then hands a client to the UI. Runs off the UI thread.
func (c *console) connectBackend() {
	b, err := c.backendAddress()
	var reachErr error
	if err == nil && b.stop == nil {
		reachErr = probeBackend(b.base, probeTimeout)
	}
	fyne.Do(func() {
		if b.stop != nil {
			c.demoStop, c.demoBase = b.stop, b.base
		}
		if err != nil {
			c.notReady(backendProblem(err))
			c.ui.BackendFailed(backendProblem(err))
			return
		}
		cl := client.New(b.base, client.Options{OnUnauthorized: func() {
			fyne.Do(func() { c.ui.SessionEnded(i18n.L("Your session ended: sign in again. What you were doing is kept.")) })
		}})
		c.ui.SetBackend(cl, b.label)
		switch {
		case reachErr != nil:
			msg := i18n.L("The auth backend at {{.Backend}} does not answer: {{.Why}} Sign in once it is back.", i18n.M{"Backend": b.label, "Why": screens.Explain(reachErr)})
			c.notReady(msg)
			c.ui.BackendFailed(msg)
		case !c.opts.exitWhenReady:
		case c.demo():
			c.ui.SubmitSignIn()
		default:
			// Another backend's credentials are the agent's: ready is the
			// sign-in form, usable, on a backend that answers.
			c.onReady()
		}
	})
}

// probeTimeout bounds the check that a configured backend answers; it is the
// client's timeout for one call from a screen.
const probeTimeout = 8 * time.Second

// probeBackend asks the backend for its contract document, which needs no
// sign-in: any HTTP answer means it is there. The error wraps client.ErrOffline
// or client.ErrTimeout, so the UI words it like any other backend error.
func probeBackend(base string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/v1/openapi.yaml", nil)
	if err != nil {
		return fmt.Errorf("%w: %v", client.ErrOffline, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w: %v", client.ErrTimeout, err)
		}
		return fmt.Errorf("%w: %v", client.ErrOffline, err)
	}
	resp.Body.Close()
	return nil
}

// notReady ends a --exit-when-ready run that cannot get ready: the reason on
// stderr and a non-zero exit status. UI thread.
func (c *console) notReady(reason string) {
	if !c.opts.exitWhenReady || c.ready {
		return
	}
	fmt.Fprintln(c.std.Err, "verifydesk: not ready: "+reason)
	c.exitCode = exitFail
	c.exitNow()
}

// exitNow ends an --exit-when-ready run: it cleans up as a quit does, then
// exits the process without tearing the window down. UI thread. Fyne 2.7's
// GLFW driver can still handle a pointer event for a window it has just
// destroyed, and then panics setting its cursor (glfw/window.go
// processMouseMoved: SetInputMode on a nil viewport); it did in 5 of 6
// not-ready runs with the pointer over the window. Hiding the window first
// and quitting on a later turn of the loop still panicked (2 of 12), so this
// mode, whose whole point is its exit code, leaves the window to the
// process's end.
func (c *console) exitNow() {
	if c.exit == nil {
		c.app.Quit()
		return
	}
	c.stop()
	c.exit(c.exitCode)
}

// backendProblem words why there is no backend to talk to.
func backendProblem(err error) string {
	var bad *badAddressError
	var pe *policyError
	var off *demoOffError
	switch {
	case errors.As(err, &pe):
		return policyProblem(pe.err)
	case errors.As(err, &off):
		data := i18n.M{"Source": off.source, "Key": policy.KeyAllowDemo}
		if off.locked {
			return i18n.L("Your organisation does not allow demo mode (policy {{.Source}}: {{.Key}} is false): ask your IT department for the auth backend's address.", data)
		}
		return i18n.L("Your organisation does not allow demo mode (policy {{.Source}}: {{.Key}} is false): set the auth backend's address in Settings.", data)
	case errors.Is(err, backend.ErrDBLocked):
		return i18n.L("Another Verifydesk window is already running the demo backend on this computer. Use that window, or close it and start again.")
	case errors.As(err, &bad):
		return i18n.L("The auth backend address is not usable: {{.Why}}. Correct it in Settings.", i18n.M{"Why": bad.reason.Error()})
	}
	return i18n.L("The demo backend could not start: {{.Why}} Set a backend address in Settings, or check that the app's data folder is writable.", i18n.M{"Why": screens.Explain(err)})
}

func geoProblem(err error) string {
	if err == nil {
		return ""
	}
	return i18n.L("{{.Why}} Showing demo locations.", i18n.M{"Why": screens.Explain(err)})
}

// badAddressError: the configured backend address cannot be used; reason is
// client.CheckBaseURL's sentence.
type badAddressError struct{ reason error }

func (e *badAddressError) Error() string { return "bad backend address: " + e.reason.Error() }

// backendConn is where the backend is, and how to stop it when it is the
// embedded demo one.
type backendConn struct {
	base, label string
	stop        func() error
}

// backendAddress starts the embedded demo backend or names the configured one.
func (c *console) backendAddress() (backendConn, error) {
	if c.policyErr != nil {
		return backendConn{}, &policyError{c.policyErr}
	}
	if !c.demo() {
		base := c.opts.backendURL
		if base == "" {
			base = c.settings.BackendURL()
		}
		if err := client.CheckBaseURL(base); err != nil {
			return backendConn{}, &badAddressError{err}
		}
		u, _ := url.Parse(base) // checked above
		return backendConn{base: base, label: u.Host}, nil
	}
	if !c.settings.pol.DemoAllowed() {
		return backendConn{}, &demoOffError{source: c.settings.pol.Source, locked: !c.settings.pol.BackendChangeAllowed()}
	}
	dir := c.app.Storage().RootURI().Path()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return backendConn{}, err
	}
	base, stop, err := backend.StartDemo(context.Background(), filepath.Join(dir, "demo-backend.db"))
	if err != nil {
		return backendConn{}, err
	}
	u, _ := url.Parse(base) // made by StartDemo
	return backendConn{base: base, label: "demo (" + u.Host + ")", stop: stop}, nil
}

// onReady runs once the search is usable.
func (c *console) onReady() {
	if c.ready {
		return
	}
	c.ready = true
	close(c.readyCh)
	if c.opts.search != "" {
		c.ui.Search(c.opts.search)
		if c.opts.tab != "" {
			c.ui.SelectTab(c.opts.tab)
		}
	}
	if !c.opts.exitWhenReady {
		return
	}
	fmt.Fprintf(c.std.Err, "ready_ms=%d\n", time.Since(c.started).Milliseconds())
	go func() {
		time.Sleep(c.opts.linger)
		fyne.Do(c.exitNow)
	}()
}

// backendInUse is the address this run talks to: --backend, else the saved
// one; empty in demo mode.
func (c *console) backendInUse() string {
	switch {
	case c.opts.demo:
		return ""
	case c.opts.backendURL != "":
		return c.opts.backendURL
	}
	return c.settings.BackendURL()
}

func (c *console) onSettings() { screens.ShowSettings(c.win, c.settingsForm(), c.applySettings) }

// settingsForm is what the Settings dialog opens with: the settings in use,
// what the policy pins locked.
func (c *console) settingsForm() screens.SettingsForm {
	return screens.SettingsForm{
		BackendURL:      c.backendInUse(),
		GeoDatabases:    c.settings.GeoDatabases(),
		CheckURL:        client.CheckBaseURL,
		CheckGeoDB:      func(p string) error { _, err := geo.CheckDatabase(p); return err },
		Background:      c.background,
		RetentionDays:   c.settings.RetentionDays(),
		Appearance:      c.settings.Appearance(),
		Language:        c.settings.Language(),
		SystemLanguage:  c.systemLanguage,
		IdleLockMinutes: c.settings.IdleLockMinutes(),
		Purge:           c.purge(),
		CacheNote:       cacheNotice(c.store, nil),
		// What the organisation's policy sets shows locked.
		BackendLocked:   !c.settings.pol.BackendChangeAllowed(),
		GeoLocked:       c.settings.pol.Pinned(policy.KeyGeoDatabases),
		RetentionLocked: c.settings.pol.Pinned(policy.KeyRetentionDays),
		IdleLockLocked:  c.settings.pol.Pinned(policy.KeyIdleLockMinutes),
	}
}

// applySettings stores new settings and applies them now: new databases from
// the next account opened, a changed backend with a new sign-in. A changed
// backend replaces --backend or --demo for the rest of this run, as the form
// promises; an unchanged one leaves the saved address alone.
func (c *console) applySettings(f screens.SettingsForm) {
	// What the policy pins is the organisation's: the form shows it locked,
	// and nothing of it is stored as the agent's.
	pol := c.settings.pol
	backendChanged := f.BackendURL != c.backendInUse() && pol.BackendChangeAllowed()
	geoChanged := !slices.Equal(f.GeoDatabases, c.settings.GeoDatabases()) && !pol.Pinned(policy.KeyGeoDatabases)
	if geoChanged {
		c.settings.SetGeoDatabases(f.GeoDatabases)
	}
	if f.RetentionDays > 0 && !pol.Pinned(policy.KeyRetentionDays) {
		c.settings.SetRetentionDays(f.RetentionDays)
	}
	if f.IdleLockMinutes > 0 && f.IdleLockMinutes != c.settings.IdleLockMinutes() && !pol.Pinned(policy.KeyIdleLockMinutes) {
		c.settings.SetIdleLockMinutes(f.IdleLockMinutes)
		c.ui.SetIdleLock(time.Duration(f.IdleLockMinutes) * time.Minute)
	}
	if f.Appearance != "" && f.Appearance != c.settings.Appearance() {
		c.settings.SetAppearance(f.Appearance)
		c.app.Settings().SetTheme(screens.Theme(f.Appearance))
	}
	if f.Language != c.settings.Language() {
		c.settings.SetLanguage(f.Language) // at the next start
	}
	if geoChanged {
		c.inBackground(c.openGeo)
	}
	if !backendChanged {
		return
	}
	c.settings.SetBackendURL(f.BackendURL)
	c.opts.backendURL, c.opts.demo = "", false
	c.ui.Close()
	c.stopDemo()
	c.buildUI()
	if c.locator != nil {
		c.ui.SetLocator(c.locator, "")
	}
	c.inBackground(c.connectBackend)
}

// purge is the Settings' "purge now", nil without a cache. It runs off the UI
// thread (the form's runner).
func (c *console) purge() func(days int) (int, error) {
	store := c.store
	if store == nil {
		return nil
	}
	return func(days int) (int, error) {
		return store.Purge(time.Duration(days)*24*time.Hour, time.Now())
	}
}

// inBackground runs f off the UI thread: in a goroutine, or with the runner
// tests give (so that a test's end does not race a connection still going).
func (c *console) inBackground(f func()) {
	if c.background != nil {
		c.background(f)
		return
	}
	go f()
}

func (c *console) stopDemo() {
	if c.demoStop != nil {
		stop := c.demoStop
		c.demoStop = nil
		go stop()
	}
}

// quitSignOutTimeout bounds the sign-out at quit: offline, the console still
// closes at once.
const quitSignOutTimeout = 2 * time.Second

func (c *console) stop() { c.stopOnce.Do(c.stopNow) }

func (c *console) stopNow() {
	// Quit and closing the window end the backend session as Sign out does,
	// best effort and bounded: a token left valid for hours on a closed
	// console is one a thief of the machine can use.
	if c.ui != nil {
		c.ui.EndSessionNow(quitSignOutTimeout)
	}
	if c.demoStop != nil {
		_ = c.demoStop()
	}
	if c.store != nil {
		_ = c.store.Close()
	}
	for _, l := range append(c.oldLocators, c.locator) {
		if l != nil {
			_ = l.Close()
		}
	}
}
