package screens

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/backend/backendtest"
)

// hostileTexts are what a hostile or broken backend can put in any text the
// console shows: names, device names, provider texts, notes, reasons.
var hostileTexts = map[string]string{
	"long":     strings.Repeat("Maria-José Fernández de la Cruz ", 320), // about 10,000 characters
	"no space": strings.Repeat("x", 300),
	"controls": "Lena\r\nFischer\x1b]0;owned\a\x00\x1b[2J",
	"rtl":      "\u202eRTL-gnp.exe",
	"isolate":  "+44 \u2066987\u2069 654 321",
}

// hostileKeys are the JSON fields of the contract that carry text for people.
var hostileKeys = map[string]bool{
	"name": true, "model": true, "device_name": true, "device_model": true, "reason": true,
	"text": true, "sender": true, "network_reached": true, "app": true, "phone_model": true,
}

// hostileBackend is the reference backend behind a proxy that puts evil in
// every text field of every JSON answer; ids and everything else stay as they
// are, so the console can still be driven.
func hostileBackend(t *testing.T, evil string) *httptest.Server {
	t.Helper()
	srv := backendtest.New(t)
	target, _ := url.Parse(srv.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(res *http.Response) error {
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			return nil
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		var v any
		if json.Unmarshal(b, &v) == nil {
			v = poison(v, evil)
			b, _ = json.Marshal(v)
		}
		res.Body = io.NopCloser(bytes.NewReader(b))
		res.ContentLength = int64(len(b))
		res.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	h := httptest.NewServer(rp)
	t.Cleanup(h.Close)
	return h
}

func poison(v any, evil string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && hostileKeys[k] && s != "" {
				x[k] = evil
				continue
			}
			x[k] = poison(e, evil)
		}
	case []any:
		for i := range x {
			x[i] = poison(x[i], evil)
		}
	}
	return v
}

// TestHostileTextsStayInTheWindow (hardening, points 7 and 9): long,
// control-character and right-to-left texts from the backend go through every
// label of every tab. The window's minimum width stays within 1280, and no
// text on screen holds a control character or a direction override.
func TestHostileTextsStayInTheWindow(t *testing.T) {
	for name, evil := range hostileTexts {
		t.Run(name, func(t *testing.T) {
			srv := hostileBackend(t, evil)
			u, w := newTestUI(t, srv)
			u.SubmitSignIn()
			if u.work == nil {
				t.Fatalf("not signed in:\n%s", screenText(w.Content()))
			}
			ws := u.work
			for _, q := range []string{"acc_1014", "acc_1005"} {
				search(t, u, "US", q)
				if ws.account == nil {
					t.Fatalf("%s not opened:\n%s", q, screenText(w.Content()))
				}
				for i := range ws.panels {
					ws.tabs.SelectIndex(i)
					selectFirstRow(ws.panels[i])
					check(t, fmt.Sprintf("%s, tab %s", q, ws.panels[i].title()), w)
				}
			}
			ws.showCases()
			check(t, "cases", w)
			ws.showAudit()
			check(t, "audit", w)
			test.Tap(ws.approvals.button)
			check(t, "requests", w)
		})
	}
}

// selectFirstRow selects the first row of the tab's table, so its detail
// pane shows the row's texts too.
func selectFirstRow(p panel) {
	if tbl := panelTable(p); tbl != nil {
		tbl.Select(widget.TableCellID{Row: 0, Col: 0})
	}
}

// panelTable is the tab's table, nil for a tab without one.
func panelTable(p panel) *dataTable {
	switch v := p.(type) {
	case *codesPanel:
		return v.table
	case *devicesPanel:
		return v.table
	case *activityPanel:
		return v.table
	case *phoneCheckPanel:
		return v.table
	}
	return nil
}

func check(t *testing.T, where string, w fyne.Window) {
	t.Helper()
	if mw := w.Content().MinSize().Width; mw > 1280 {
		t.Errorf("%s: the window needs %.0f wide, more than 1280", where, mw)
	}
	for _, s := range texts(w.Content()) {
		for _, r := range s {
			if (unicode.IsControl(r) && r != '\n' && r != '\t') || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Errorf("%s: %U on screen in %q", where, r, clip(s))
				break
			}
		}
	}
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
