//go:build walkprobe

// The probe is built into the console only for the real-window test (build
// tag walkprobe): it tells the test where each button, entry and text is in
// the window, so the test clicks and types with real X input (xdotool) at
// the right place without depending on the pixel layout. Production builds
// do not contain it.

package app

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/screens"
)

func init() { startProbe = serveProbe }

// probeObject is one thing on screen, in window pixels.
type probeObject struct {
	Kind        string  `json:"kind"` // button, entry, select, check, label, text
	Text        string  `json:"text,omitempty"`
	Placeholder string  `json:"placeholder,omitempty"`
	Icon        string  `json:"icon,omitempty"`
	Disabled    bool    `json:"disabled,omitempty"`
	Focused     bool    `json:"focused,omitempty"`
	Checked     bool    `json:"checked,omitempty"`
	Overlay     int     `json:"overlay"` // 0: the window's content; n: the nth dialog or pop-up
	X           float32 `json:"x"`
	Y           float32 `json:"y"`
	W           float32 `json:"w"`
	H           float32 `json:"h"`
}

// serveProbe listens on $VERIFYDESK_PROBE (a loopback address) and prints
// "probe=ADDR" on stderr.
func serveProbe(c *console) {
	addr := os.Getenv("VERIFYDESK_PROBE")
	if addr == "" {
		return
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(c.std.Err, "probe:", err)
		return
	}
	fmt.Fprintf(c.std.Err, "probe=%s\n", ln.Addr())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /objects", func(w http.ResponseWriter, r *http.Request) {
		var out []probeObject
		// A request handler is a goroutine: DoAndWait is the right call here.
		fyne.DoAndWait(func() { out = collect(c.win) })
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("GET /uihold", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("reset") != "" {
			maxHold.Store(0) // from now: the window's own start is not a handler's hold
			screens.ResetUIHold()
		}
		own := screens.UIHold()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"max_ms":      maxHold.Load() / int64(time.Millisecond), // the heartbeat's bound, frames included
			"own_max_us":  own.Max.Microseconds(),                   // our own code in handlers and callbacks
			"own_p99_us":  own.P99.Microseconds(),
			"own_count":   own.Count,
			"own_longest": own.Longest,
		})
	})
	go heartbeat()
	go func() { _ = http.Serve(ln, mux) }()
}

// maxHold is the longest a heartbeat waited for the UI thread: an upper
// bound on how long any handler or fyne.Do callback held it (the wait also
// includes drawing a frame).
var maxHold atomic.Int64

// heartbeat asks the UI thread to run nothing every 5 ms and keeps the
// longest wait.
func heartbeat() {
	for {
		t0 := time.Now()
		fyne.DoAndWait(func() {})
		if d := int64(time.Since(t0)); d > maxHold.Load() {
			maxHold.Store(d)
		}
		time.Sleep(5 * time.Millisecond) // the heartbeat's period, not a wait for a condition
	}
}

// collect lists what the window shows, the content first and then each
// overlay (dialogs) on top. UI thread.
func collect(win fyne.Window) []probeObject {
	cv := win.Canvas()
	scale := cv.Scale()
	var out []probeObject
	focused := cv.Focused()
	var focusAt fyne.Position
	focusOverlay := 0
	var walk func(o fyne.CanvasObject, parent fyne.Position, overlay int)
	walk = func(o fyne.CanvasObject, parent fyne.Position, overlay int) {
		if o == nil || !o.Visible() {
			return
		}
		pos := parent.Add(o.Position())
		if f, ok := o.(fyne.Focusable); ok && focused != nil && f == focused {
			focusAt, focusOverlay = pos, overlay
		}
		add := func(p probeObject) {
			size := o.Size()
			p.Overlay = overlay
			p.X, p.Y, p.W, p.H = pos.X*scale, pos.Y*scale, size.Width*scale, size.Height*scale
			if f, ok := o.(fyne.Focusable); ok && focused != nil {
				p.Focused = f == focused
			}
			out = append(out, p)
		}
		if v, ok := screens.EntryOf(o); ok { // a plain entry, or a dialog's field
			p := probeObject{Kind: "entry", Placeholder: v.PlaceHolder, Disabled: v.Disabled()}
			if !v.Password {
				p.Text = v.Text // a password or code never leaves the console
			}
			add(p)
			return
		}
		switch v := o.(type) {
		case *widget.Button:
			p := probeObject{Kind: "button", Text: v.Text, Disabled: v.Disabled()}
			if v.Icon != nil {
				p.Icon = v.Icon.Name()
			}
			add(p)
			return
		case *widget.Select:
			add(probeObject{Kind: "select", Text: v.Selected, Placeholder: v.PlaceHolder, Disabled: v.Disabled()})
			return
		case *widget.Check:
			add(probeObject{Kind: "check", Text: v.Text, Checked: v.Checked, Disabled: v.Disabled()})
			return
		case *widget.Label:
			add(probeObject{Kind: "label", Text: v.Text})
			return
		case *canvas.Text:
			add(probeObject{Kind: "text", Text: v.Text})
			return
		case *fyne.Container:
			for _, child := range v.Objects {
				walk(child, pos, overlay)
			}
		case fyne.Widget:
			if r := test.WidgetRenderer(v); r != nil {
				for _, child := range r.Objects() {
					walk(child, pos, overlay)
				}
			}
		}
	}
	walk(cv.Content(), fyne.NewPos(0, 0), 0)
	for i, o := range cv.Overlays().List() {
		walk(o, fyne.NewPos(0, 0), i+1)
	}
	// Where the keyboard is, whatever widget has it (a table or a radio
	// group is not listed above): the walk's Tab presses wait for it to move.
	if focused != nil {
		out = append(out, probeObject{Kind: "focus", Text: fmt.Sprintf("%T", focused), Focused: true, Overlay: focusOverlay,
			X: focusAt.X * scale, Y: focusAt.Y * scale})
	}
	return out
}
