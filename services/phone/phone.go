// Package phone diagnoses a phone number exactly as a customer typed it into the
// app's sign-in form: the country they picked and the raw text. It says what the
// number is (E.164, national and international forms, type, original carrier,
// whether it can get an SMS), what is wrong with what was typed, and what to type
// instead, in words an agent can read out on a call.
//
// The rules come from the numbering plans in github.com/nyaruka/phonenumbers
// (Google's libphonenumber metadata): trunk prefixes, international prefixes,
// possible lengths and number types are never hard-coded per country here. What
// the app's form accepts (digits only, no country code, no plus, no trunk 0, no
// VoIP) comes from the customer help pages in ../shared/seeds.
//
// The package does no I/O and never imports Fyne; Diagnose is pure, fast enough to
// run on every keystroke and safe for concurrent use.
package phone

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"verifydesk/services/i18n"
)

// Severities of a finding, worst first.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// SMS capability of a number.
const (
	SMSYes     = "yes"
	SMSNo      = "no"
	SMSUnknown = "unknown"
)

// Number types, as Diagnosis.Type spells them.
const (
	TypeMobile            = "mobile"
	TypeFixedLine         = "fixed_line"
	TypeFixedLineOrMobile = "fixed_line_or_mobile"
	TypeVoIP              = "voip"
	TypeTollFree          = "toll_free"
	TypePremiumRate       = "premium_rate"
	TypeSharedCost        = "shared_cost"
	TypePersonalNumber    = "personal_number"
	TypePager             = "pager"
	TypeUAN               = "uan"
	TypeVoicemail         = "voicemail"
	TypeUnknown           = "unknown"
)

// Finding is one thing worth telling the agent about the input.
type Finding struct {
	Code     string `json:"code"`     // one of the Code constants, stable
	Severity string `json:"severity"` // error, warning or info
	Message  string `json:"message"`  // what is wrong, in plain words, in English
	Advice   string `json:"advice"`   // what to tell the customer to do, in English
	// Regions lists the regions a VALID_IN_OTHER_REGION or OTHER_COUNTRY_CODE
	// finding points at.
	Regions []string `json:"regions,omitempty"`

	// MessageText and AdviceText are Message and Advice to be said in a
	// language chosen when shown: the agent's (String), or the customer's
	// for the advice the agent reads out (In). Message and Advice are their
	// English. A finding read back from JSON has none (Reword gives them
	// back); without them MessageIn and AdviceIn fall back to the English.
	MessageText i18n.Text `json:"-"`
	AdviceText  i18n.Text `json:"-"`
}

// MessageIn is the finding's message in l's language; i18n.Agent() for the
// agent's.
func (f Finding) MessageIn(l *i18n.Localizer) string {
	if f.MessageText.Key == "" {
		return f.Message
	}
	return f.MessageText.In(l)
}

// AdviceIn is the finding's advice in l's language: the customer's, when
// the agent reads it out.
func (f Finding) AdviceIn(l *i18n.Localizer) string {
	if f.AdviceText.Key == "" {
		return f.Advice
	}
	return f.AdviceText.In(l)
}

// Reword gives the findings of a diagnosis read back from JSON (a case's
// snapshot) their texts again, by diagnosing the same input: a finding whose
// English is as it was gets the texts of the same finding now. A masked
// diagnosis (its input and words changed) keeps its English.
func (d *Diagnosis) Reword() {
	if d == nil || d.Input == "" {
		return
	}
	fresh := Diagnose(d.InputRegion, d.Input)
	for i, f := range d.Findings {
		for _, g := range fresh.Findings {
			if f.MessageText.Key == "" && g.Code == f.Code && g.Message == f.Message && g.Advice == f.Advice {
				d.Findings[i].MessageText, d.Findings[i].AdviceText = g.MessageText, g.AdviceText
				break
			}
		}
	}
}

// Diagnosis is everything Diagnose found out about one input.
//
// The number forms (E164, National, International, AppEntry, AppEntryWithTrunk),
// Region and Carrier are only set when Valid: an invalid number has no E.164 that
// could honestly be searched for or sent to.
type Diagnosis struct {
	Input       string `json:"input"`        // exactly what was typed
	InputRegion string `json:"input_region"` // the region the customer picked, upper case

	E164          string `json:"e164"`          // +886936123456
	National      string `json:"national"`      // 0936 123 456
	International string `json:"international"` // +886 936 123 456

	Region     string `json:"region"`      // region of the number, may differ from InputRegion
	Type       string `json:"type"`        // one of the Type constants
	Carrier    string `json:"carrier"`     // original carrier from the plan, "" when unknown
	Valid      bool   `json:"valid"`       // the number exists in its plan
	SMSCapable string `json:"sms_capable"` // yes, no or unknown

	// AppEntry is what to type in the app's form once the country is chosen:
	// the national significant number, digits only, no country code, no trunk
	// prefix (Italian landlines keep their 0: it is part of the number).
	AppEntry string `json:"app_entry"`
	// AppEntryWithTrunk is AppEntry with the plan's national (trunk) prefix in
	// front ("0936123456"), for the networks that want it; "" when the plan has
	// no trunk prefix.
	AppEntryWithTrunk string `json:"app_entry_with_trunk"`

	Findings []Finding `json:"findings"` // errors first, then warnings, then notes (codeOrder within each); never nil
}

// Has reports whether the diagnosis has a finding with this code.
func (d Diagnosis) Has(code string) bool {
	for _, f := range d.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Worst is the highest severity among the findings (error, warning, info), or ""
// when there are none.
func (d Diagnosis) Worst() string {
	worst := ""
	for _, f := range d.Findings {
		switch f.Severity {
		case SeverityError:
			return SeverityError
		case SeverityWarning:
			worst = SeverityWarning
		case SeverityInfo:
			if worst == "" {
				worst = SeverityInfo
			}
		}
	}
	return worst
}

// Codes lists the finding codes in order, for logs and tests.
func (d Diagnosis) Codes() []string {
	out := make([]string, len(d.Findings))
	for i, f := range d.Findings {
		out[i] = f.Code
	}
	return out
}

// eval is one interpretation of the digits: a calling code and a national
// significant number, judged by the library.
type eval struct {
	cc     int
	nsn    string
	pn     *phonenumbers.PhoneNumber
	typ    phonenumbers.PhoneNumberType
	valid  bool
	region string
}

// evaluate asks the library whether cc+nsn is a number. It builds the
// PhoneNumber directly instead of calling Parse: the digits are already clean, and
// Parse would redo the separator, IDD and trunk handling this package has done
// with more detail (and spend most of the time budget doing it).
func evaluate(cc int, nsn string) eval {
	e := eval{cc: cc, nsn: nsn, typ: phonenumbers.UNKNOWN}
	if nsn == "" || len(nsn) > 17 { // 17 is the library's MAX_LENGTH_FOR_NSN
		return e
	}
	v, err := strconv.ParseUint(nsn, 10, 64)
	if err != nil {
		return e
	}
	cc32 := int32(cc)
	e.pn = &phonenumbers.PhoneNumber{CountryCode: &cc32, NationalNumber: &v}
	if len(nsn) > 1 && nsn[0] == '0' {
		// Leading zeros that are part of the number (Italy, Côte d'Ivoire...), as
		// the library's own parser records them.
		t := true
		e.pn.ItalianLeadingZero = &t
		z := 1
		for z < len(nsn)-1 && nsn[z] == '0' {
			z++
		}
		if z != 1 {
			z32 := int32(z)
			e.pn.NumberOfLeadingZeros = &z32
		}
	}
	e.typ = phonenumbers.GetNumberType(e.pn)
	e.valid = e.typ != phonenumbers.UNKNOWN
	if e.valid {
		e.region = phonenumbers.GetRegionCodeForNumber(e.pn)
	}
	return e
}

// how says how the calling code of an interpretation was found.
type how int

const (
	asNational how = iota // no calling code typed: the picked region's
	withPlus              // "+886 ..."
	withIDD               // "00 886 ..." (the picked region's international prefix)
	ccNoPlus              // "886 ..." without plus or prefix
)

// reading is the interpretation Diagnose settles on.
type reading struct {
	e            eval
	how          how
	idd          string // the international prefix typed, for withIDD
	trunk        string // trunk prefix typed before a national number, "" if none
	trunkAfterCC string // trunk prefix typed after the calling code, "" if none
}

// Diagnose diagnoses raw, exactly as typed, with region the country the customer
// picked in the app (ISO 3166-1 alpha-2, any case; "" or unknown when none).
// It never panics and is safe for concurrent use.
func Diagnose(region, raw string) (d Diagnosis) {
	d.Input = raw
	d.InputRegion = strings.ToUpper(strings.TrimSpace(region))
	d.Type = TypeUnknown
	d.SMSCapable = SMSUnknown
	defer func() {
		// The library's metadata patterns are outside this package's control; a
		// bug there must cost one diagnosis, not the agent's console.
		if r := recover(); r != nil {
			d = Diagnosis{Input: raw, InputRegion: d.InputRegion, Type: TypeUnknown, SMSCapable: SMSUnknown}
			d.Findings = []Finding{newFinding(CodeInvalidNumber, SeverityError,
				i18n.Msg("This number could not be checked."),
				i18n.Msg("Read the number back to the customer digit by digit and check the country."))}
		}
	}()
	picked := lookupRegion(d.InputRegion)
	l := lex(raw)
	var fs findings
	fs.picked = picked
	if l.nonASCII {
		fs.add(nonASCIIFinding())
	}
	if len(l.seps) > 0 {
		fs.add(separatorsFinding(l.seps))
	}
	if l.plus {
		fs.add(plusFinding())
	}
	switch {
	case len(l.letters) > 0:
		fs.add(lettersFinding(l.letters))
		d.Findings = fs.sorted()
		return d
	case l.total == 0:
		// Blanks or a lone plus: there is no number to comment on yet.
		d.Findings = []Finding{emptyFinding()}
		return d
	case l.total > maxDigits:
		fs.add(tooLongFinding(picked, l.total))
		d.Findings = fs.sorted()
		return d
	}
	digits := string(l.digits[:l.n])

	r, ok := read(picked, digits, l.plus)
	if !ok {
		// No calling code after the plus, or no region to read a national
		// number in.
		fs.add(noCountryFinding(picked, l.plus))
		d.Findings = fs.sorted()
		return d
	}
	if !r.e.valid {
		// A trunk prefix only matters once the number is right; the reading's
		// other findings (plus, country code) still stand.
		r.trunk, r.trunkAfterCC = "", ""
	}
	fs.reading(r)
	if !r.e.valid {
		fs.invalid(r)
		if r.how == asNational && picked != nil {
			if hits := otherRegions(picked, digits); len(hits) > 0 {
				fs.add(otherRegionFinding(picked, hits))
			}
		}
		d.Findings = fs.sorted()
		return d
	}
	d.fill(r.e)
	fs.typeFindings(&d)
	d.Findings = fs.sorted()
	return d
}

// read picks the interpretation of digits: the one the library calls valid,
// trying the readings a customer's typing can mean in order of likelihood.
// ok is false when there is nothing to read digits against.
func read(picked *regionData, digits string, plus bool) (reading, bool) {
	if plus {
		cc, rest := splitCallingCode(digits)
		if cc != 0 {
			return withCallingCode(cc, rest, withPlus), true
		}
		if picked == nil || digits[0] != '0' {
			return reading{}, false
		}
		// "+0936...": no calling code starts with 0, so this is a national
		// number with a stray plus.
		return national(picked, digits), true
	}
	if picked == nil {
		cc, rest := splitCallingCode(digits)
		if cc == 0 {
			return reading{}, false
		}
		r := withCallingCode(cc, rest, ccNoPlus)
		if !r.e.valid {
			return reading{}, false
		}
		return r, true
	}
	nat := national(picked, digits)
	if nat.e.valid {
		return nat, true
	}
	// The picked region's international prefix ("002", "011", "810"...) or the
	// ITU-T E.164 recommended "00" that customers abroad are used to, then the
	// country code itself; each only counts when it leads to a valid number, as
	// the same digits could be a national number typed wrong.
	if r, ok := readIDD(picked, digits); ok {
		return r, true
	}
	if cc, rest := splitCallingCode(digits); cc != 0 {
		if r := withCallingCode(cc, rest, ccNoPlus); r.e.valid {
			return r, true
		}
	}
	return nat, true
}

// readIDD reads digits as an international prefix, a calling code and a
// number, when that makes a valid number.
func readIDD(picked *regionData, digits string) (reading, bool) {
	end := 0
	if p := picked.compiled().idd; p != nil {
		if loc := p.FindStringIndex(digits); loc != nil && loc[0] == 0 {
			end = loc[1]
		}
	}
	if end == 0 && strings.HasPrefix(digits, "00") {
		end = 2
	}
	// Calling codes never start with 0, which is also how the library tells a
	// prefix from a national number.
	if end == 0 || end >= len(digits) || digits[end] == '0' {
		return reading{}, false
	}
	cc, rest := splitCallingCode(digits[end:])
	if cc == 0 {
		return reading{}, false
	}
	r := withCallingCode(cc, rest, withIDD)
	r.idd = digits[:end]
	return r, r.e.valid
}

// national reads digits as a number of the picked plan, with or without the
// trunk prefix. The trunk-stripped reading is tried first because that is what
// the customer most often typed (and the library's parser does the same).
func national(p *regionData, digits string) reading {
	if s, ok := p.stripNational(digits); ok {
		e := evaluate(p.cc, s)
		trunk := ""
		if strings.HasSuffix(digits, s) {
			trunk = digits[:len(digits)-len(s)]
		} else if p.prefix != "" && strings.HasPrefix(digits, p.prefix) {
			// A transform rule rewrote the rest (Argentina's 15): the trunk
			// prefix is still what the customer typed first.
			trunk = p.prefix
		}
		if e.valid {
			return reading{e: e, how: asNational, trunk: trunk}
		}
		orig := evaluate(p.cc, digits)
		if orig.valid {
			return reading{e: orig, how: asNational}
		}
		// Neither is valid: judge the length the way the parser would, on the
		// stripped digits unless that makes them too short.
		if reason(e) != phonenumbers.TOO_SHORT {
			return reading{e: e, how: asNational, trunk: trunk}
		}
		return reading{e: orig, how: asNational}
	}
	return reading{e: evaluate(p.cc, digits), how: asNational}
}

// withCallingCode reads rest as a number of calling code cc, also with a trunk
// prefix kept after the code (the legacy "+886 0936...").
func withCallingCode(cc int, rest string, h how) reading {
	e := evaluate(cc, rest)
	if e.valid {
		return reading{e: e, how: h}
	}
	if p := getPlans().byCC[cc]; p != nil {
		if s, ok := p.stripNational(rest); ok {
			if e2 := evaluate(cc, s); e2.valid {
				t := p.prefix
				if strings.HasSuffix(rest, s) {
					t = rest[:len(rest)-len(s)]
				}
				return reading{e: e2, how: h, trunkAfterCC: t}
			}
		}
	}
	return reading{e: e, how: h}
}

// reason is the library's length verdict on an interpretation.
func reason(e eval) phonenumbers.ValidationResult {
	if e.pn == nil {
		if len(e.nsn) > 17 {
			return phonenumbers.TOO_LONG
		}
		if e.nsn == "" {
			return phonenumbers.TOO_SHORT
		}
		return phonenumbers.INVALID_LENGTH
	}
	return phonenumbers.IsPossibleNumberWithReason(e.pn)
}

// fill sets the number forms of a valid interpretation.
func (d *Diagnosis) fill(e eval) {
	nsn := phonenumbers.GetNationalSignificantNumber(e.pn)
	d.Valid = true
	d.Region = e.region
	d.E164 = "+" + strconv.Itoa(e.cc) + nsn
	d.National = phonenumbers.Format(e.pn, phonenumbers.NATIONAL)
	d.International = phonenumbers.Format(e.pn, phonenumbers.INTERNATIONAL)
	d.Type = typeName(e.typ)
	d.AppEntry = nsn
	// The form with the trunk prefix only exists where the plan's national
	// format of this number uses the prefix.
	if p := getPlans().byRegion[e.region]; p != nil && p.prefix != "" {
		switch nd := digitsOnly(d.National); {
		case !strings.HasPrefix(nd, p.prefix) || nd == nsn:
			// This range is dialled without the trunk prefix (NANP).
		default:
			// Plans that dial more than the prefix nationally (Argentina's
			// 0 11 15) still get the plain prefix form, which is what a
			// customer adding "the 0" types.
			d.AppEntryWithTrunk = p.prefix + nsn
		}
	}
	// The carrier is only looked up for a valid number: the library answers
	// from the prefix alone and would name a carrier for nonsense digits.
	if c, err := phonenumbers.GetCarrierForNumber(e.pn, "en"); err == nil {
		d.Carrier = c
	}
	switch e.typ {
	case phonenumbers.MOBILE:
		d.SMSCapable = SMSYes
	case phonenumbers.FIXED_LINE_OR_MOBILE, phonenumbers.UNKNOWN:
		d.SMSCapable = SMSUnknown
	default:
		d.SMSCapable = SMSNo
	}
}

func typeName(t phonenumbers.PhoneNumberType) string {
	switch t {
	case phonenumbers.MOBILE:
		return TypeMobile
	case phonenumbers.FIXED_LINE:
		return TypeFixedLine
	case phonenumbers.FIXED_LINE_OR_MOBILE:
		return TypeFixedLineOrMobile
	case phonenumbers.VOIP:
		return TypeVoIP
	case phonenumbers.TOLL_FREE:
		return TypeTollFree
	case phonenumbers.PREMIUM_RATE:
		return TypePremiumRate
	case phonenumbers.SHARED_COST:
		return TypeSharedCost
	case phonenumbers.PERSONAL_NUMBER:
		return TypePersonalNumber
	case phonenumbers.PAGER:
		return TypePager
	case phonenumbers.UAN:
		return TypeUAN
	case phonenumbers.VOICEMAIL:
		return TypeVoicemail
	}
	return TypeUnknown
}

// TypeWords is how a number type is said to a customer, in the agent's
// language: "a landline number".
func TypeWords(t string) string { return typeWords(i18n.Agent(), t) }

// TypeWordsIn is TypeWords in lang (the customer's language).
func TypeWordsIn(lang i18n.Language, t string) string { return typeWords(i18n.In(lang), t) }

func typeWords(l *i18n.Localizer, t string) string {
	switch t {
	case TypeTollFree:
		return l.X("phone.type.toll_free", "a toll-free number")
	case TypePremiumRate:
		return l.X("phone.type.premium_rate", "a premium-rate number")
	case TypeSharedCost:
		return l.X("phone.type.shared_cost", "a shared-cost number")
	case TypePersonalNumber:
		return l.X("phone.type.personal_number", "a personal (follow-me) number")
	case TypePager:
		return l.X("phone.type.pager", "a pager number")
	case TypeUAN:
		return l.X("phone.type.uan", "a company number (UAN)")
	case TypeVoicemail:
		return l.X("phone.type.voicemail", "a voicemail access number")
	case TypeMobile:
		return l.X("phone.type.mobile", "a mobile number")
	case TypeFixedLine:
		return l.X("phone.type.fixed_line", "a landline number")
	case TypeFixedLineOrMobile:
		return l.X("phone.type.fixed_line_or_mobile", "a mobile or landline number")
	case TypeVoIP:
		return l.X("phone.type.voip", "an internet (VoIP) number")
	}
	return l.X("phone.type.unknown", "a number of unknown type")
}

// SMSWords says whether a number can get an SMS (Diagnosis.SMSCapable), in
// the agent's language: "yes", "no", "not known: ask whether it is a mobile".
func SMSWords(capable string) string {
	switch capable {
	case SMSYes:
		return i18n.X("phone.sms.yes", "yes")
	case SMSNo:
		return i18n.X("phone.sms.no", "no")
	}
	return i18n.X("phone.sms.unknown", "not known: ask whether it is a mobile")
}

// planNameIn names a region for a sentence in lang: "Taiwan".
func planNameIn(lang i18n.Language, code string) string {
	if code == "" {
		return i18n.In(lang).X("phone.chosen_country", "the chosen country")
	}
	return RegionNameIn(lang, code)
}

// RegionLabelIn is RegionLabel with the region's name in lang: "英國 (+44)".
func RegionLabelIn(lang i18n.Language, code string) string {
	if p := getPlans().byRegion[code]; p != nil {
		return fmt.Sprintf("%s (+%d)", RegionNameIn(lang, code), p.cc)
	}
	return code
}

// digitsOnly keeps the ASCII digits of s.
func digitsOnly(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// Readable groups a stored number for reading aloud, as the numbering plan
// groups it: "+886936123456" -> "+886 936 123 456". A number stored with the
// trunk 0 kept after the country code keeps it, in its own group ("+886 0936
// 123 456"): the agent reads back what is on file. Anything else comes back
// as it is.
func Readable(stored string) string {
	n, err := phonenumbers.Parse(stored, "")
	if err != nil {
		return stored
	}
	intl := phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
	e164 := phonenumbers.Format(n, phonenumbers.E164)
	if e164 == stored {
		return intl
	}
	cc := "+" + strconv.Itoa(int(n.GetCountryCode()))
	if stored == cc+"0"+strings.TrimPrefix(e164, cc) && strings.HasPrefix(intl, cc+" ") {
		return cc + " 0" + strings.TrimPrefix(intl, cc+" ")
	}
	return stored
}
