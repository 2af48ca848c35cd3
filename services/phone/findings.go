package phone

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"verifydesk/services/i18n"
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

// newFinding is a finding whose Message and Advice are its texts in English
// (what InEnglish says: the English of the same translations).
func newFinding(code, severity string, message, advice i18n.Text) Finding {
	en := i18n.In(i18n.English)
	return Finding{Code: code, Severity: severity,
		Message: message.In(en), Advice: advice.In(en),
		MessageText: message, AdviceText: advice}
}

// The words a finding's text holds that are words themselves (a country, a
// number type, a list) are said in the language the text is shown in, not
// in English: each is an i18n.Localized, which i18n says in the text's
// language before it fills the template ({{.Country}} in every language).
// They are plain values, so two diagnoses of the same input are equal.

// place is a region a finding names: "Taiwan"; with label, as the country
// list shows it: "Taiwan (+886)".
type place struct {
	code  string
	label bool
}

func (p place) String() string { return p.In(i18n.English) }

// In is the region's name in lang.
func (p place) In(lang i18n.Language) string {
	if p.label {
		return RegionLabelIn(lang, p.code)
	}
	return planNameIn(lang, p.code)
}

// numberType is a number type in words: "a landline number".
type numberType string

func (t numberType) String() string { return t.In(i18n.English) }

// In is the type in words in lang.
func (t numberType) In(lang i18n.Language) string { return typeWords(i18n.In(lang), string(t)) }

// separators are the characters a number was typed with: "spaces, hyphens
// and brackets".
type separators []rune

func (s separators) String() string { return s.In(i18n.English) }

// In names the characters in lang.
func (s separators) In(lang i18n.Language) string { return describeSeparators(i18n.In(lang), s) }

// places are regions one of which is meant: "Guernsey, Jersey or United
// Kingdom".
type places []string

func (p places) String() string { return p.In(i18n.English) }

// In names the regions in lang.
func (p places) In(lang i18n.Language) string {
	names := make([]string, len(p))
	for i, r := range p {
		names[i] = planNameIn(lang, r)
	}
	return joinOr(i18n.In(lang), names)
}

// ways are what to type with each region chosen: "with Guernsey (+44)
// chosen, type 7911123456; with ...".
type ways []otherHit

func (w ways) String() string { return w.In(i18n.English) }

// In says the ways in lang.
func (w ways) In(lang i18n.Language) string {
	l := i18n.In(lang)
	var out []string
	for i, h := range w {
		if i == 3 {
			break
		}
		out = append(out, l.L("with {{.Country}} chosen, type {{.Entry}}",
			i18n.M{"Country": place{h.region, true}, "Entry": h.entry}))
	}
	sep := "; "
	if lang == i18n.ChineseTraditional || lang == i18n.ChineseSimplified {
		sep = "；"
	}
	return strings.Join(out, sep)
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
		switch {
		case same:
			msg := i18n.Msg("The country code {{.Code}} ({{.Country}}) was typed in front of the number.",
				i18n.M{"Code": typed, "Country": place{code: numRegion}})
			if r.how == withIDD {
				msg = i18n.Msg("The international prefix {{.Prefix}} and the country code {{.Code}} ({{.Country}}) were typed in front of the number.",
					i18n.M{"Prefix": r.idd, "Code": typed, "Country": place{code: numRegion}})
			}
			advice := i18n.Msg("Choose {{.Country}} in the country list and type the number without the country code: {{.Entry}}.",
				i18n.M{"Country": place{numRegion, true}, "Entry": entry})
			if !r.e.valid {
				advice = i18n.Msg("Choose {{.Country}} in the country list and type the number without the country code.",
					i18n.M{"Country": place{numRegion, true}})
			}
			fs.add(newFinding(CodeCountryCodeTyped, SeverityWarning, msg, advice))
		case r.e.valid:
			// A code can be shared (44: the UK, Guernsey, Jersey, the Isle of
			// Man): name the code's main country, then where the number is.
			f := newFinding(CodeOtherCountryCode, SeverityError,
				i18n.Msg("The number starts with {{.Code}}, the country code of {{.CodeCountry}}, not of {{.Chosen}}; it is a valid {{.Country}} number.",
					i18n.M{"Code": typed, "CodeCountry": place{code: phonenumbers.GetRegionCodeForCountryCode(r.e.cc)},
						"Chosen": place{fs.picked.code, true}, "Country": place{code: numRegion}}),
				i18n.Msg("Choose {{.Country}} in the country list instead of {{.Chosen}} and type {{.Entry}}.",
					i18n.M{"Country": place{numRegion, true}, "Chosen": place{code: fs.picked.code}, "Entry": entry}))
			f.Regions = []string{numRegion}
			fs.add(f)
		}
	}
	if r.trunk != "" {
		if r.how == asNational && fs.picked != nil && r.trunk == fs.picked.ccStr {
			// NANP: the trunk prefix 1 is also the country code, and a customer
			// typing "1 650..." means the country code.
			fs.add(newFinding(CodeCountryCodeTyped, SeverityWarning,
				i18n.Msg("The country code {{.Code}} ({{.Country}}) was typed in front of the number.",
					i18n.M{"Code": r.trunk, "Country": place{code: fs.picked.code}}),
				i18n.Msg("Choose {{.Country}} in the country list and type the number without the {{.Code}}: {{.Entry}}.",
					i18n.M{"Country": place{fs.picked.code, true}, "Code": r.trunk, "Entry": entry})))
		} else {
			fs.add(newFinding(CodeTrunkPrefix, SeverityWarning,
				i18n.Msg("The number starts with {{.Trunk}}, the trunk prefix that is only dialled for calls inside {{.Country}}.",
					i18n.M{"Trunk": r.trunk, "Country": place{code: fs.pickedName()}}),
				i18n.Msg("Type the number without the leading {{.Trunk}}: {{.Entry}}. If codes still do not arrive, some networks need it: try {{.Trunk}}{{.Entry}}.",
					i18n.M{"Trunk": r.trunk, "Entry": entry})))
		}
	}
	if r.trunkAfterCC != "" {
		fs.add(newFinding(CodeTrunkAfterCountryCode, SeverityWarning,
			i18n.Msg("The trunk prefix {{.Trunk}} was kept after the country code {{.Code}} (an old way of writing the number, like +{{.Code}} {{.Trunk}}...).",
				i18n.M{"Trunk": r.trunkAfterCC, "Code": r.e.cc}),
			i18n.Msg("Type the number without the country code and without the {{.Trunk}}: {{.Entry}}.",
				i18n.M{"Trunk": r.trunkAfterCC, "Entry": entry})))
	}
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
		fs.add(newFinding(CodeTooLong, SeverityError,
			i18n.Msg("The number has too many digits for {{.Country}} ({{.Digits}} without the country code and trunk prefix).",
				i18n.M{"Country": place{code: plan}, "Digits": n}),
			i18n.Msg("Read the number back digit by digit: a digit may be typed twice, or something was added at the end.")))
	default:
		fs.add(newFinding(CodeInvalidNumber, SeverityError,
			i18n.Msg("These digits are not a number in use in the {{.Country}} numbering plan.", i18n.M{"Country": place{code: plan}}),
			i18n.Msg("Check the country the customer chose, then read the number back digit by digit.")))
	}
}

func tooShortFinding(plan string, n int, local bool) Finding {
	if local {
		return newFinding(CodeTooShort, SeverityError,
			i18n.Msg("This looks like a local {{.Country}} number without its area code.", i18n.M{"Country": place{code: plan}}),
			i18n.Msg("Ask for the whole number with its area code."))
	}
	return newFinding(CodeTooShort, SeverityError,
		i18n.Msg("The number has too few digits for {{.Country}} ({{.Digits}} without the country code and trunk prefix).",
			i18n.M{"Country": place{code: plan}, "Digits": n}),
		i18n.Msg("Read the number back digit by digit: a digit is missing."))
}

func tooLongFinding(p *regionData, digits int) Finding {
	name := ""
	if p != nil {
		name = p.code
	}
	return newFinding(CodeTooLong, SeverityError,
		i18n.Msg("The input has {{.Digits}} digits, more than any phone number in {{.Country}}.",
			i18n.M{"Digits": digits, "Country": place{code: name}}),
		i18n.Msg("Ask the customer to clear the field and type only their mobile number."))
}

// typeFindings adds what the type of a valid number means for SMS codes.
func (fs *findings) typeFindings(d *Diagnosis) {
	switch d.Type {
	case TypeMobile:
		if d.Carrier != "" && phonenumbers.IsMobileNumberPortableRegion(d.Region) {
			fs.add(newFinding(CodePortingPossible, SeverityInfo,
				i18n.Msg("The number was first given to {{.Carrier}}. In {{.Country}} numbers can move to another network, so the customer's network may be different now.",
					i18n.M{"Carrier": d.Carrier, "Country": place{code: d.Region}}),
				i18n.Msg("If the customer moved the number to another network recently, SMS may take up to a day to work again; they can check with their carrier.")))
		}
	case TypeFixedLineOrMobile:
		fs.add(newFinding(CodeMobileOrLandline, SeverityInfo,
			i18n.Msg("In the {{.Country}} numbering plan mobile and landline numbers look the same, so it cannot be told whether this number gets text messages.",
				i18n.M{"Country": place{code: d.Region}}),
			i18n.Msg("Ask whether this is a mobile phone. A landline cannot receive the code by SMS: use the email address instead.")))
	case TypeFixedLine:
		fs.add(newFinding(CodeLandline, SeverityError,
			i18n.Msg("This is a landline number; it cannot receive text messages."),
			i18n.Msg("Ask for a mobile number, or sign up and verify with an email address instead.")))
	case TypeVoIP:
		fs.add(newFinding(CodeVoIP, SeverityError,
			i18n.Msg("This is an internet (VoIP) number. The app does not accept VoIP numbers, for account security."),
			i18n.Msg("Ask for a number from a mobile network, or register with an email address instead.")))
	case TypeUnknown:
	default:
		fs.add(newFinding(CodeNotMobile, SeverityError,
			i18n.Msg("This is {{.Type}}, not a mobile number; it cannot receive text messages.", i18n.M{"Type": numberType(d.Type)}),
			i18n.Msg("Ask for a mobile number, or register with an email address instead.")))
	}
}

func emptyFinding() Finding {
	return newFinding(CodeEmpty, SeverityError,
		i18n.Msg("No number was typed."),
		i18n.Msg("Ask the customer to type their mobile number, digits only."))
}

func lettersFinding(letters []rune) Finding {
	return newFinding(CodeLetters, SeverityError,
		i18n.Msg("The number contains letters ({{.Letters}}), so it is not a phone number as typed.", i18n.M{"Letters": string(letters)}),
		i18n.Msg("Ask for the number again as digits only. Letters are not turned into digits here: a number written with letters is not the customer's own number, and a letter O is not a zero."))
}

func nonASCIIFinding() Finding {
	return newFinding(CodeNonASCIIDigits, SeverityWarning,
		i18n.Msg("Some digits (or the plus) are full-width or non-Latin characters, for example ０９３６. They were read as 0-9 here, but the app's form may not accept them."),
		i18n.Msg("Ask the customer to switch the keyboard to standard (half-width) digits and type the number again."))
}

func separatorsFinding(seps []rune) Finding {
	return newFinding(CodeSeparators, SeverityWarning,
		i18n.Msg("The number contains {{.Characters}}.", i18n.M{"Characters": separators(seps)}),
		i18n.Msg("Type digits only, with no spaces before, between or after them: the app's form does not accept spaces, hyphens, brackets or dots."))
}

func plusFinding() Finding {
	return newFinding(CodePlusSign, SeverityWarning,
		i18n.Msg("The number starts with a plus sign (+)."),
		i18n.Msg("Leave out the plus sign: choose the country in the list and type only the digits of the number."))
}

func noCountryFinding(p *regionData, plus bool) Finding {
	if plus {
		return newFinding(CodeInvalidNumber, SeverityError,
			i18n.Msg("No known country code follows the plus sign."),
			i18n.Msg("Leave out the plus sign, choose the country in the list and type the number without the country code."))
	}
	return newFinding(CodeInvalidNumber, SeverityError,
		i18n.Msg("No country was chosen, and the digits do not start with a country code."),
		i18n.Msg("Ask which country the number is from and choose it in the country list."))
}

// Kinds of separators, in describeSeparators' words.
const (
	sepSpaces = iota
	sepHyphens
	sepBrackets
	sepDots
	sepSlashes
	sepInvisible
	sepPlus
	sepOther
)

// describeSeparators names the characters found, in l's language: "spaces,
// hyphens and brackets".
func describeSeparators(l *i18n.Localizer, seps []rune) string {
	var names []string
	seen := map[string]bool{}
	for _, r := range seps {
		kind := sepOther
		switch {
		case r == ' ' || r == '\u00A0' || r == '\u3000' || r == '\t':
			kind = sepSpaces
		case r == '-' || r == '\u2010' || r == '\u2011' || r == '\u2012' || r == '\u2013' || r == '\u2014' || r == '\u2212' || r == '\uFF0D':
			kind = sepHyphens
		case strings.ContainsRune("()[]{}（）", r):
			kind = sepBrackets
		case r == '.' || r == '\u3002' || r == '\uFF0E':
			kind = sepDots
		case r == '/' || r == '\\':
			kind = sepSlashes
		case r < ' ' || (r >= 0x7F && r < 0xA0) || r == '\uFFFD' || r == '\u200B' || r == '\u200E' || r == '\u200F' || r == '\u2060' || r == '\uFEFF' || r == '\u202A' || r == '\u202C':
			kind = sepInvisible
		case r == '+' || r == '\uFF0B':
			kind = sepPlus
		}
		n := separatorName(l, kind, r)
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	switch len(names) {
	case 0:
		return l.X("phone.separators.other", "other characters")
	case 1:
		return names[0]
	}
	return l.X("phone.list.and", "{{.Items}} and {{.Last}}", i18n.M{"Items": strings.Join(names[:len(names)-1], i18n.ListSeparator(l.Language())), "Last": names[len(names)-1]})
}

func separatorName(l *i18n.Localizer, kind int, r rune) string {
	switch kind {
	case sepSpaces:
		return l.X("phone.separators.spaces", "spaces")
	case sepHyphens:
		return l.X("phone.separators.hyphens", "hyphens")
	case sepBrackets:
		return l.X("phone.separators.brackets", "brackets")
	case sepDots:
		return l.X("phone.separators.dots", "dots")
	case sepSlashes:
		return l.X("phone.separators.slashes", "slashes")
	case sepInvisible:
		return l.X("phone.separators.invisible", "invisible characters")
	case sepPlus:
		return l.X("phone.separators.plus", "a plus sign in the middle")
	}
	return fmt.Sprintf("%q", string(r))
}

// otherHit is a region where the digits are a valid mobile number.
type otherHit struct {
	region string
	entry  string
}

func otherRegionFinding(picked *regionData, hits []otherHit) Finding {
	regions := make([]string, len(hits))
	for i, h := range hits {
		regions[i] = h.region
	}
	f := newFinding(CodeValidInOtherRegion, SeverityError,
		i18n.Msg("These digits are not a valid {{.Chosen}} number, but they are a valid mobile number in {{.Countries}}.",
			i18n.M{"Chosen": place{code: picked.code}, "Countries": places(regions)}),
		i18n.Msg("Check which country the customer chose: {{.Ways}}.", i18n.M{"Ways": ways(hits)}))
	f.Regions = regions
	return f
}

// joinOr joins names with "or" in l's language: "A, B or C".
func joinOr(l *i18n.Localizer, names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return l.X("phone.list.or", "{{.Items}} or {{.Last}}", i18n.M{"Items": strings.Join(names[:len(names)-1], i18n.ListSeparator(l.Language())), "Last": names[len(names)-1]})
}
