//go:build realwindow

// The real-window walk: the console built with cgo and the walkprobe tag, on
// its real GLFW driver under Xvfb, against reference backends this test
// starts, driven by real X input events (xdotool). Every step is checked on
// the backend over HTTP. Run by .ci/window-test:
//
//	VERIFYDESK_WALK_BIN=/path/verifydesk-walk xvfb-run -a go test -tags realwindow -run TestRealWindowWalk ./app/
//
// The probe (app/probe.go) tells where each widget is, so the walk clicks by
// what a widget says, not by pixel positions. It waits for conditions (a
// widget on screen, the backend's state), never for fixed times.
package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"verifydesk/backend"
	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/sso/ssotest"
)

// walkTimeout bounds each wait: generous, since a cold window on a loaded
// 2-core machine can take seconds; a wait ends as soon as its condition holds.
const walkTimeout = 45 * time.Second

type probeObj struct {
	Kind        string  `json:"kind"`
	Text        string  `json:"text"`
	Placeholder string  `json:"placeholder"`
	Icon        string  `json:"icon"`
	Disabled    bool    `json:"disabled"`
	Focused     bool    `json:"focused"`
	Overlay     int     `json:"overlay"`
	X, Y, W, H  float32 `json:"-"`
	RawX        float32 `json:"x"`
	RawY        float32 `json:"y"`
	RawW        float32 `json:"w"`
	RawH        float32 `json:"h"`
}

// walker drives one console window.
type walker struct {
	t      *testing.T
	out    string // where screenshots go
	probe  string
	wid    string
	steps  *os.File
	stderr string
}

func (w *walker) step(format string, args ...any) {
	w.t.Helper()
	line := fmt.Sprintf(format, args...)
	w.t.Log("step: " + line)
	fmt.Fprintln(w.steps, time.Now().Format("15:04:05.000")+" "+line)
}

func (w *walker) objects() []probeObj {
	w.t.Helper()
	resp, err := http.Get(w.probe + "/objects")
	if err != nil {
		w.t.Fatalf("probe: %v\nconsole log:\n%s", err, w.log())
	}
	defer resp.Body.Close()
	var out []probeObj
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		w.t.Fatalf("probe answer: %v", err)
	}
	// Only the topmost layer takes clicks: a dialog covers the window.
	top := 0
	for _, o := range out {
		top = max(top, o.Overlay)
	}
	var shown []probeObj
	for _, o := range out {
		if o.Overlay == top {
			o.X, o.Y, o.W, o.H = o.RawX, o.RawY, o.RawW, o.RawH
			shown = append(shown, o)
		}
	}
	return shown
}

func (w *walker) log() string {
	b, _ := os.ReadFile(w.stderr)
	return string(b)
}

// openTab clicks the account tab titled title and waits until ready shows.
// A click can land while the view above the tabs is still being laid out (a
// decision card closing moves the tab bar): clickUntil clicks again.
func (w *walker) openTab(title string, ready match) {
	w.t.Helper()
	w.clickUntil(widgetStarting("text", title), "the "+title+" tab", has(ready))
}

// clickUntil clicks target until done holds: a click that lands while the
// screen is being laid out anew (a card closing, a form growing with the
// backend's answer) misses, so when done does not hold 5 s after a click,
// target is clicked again where it is now, up to three clicks in all. It
// returns when the last click was made.
func (w *walker) clickUntil(target match, what string, done func([]probeObj) bool) time.Time {
	w.t.Helper()
	for try := 1; ; try++ {
		clicked := time.Now()
		w.click(target)
		if try == 3 {
			w.waitFor(what, done)
			return clicked
		}
		if w.within(5*time.Second, done) {
			return clicked
		}
		w.step("%s: not yet after click %d on %s, clicking it again", what, try, target)
	}
}

// within polls the screen until cond holds or d has passed, and says which.
func (w *walker) within(d time.Duration, cond func([]probeObj) bool) bool {
	w.t.Helper()
	deadline := time.Now().Add(d)
	for {
		if cond(w.objects()) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond) // the poll's period, not a wait for a condition
	}
}

// waitFor polls the screen until cond holds, and fails with what the screen
// showed when it does not within walkTimeout.
func (w *walker) waitFor(what string, cond func([]probeObj) bool) []probeObj {
	w.t.Helper()
	deadline := time.Now().Add(walkTimeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		objs := w.objects()
		if cond(objs) {
			return objs
		}
		if time.Now().After(deadline) {
			if w.out != "" {
				w.screenshot(w.out, "failure")
			}
			var b strings.Builder
			for _, o := range objs {
				fmt.Fprintf(&b, "  %s %q %q %s disabled=%v\n", o.Kind, o.Text, o.Placeholder, o.Icon, o.Disabled)
			}
			w.t.Fatalf("waited %v for %s; the screen shows:\n%s\nconsole log:\n%s", walkTimeout, what, b.String(), w.log())
		}
		<-tick.C
	}
}

// match picks a widget: of kind ("" for any), whose text, placeholder or
// icon name starts with one of prefixes, or whose text matches re.
type match struct {
	kind     string
	prefixes []string
	re       *regexp.Regexp
	enabled  bool
}

func widgetStarting(kind string, prefixes ...string) match {
	return match{kind: kind, prefixes: prefixes}
}

func enabledWidget(kind string, prefixes ...string) match {
	m := widgetStarting(kind, prefixes...)
	m.enabled = true
	return m
}

func widgetMatching(kind, expr string) match {
	return match{kind: kind, re: regexp.MustCompile(expr)}
}

func (m match) String() string {
	if m.re != nil {
		return fmt.Sprintf("%s /%s/", m.kind, m.re)
	}
	return fmt.Sprintf("%s %q", m.kind, m.prefixes)
}

func (m match) ok(o probeObj) bool {
	if m.kind != "" && o.Kind != m.kind || m.enabled && o.Disabled {
		return false
	}
	if m.re != nil {
		return m.re.MatchString(o.Text)
	}
	for _, p := range m.prefixes {
		for _, s := range []string{o.Text, o.Placeholder, o.Icon} {
			if s != "" && strings.HasPrefix(s, p) {
				return true
			}
		}
	}
	return false
}

func find(objs []probeObj, m match) (probeObj, bool) {
	for _, o := range objs {
		if m.ok(o) {
			return o, true
		}
	}
	return probeObj{}, false
}

func has(m match) func([]probeObj) bool {
	return func(objs []probeObj) bool { _, ok := find(objs, m); return ok }
}

// click waits for the widget and clicks the middle of it with the mouse.
func (w *walker) click(m match) {
	w.t.Helper()
	m.enabled = true
	objs := w.waitFor(m.String()+" to click", has(m))
	o, _ := find(objs, m)
	x, y := int(o.X+o.W/2), int(o.Y+o.H/2)
	w.xdo("mousemove", "--window", w.wid, fmt.Sprint(x), fmt.Sprint(y))
	w.xdo("click", "1")
}

// typeText types s with the keyboard into the focused widget.
func (w *walker) typeText(s string) { w.t.Helper(); w.xdo("type", "--delay", "15", s) }

func (w *walker) key(k string) { w.t.Helper(); w.xdo("key", k) }

// fill clicks an entry, selects what it holds and types s over it.
func (w *walker) fill(placeholder, s string) {
	w.t.Helper()
	focused := func(objs []probeObj) bool {
		for _, o := range objs {
			if o.Kind == "entry" && strings.HasPrefix(o.Placeholder, placeholder) && o.Focused {
				return true
			}
		}
		return false
	}
	w.clickUntil(widgetStarting("entry", placeholder), "the entry "+placeholder+" to take the keyboard", focused)
	w.key("ctrl+a")
	w.typeText(s)
}

// search types text in the search field, presses Enter and waits for the
// header of the account the backend says it finds: tabs are clicked only once
// that account is on screen.
func (w *walker) search(text string, acct data.Account) {
	w.t.Helper()
	w.fill("Phone, email or id", text)
	w.key("Return")
	w.waitForHeader(acct)
}

// waitForHeader waits for acct's header: its name, app and country, as the
// agent reads them (the id is not there).
func (w *walker) waitForHeader(acct data.Account) {
	w.t.Helper()
	w.waitFor("the header of "+acct.ID, has(widgetMatching("label", "^"+regexp.QuoteMeta(acct.Name+" · "+acct.App+" · "))))
}

// focusedIn is the listed widget that has the keyboard (zero when the
// keyboard is on a widget the probe does not list, or nowhere).
func focusedIn(objs []probeObj) probeObj {
	for _, o := range objs {
		if o.Focused && o.Kind != "focus" {
			return o
		}
	}
	return probeObj{}
}

// focused is the listed widget that has the keyboard now.
func (w *walker) focused() probeObj { w.t.Helper(); return focusedIn(w.objects()) }

// focusMark is where the keyboard is, whatever widget has it.
func focusMark(objs []probeObj) (string, bool) {
	for _, o := range objs {
		if o.Kind == "focus" {
			return fmt.Sprintf("%s@%.0f,%.0f", o.Text, o.RawX, o.RawY), true
		}
	}
	return "", false
}

// tabTo presses Tab until the keyboard is on a widget m matches, waiting
// after each press for the focus to move, and logs the stops on the way.
func (w *walker) tabTo(m match) {
	w.t.Helper()
	var stops []string
	for range 60 {
		objs := w.objects()
		if f := focusedIn(objs); f.Kind != "" && m.ok(f) {
			w.step("Tab reached %s %q after %d presses (stops: %s)", f.Kind, f.Text, len(stops), strings.Join(stops, " > "))
			return
		}
		before, had := focusMark(objs)
		w.key("Tab")
		objs = w.waitFor("the focus to move from "+before, func(objs []probeObj) bool {
			now, ok := focusMark(objs)
			return ok && (!had || now != before)
		})
		f := focusedIn(objs)
		mark, _ := focusMark(objs)
		stops = append(stops, strings.TrimSpace(f.Kind+" "+f.Text+f.Placeholder+" "+mark))
	}
	w.t.Fatalf("60 Tab presses never reached %s; stops: %s", m, strings.Join(stops, " > "))
}

// resetUIHold starts the UI-thread measurement now.
func (w *walker) resetUIHold() {
	w.t.Helper()
	resp, err := http.Get(w.probe + "/uihold?reset=1")
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
}

// uiHolds are the console's UI-thread figures: how long its own code held
// the thread in every handler and callback the runner ran (max, 99th
// percentile), and the heartbeat's longest wait, an upper bound that includes
// drawing frames.
type uiHolds struct {
	MaxMS      int    `json:"max_ms"`
	OwnMaxUS   int64  `json:"own_max_us"`
	OwnP99US   int64  `json:"own_p99_us"`
	OwnCount   int    `json:"own_count"`
	OwnLongest string `json:"own_longest"`
}

func (w *walker) uiHold() uiHolds {
	w.t.Helper()
	resp, err := http.Get(w.probe + "/uihold")
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var v uiHolds
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		w.t.Fatal(err)
	}
	return v
}

// screenshot saves the screen as out/shot-NAME.png (ImageMagick's import).
func (w *walker) screenshot(out, name string) {
	w.t.Helper()
	path := filepath.Join(out, "shot-"+name+".png")
	if b, err := exec.Command("import", "-window", "root", path).CombinedOutput(); err != nil {
		w.t.Fatalf("screenshot: %v: %s", err, b)
	}
	w.step("screenshot %s", path)
}

func (w *walker) xdo(args ...string) string {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), walkTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "xdotool", args...).CombinedOutput()
	if err != nil {
		w.t.Fatalf("xdotool %v: %v: %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// until polls the backend until cond holds.
func until(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(walkTimeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for the backend: %s; it shows %s", walkTimeout, what, state)
		}
		<-tick.C
	}
}

// startBackend serves the reference backend with demo data on a loopback port.
func startBackend(t *testing.T, dir, name string) string {
	t.Helper()
	base, stop, err := backend.StartDemo(context.Background(), filepath.Join(dir, name+".db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stop() })
	return base
}

func signIn(t *testing.T, base, user string) (*client.Client, data.Agent) {
	t.Helper()
	c := client.New(base, client.Options{})
	s, err := c.SignIn(context.Background(), user, "demo")
	if err != nil {
		t.Fatal(err)
	}
	return c, s.Agent
}

func TestRealWindowWalk(t *testing.T) {
	bin := os.Getenv("VERIFYDESK_WALK_BIN")
	if bin == "" {
		t.Fatal("VERIFYDESK_WALK_BIN names the console built with -tags walkprobe")
	}
	out := os.Getenv("VERIFYDESK_WALK_OUT")
	if out == "" {
		out = t.TempDir()
	}
	ctx := context.Background()
	dir := t.TempDir()
	baseA := startBackend(t, dir, "a")
	// Backend B also offers the company's single sign-on: a real OpenID
	// provider on loopback, and a browser player the console's $BROWSER
	// hands the sign-in page to (it fills the provider's form over HTTP).
	provider := ssotest.Start(t)
	baseB, stopB, err := backend.StartDemo(context.Background(), filepath.Join(dir, "b.db"), func(c *backend.Config) {
		c.OIDC = &backend.OIDCConfig{Issuer: provider.Issuer, ClientID: ssotest.ClientID, ProviderName: "Example SSO"}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stopB() })
	browser, browsed := provider.Player(t, ssotest.Agent)
	sam, samAgent := signIn(t, baseA, "sam") // the supervisor's view of backend A
	_, ana := signIn(t, baseA, "ana")

	steps, err := os.Create(filepath.Join(out, "steps.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer steps.Close()
	stderrPath := filepath.Join(out, "console.log")
	logFile, err := os.Create(stderrPath)
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	// The console reaches backend A through a switch: cut, the backend is
	// gone for the console (connections refused and reset) while the test
	// still checks it directly.
	lossy := newLossyProxy(t, baseA)
	link := newCutProxy(t, strings.TrimPrefix(lossy.srv.URL, "http://"))
	link.lossy = lossy
	viaLink := "http://" + link.addr
	cmd := exec.Command(bin, "--backend", viaLink)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "LANG=en_US.UTF-8", "VERIFYDESK_PROBE=127.0.0.1:0", "BROWSER="+browser)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	w := &walker{t: t, steps: steps, stderr: stderrPath, out: out}
	w.probe = "http://" + waitProbe(t, stderrPath, exited)
	w.wid = w.xdo("search", "--sync", "--onlyvisible", "--name", "^Verifydesk$")
	if i := strings.IndexByte(w.wid, '\n'); i > 0 {
		w.wid = w.wid[:i]
	}
	w.xdo("windowfocus", "--sync", w.wid)

	// 1. Sign in with the keyboard and the mouse.
	w.step("sign in as ana on %s (through %s)", baseA, viaLink)
	w.waitFor("the sign-in button", has(enabledWidget("button", "Sign in")))
	w.resetUIHold()
	w.fill("username", "ana")
	w.fill("password", "demo")
	w.click(widgetStarting("button", "Sign in"))
	w.waitFor("the workspace's search field", has(widgetStarting("entry", "Phone, email or id")))
	until(t, "ana's sign-in audited", auditHas(sam, ana.ID, "sign_in", ""))

	// 2. Search by phone.
	const phone = "+447911123456"
	w.step("search %s", phone)
	accts, err := sam.SearchAccounts(ctx, client.AccountQuery{Phone: phone})
	if err != nil || len(accts) != 1 {
		t.Fatalf("backend search: %v %v", accts, err)
	}
	acct := accts[0]
	w.search(phone, acct)
	until(t, "ana's search audited", auditHas(sam, ana.ID, "search_accounts", ""))

	// 3. Resend a code: one click, one delivery.
	w.step("resend a code to %s from the Codes tab", acct.ID)
	before := deliveryCount(t, sam, acct.ID)
	w.openTab("Codes", widgetMatching("label", `sent in the last 30 days`))
	// Is it just this caller? The demo's JT network (libphonenumber puts the
	// number in Guernsey) is in an outage: the tab says so under the log.
	w.waitFor("the network's health under the log", has(widgetMatching("label",
		`(?s)sent in the last 30 days.*SMS to JT \(Guernsey\): \d+% delivered in the last hour.*The network, not this caller's phone`)))
	w.click(widgetStarting("select", "SMS"))
	w.click(widgetStarting("text", "Email")) // the SMS limit may hold from the demo history
	w.click(widgetStarting("button", "Resend code"))
	objs := w.waitFor("the resend's outcome", has(widgetStarting("label", "Sent:", "Not sent")))
	if o, _ := find(objs, widgetStarting("label", "Not sent")); o.Text != "" {
		t.Fatalf("resend refused: %s", o.Text)
	}
	until(t, "one new delivery", func() (bool, string) {
		n := deliveryCount(t, sam, acct.ID)
		return n == before+1, fmt.Sprintf("%d deliveries, %d before", n, before)
	})
	// Reloaded after the send: the email's minute limit now holds, Resend
	// waits for it and says so.
	objs = w.waitFor("the limit after the send", has(widgetMatching("label", `^email for login: 1 of 1 this minute.*next possible in`)))
	if o, ok := find(objs, widgetStarting("button", "Resend code")); !ok || !o.Disabled {
		t.Errorf("Resend enabled while the minute limit holds: %+v", o)
	}
	w.screenshot(out, "codes")
	if n := deliveryCount(t, sam, acct.ID); n != before+1 {
		t.Fatalf("one click sent %d codes", n-before)
	}

	// 4. Remove a lost trusted device through the identity check.
	const lostAcct = "acc_1014"
	w.step("remove a trusted device of %s through the identity check", lostAcct)
	lostAccount, err := sam.Account(ctx, lostAcct)
	if err != nil {
		t.Fatal(err)
	}
	w.search(lostAcct, lostAccount)
	w.openTab("Devices", widgetStarting("button", "Remove selected device"))
	devs, err := sam.TrustedDevices(ctx, lostAcct)
	if err != nil || len(devs) < 2 {
		t.Fatalf("%s has %d trusted devices (%v); the walk needs two", lostAcct, len(devs), err)
	}
	lost := devs[0]
	w.waitFor("the devices table", has(widgetStarting("label", lost.Name)))
	w.click(widgetStarting("label", lost.Name))
	w.click(widgetStarting("button", fmt.Sprintf("Remove %q", lost.Name)))
	w.click(widgetStarting("button", "Send check code"))
	w.waitFor("the check code sent", has(widgetStarting("label", "Check code sent to")))
	code := inboxCode(t, sam, lostAcct)
	w.fill("code the caller reads back", code)
	w.click(widgetStarting("button", "Verify and continue"))
	until(t, "the device removed", func() (bool, string) {
		ds, err := sam.TrustedDevices(ctx, lostAcct)
		for _, d := range ds {
			if d.ID == lost.ID {
				return false, fmt.Sprintf("%s still trusted (%v)", lost.Name, err)
			}
		}
		return err == nil, fmt.Sprint(err)
	})
	want := fmt.Sprintf("%d trusted device", len(devs)-1)
	w.waitFor("the header to say "+want, func(objs []probeObj) bool {
		for _, o := range objs {
			if o.Kind == "text" && strings.HasPrefix(o.Text, want) {
				return true
			}
		}
		return false
	})
	for _, line := range strings.Split(w.log(), "\n") {
		if strings.Contains(line, code) {
			t.Fatalf("the check code reached the console's log: %q", line)
		}
	}

	// 5. Reveal the phone number with a reason.
	w.step("reveal the phone number of %s with a reason", lostAcct)
	reasonFocused := func(objs []probeObj) bool {
		o, ok := find(objs, widgetStarting("entry", "e.g. caller confirms"))
		return ok && o.Focused
	}
	// Esc closes the dialog from its field, as Cancel would.
	w.click(widgetStarting("button", "Reveal phone"))
	w.waitFor("the reason field to take the keyboard", reasonFocused)
	w.key("Escape")
	w.waitFor("the dialog closed by Esc", func(objs []probeObj) bool { return !has(widgetStarting("entry", "e.g. caller confirms"))(objs) })
	w.click(widgetStarting("button", "Reveal phone"))
	w.waitFor("the reason field to take the keyboard", reasonFocused)
	const reason = "caller confirms the number on file"
	w.typeText(reason)
	w.click(widgetStarting("button", "Reveal"))
	until(t, "the reveal audited with its reason", auditHas(sam, ana.ID, "reveal", reason))
	w.waitFor("the revealed number", has(widgetMatching("label", `\(revealed\)`)))

	// 6. Ask a supervisor to approve removing the other device.
	other := devs[1]
	w.step("ask a supervisor to remove %q from %s", other.Name, lostAcct)
	w.click(widgetStarting("label", other.Name))
	w.click(widgetStarting("button", fmt.Sprintf("Remove %q", other.Name)))
	w.click(widgetStarting("button", "Caller cannot get a code"))
	w.fill("why, and how you checked the caller", "caller lost both phones; identity checked by account questions")
	w.click(widgetStarting("button", "Send request"))
	until(t, "a pending approval for that device", func() (bool, string) {
		as, err := sam.Approvals(ctx, data.ApprovalPending)
		for _, a := range as {
			if a.RequestedBy == ana.ID && a.AccountID == lostAcct && a.Action == data.ActionRemoveDevice && a.Params["device_id"] == other.ID {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d pending (%v)", len(as), err)
	})
	w.click(widgetStarting("button", "OK"))

	// 6b. A case for the call: start it in one click, tick a step, add a note.
	w.step("start a case for %s, tick a step, add a note", lostAcct)
	w.openTab("Case", widgetStarting("select", "Pick what the call is about"))
	// Nothing in the evidence says the phone was lost: the agent picks it.
	w.click(widgetStarting("select", "Pick what the call is about"))
	w.click(widgetStarting("text", "Lost a trusted device"))
	w.waitFor("the category picked", has(widgetStarting("select", "Lost a trusted device")))
	w.click(enabledWidget("button", "Start the case"))
	w.waitFor("the case's checklist", has(widgetStarting("label", "Checklist from the help page")))
	var caseID string
	until(t, "the case on the backend", func() (bool, string) {
		cs, err := sam.Cases(ctx, client.CaseQuery{AccountID: lostAcct})
		for _, c := range cs {
			if c.AgentID == ana.ID && c.Status == data.CaseOpen {
				caseID = c.ID
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d cases (%v)", len(cs), err)
	})
	doneBefore := stepsDone(t, sam, caseID)
	w.click(widgetStarting("select", "not asked"))
	w.click(widgetStarting("text", "done"))
	until(t, "the tick on the backend", func() (bool, string) {
		n := stepsDone(t, sam, caseID)
		return n == doneBefore+1, fmt.Sprintf("%d steps done, %d before", n, doneBefore)
	})
	const onlineNote = "customer lost the phone on a train"
	w.fill("What the customer said", onlineNote)
	w.click(enabledWidget("button", "Add note"))
	until(t, "the note on the backend", noteCount(sam, caseID, onlineNote, 1))

	// 6c. The backend goes away while the agent reads the case: with no
	// click, the console says offline (the light check), and a note written
	// then is kept on this computer.
	w.step("the backend goes away; with no click the console says offline; a note written offline is kept")
	link.cut()
	w.waitFor("the offline badge, with no click", has(widgetStarting("text", "offline")))
	w.waitFor("the status bar saying offline", has(widgetMatching("label", `offline since`)))
	const offlineNote = "customer will call back from the new phone"
	w.fill("What the customer said", offlineNote)
	w.click(enabledWidget("button", "Add note"))
	w.waitFor("the note kept on this computer", has(widgetStarting("label", "The note is kept on this computer")))
	w.waitFor("the queued change in the status bar", has(widgetMatching("label", `1 change queued`)))
	until(t, "the offline note not on the backend yet", noteCount(sam, caseID, offlineNote, 0))
	if objs := w.objects(); func() bool { _, ok := find(objs, widgetStarting("text", "online")); return ok }() {
		t.Errorf("the badge says online beside a queued change")
	}

	// 6d. Back, still signed in: the kept note is sent by itself, exactly
	// once, and the status bar says so.
	w.step("the backend is back; still signed in, the kept note is sent once by itself")
	link.restore()
	w.waitFor("the online badge", has(widgetStarting("text", "online")))
	until(t, "the kept note on the backend once", noteCount(sam, caseID, offlineNote, 1))
	w.waitFor("the console saying it sent it", has(widgetMatching("label", `1 change kept offline sent`)))
	until(t, "still once", noteCount(sam, caseID, offlineNote, 1))

	// 6d'. A resend whose answer is lost: "not confirmed", and the console
	// keeps its promise when the backend answers: the same request again,
	// one code in all.
	w.step("a resend's answer is lost; the console sends it again by itself when the backend answers: one code")
	w.openTab("Codes", widgetMatching("label", `sent in the last 30 days`))
	w.click(widgetStarting("select", "SMS", "Email", "App notification"))
	w.click(widgetStarting("text", "SMS"))
	w.waitFor("SMS chosen", has(widgetStarting("select", "SMS")))
	w.waitFor("Resend enabled", has(enabledWidget("button", "Resend code")))
	lostBefore := deliveryCount(t, sam, lostAcct)
	link.loseWrites(true)
	w.click(enabledWidget("button", "Resend code"))
	w.waitFor("the promise to send it again", has(widgetMatching("label", `^Not confirmed:.*sends it again by itself`)))
	until(t, "the lost answer's code on the backend", func() (bool, string) {
		n := deliveryCount(t, sam, lostAcct)
		return n == lostBefore+1, fmt.Sprintf("%d deliveries, %d before", n, lostBefore)
	})
	link.loseWrites(false)
	w.waitFor("the resend confirmed", has(widgetStarting("label", "Sent:")))
	if n := deliveryCount(t, sam, lostAcct); n != lostBefore+1 {
		t.Fatalf("the lost answer and the promise sent %d codes, want 1", n-lostBefore)
	}

	// 6e. The supervisor decides in the queue; the backend runs exactly that.
	w.step("sam approves ana's request in the queue")
	w.click(enabledWidget("button", "Sign out"))
	w.fill("username", "sam")
	w.fill("password", "demo")
	w.click(enabledWidget("button", "Sign in"))
	w.click(enabledWidget("button", "Approvals (1)"))
	// The queue and the card name the agent and the device, not their ids.
	devLabel := other.Name
	if other.Model != "" && other.Model != other.Name {
		devLabel += " (" + other.Model + ")"
	}
	removeTitle := fmt.Sprintf("remove %q from the trusted devices", devLabel)
	w.click(widgetStarting("label", removeTitle))
	w.waitFor("the request's card over the account", has(widgetMatching("label", `^Ana Ruiz asks: `+regexp.QuoteMeta(removeTitle))))
	w.fill("Your comment, recorded with the decision", "callback to the number on file confirmed it")
	w.click(enabledWidget("button", "Approve and run it"))
	until(t, "the approved removal done", func() (bool, string) {
		ds, err := sam.TrustedDevices(ctx, lostAcct)
		for _, d := range ds {
			if d.ID == other.ID {
				return false, other.Name + " still trusted"
			}
		}
		return err == nil, fmt.Sprint(err)
	})
	w.waitFor("the count back to 0", has(widgetStarting("button", "Approvals (0)")))
	w.screenshot(out, "approval")

	// 6f. Delivery health, the supervisor's screen: the outage first.
	w.step("sam opens Delivery health: the JT outage is the first row")
	w.click(enabledWidget("button", "Delivery health"))
	objs = w.waitFor("the health rows", has(widgetStarting("label", "OUTAGE")))
	verdicts := map[string]bool{"OUTAGE": true, "degraded": true, "normal": true, "too few": true}
	var first probeObj
	for _, o := range objs {
		if o.Kind == "label" && verdicts[o.Text] && (first.Text == "" || o.Y < first.Y) {
			first = o
		}
	}
	if first.Text != "OUTAGE" {
		t.Errorf("the first row of Delivery health says %q, not OUTAGE", first.Text)
	}
	jt := false
	for _, o := range objs {
		jt = jt || (o.Kind == "label" && o.Text == "JT" && o.Y == first.Y)
	}
	if !jt {
		t.Errorf("the first row of Delivery health is not JT's")
	}
	w.screenshot(out, "health")

	// 7. A flagged login from a device that is not trusted: nothing to
	// remove, so no identity check is offered for it.
	const abroad = "+16502530000"
	w.step("the Lagos login of %s is not offered for removal", abroad)
	abroadAccts, err := sam.SearchAccounts(ctx, client.AccountQuery{Phone: abroad})
	if err != nil || len(abroadAccts) != 1 {
		t.Fatalf("backend search %s: %v %v", abroad, abroadAccts, err)
	}
	w.search(abroad, abroadAccts[0])
	w.openTab("Activity", widgetStarting("check", "Flagged only"))
	w.click(widgetStarting("check", "Flagged only"))
	w.waitFor("the flagged logins only", has(widgetMatching("label", `flagged\. Showing \d+\.`)))
	w.click(widgetStarting("label", "Lagos"))
	objs = w.waitFor("the login's actions", has(enabledWidget("button", "Sign out everywhere")))
	if o, ok := find(objs, widgetStarting("button", "Not a trusted device")); !ok || !o.Disabled {
		t.Fatalf("an untrusted device is offered for removal: %+v", o)
	}
	w.waitFor("the reason and the password reset", has(enabledWidget("button", "Send a password reset code")))
	w.screenshot(out, "activity")

	// 7b. One call by keyboard only (the 2FA page: the app notification never
	// arrives): Ctrl+F, type, Enter; Ctrl+2 for Codes; Tab to the channel,
	// the arrow keys to pick, Space to send; Ctrl+6 for the case, Tab and
	// Space to start it. No mouse from here to the case on the backend.
	const notifPhone = "+818012345678"
	w.step("keyboard only: the app notification of %s never arrives", notifPhone)
	jp, err := sam.SearchAccounts(ctx, client.AccountQuery{Phone: notifPhone})
	if err != nil || len(jp) != 1 {
		t.Fatalf("backend search %s: %v %v", notifPhone, jp, err)
	}
	jpID := jp[0].ID
	w.key("ctrl+f")
	w.waitFor("the search field to take the keyboard", func(objs []probeObj) bool {
		o, ok := find(objs, widgetStarting("entry", "Phone, email or id"))
		return ok && o.Focused
	})
	w.typeText(notifPhone) // over the selected text: Ctrl+F selects what the field held
	w.key("Return")
	w.waitForHeader(jp[0])
	w.key("ctrl+2")
	w.waitFor("the Codes tab", has(widgetMatching("label", `sent in the last 30 days`)))
	w.waitFor("the keyboard on the resend channel", func(objs []probeObj) bool { return focusedIn(objs).Text == "SMS" })
	jpBefore := deliveryCount(t, sam, jpID)
	w.tabTo(widgetStarting("select", "SMS", "Email", "App notification"))
	for range 3 { // SMS, Email, App notification
		cur := w.focused().Text
		if cur == "App notification" {
			break
		}
		w.key("Right")
		w.waitFor("the channel to change from "+cur, func(objs []probeObj) bool {
			now := focusedIn(objs).Text
			return now != "" && now != cur
		})
	}
	objs = w.waitFor("the refusal before sending", has(widgetMatching("label", `(?i)notifications are off`)))
	if o, ok := find(objs, widgetStarting("button", "Resend code")); !ok || !o.Disabled {
		t.Errorf("Resend enabled for app notifications while every device has them off: %+v", o)
	}
	w.key("Left")
	w.waitFor("Email picked and Resend enabled", func(objs []probeObj) bool {
		_, ok := find(objs, enabledWidget("button", "Resend code"))
		return ok && focusedIn(objs).Text == "Email"
	})
	w.tabTo(widgetStarting("select", data.PurposeLogin))
	w.key("Right")
	w.waitFor("the purpose new_device", has(widgetStarting("select", data.PurposeNewDevice)))
	w.tabTo(enabledWidget("button", "Resend code"))
	w.key("space")
	w.waitFor("the resend's outcome", has(widgetStarting("label", "Sent: email")))
	until(t, "one email code for a new device, sent by the agent", func() (bool, string) {
		ds, err := sam.Deliveries(ctx, jpID)
		n := 0
		for _, d := range ds {
			if d.RequestedBy == data.RequesterAgent && d.Channel == data.ChannelEmail && d.Purpose == data.PurposeNewDevice {
				n++
			}
		}
		return n == 1 && len(ds) == jpBefore+1, fmt.Sprintf("%d such, %d deliveries, %d before (%v)", n, len(ds), jpBefore, err)
	})
	w.key("ctrl+6")
	// The Case tab loads its evidence first; then the keyboard is on its
	// first control, the suggested category.
	w.waitFor("the keyboard on the suggested category", func(objs []probeObj) bool {
		f := focusedIn(objs)
		return f.Kind == "select" && f.Text == "2FA app notification missing"
	})
	w.tabTo(enabledWidget("button", "Start the case"))
	w.key("space")
	until(t, "the case on the backend", func() (bool, string) {
		cs, err := sam.Cases(ctx, client.CaseQuery{AccountID: jpID})
		for _, c := range cs {
			if c.AgentID == samAgent.ID && c.Category == "app_notification_missing" { // sam is signed in since 6e
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d cases (%v)", len(cs), err)
	})
	w.waitFor("the case's checklist", has(widgetStarting("label", "Checklist from the help page")))
	w.screenshot(out, "keyboard")

	// 8. Settings: a new backend address applies now, over --backend.
	w.step("switch to the backend %s in Settings", baseB)
	w.click(widgetStarting("button", "foreground_settings"))
	w.fill("https://auth.example.com", baseB)
	w.click(widgetStarting("button", "Save"))
	hostB := strings.TrimPrefix(baseB, "http://")
	w.waitFor("the sign-in form on "+hostB, has(widgetStarting("label", "Backend: "+hostB)))

	if os.Getenv("VERIFYDESK_WALK_NO_SSO") != "" {
		// Under Wine the console cannot start the player's bash script as
		// its browser (.ci/wine-test): there, the password form.
		w.step("sign in on %s with the password (single sign-on is walked on Linux)", hostB)
		w.fill("username", "ana")
		w.fill("password", "demo")
		w.click(widgetMatching("button", "^Sign in$")) // not "Sign in with Example SSO"
		w.waitFor("the workspace on the new backend", has(widgetStarting("entry", "Phone, email or id")))
		samB, _ := signIn(t, baseB, "sam")
		until(t, "ana signed in on the new backend", auditHas(samB, ana.ID, "sign_in", ""))
	} else {
		w.signInWithSSO(t, baseB, provider.Issuer, browsed)
	}

	hold := w.uiHold()
	w.step("done; our code held the UI thread at most %.1f ms (%q), p99 %.1f ms over %d handlers and callbacks; the heartbeat's longest wait, frames included, was %d ms; checking the console's log",
		float64(hold.OwnMaxUS)/1000, hold.OwnLongest, float64(hold.OwnP99US)/1000, hold.OwnCount, hold.MaxMS)
	_ = os.WriteFile(filepath.Join(out, "uihold.txt"), []byte(fmt.Sprintf("ui_own_max_ms=%.1f\nui_own_p99_ms=%.1f\nui_own_count=%d\nui_own_longest=%s\nui_max_hold_ms=%d\n",
		float64(hold.OwnMaxUS)/1000, float64(hold.OwnP99US)/1000, hold.OwnCount, hold.OwnLongest, hold.MaxMS)), 0o644)
	_ = cmd.Process.Signal(os.Interrupt)
	for _, line := range strings.Split(w.log(), "\n") {
		if strings.Contains(line, "Error in Fyne call thread") || strings.HasPrefix(line, "panic:") || strings.Contains(line, "fatal error:") {
			t.Errorf("console log: %s", line)
		}
	}
}

func waitProbe(t *testing.T, stderrPath string, exited <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(walkTimeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if f, err := os.Open(stderrPath); err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if addr, ok := strings.CutPrefix(sc.Text(), "probe="); ok {
					f.Close()
					return addr
				}
			}
			f.Close()
		}
		select {
		case err := <-exited:
			b, _ := os.ReadFile(stderrPath)
			t.Fatalf("the console exited (%v) before its probe started:\n%s", err, b)
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			t.Fatal("the console's probe did not start")
		}
	}
}

func deliveryCount(t *testing.T, c *client.Client, accountID string) int {
	t.Helper()
	ds, err := c.Deliveries(context.Background(), accountID)
	if err != nil {
		t.Fatal(err)
	}
	return len(ds)
}

func inboxCode(t *testing.T, c *client.Client, accountID string) string {
	t.Helper()
	msgs, err := c.DemoInbox(context.Background(), accountID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Purpose == data.PurposeIdentityCheck && m.Code != "" {
			return m.Code
		}
	}
	t.Fatalf("no identity-check code in the demo inbox of %s", accountID)
	return ""
}

// auditHas is a backend condition: an audit entry by agent for action whose
// reason contains reason.
func auditHas(c *client.Client, agentID, action, reason string) func() (bool, string) {
	return func() (bool, string) {
		es, err := c.Audit(context.Background(), client.AuditQuery{AgentID: agentID, Action: action})
		for _, e := range es {
			if strings.Contains(e.Reason, reason) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d %s entries (%v)", len(es), action, err)
	}
}

func stepsDone(t *testing.T, c *client.Client, caseID string) int {
	t.Helper()
	cs, err := c.Case(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range cs.Checklist {
		if s.State == "done" {
			n++
		}
	}
	return n
}

// noteCount is a backend condition: the case holds want notes with text.
func noteCount(c *client.Client, caseID, text string, want int) func() (bool, string) {
	return func() (bool, string) {
		cs, err := c.Case(context.Background(), caseID)
		n := 0
		for _, x := range cs.Notes {
			if x.Text == text {
				n++
			}
		}
		return err == nil && n == want, fmt.Sprintf("%d notes %q (%v), want %d", n, text, err, want)
	}
}

// cutProxy forwards TCP to a backend until cut: then it closes every
// connection and refuses new ones, the way a backend that went away looks to
// the console, until restored.
type cutProxy struct {
	addr   string
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
	lossy  *lossyProxy
}

// loseWrites makes the link lose the answers to writes (on) or carry them
// again.
func (p *cutProxy) loseWrites(on bool) { p.lossy.lose.Store(on) }

// lossyProxy is an HTTP hop that can lose the answers to writes: the backend
// handles the request in full, then the console's connection is closed
// before it hears the answer, as when a network fails at the worst moment.
type lossyProxy struct {
	srv  *httptest.Server
	lose atomic.Bool
}

func newLossyProxy(t *testing.T, base string) *lossyProxy {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	p := &lossyProxy{}
	rp := httputil.NewSingleHostReverseProxy(target)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !p.lose.Load() || r.Method == http.MethodGet || r.Method == http.MethodHead {
			rp.ServeHTTP(w, r)
			return
		}
		rp.ServeHTTP(httptest.NewRecorder(), r) // the backend does it
		if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
			c.Close() // and the answer is lost
		}
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{addr: ln.Addr().String(), target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *cutProxy) serve(c net.Conn) {
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		c.Close()
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	go func() { _, _ = io.Copy(up, c); up.Close() }()
	_, _ = io.Copy(c, up)
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
}

func (p *cutProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// signInWithSSO signs in on the sign-in form of baseB through the company's
// single sign-on: one click, the browser player does the rest; the backend
// audits it.
func (w *walker) signInWithSSO(t *testing.T, baseB, issuer string, browsed func() []string) {
	hostB := strings.TrimPrefix(baseB, "http://")
	// 9. The company's single sign-on: one click, the browser does the rest.
	w.step("sign in on %s with single sign-on (the provider at %s)", hostB, issuer)
	w.waitFor("the single sign-on button", has(enabledWidget("button", "Sign in with Example SSO")))
	// The button comes with the backend's answer on sign-in methods, which
	// lays the form out again; the sign-in says "Continue in your browser"
	// once it started.
	clicked := w.clickUntil(enabledWidget("button", "Sign in with Example SSO"), "the single sign-on started", func(objs []probeObj) bool {
		return has(widgetStarting("label", "Continue in your browser"))(objs) || has(widgetStarting("entry", "Phone, email or id"))(objs)
	})
	w.waitFor("the workspace on the new backend", has(widgetStarting("entry", "Phone, email or id")))
	w.step("single sign-on: %d ms from the click to the workspace (browser player, provider and backend on loopback)", time.Since(clicked).Milliseconds())
	if n := len(browsed()); n != 1 {
		t.Errorf("the browser was opened %d times for one sign-in", n)
	}
	w.waitFor("the provider's user in the top bar", has(widgetStarting("label", ssotest.Agent.Name)))
	samB, _ := signIn(t, baseB, "sam")
	until(t, "the single sign-on audited on the new backend", func() (bool, string) {
		es, err := samB.Audit(context.Background(), client.AuditQuery{Action: "sign_in"})
		for _, e := range es {
			if strings.Contains(e.Detail, "single sign-on") {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d sign_in entries (%v)", len(es), err)
	})
}
