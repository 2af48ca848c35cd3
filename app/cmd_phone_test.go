package app

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runPhoneForTest(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runPhone(args, Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestPhoneOneInputJSON(t *testing.T) {
	code, out, errs := runPhoneForTest(t, "", "--region", "TW", "--", "0936 123 456")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if strings.Count(out, "\n") != 1 {
		t.Fatalf("want one JSON line, got %q", out)
	}
	var got struct {
		E164              string `json:"e164"`
		National          string `json:"national"`
		International     string `json:"international"`
		Region            string `json:"region"`
		Type              string `json:"type"`
		Carrier           string `json:"carrier"`
		Valid             bool   `json:"valid"`
		SMSCapable        string `json:"sms_capable"`
		AppEntry          string `json:"app_entry"`
		AppEntryWithTrunk string `json:"app_entry_with_trunk"`
		Findings          []struct {
			Code, Severity, Message, Advice string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.E164 != "+886936123456" || got.National != "0936 123 456" || got.International != "+886 936 123 456" ||
		got.Region != "TW" || got.Type != "mobile" || !got.Valid || got.SMSCapable != "yes" ||
		got.AppEntry != "936123456" || got.AppEntryWithTrunk != "0936123456" || got.Carrier == "" {
		t.Errorf("unexpected diagnosis: %+v", got)
	}
	var codes []string
	for _, f := range got.Findings {
		codes = append(codes, f.Code)
		if f.Severity == "" || f.Message == "" || f.Advice == "" {
			t.Errorf("finding without words: %+v", f)
		}
	}
	if strings.Join(codes, ",") != "SEPARATORS,TRUNK_PREFIX,PORTING_POSSIBLE" {
		t.Errorf("findings %v", codes)
	}
}

func TestPhoneInputStartingWithPlus(t *testing.T) {
	code, out, _ := runPhoneForTest(t, "", "--region=TW", "--", "+886 0936-123-456")
	if code != exitOK || !strings.Contains(out, `"TRUNK_AFTER_COUNTRY_CODE"`) || !strings.Contains(out, `"+886936123456"`) {
		t.Errorf("exit %d: %s", code, out)
	}
}

func TestPhoneStdinJSONLines(t *testing.T) {
	in := "0936 123 456\r\n0936ABC456\n\n+44 7400 123456\n"
	code, out, errs := runPhoneForTest(t, in, "--region", "tw")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 JSON lines, got %d:\n%s", len(lines), out)
	}
	wants := []struct {
		input, e164, code string
	}{
		{"0936 123 456", "+886936123456", "TRUNK_PREFIX"},
		{"0936ABC456", "", "LETTERS"},
		{"", "", "EMPTY"},
		{"+44 7400 123456", "+447400123456", "OTHER_COUNTRY_CODE"},
	}
	for i, w := range wants {
		var d struct {
			Input    string `json:"input"`
			E164     string `json:"e164"`
			Findings []struct {
				Code string `json:"code"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &d); err != nil {
			t.Fatalf("line %d not JSON: %v", i, err)
		}
		has := false
		for _, f := range d.Findings {
			has = has || f.Code == w.code
		}
		if d.Input != w.input || d.E164 != w.e164 || !has {
			t.Errorf("line %d: %s", i, lines[i])
		}
	}
}

func TestPhoneText(t *testing.T) {
	code, out, _ := runPhoneForTest(t, "", "--region", "GB", "--format", "text", "056 1234 5678", "07911 123456")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"+445612345678", "VOIP", "Advice:", "+447911123456", "United Kingdom"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "{") {
		t.Errorf("text output looks like JSON:\n%s", out)
	}
}

func TestPhoneUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--bogus"},
		{"--region", "XQ", "0936"},
		{"--format", "xml", "0936"},
	} {
		code, out, errs := runPhoneForTest(t, "", args...)
		if code != exitUsage || out != "" || errs == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	code, out, _ := runPhoneForTest(t, "", "--help")
	if code != exitOK || !strings.Contains(out, "Usage: verifydesk phone") || !strings.Contains(out, "-region") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}

func TestPhoneNoRegion(t *testing.T) {
	code, out, _ := runPhoneForTest(t, "", "+886936123456")
	if code != exitOK || !strings.Contains(out, `"e164":"+886936123456"`) {
		t.Errorf("exit %d: %s", code, out)
	}
}
