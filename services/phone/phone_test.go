package phone

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// Finding code shorthands for the table.
const (
	sep   = CodeSeparators
	plus  = CodePlusSign
	cct   = CodeCountryCodeTyped
	trunk = CodeTrunkPrefix
	tacc  = CodeTrunkAfterCountryCode
	occ   = CodeOtherCountryCode
	vior  = CodeValidInOtherRegion
	short = CodeTooShort
	long  = CodeTooLong
	inval = CodeInvalidNumber
	voip  = CodeVoIP
	land  = CodeLandline
	notm  = CodeNotMobile
	mol   = CodeMobileOrLandline
	port  = CodePortingPossible
	wide  = CodeNonASCIIDigits
)

type tcase struct {
	region, raw string
	e164        string   // "" when the input must not give a number
	codes       []string // exact findings, in the diagnosis' order
	typ         string   // "" to skip
	sms         string   // "" to skip
}

// cases are written from the numbering plans (ITU-T E.164, the national
// regulators' plans) as encoded in libphonenumber's metadata, which is what
// the library judges with. Each group names its source.
var cases = []tcase{
	// Taiwan, NCC numbering plan: mobiles 09xx xxx xxx dialled 0 9xx nationally,
	// trunk prefix 0, international prefixes 002/005/006/007/009/019, portable.
	// The help page's "886 (area code) - 093613XXXX" is the legacy trunk-after-
	// code form.
	{"TW", "0936 123 456", "+886936123456", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"TW", "0936123456", "+886936123456", []string{trunk, port}, TypeMobile, SMSYes},
	{"TW", "936123456", "+886936123456", []string{port}, TypeMobile, SMSYes},
	{"TW", "0936-123-456", "+886936123456", []string{sep, trunk, port}, "", ""},
	{"TW", "+886 936 123 456", "+886936123456", []string{sep, plus, cct, port}, "", ""},
	{"TW", "+886936123456", "+886936123456", []string{plus, cct, port}, "", ""},
	{"TW", "+886 0936-123-456", "+886936123456", []string{sep, plus, cct, tacc, port}, "", ""},
	{"TW", "886936123456", "+886936123456", []string{cct, port}, "", ""},
	{"TW", "8860936123456", "+886936123456", []string{cct, tacc, port}, "", ""},
	{"TW", "002886936123456", "+886936123456", []string{cct, port}, "", ""},
	{"TW", "00886936123456", "+886936123456", []string{cct, port}, "", ""},
	{"TW", " 0936123456 ", "+886936123456", []string{sep, trunk, port}, "", ""},
	{"TW", "(0936) 123.456", "+886936123456", []string{sep, trunk, port}, "", ""},
	{"TW", "０９３６１２３４５６", "+886936123456", []string{wide, trunk, port}, "", ""},
	{"TW", "９３６１２３４５６", "+886936123456", []string{wide, port}, "", ""},
	{"TW", "＋８８６９３６１２３４５６", "+886936123456", []string{wide, plus, cct, port}, "", ""},
	{"tw", "0936123456", "+886936123456", []string{trunk, port}, "", ""},
	{"TW", "0936ABC456", "", []string{CodeLetters}, "", ""},
	{"TW", "O936123456", "", []string{CodeLetters}, "", ""},
	{"TW", "0936 123 456 ext 12", "", []string{CodeLetters, sep}, "", ""},
	{"TW", "(02) 2345 6789", "+886223456789", []string{sep, trunk, land}, TypeFixedLine, SMSNo},
	{"TW", "0800 123 456", "+886800123456", []string{sep, trunk, notm}, TypeTollFree, SMSNo},
	{"TW", "0936 123", "", []string{sep, short}, "", ""},
	{"TW", "09361234567890", "", []string{long}, "", ""},
	{"TW", "", "", []string{CodeEmpty}, "", ""},
	{"TW", "   ", "", []string{CodeEmpty}, "", ""},
	{"TW", "+", "", []string{CodeEmpty}, "", ""},
	{"TW", "+44 7400 123456", "+447400123456", []string{sep, plus, occ, port}, TypeMobile, SMSYes},
	{"TW", "447400123456", "+447400123456", []string{occ, port}, "", ""},
	{"TW", "07400 123456", "", []string{sep, long, vior}, "", ""},
	{"TW", "1234567890123456789012345678", "", []string{long}, "", ""},

	// United Kingdom, Ofcom National Telephone Numbering Plan: mobiles 07xxx
	// xxxxxx, 020 London, 056 VoIP (location-independent electronic
	// communications), 070 personal, 076 pagers, 080 freephone, 09 premium;
	// 07911 2... is allocated to Guernsey (GG) on +44.
	{"GB", "07911 123456", "+447911123456", []string{sep, trunk}, TypeMobile, SMSYes},
	{"GB", "07400 123456", "+447400123456", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"GB", "7400123456", "+447400123456", []string{port}, "", ""},
	{"GB", "+44 7400 123456", "+447400123456", []string{sep, plus, cct, port}, "", ""},
	{"GB", "+44 (0)7400 123456", "+447400123456", []string{sep, plus, cct, tacc, port}, "", ""},
	{"GB", "0044 7400 123456", "+447400123456", []string{sep, cct, port}, "", ""},
	{"GB", "447400123456", "+447400123456", []string{cct, port}, "", ""},
	{"GB", "056 1234 5678", "+445612345678", []string{sep, trunk, voip}, TypeVoIP, SMSNo},
	{"GB", "020 7946 0018", "+442079460018", []string{sep, trunk, land}, TypeFixedLine, SMSNo},
	{"GB", "0800 123 4567", "+448001234567", []string{sep, trunk, notm}, TypeTollFree, SMSNo},
	{"GB", "09011234567", "+449011234567", []string{trunk, notm}, TypePremiumRate, SMSNo},
	{"GB", "07012345678", "+447012345678", []string{trunk, notm}, TypePersonalNumber, SMSNo},
	{"GB", "07640123456", "+447640123456", []string{trunk, notm}, TypePager, SMSNo},
	{"GB", "07400 12345", "", []string{sep, short, vior}, "", ""},
	{"GB", "07400 1234567", "", []string{sep, long}, "", ""},
	{"GB", "0936123456", "", []string{short, vior}, "", ""},

	// United States / Canada, NANP (North American Numbering Plan
	// Administrator): NXX-NXX-XXXX, trunk prefix 1 (also the country code),
	// international prefix 011; mobile and landline numbers share ranges.
	{"US", "(650) 253-0000", "+16502530000", []string{sep, mol}, TypeFixedLineOrMobile, SMSUnknown},
	{"US", "6502530000", "+16502530000", []string{mol}, "", ""},
	{"US", "1 650 253 0000", "+16502530000", []string{sep, cct, mol}, "", ""},
	{"US", "16502530000", "+16502530000", []string{cct, mol}, "", ""},
	{"US", "+1 650-253-0000", "+16502530000", []string{sep, plus, cct, mol}, "", ""},
	{"US", "011 1 650 253 0000", "+16502530000", []string{sep, cct, mol}, "", ""},
	{"US", "650.253.0000", "+16502530000", []string{sep, mol}, "", ""},
	{"US", "253-0000", "", []string{sep, short}, "", ""},
	{"US", "650 253 000", "", []string{sep, short, vior}, "", ""},
	{"US", "800 253 0000", "+18002530000", []string{sep, notm}, TypeTollFree, SMSNo},
	{"US", "900 253 0000", "+19002530000", []string{sep, notm}, TypePremiumRate, SMSNo},
	{"US", "1-800-FLOWERS", "", []string{CodeLetters, sep}, "", ""},
	{"US", "+44 7400 123456", "+447400123456", []string{sep, plus, occ, port}, "", ""},
	{"US", "011 44 7400 123456", "+447400123456", []string{sep, occ, port}, "", ""},
	{"CA", "(416) 555-0123", "+14165550123", []string{sep, mol}, TypeFixedLineOrMobile, SMSUnknown},
	{"CA", "1 604 555 1234", "+16045551234", []string{sep, cct, mol}, "", ""},
	{"US", "604 555 1234", "+16045551234", []string{sep, mol}, "", ""},

	// Germany, BNetzA Nummernplan: mobiles 015x/016x/017x, trunk prefix 0,
	// 030 Berlin, 0800 free, portable.
	{"DE", "015123456789", "+4915123456789", []string{trunk, port}, TypeMobile, SMSYes},
	{"DE", "0151 2345 6789", "+4915123456789", []string{sep, trunk, port}, "", ""},
	{"DE", "+49 151 23456789", "+4915123456789", []string{sep, plus, cct, port}, "", ""},
	{"DE", "+49 (0)151 23456789", "+4915123456789", []string{sep, plus, cct, tacc, port}, "", ""},
	{"DE", "0049 151 23456789", "+4915123456789", []string{sep, cct, port}, "", ""},
	{"DE", "030 123456", "+4930123456", []string{sep, trunk, land}, TypeFixedLine, SMSNo},
	{"DE", "0800 1234567", "+498001234567", []string{sep, trunk, notm}, TypeTollFree, SMSNo},
	{"DE", "0151 234", "", []string{sep, short}, "", ""},

	// France, ARCEP plan: 06/07 mobiles, 01-05 geographic, 09 VoIP-capable
	// non-geographic (the library types it VoIP), trunk 0.
	{"FR", "06 12 34 56 78", "+33612345678", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"FR", "612345678", "+33612345678", []string{port}, "", ""},
	{"FR", "+33 6 12 34 56 78", "+33612345678", []string{sep, plus, cct, port}, "", ""},
	{"FR", "01 23 45 67 89", "+33123456789", []string{sep, trunk, land}, TypeFixedLine, SMSNo},
	{"FR", "09 12 34 56 78", "+33912345678", []string{sep, trunk, voip}, TypeVoIP, SMSNo},

	// Italy, AGCOM plan: landline numbers keep their leading 0 (06 Rome) even
	// from abroad (+39 06...), so there is no trunk prefix to strip; mobiles 3xx.
	{"IT", "06 1234 5678", "+390612345678", []string{sep, land}, TypeFixedLine, SMSNo},
	{"IT", "+39 06 1234 5678", "+390612345678", []string{sep, plus, cct, land}, "", ""},
	{"IT", "0039 06 1234 5678", "+390612345678", []string{sep, cct, land}, "", ""},
	{"IT", "312 345 6789", "+393123456789", []string{sep}, TypeMobile, SMSYes},
	{"IT", "+39 312 345 6789", "+393123456789", []string{sep, plus, cct}, "", ""},

	// Russia, Rossvyaz plan: trunk prefix 8 (not 0), international prefix 8~10
	// (typed 810), mobiles 9xx.
	{"RU", "8 912 345 67 89", "+79123456789", []string{sep, trunk}, TypeMobile, SMSYes},
	{"RU", "89123456789", "+79123456789", []string{trunk}, "", ""},
	{"RU", "9123456789", "+79123456789", []string{}, "", ""},
	{"RU", "+7 912 345-67-89", "+79123456789", []string{sep, plus, cct}, "", ""},
	{"RU", "7 912 345 67 89", "+79123456789", []string{sep, cct}, "", ""},
	{"RU", "8 495 123-45-67", "+74951234567", []string{sep, trunk, land}, TypeFixedLine, SMSNo},
	{"RU", "810 44 7400 123456", "+447400123456", []string{sep, occ, port}, "", ""},

	// Belarus (trunk 8, mobiles 029/033/044 after it) and Kazakhstan (+7, trunk
	// 8, mobiles 70x/747/77x), from the library's BY and KZ metadata.
	{"BY", "8 029 123 45 67", "+375291234567", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"BY", "+375 29 123 45 67", "+375291234567", []string{sep, plus, cct, port}, "", ""},
	{"KZ", "8 701 123 4567", "+77011234567", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"KZ", "+7 701 123 4567", "+77011234567", []string{sep, plus, cct, port}, "", ""},

	// Japan, MIC plan: 070/080/090 mobiles, 050 IP phones, 0120 free dial,
	// 03 Tokyo, trunk 0, international prefix 010.
	{"JP", "090-1234-5678", "+819012345678", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"JP", "050-1234-5678", "+815012345678", []string{sep, trunk, voip}, TypeVoIP, SMSNo},
	{"JP", "0120-123-456", "+81120123456", []string{sep, trunk, notm}, TypeTollFree, SMSNo},
	{"JP", "03-1234-5678", "+81312345678", []string{sep, trunk, land}, TypeFixedLine, SMSNo},
	{"JP", "010 886 936 123 456", "+886936123456", []string{sep, occ, port}, "", ""},

	// China, MIIT plan: 11-digit mobiles 1xx without trunk prefix, area codes
	// dialled with trunk 0 (010 Beijing).
	{"CN", "138 0013 8000", "+8613800138000", []string{sep}, TypeMobile, SMSYes},
	{"CN", "+86 138 0013 8000", "+8613800138000", []string{sep, plus, cct}, "", ""},
	{"CN", "010 1234 5678", "+861012345678", []string{sep, trunk, land}, TypeFixedLine, SMSNo},

	// Hong Kong (OFCA plan, 8 digits, no trunk prefix, mobiles 5/6/9) and
	// Singapore (IMDA plan, 8 digits, mobiles 8/9, landlines 6).
	{"HK", "5123 4567", "+85251234567", []string{sep, port}, TypeMobile, SMSYes},
	{"HK", "+852 5123 4567", "+85251234567", []string{sep, plus, cct, port}, "", ""},
	{"SG", "8123 4567", "+6581234567", []string{sep, port}, TypeMobile, SMSYes},
	{"SG", "6123 4567", "+6561234567", []string{sep, land}, TypeFixedLine, SMSNo},

	// Korea (MSIT plan: 010 mobiles, trunk 0), India (TRAI: 10-digit mobiles
	// 6-9, trunk 0), Australia (ACMA: 04 mobiles, trunk 0), New Zealand
	// (02x mobiles).
	{"KR", "010-1234-5678", "+821012345678", []string{sep, trunk}, TypeMobile, SMSYes},
	{"IN", "98765 43210", "+919876543210", []string{sep, port}, TypeMobile, SMSYes},
	{"IN", "098765 43210", "+919876543210", []string{sep, trunk, port}, "", ""},
	{"IN", "+91 98765 43210", "+919876543210", []string{sep, plus, cct, port}, "", ""},
	{"AU", "0412 345 678", "+61412345678", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"AU", "+61 412 345 678", "+61412345678", []string{sep, plus, cct, port}, "", ""},
	{"NZ", "021 123 4567", "+64211234567", []string{sep, trunk, port}, TypeMobile, SMSYes},

	// Brazil, Anatel plan: 2-digit area code + 9-digit mobile 9xxxx-xxxx; the
	// national prefix 0 comes with a carrier selection code (0 21 11 ...).
	{"BR", "(11) 91234-5678", "+5511912345678", []string{sep}, TypeMobile, SMSYes},
	{"BR", "0 21 11 91234 5678", "+5511912345678", []string{sep, trunk}, "", ""},
	{"BR", "+55 11 91234-5678", "+5511912345678", []string{sep, plus, cct}, "", ""},

	// Mexico (IFT plan since 2019: 10 digits, no 044/045/1; mobile and fixed
	// share ranges) and Argentina (CNC: trunk 0 + area code + 15 for mobiles,
	// internationally +54 9 + area code).
	{"MX", "55 1234 5678", "+525512345678", []string{sep, mol}, TypeFixedLineOrMobile, SMSUnknown},
	{"AR", "011 15 2345-6789", "+5491123456789", []string{sep, trunk}, TypeMobile, SMSYes},
	{"AR", "+54 9 11 2345-6789", "+5491123456789", []string{sep, plus, cct}, "", ""},

	// Spain (CNMC: 9 digits, no trunk prefix, mobiles 6/7, fixed 9), the
	// Netherlands (06 mobiles), Poland (9 digits, no trunk), Portugal (9x
	// mobiles, no trunk), Sweden (07x mobiles), Switzerland (07x mobiles),
	// Ireland (08x mobiles), Hungary (trunk prefix 06, not 0).
	{"ES", "612 345 678", "+34612345678", []string{sep, port}, TypeMobile, SMSYes},
	{"ES", "912 345 678", "+34912345678", []string{sep, land}, TypeFixedLine, SMSNo},
	{"NL", "06 12345678", "+31612345678", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"PL", "512 345 678", "+48512345678", []string{sep, port}, TypeMobile, SMSYes},
	{"PT", "912 345 678", "+351912345678", []string{sep, port}, TypeMobile, SMSYes},
	{"SE", "070-123 45 67", "+46701234567", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"CH", "078 123 45 67", "+41781234567", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"IE", "085 123 4567", "+353851234567", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"HU", "06 20 123 4567", "+36201234567", []string{sep, trunk, port}, TypeMobile, SMSYes},

	// Turkey (BTK: 05xx mobiles), South-East Asia (VN 09x, TH 08x, ID 08xx,
	// PH 09xx, MY 01x mobiles, all with trunk 0).
	{"TR", "0532 123 45 67", "+905321234567", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"VN", "091 234 56 78", "+84912345678", []string{sep, trunk}, TypeMobile, SMSYes},
	{"TH", "081 234 5678", "+66812345678", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"ID", "0812-3456-7890", "+6281234567890", []string{sep, trunk}, TypeMobile, SMSYes},
	{"PH", "0917 123 4567", "+639171234567", []string{sep, trunk}, TypeMobile, SMSYes},
	{"MY", "012-345 6789", "+60123456789", []string{sep, trunk, port}, TypeMobile, SMSYes},

	// Africa and the Middle East: South Africa (07x mobiles), Nigeria (080x),
	// Egypt (010x), Saudi Arabia and the UAE (05x), Ukraine (050), Côte
	// d'Ivoire's 10-digit plan of 2021 whose leading 0 is part of the number.
	{"ZA", "071 123 4567", "+27711234567", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"NG", "0802 123 4567", "+2348021234567", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"EG", "010 0123 4567", "+201001234567", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"SA", "050 123 4567", "+966501234567", []string{sep, trunk, port}, TypeMobile, SMSYes},
	{"AE", "050 123 4567", "+971501234567", []string{sep, trunk}, TypeMobile, SMSYes},
	{"UA", "050 123 4567", "+380501234567", []string{sep, trunk}, TypeMobile, SMSYes},
	{"CI", "01 23 45 67 89", "+2250123456789", []string{sep}, TypeMobile, SMSYes},
	{"EG", "٠١٠٠١٢٣٤٥٦٧", "+201001234567", []string{wide, trunk, port}, "", ""},
	{"IR", "۰۹۱۲ ۳۴۵ ۶۷۸۹", "+989123456789", []string{wide, sep, trunk, port}, TypeMobile, SMSYes},

	// Non-geographic +800 (ITU-T E.169.1 Universal International Freephone).
	{"GB", "+800 1234 5678", "+80012345678", []string{sep, plus, occ, notm}, TypeTollFree, SMSNo},

	// No country chosen: only a plus and a calling code can say where from.
	{"", "+886 936 123 456", "+886936123456", []string{sep, plus, port}, "", ""},
	{"", "0936123456", "", []string{inval}, "", ""},
	{"ZZ", "+44 7400 123456", "+447400123456", []string{sep, plus, port}, "", ""},
	{"TW", "+999 123 456", "", []string{sep, plus, inval}, "", ""},
	{"TW", "+0936123456", "+886936123456", []string{plus, trunk, port}, "", ""},
	{"JP", "+81 90-1234-5678", "+819012345678", []string{sep, plus, cct, port}, "", ""},
	{"KR", "+82 10-1234-5678", "+821012345678", []string{sep, plus, cct}, "", ""},
	{"DE", "+49 030 123456", "+4930123456", []string{sep, plus, cct, tacc, land}, "", ""},
	{"US", " +1 (650) 253-0000 ", "+16502530000", []string{sep, plus, cct, mol}, "", ""},
}

func TestDiagnoseTable(t *testing.T) {
	regions := map[string]bool{}
	for _, c := range cases {
		regions[strings.ToUpper(c.region)] = true
		d := Diagnose(c.region, c.raw)
		if d.E164 != c.e164 {
			t.Errorf("%s %q: e164 %q, want %q (findings %v)", c.region, c.raw, d.E164, c.e164, d.Codes())
		}
		got, want := slices.Sorted(slices.Values(d.Codes())), slices.Sorted(slices.Values(c.codes))
		if !slices.Equal(got, want) && !(len(c.codes) == 0 && len(d.Findings) == 0) {
			t.Errorf("%s %q: findings %v, want %v", c.region, c.raw, d.Codes(), c.codes)
		}
		// What stops a code comes first: errors, then warnings, then notes;
		// within one severity, what was typed before what the number is.
		for i := 1; i < len(d.Findings); i++ {
			a, b := d.Findings[i-1], d.Findings[i]
			if sa, sb := severityRank[a.Severity], severityRank[b.Severity]; sa > sb || (sa == sb && codeOrder[a.Code] > codeOrder[b.Code]) {
				t.Errorf("%s %q: findings %v: %s (%s) listed before %s (%s)", c.region, c.raw, d.Codes(), a.Code, a.Severity, b.Code, b.Severity)
			}
		}
		if c.typ != "" && d.Type != c.typ {
			t.Errorf("%s %q: type %q, want %q", c.region, c.raw, d.Type, c.typ)
		}
		if c.sms != "" && d.SMSCapable != c.sms {
			t.Errorf("%s %q: sms %q, want %q", c.region, c.raw, d.SMSCapable, c.sms)
		}
		if d.Valid != (c.e164 != "") {
			t.Errorf("%s %q: valid %v with e164 %q", c.region, c.raw, d.Valid, c.e164)
		}
		checkInvariants(t, d)
	}
	if len(cases) < 150 || len(regions) < 30 {
		t.Errorf("table has %d inputs over %d regions, want at least 150 over 30", len(cases), len(regions))
	}
}

// checkInvariants holds for every diagnosis, whatever the input.
func checkInvariants(t *testing.T, d Diagnosis) {
	t.Helper()
	if d.Findings == nil {
		t.Errorf("%q: nil findings", d.Input)
	}
	if d.Valid {
		if !strings.HasPrefix(d.E164, "+") || len(d.E164) < 4 || d.AppEntry == "" || d.Region == "" || d.Type == TypeUnknown {
			t.Errorf("%q: valid but e164 %q app %q region %q type %q", d.Input, d.E164, d.AppEntry, d.Region, d.Type)
		}
		if !strings.HasSuffix(d.E164, d.AppEntry) {
			t.Errorf("%q: app entry %q is not the end of %q", d.Input, d.AppEntry, d.E164)
		}
		if d.AppEntryWithTrunk != "" && !strings.HasSuffix(d.AppEntryWithTrunk, d.AppEntry) {
			t.Errorf("%q: trunk form %q does not end in %q", d.Input, d.AppEntryWithTrunk, d.AppEntry)
		}
		// The library agrees with the E.164 form.
		n, err := phonenumbers.Parse(d.E164, "")
		if err != nil || !phonenumbers.IsValidNumber(n) || phonenumbers.Format(n, phonenumbers.E164) != d.E164 {
			t.Errorf("%q: e164 %q is not what the library reads back", d.Input, d.E164)
		}
	} else if d.E164 != "" || d.AppEntry != "" || d.Carrier != "" {
		t.Errorf("%q: invalid but e164 %q app %q carrier %q", d.Input, d.E164, d.AppEntry, d.Carrier)
	}
	if d.Has(CodeLetters) && d.Valid {
		t.Errorf("%q: letters but a number %q", d.Input, d.E164)
	}
	seen := map[string]bool{}
	for _, f := range d.Findings {
		if seen[f.Code] {
			t.Errorf("%q: finding %s twice", d.Input, f.Code)
		}
		seen[f.Code] = true
		if _, ok := codeOrder[f.Code]; !ok {
			t.Errorf("%q: unknown code %q", d.Input, f.Code)
		}
		if f.Message == "" || f.Advice == "" {
			t.Errorf("%q: %s without words", d.Input, f.Code)
		}
		switch f.Severity {
		case SeverityError, SeverityWarning, SeverityInfo:
		default:
			t.Errorf("%q: %s severity %q", d.Input, f.Code, f.Severity)
		}
	}
	switch d.SMSCapable {
	case SMSYes, SMSNo, SMSUnknown:
	default:
		t.Errorf("%q: sms %q", d.Input, d.SMSCapable)
	}
}

func TestReadableGroupsWhatIsStored(t *testing.T) {
	for in, want := range map[string]string{
		"+886936123456":  "+886 936 123 456",
		"+8860936123456": "+886 0936 123 456", // stored with the trunk 0: kept
		"+447911123456":  "+44 7911 123456",
		"not a number":   "not a number",
		"":               "",
	} {
		if got := Readable(in); got != want {
			t.Errorf("Readable(%q) = %q, want %q", in, got, want)
		}
	}
}

// A diagnosis read back from JSON (a case's snapshot) gets its findings'
// texts back, to be said in any language; a masked one keeps its English.
func TestRewordAfterJSON(t *testing.T) {
	d := Diagnose("TW", "0936-123-456")
	if len(d.Findings) == 0 {
		t.Fatal("no findings to test with")
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back Diagnosis
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Findings[0].MessageText.Key != "" {
		t.Fatal("texts survived JSON: the test does not test Reword")
	}
	back.Reword()
	for i, f := range back.Findings {
		if !reflect.DeepEqual(f.MessageText, d.Findings[i].MessageText) || !reflect.DeepEqual(f.AdviceText, d.Findings[i].AdviceText) {
			t.Errorf("finding %s: texts not given back", f.Code)
		}
	}
	masked := Diagnosis{Input: "09** *** 456", InputRegion: "TW", Findings: []Finding{{Code: d.Findings[0].Code, Message: "masked words"}}}
	masked.Reword()
	if masked.Findings[0].MessageText.Key != "" {
		t.Error("a masked finding got texts that are not its words")
	}
}
