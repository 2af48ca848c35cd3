package phone

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestEveryPlanExampleNumbers checks every region's example numbers from the
// library's metadata, typed the three ways a customer would (the national
// format as printed in that country, the international format, and bare
// digits), so the diagnosis is right for every numbering plan and not only the
// ones in the table.
func TestEveryPlanExampleNumbers(t *testing.T) {
	types := []phonenumbers.PhoneNumberType{phonenumbers.MOBILE, phonenumbers.FIXED_LINE, phonenumbers.VOIP, phonenumbers.TOLL_FREE}
	checked := 0
	for _, r := range Regions() {
		for _, typ := range types {
			n := phonenumbers.GetExampleNumberForType(r.Code, typ)
			if n == nil || !phonenumbers.IsValidNumber(n) {
				continue
			}
			want := phonenumbers.Format(n, phonenumbers.E164)
			national := phonenumbers.Format(n, phonenumbers.NATIONAL)
			intl := phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
			nsn := phonenumbers.GetNationalSignificantNumber(n)
			region := phonenumbers.GetRegionCodeForNumber(n)

			for _, in := range []string{national, intl, nsn} {
				if back, err := phonenumbers.Parse(in, r.Code); err != nil || phonenumbers.Format(back, phonenumbers.E164) != want {
					// The library cannot read its own national format back
					// (Argentina's mobiles print as "09 15-..."): not a way
					// anyone types the number.
					continue
				}
				d := Diagnose(r.Code, in)
				checked++
				checkInvariants(t, d)
				if d.E164 != want {
					t.Errorf("%s %q: e164 %q, want %q (%v)", r.Code, in, d.E164, want, d.Codes())
					continue
				}
				if d.Has(CodeOtherCountryCode) || d.Has(CodeValidInOtherRegion) || d.Has(CodeTrunkAfterCountryCode) {
					t.Errorf("%s %q: unexpected %v", r.Code, in, d.Codes())
				}
				if in == intl && region == r.Code && (!d.Has(CodePlusSign) || !d.Has(CodeCountryCodeTyped)) {
					t.Errorf("%s %q: want PLUS_SIGN and COUNTRY_CODE_TYPED, got %v", r.Code, in, d.Codes())
				}
				if in == nsn && (d.Has(CodeTrunkPrefix) || d.Has(CodeSeparators)) {
					t.Errorf("%s %q: bare national number got %v", r.Code, in, d.Codes())
				}
				if d.AppEntry != nsn {
					t.Errorf("%s %q: app entry %q, want %q", r.Code, in, d.AppEntry, nsn)
				}
				if d.Type != typeName(phonenumbers.GetNumberType(n)) {
					t.Errorf("%s %q: type %q, want %q", r.Code, in, d.Type, typeName(phonenumbers.GetNumberType(n)))
				}
			}
			// The national format keeps the trunk prefix where the plan has one:
			// typed as printed, it is the trunk form.
			if p := lookupRegion(region); p != nil && p.prefix != "" {
				d := Diagnose(region, national)
				if nd := digitsOnly(national); strings.HasPrefix(nd, p.prefix) && nd == p.prefix+nsn {
					if !d.Has(CodeTrunkPrefix) && !(p.prefix == p.ccStr) {
						t.Errorf("%s %q: no TRUNK_PREFIX in %v", region, national, d.Codes())
					}
					if d.AppEntryWithTrunk != nd {
						t.Errorf("%s %q: trunk form %q, want %q", region, national, d.AppEntryWithTrunk, nd)
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d example inputs checked", checked)
	}
}

func TestDemoNumbers(t *testing.T) {
	for _, c := range []struct{ region, raw, e164, typ string }{
		{"TW", "0936 123 456", "+886936123456", TypeMobile},
		{"GB", "07911 123456", "+447911123456", TypeMobile},
		{"GB", "056 1234 5678", "+445612345678", TypeVoIP},
		{"DE", "015123456789", "+4915123456789", TypeMobile},
		{"US", "(650) 253-0000", "+16502530000", TypeFixedLineOrMobile},
	} {
		d := Diagnose(c.region, c.raw)
		if d.E164 != c.e164 || d.Type != c.typ {
			t.Errorf("%s %q: %s %s, want %s %s", c.region, c.raw, d.E164, d.Type, c.e164, c.typ)
		}
	}
	d := Diagnose("TW", "0936 123 456")
	if d.AppEntry != "936123456" || d.AppEntryWithTrunk != "0936123456" || d.National != "0936 123 456" || d.International != "+886 936 123 456" || d.Region != "TW" || d.SMSCapable != SMSYes {
		t.Errorf("TW demo: %+v", d)
	}
	if d.Worst() != SeverityWarning {
		t.Errorf("TW demo worst %q", d.Worst())
	}
	if v := Diagnose("GB", "056 1234 5678"); !v.Has(CodeVoIP) || v.Worst() != SeverityError || v.SMSCapable != SMSNo {
		t.Errorf("GB VoIP: %v %q %q", v.Codes(), v.Worst(), v.SMSCapable)
	}
	if c := Diagnose("TW", "936123456"); c.Worst() != SeverityInfo {
		t.Errorf("clean TW mobile worst %q (%v)", c.Worst(), c.Codes())
	}
	if c := Diagnose("CN", "13800138000"); c.Worst() != "" || len(c.Findings) != 0 {
		t.Errorf("clean CN mobile: %v", c.Codes())
	}
}

func TestValidInOtherRegionNamesTheRegion(t *testing.T) {
	d := Diagnose("TW", "07911 123456")
	f := finding(d, CodeValidInOtherRegion)
	if f == nil || len(f.Regions) != 1 || f.Regions[0] != "GG" {
		t.Fatalf("want VALID_IN_OTHER_REGION [GG], got %+v", d.Findings)
	}
	if !strings.Contains(f.Advice, "Guernsey (+44)") || !strings.Contains(f.Advice, "7911123456") {
		t.Errorf("advice does not say what to choose and type: %q", f.Advice)
	}
	o := finding(Diagnose("TW", "+44 7400 123456"), CodeOtherCountryCode)
	if o == nil || len(o.Regions) != 1 || o.Regions[0] != "GB" || !strings.Contains(o.Advice, "7400123456") {
		t.Errorf("OTHER_COUNTRY_CODE: %+v", o)
	}
}

func TestAdviceSaysWhatToType(t *testing.T) {
	d := Diagnose("TW", "+886 0936-123-456")
	for _, code := range []string{CodeCountryCodeTyped, CodeTrunkAfterCountryCode} {
		if f := finding(d, code); f == nil || !strings.Contains(f.Advice, "936123456") {
			t.Errorf("%s advice %+v", code, f)
		}
	}
	tr := finding(Diagnose("RU", "8 912 345 67 89"), CodeTrunkPrefix)
	if tr == nil || !strings.Contains(tr.Message, "8") || !strings.Contains(tr.Advice, "9123456789") {
		t.Errorf("RU trunk 8: %+v", tr)
	}
	l := finding(Diagnose("TW", "0936ABC456"), CodeLetters)
	if l == nil || !strings.Contains(l.Message, "ABC") {
		t.Errorf("letters: %+v", l)
	}
}

func TestTextForPeople(t *testing.T) {
	txt := Diagnose("TW", "+886 0936-123-456").Text()
	for _, want := range []string{"+886936123456", "Taiwan", "936123456", "0936123456", "TRUNK_AFTER_COUNTRY_CODE", "Advice:"} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q:\n%s", want, txt)
		}
	}
	if txt := Diagnose("TW", "0936ABC456").Text(); !strings.Contains(txt, "not a valid phone number") || !strings.Contains(txt, "LETTERS") {
		t.Errorf("letters text:\n%s", txt)
	}
	if txt := Diagnose("CN", "13800138000").Text(); !strings.Contains(txt, "Findings:    none") {
		t.Errorf("clean text:\n%s", txt)
	}
}

func TestJSONShape(t *testing.T) {
	b, err := json.Marshal(Diagnose("TW", "0936 123 456"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"input", "input_region", "e164", "national", "international", "region", "type", "carrier", "valid", "sms_capable", "app_entry", "app_entry_with_trunk", "findings"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	f := m["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"code", "severity", "message", "advice"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
	if b, _ := json.Marshal(Diagnose("TW", "936123456")); !strings.Contains(string(b), `"findings":[`) {
		t.Errorf("findings must be a list: %s", b)
	}
}

func TestRegions(t *testing.T) {
	rs := Regions()
	if len(rs) < 200 {
		t.Fatalf("only %d regions", len(rs))
	}
	byCode := map[string]RegionInfo{}
	for i, r := range rs {
		byCode[r.Code] = r
		if i > 0 && rs[i-1].Name > r.Name {
			t.Errorf("not sorted by name: %q before %q", rs[i-1].Name, r.Name)
		}
		if r.Code == "001" || r.CallingCode <= 0 || r.Name == "" {
			t.Errorf("bad entry %+v", r)
		}
	}
	for code, want := range map[string]RegionInfo{
		"TW": {"TW", "Taiwan", 886}, "GB": {"GB", "United Kingdom", 44}, "US": {"US", "United States", 1},
		"HK": {"HK", "Hong Kong", 852}, "KZ": {"KZ", "Kazakhstan", 7},
	} {
		if byCode[code] != want {
			t.Errorf("%s: %+v, want %+v", code, byCode[code], want)
		}
	}
	rs[0].Name = "changed"
	if Regions()[0].Name == "changed" {
		t.Error("Regions shares its slice with callers")
	}
	if RegionName("tw") != "Taiwan" || RegionName("QQ") != "QQ" {
		t.Errorf("RegionName: %q %q", RegionName("tw"), RegionName("QQ"))
	}
}

// TestConcurrent runs diagnoses from many goroutines over cold plans (the race
// detector checks the lazy per-plan data).
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range cases[i%4:] {
				Diagnose(c.region, c.raw)
			}
		}()
	}
	wg.Wait()
}

func finding(d Diagnosis, code string) *Finding {
	for i := range d.Findings {
		if d.Findings[i].Code == code {
			return &d.Findings[i]
		}
	}
	return nil
}
