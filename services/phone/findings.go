package phone

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Finding codes (SPEC section 6). They are stable: screens, tests and saved cases
// key on them.
const (
	CodeEmpty                 = "EMPTY"
	CodeLetters               = "LETTERS"
	CodeSeparators            = "SEPARATORS"
	CodePlusSign              = "PLUS_SIGN"
	CodeCountryCodeTyped      = "COUNTRY_CODE_TYPED"
	CodeTrunkPrefix           = "TRUNK_PREFIX"
	CodeTrunkAfterCountryCode = "TRUNK_AFTER_COUNTRY_CODE"
	CodeOtherCountryCode      = "OTHER_COUNTRY_CODE"
	CodeValidInOtherRegion    = "VALID_IN_OTHER_REGION"
	CodeTooShort              = "TOO_SHORT"
	CodeTooLong               = "TOO_LONG"
	CodeInvalidNumber         = "INVALID_NUMBER"
	CodeVoIP                  = "VOIP"
	CodeLandline              = "LANDLINE"
	CodeNotMobile             = "NOT_MOBILE"
	CodeMobileOrLandline      = "MOBILE_OR_LANDLINE"
	CodePortingPossible       = "PORTING_POSSIBLE"

	// CodeNonASCIIDigits is beyond SPEC section 6's list: full-width (CJK input
	// methods) or Arabic-Indic digits are read as 0-9 here, but the app's form
	// may reject them, so the agent is told.
	CodeNonASCIIDigits = "NON_ASCII_DIGITS"
)

// severityRank lists what stops a code first: an error above the screen's
// fold under two warnings was read last.
var severityRank = map[string]int{SeverityError: 0, SeverityWarning: 1, SeverityInfo: 2}

// codeOrder is the order findings of one severity are listed in: what was
// typed, then what the number is.
var codeOrder = map[string]int{
	CodeEmpty: 0, CodeLetters: 1, CodeNonASCIIDigits: 2, CodeSeparators: 3, CodePlusSign: 4,
	CodeCountryCodeTyped: 5, CodeOtherCountryCode: 6, CodeTrunkPrefix: 7, CodeTrunkAfterCountryCode: 8,
	CodeTooShort: 9, CodeTooLong: 10, CodeInvalidNumber: 11, CodeValidInOtherRegion: 12,
	CodeVoIP: 13, CodeLandline: 14, CodeNotMobile: 15, CodeMobileOrLandline: 16, CodePortingPossible: 17,
}

// findings collects the findings of one diagnosis.
type findings struct {
	picked *regionData
	list   []Finding
}

func (fs *findings) add(f Finding) { fs.list = append(fs.list, f) }

func (fs *findings) sorted() []Finding {
	if fs.list == nil {
		return []Finding{}
	}
	sort.SliceStable(fs.list, func(i, j int) bool {
		a, b := fs.list[i], fs.list[j]
		if sa, sb := severityRank[a.Severity], severityRank[b.Severity]; sa != sb {
			return sa < sb
		}
		return codeOrder[a.Code] < codeOrder[b.Code]
	})
	return fs.list
}

func (fs *findings) pickedName() string {
	if fs.picked == nil {
		return ""
	}
	return fs.picked.code
}

// entryFor is what to type for e in the app once its country is chosen.
func entryFor(e eval) string {
	if e.pn == nil {
		return e.nsn
	}
	return phonenumbers.GetNationalSignificantNumber(e.pn)
}

// reading adds the findings about how the number was typed.
func (fs *findings) reading(r reading) {
	entry := entryFor(r.e)
	numRegion := r.e.region
	if numRegion == "" {
		if p := getPlans().byCC[r.e.cc]; p != nil {
			numRegion = p.code
		}
	}
	if r.how != asNational && fs.picked != nil {
		// With no country chosen there is nothing to compare the code with;
		// PLUS_SIGN already says how to type it.
		same := fs.picked.cc == r.e.cc
		typed := fmt.Sprint(r.e.cc)
		lead := "The country code " + typed
		if r.how == withIDD {
			lead = "The international prefix " + r.idd + " and the country code " + typed
		}
		switch {
		case same:
			f := Finding{Code: CodeCountryCodeTyped, Severity: SeverityWarning,
				Message: fmt.Sprintf("%s (%s) %s typed in front of the number.", lead, planName(numRegion), wereWas(r.how)),
				Advice:  fmt.Sprintf("Choose %s in the country list and type the number without the country code: %s.", RegionLabel(numRegion), entry)}
			if !r.e.valid {
				f.Advice = fmt.Sprintf("Choose %s in the country list and type the number without the country code.", RegionLabel(numRegion))
			}
			fs.add(f)
		case r.e.valid:
			fs.add(Finding{Code: CodeOtherCountryCode, Severity: SeverityError,
				// A code can be shared (44: the UK, Guernsey, Jersey, the Isle of
				// Man): name the code's main country, then where the number is.
				Message: fmt.Sprintf("The number starts with %s, the country code of %s, not of %s; it is a valid %s number.",
					typed, planName(phonenumbers.GetRegionCodeForCountryCode(r.e.cc)), RegionLabel(fs.picked.code), planName(numRegion)),
				Advice:  fmt.Sprintf("Choose %s in the country list instead of %s and type %s.", RegionLabel(numRegion), planName(fs.picked.code), entry),
				Regions: []string{numRegion}})
		}
	}
	if r.trunk != "" {
		if r.how == asNational && fs.picked != nil && r.trunk == fs.picked.ccStr {
			// NANP: the trunk prefix 1 is also the country code, and a customer
			// typing "1 650..." means the country code.
			fs.add(Finding{Code: CodeCountryCodeTyped, Severity: SeverityWarning,
				Message: fmt.Sprintf("The country code %s (%s) was typed in front of the number.", r.trunk, planName(fs.picked.code)),
				Advice:  fmt.Sprintf("Choose %s in the country list and type the number without the %s: %s.", RegionLabel(fs.picked.code), r.trunk, entry)})
		} else {
			fs.add(Finding{Code: CodeTrunkPrefix, Severity: SeverityWarning,
				Message: fmt.Sprintf("The number starts with %s, the trunk prefix that is only dialled for calls inside %s.", r.trunk, planName(fs.pickedName())),
				Advice:  fmt.Sprintf("Type the number without the leading %s: %s. If codes still do not arrive, some networks need it: try %s%s.", r.trunk, entry, r.trunk, entry)})
		}
	}
	if r.trunkAfterCC != "" {
		fs.add(Finding{Code: CodeTrunkAfterCountryCode, Severity: SeverityWarning,
			Message: fmt.Sprintf("The trunk prefix %s was kept after the country code %d (an old way of writing the number, like +%d %s...).", r.trunkAfterCC, r.e.cc, r.e.cc, r.trunkAfterCC),
			Advice:  fmt.Sprintf("Type the number without the country code and without the %s: %s.", r.trunkAfterCC, entry)})
	}
}

func wereWas(h how) string {
	if h == withIDD {
		return "were"
	}
	return "was"
}

// invalid adds why the reading is not a number.
func (fs *findings) invalid(r reading) {
	plan := fs.pickedName()
	if r.how != asNational {
		if p := getPlans().byCC[r.e.cc]; p != nil {
			plan = p.code
		}
	}
	n := len(r.e.nsn)
	why := reason(r.e)
	if why == phonenumbers.INVALID_LENGTH || why == phonenumbers.IS_POSSIBLE {
		// A length some other kind of number has (a short landline, a
		// service number) is still too short or long for the mobile the
		// app needs.
		if p := getPlans().byRegion[plan]; p != nil {
			switch p.mobileLengthVerdict(n) {
			case -1:
				why = phonenumbers.TOO_SHORT
			case 1:
				why = phonenumbers.TOO_LONG
			}
		}
	}
	switch why {
	case phonenumbers.TOO_SHORT:
		fs.add(tooShortFinding(plan, n, false))
	case phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		fs.add(tooShortFinding(plan, n, true))
	case phonenumbers.TOO_LONG:
		fs.add(Finding{Code: CodeTooLong, Severity: SeverityError,
			Message: fmt.Sprintf("The number has too many digits for %s (%d without the country code and trunk prefix).", planName(plan), n),
			Advice:  "Read the number back digit by digit: a digit may be typed twice, or something was added at the end."})
	default:
		fs.add(Finding{Code: CodeInvalidNumber, Severity: SeverityError,
			Message: fmt.Sprintf("These digits are not a number in use in the %s numbering plan.", planName(plan)),
			Advice:  "Check the country the customer chose, then read the number back digit by digit."})
	}
}

func tooShortFinding(plan string, n int, local bool) Finding {
	f := Finding{Code: CodeTooShort, Severity: SeverityError,
		Message: fmt.Sprintf("The number has too few digits for %s (%d without the country code and trunk prefix).", planName(plan), n),
		Advice:  "Read the number back digit by digit: a digit is missing."}
	if local {
		f.Message = fmt.Sprintf("This looks like a local %s number without its area code.", planName(plan))
		f.Advice = "Ask for the whole number with its area code."
	}
	return f
}

func tooLongFinding(p *regionData, digits int) Finding {
	name := ""
	if p != nil {
		name = p.code
	}
	return Finding{Code: CodeTooLong, Severity: SeverityError,
		Message: fmt.Sprintf("The input has %d digits, more than any phone number in %s.", digits, planName(name)),
		Advice:  "Ask the customer to clear the field and type only their mobile number."}
}

// typeFindings adds what the type of a valid number means for SMS codes.
func (fs *findings) typeFindings(d *Diagnosis) {
	switch d.Type {
	case TypeMobile:
		if d.Carrier != "" && phonenumbers.IsMobileNumberPortableRegion(d.Region) {
			fs.add(Finding{Code: CodePortingPossible, Severity: SeverityInfo,
				Message: fmt.Sprintf("The number was first given to %s. In %s numbers can move to another network, so the customer's network may be different now.", d.Carrier, planName(d.Region)),
				Advice:  "If the customer moved the number to another network recently, SMS may take up to a day to work again; they can check with their carrier."})
		}
	case TypeFixedLineOrMobile:
		fs.add(Finding{Code: CodeMobileOrLandline, Severity: SeverityInfo,
			Message: fmt.Sprintf("In the %s numbering plan mobile and landline numbers look the same, so it cannot be told whether this number gets text messages.", planName(d.Region)),
			Advice:  "Ask whether this is a mobile phone. A landline cannot receive the code by SMS: use the email address instead."})
	case TypeFixedLine:
		fs.add(Finding{Code: CodeLandline, Severity: SeverityError,
			Message: "This is a landline number; it cannot receive text messages.",
			Advice:  "Ask for a mobile number, or sign up and verify with an email address instead."})
	case TypeVoIP:
		fs.add(Finding{Code: CodeVoIP, Severity: SeverityError,
			Message: "This is an internet (VoIP) number. The app does not accept VoIP numbers, for account security.",
			Advice:  "Ask for a number from a mobile network, or register with an email address instead."})
	case TypeUnknown:
	default:
		fs.add(Finding{Code: CodeNotMobile, Severity: SeverityError,
			Message: fmt.Sprintf("This is %s, not a mobile number; it cannot receive text messages.", TypeWords(d.Type)),
			Advice:  "Ask for a mobile number, or register with an email address instead."})
	}
}

func emptyFinding() Finding {
	return Finding{Code: CodeEmpty, Severity: SeverityError,
		Message: "No number was typed.",
		Advice:  "Ask the customer to type their mobile number, digits only."}
}

func lettersFinding(letters []rune) Finding {
	return Finding{Code: CodeLetters, Severity: SeverityError,
		Message: fmt.Sprintf("The number contains letters (%s), so it is not a phone number as typed.", string(letters)),
		Advice:  "Ask for the number again as digits only. Letters are not turned into digits here: a number written with letters is not the customer's own number, and a letter O is not a zero."}
}

func nonASCIIFinding() Finding {
	return Finding{Code: CodeNonASCIIDigits, Severity: SeverityWarning,
		Message: "Some digits (or the plus) are full-width or non-Latin characters, for example ０９３６. They were read as 0-9 here, but the app's form may not accept them.",
		Advice:  "Ask the customer to switch the keyboard to standard (half-width) digits and type the number again."}
}

func separatorsFinding(seps []rune) Finding {
	return Finding{Code: CodeSeparators, Severity: SeverityWarning,
		Message: fmt.Sprintf("The number contains %s.", describeSeparators(seps)),
		Advice:  "Type digits only, with no spaces before, between or after them: the app's form does not accept spaces, hyphens, brackets or dots."}
}

func plusFinding() Finding {
	return Finding{Code: CodePlusSign, Severity: SeverityWarning,
		Message: "The number starts with a plus sign (+).",
		Advice:  "Leave out the plus sign: choose the country in the list and type only the digits of the number."}
}

func noCountryFinding(p *regionData, plus bool) Finding {
	if plus {
		return Finding{Code: CodeInvalidNumber, Severity: SeverityError,
			Message: "No known country code follows the plus sign.",
			Advice:  "Leave out the plus sign, choose the country in the list and type the number without the country code."}
	}
	return Finding{Code: CodeInvalidNumber, Severity: SeverityError,
		Message: "No country was chosen, and the digits do not start with a country code.",
		Advice:  "Ask which country the number is from and choose it in the country list."}
}

// describeSeparators names the characters found: "spaces, hyphens and brackets".
func describeSeparators(seps []rune) string {
	var names []string
	seen := map[string]bool{}
	for _, r := range seps {
		var n string
		switch {
		case r == ' ' || r == '\u00A0' || r == '\u3000' || r == '\t':
			n = "spaces"
		case r == '-' || r == '\u2010' || r == '\u2011' || r == '\u2012' || r == '\u2013' || r == '\u2014' || r == '\u2212' || r == '\uFF0D':
			n = "hyphens"
		case strings.ContainsRune("()[]{}（）", r):
			n = "brackets"
		case r == '.' || r == '\u3002' || r == '\uFF0E':
			n = "dots"
		case r == '/' || r == '\\':
			n = "slashes"
		case r < ' ' || (r >= 0x7F && r < 0xA0) || r == '\uFFFD' || r == '\u200B' || r == '\u200E' || r == '\u200F' || r == '\u2060' || r == '\uFEFF' || r == '\u202A' || r == '\u202C':
			n = "invisible characters"
		case r == '+' || r == '\uFF0B':
			n = "a plus sign in the middle"
		default:
			n = fmt.Sprintf("%q", string(r))
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	switch len(names) {
	case 0:
		return "other characters"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// otherHit is a region where the digits are a valid mobile number.
type otherHit struct {
	region string
	entry  string
}

func otherRegionFinding(picked *regionData, hits []otherHit) Finding {
	regions := make([]string, len(hits))
	names := make([]string, len(hits))
	for i, h := range hits {
		regions[i] = h.region
		names[i] = planName(h.region)
	}
	var ways []string
	for i, h := range hits {
		if i == 3 {
			break
		}
		ways = append(ways, fmt.Sprintf("with %s chosen, type %s", RegionLabel(h.region), h.entry))
	}
	return Finding{Code: CodeValidInOtherRegion, Severity: SeverityError,
		Message: fmt.Sprintf("These digits are not a valid %s number, but they are a valid mobile number in %s.", planName(picked.code), joinOr(names)),
		Advice:  "Check which country the customer chose: " + strings.Join(ways, "; ") + ".",
		Regions: regions}
}

func joinOr(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
