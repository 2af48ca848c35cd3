package app

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"verifydesk/data"
	"verifydesk/data/cache"
)

// TestCasesShowPrintsNoTerminalControls puts terminal control sequences where
// a cached case holds text from outside (a note, the app logs the customer
// sent, a checklist step, an attachment's name) and prints the case: what
// reaches the agent's terminal is text, never a sequence that retitles the
// window, clears the screen or hides lines.
func TestCasesShowPrintsNoTerminalControls(t *testing.T) {
	noSecretService()
	path := filepath.Join(t.TempDir(), "cache.db")
	c, err := cache.Open(path, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const evil = "\x1b]0;owned\x07\x1b[2J\x1b[1A\rforged line\u009b31m"
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	cs := data.Case{ID: "c-1", AccountID: "acc_1001", AgentID: "ag_ana", Channel: "phone", Category: "sms_never_arrives",
		Status: data.CaseOpen, CreatedAt: at, UpdatedAt: at, Version: 1,
		Checklist:  []data.ChecklistStep{{ID: "signal", Text: "Check signal" + evil, State: "todo"}},
		Escalation: data.Escalation{AppLogs: "app log" + evil, StepsTried: "العميل أعاد التشغيل"},
		Notes:      []data.Note{{ID: "n-1", AuthorID: "ag_ana", At: at, Text: "note" + evil}}}
	if err := c.PutCase(cache.CaseRecord{Case: cs}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddAttachment("c-1", "logs"+evil+".txt", []byte("plain text log\n")); err != nil {
		t.Logf("attachment refused: %v", err) // a name check of its own is fine too
	}
	c.Close()
	code, out, errOut := runSub(runCases, "show", "c-1", "--cache", path)
	if code != exitOK {
		t.Fatalf("show: %d %s", code, errOut)
	}
	for _, ctl := range []string{"\x1b", "\x07", "\u009b", "\r"} {
		if strings.Contains(out, ctl) {
			t.Errorf("cases show prints the control %q to the terminal:\n%q", ctl, out)
		}
	}
	if !strings.Contains(out, "العميل أعاد التشغيل") {
		t.Errorf("right-to-left text is lost:\n%s", out)
	}
}
