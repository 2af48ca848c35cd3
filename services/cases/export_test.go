package cases_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
)

// demoPackage is the Taiwanese customer's case: the phone check holds the
// full number she typed, and so do the contact, a note and the escalation.
func demoPackage(t *testing.T) (cases.Package, cases.Evidence) {
	t.Helper()
	d := newDemo(t)
	ev := d.evidence(client.AccountQuery{Phone: "+886936123456"}, diag("TW", "0936 123 456"))
	cat, _ := cases.SuggestCategory(ev)
	steps := checklist(t, cat, ev)
	steps[0].State = cases.StateDone // the agent ticked one
	esc := cases.Escalation(ev)
	esc.Phone = "+886936123456" // revealed by the agent, typed into the field
	esc.Account = "meiling.chen@example.com"
	c := data.Case{ID: "case-tw-1", AccountID: ev.Account.ID, AgentID: "ag_ana", CustomerContact: "+886 936 123 456",
		Channel: "phone", Category: cat, Status: data.CaseEscalated, CreatedAt: d.now.Add(-time.Hour), UpdatedAt: d.now, Version: 3,
		Notes: []data.Note{
			{ID: "n1", AuthorID: "ag_ana", At: d.now.Add(-50 * time.Minute), Text: "Customer reads her number as 0936-123-456 | writes from meiling.chen@example.com."},
			{ID: "n2", AuthorID: "ag_ana", At: d.now.Add(-40 * time.Minute), Text: "Asked to try 936123456 without the 0; sender no-reply@email.tp-link.com."},
		}}
	p := cases.NewPackage(c, steps, esc, cases.NewSnapshot(ev))
	p.ExportedAt, p.ExportedBy = d.now, "ag_ana"
	shot, err := cases.NewAttachment("2fa-settings.png", pngBytes(t), d.now)
	if err != nil {
		t.Fatal(err)
	}
	p.Attachments = []cases.Attachment{shot}
	return p, ev
}

// withoutTexts is p without its phone findings' texts to be said in another
// language (MessageText, AdviceText): they are for the screen, not the JSON,
// whose English Message and Advice they repeat.
func withoutTexts(p cases.Package) cases.Package {
	if d := p.Snapshot.PhoneDiagnosis; d != nil {
		c := *d
		c.Findings = append(d.Findings[:0:0], d.Findings...)
		for i := range c.Findings {
			c.Findings[i].MessageText, c.Findings[i].AdviceText = i18n.Text{}, i18n.Text{}
		}
		p.Snapshot.PhoneDiagnosis = &c
	}
	return p
}

// fullForms are the ways the customer's number can be written in full.
var fullForms = []string{"936123456", "936 123 456", "0936-123-456", "+886936123456", "meiling.chen"}

func TestExportJSONRoundTrip(t *testing.T) {
	p, _ := demoPackage(t)
	b, err := cases.ExportJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fullForms {
		if bytes.Contains(b, []byte(f)) {
			t.Errorf("the masked JSON contains %q", f)
		}
	}
	got, err := cases.ImportJSON(b)
	if err != nil {
		t.Fatalf("ImportJSON: %v", err)
	}
	if want := withoutTexts(p.Masked()); !reflect.DeepEqual(got, want) {
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		t.Errorf("import(export(p)) != p.Masked()\n got %s\nwant %s", gb, wb)
	}
	// Masking is idempotent, so exporting the import gives the same bytes.
	again, err := cases.ExportJSON(got)
	if err != nil || !bytes.Equal(again, b) {
		t.Errorf("re-export differs (err %v)", err)
	}

	// Revealed in full, the package round-trips exactly.
	p.Revealed = []string{cases.RevealPhone, cases.RevealEmail}
	b, err = cases.ExportJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err = cases.ImportJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, withoutTexts(p)) {
		t.Error("a fully revealed package does not round-trip unchanged")
	}
	if !bytes.Contains(b, []byte(`"e164": "+886936123456"`)) || !bytes.Contains(b, []byte("meiling.chen@example.com")) {
		t.Error("revealed values are missing from the JSON")
	}
}

// The JSON field names are for tools: they must not drift.
func TestExportJSONFieldNames(t *testing.T) {
	p, _ := demoPackage(t)
	b, err := cases.ExportJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"format", "version", "exported_at", "exported_by", "case", "checklist", "escalation", "snapshot", "attachments", "revealed"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no top-level %q", k)
		}
	}
	step := m["checklist"].([]any)[1].(map[string]any)
	for _, k := range []string{"id", "text", "state", "finding", "reason", "sources"} {
		if _, ok := step[k]; !ok {
			t.Errorf("no checklist field %q in %v", k, step)
		}
	}
	esc := m["escalation"].(map[string]any)
	for _, k := range []string{"region", "phone", "app", "app_version", "phone_model", "os_version", "steps_tried", "account"} {
		if _, ok := esc[k]; !ok {
			t.Errorf("no escalation field %q", k)
		}
	}
	snap := m["snapshot"].(map[string]any)
	for _, k := range []string{"taken_at", "account", "deliveries", "rate_limits", "devices", "logins", "phone_diagnosis"} {
		if _, ok := snap[k]; !ok {
			t.Errorf("no snapshot field %q", k)
		}
	}
	login := snap["logins"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "at", "device_id", "ip", "outcome", "location", "distance_km", "new_country", "new_device", "impossible_travel"} {
		if _, ok := login[k]; !ok {
			t.Errorf("no login field %q", k)
		}
	}
}

func TestExportMarkdown(t *testing.T) {
	p, _ := demoPackage(t)
	md := string(cases.ExportMarkdown(p))
	for _, want := range []string{
		"# Case case-tw-1: Number needs, or must not have, the 0",
		"## Checklist", "## Escalation", "## Notes", "## Attachments", "## Snapshot",
		"### Account", "### Deliveries", "### Trusted devices", "### Login activity", "### Phone diagnosis", "### Send limits",
		"`trunk.other_form`", "| done |", "Likely cause: In the last 30 days",
		"`+886 9** *** 456`",         // the contact, masked the backend's way
		"`m***@example.com`",         // the revealed email, masked again
		"no-reply@email.tp-link.com", // the company's sender stays readable
		"Phone numbers and email addresses are masked.",
		"`2fa-settings.png`"[1 : len("`2fa-settings.png`")-1],
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}
	for _, s := range p.Checklist {
		if !strings.Contains(md, "`"+s.ID+"`") {
			t.Errorf("the Markdown lacks step %s", s.ID)
		}
	}
	for _, f := range fullForms {
		if strings.Contains(md, f) {
			t.Errorf("the masked Markdown contains %q", f)
		}
	}
	if strings.Contains(md, "0936 123 456") {
		t.Error("the typed number is in the Markdown")
	}
	// Every table row has as many cells as its header: a "|" in a note must not
	// split a cell.
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "writes from") {
			t.Errorf("a note landed in a table: %s", line)
		}
	}

	p.Revealed = []string{cases.RevealPhone}
	md = string(cases.ExportMarkdown(p))
	if !strings.Contains(md, "0936 123 456") || !strings.Contains(md, "phone") || strings.Contains(md, "meiling.chen") {
		t.Error("revealing the phone must show the typed number and still mask the email")
	}
}

// A cached or imported case rebuilds its checklist from its snapshot offline.
func TestSnapshotEvidence(t *testing.T) {
	p, ev := demoPackage(t)
	p.Revealed = []string{cases.RevealPhone, cases.RevealEmail}
	b, err := cases.ExportJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cases.ImportJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	again := got.Snapshot.Evidence()
	for _, cat := range cases.Categories() {
		a := checklist(t, cat.ID, ev)
		b := checklist(t, cat.ID, again)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: the checklist from the imported snapshot differs", cat.ID)
		}
	}
	if c1, _ := cases.SuggestCategory(ev); c1 != p.Case.Category {
		t.Errorf("category %s, want %s", c1, p.Case.Category)
	}
}

func TestMaskedIdempotent(t *testing.T) {
	p, _ := demoPackage(t)
	once := p.Masked()
	if twice := once.Masked(); !reflect.DeepEqual(once, twice) {
		t.Error("Masked is not idempotent")
	}
	if p.Escalation.Phone != "+886936123456" || p.Snapshot.PhoneDiagnosis.E164 != "+886936123456" {
		t.Error("Masked changed the package it was called on")
	}
}

func TestImportJSONErrors(t *testing.T) {
	p, _ := demoPackage(t)
	good, err := cases.ExportJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(change func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		b, _ := json.Marshal(m)
		return b
	}
	tests := []struct {
		name, want string
		in         []byte
	}{
		{"empty", "empty", nil},
		{"blank", "empty", []byte(" \n")},
		{"not JSON", "not JSON (line 2, column 3", []byte("{\n  x")},
		{"an array", "not a JSON object", []byte("[1,2]")},
		{"other JSON", "not a Verifydesk case package", []byte(`{"hello":"world"}`)},
		{"format not text", "not a Verifydesk case package", []byte(`{"format":7}`)},
		{"newer version", "newer Verifydesk", edit(func(m map[string]any) { m["version"] = 2 })},
		{"no version", "version is missing", edit(func(m map[string]any) { delete(m, "version") })},
		{"unknown field", `unknown field "colour"`, edit(func(m map[string]any) { m["colour"] = "red" })},
		{"wrong type", `"case.status"`, edit(func(m map[string]any) { m["case"].(map[string]any)["status"] = 5 })},
		{"bad time", "parsing time", edit(func(m map[string]any) { m["exported_at"] = "yesterday" })},
		{"no case id", "no usable id", edit(func(m map[string]any) { m["case"].(map[string]any)["id"] = "" })},
		{"unknown status", `status "closed"`, edit(func(m map[string]any) { m["case"].(map[string]any)["status"] = "closed" })},
		{"unknown category", `category "weather"`, edit(func(m map[string]any) { m["case"].(map[string]any)["category"] = "weather" })},
		{"unknown state", `state "maybe"`, edit(func(m map[string]any) { m["checklist"].([]any)[0].(map[string]any)["state"] = "maybe" })},
		{"unknown finding", `finding "guess"`, edit(func(m map[string]any) { m["checklist"].([]any)[0].(map[string]any)["finding"] = "guess" })},
		{"repeated step", "used twice", edit(func(m map[string]any) {
			l := m["checklist"].([]any)
			l[1].(map[string]any)["id"] = l[0].(map[string]any)["id"]
		})},
		{"unknown reveal", `revealed names "ip"`, edit(func(m map[string]any) { m["revealed"] = []any{"ip"} })},
		{"bad attachment", `unknown kind "video"`, edit(func(m map[string]any) { m["attachments"].([]any)[0].(map[string]any)["kind"] = "video" })},
		{"two packages", "more data after", append(append([]byte{}, good...), good...)},
		{"cut short", "cut short", good[:len(good)/2]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cases.ImportJSON(tt.in)
			if !errors.Is(err, cases.ErrBadPackage) {
				t.Fatalf("err = %v, want ErrBadPackage", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to mention %q", err, tt.want)
			}
		})
	}
	big := make([]byte, cases.MaxPackageSize+1)
	if _, err := cases.ImportJSON(big); !errors.Is(err, cases.ErrBadPackage) || !strings.Contains(err.Error(), "at most") {
		t.Errorf("oversized: %v", err)
	}
}

func TestStepsTriedAndApplyStates(t *testing.T) {
	steps := []cases.Step{
		{ID: "a.x", Text: "Check the signal.", State: cases.StateDone},
		{ID: "a.y", Text: "Wait 10 minutes.", State: cases.StateFailed},
		{ID: "a.z", Text: "Restart.", State: cases.StateTodo},
	}
	if got, want := cases.StepsTried(steps), "- Check the signal. (done)\n- Wait 10 minutes. (did not help)"; got != want {
		t.Errorf("StepsTried = %q, want %q", got, want)
	}
	cases.ApplyStates(steps, []data.ChecklistStep{{ID: "a.z", State: cases.StateSkipped}, {ID: "a.x", State: "bogus"}, {ID: "nope", State: cases.StateDone}})
	if steps[2].State != cases.StateSkipped || steps[0].State != cases.StateDone {
		t.Errorf("ApplyStates: %+v", steps)
	}
	if c := cases.ContractSteps(steps); len(c) != 3 || c[1] != (data.ChecklistStep{ID: "a.y", Text: "Wait 10 minutes.", State: cases.StateFailed}) {
		t.Errorf("ContractSteps = %+v", c)
	}
	if _, err := cases.NewChecklist("weather", cases.Evidence{}); !errors.Is(err, cases.ErrUnknownCategory) {
		t.Errorf("unknown category: %v", err)
	}
}

// The package is read by the escalation team in English whatever the
// agent's language: its words for the backend's codes are English too.
func TestExportMarkdownIsEnglishForAnyAgent(t *testing.T) {
	p, _ := demoPackage(t)
	want := string(cases.ExportMarkdown(p))
	i18n.Use(i18n.Russian)
	defer i18n.Use(i18n.English)
	if got := string(cases.ExportMarkdown(p)); got != want {
		t.Errorf("the export changed with the agent's language; it starts:\n%s", got[:min(len(got), 600)])
	}
}
