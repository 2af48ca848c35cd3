package phone

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"verifydesk/services/i18n"
)

// RegionInfo is one entry of the country picker.
type RegionInfo struct {
	Code        string `json:"code"`         // ISO 3166-1 alpha-2, e.g. "TW"
	Name        string `json:"name"`         // English name, e.g. "Taiwan"
	CallingCode int    `json:"calling_code"` // e.g. 886
}

// regionData is what the diagnosis needs of one numbering plan (one region, or one
// non-geographic calling code such as +800). The plain fields are filled once for
// every plan; the compiled patterns only when the plan is first used, because
// compiling every plan's patterns up front would cost tens of milliseconds at start
// for plans most agents never see.
type regionData struct {
	code   string // region code, "001" for non-geographic entities
	name   string
	cc     int
	ccStr  string
	meta   *phonenumbers.PhoneMetadata
	prefix string // the national (trunk) prefix as dialled, "" when the plan has none

	// lengths holds the possible lengths of a national significant number of the
	// plan as a bit set, so most candidate plans are ruled out without a regexp.
	lengths uint64
	// mobileLengths are the possible lengths of a mobile number, to say "too
	// short" or "too long" for a mobile when the plan's other number types
	// make the length merely unusual.
	mobileLengths uint64

	once      sync.Once
	npParse   *regexp.Regexp // national prefix for parsing, anchored at the start
	transform string         // national prefix transform rule
	general   *regexp.Regexp // whole-number pattern of the plan
	mobile    *regexp.Regexp // mobile pattern, nil when the plan has none
	idd       *regexp.Regexp // international (IDD) prefix, anchored at the start
}

// compiled compiles the plan's patterns on first use. The library's metadata is
// RE2-compatible (the library compiles the same strings), but a pattern that does
// not compile just leaves that check out instead of panicking.
func (r *regionData) compiled() *regionData {
	r.once.Do(func() {
		m := r.meta
		if p := m.GetNationalPrefixForParsing(); p != "" {
			r.npParse, _ = regexp.Compile("^(?:" + p + ")")
			r.transform = m.GetNationalPrefixTransformRule()
		}
		r.general, _ = regexp.Compile("^(?:" + m.GetGeneralDesc().GetNationalNumberPattern() + ")$")
		if p := m.GetMobile().GetNationalNumberPattern(); p != "" && p != "NA" {
			r.mobile, _ = regexp.Compile("^(?:" + p + ")$")
		}
		if p := m.GetInternationalPrefix(); p != "" {
			r.idd, _ = regexp.Compile("^(?:" + p + ")")
		}
	})
	return r
}

// hasLength reports whether n is a possible length of a national significant
// number in the plan.
func (r *regionData) hasLength(n int) bool {
	return n > 0 && n < 64 && r.lengths&(1<<uint(n)) != 0
}

// stripNational removes the national (trunk) prefix, and any carrier code the plan
// allows with it, from digits. It follows the library's own rule
// (maybeStripNationalPrefixAndCarrierCode): the prefix is only removed when what
// is left still fits the plan or the whole did not fit it either, and the plan's
// transform rule is applied where there is one (Argentina's 0 11 15 -> 9 11).
func (r *regionData) stripNational(digits string) (string, bool) {
	r.compiled()
	if r.npParse == nil || digits == "" {
		return digits, false
	}
	loc := r.npParse.FindStringSubmatchIndex(digits)
	if loc == nil {
		return digits, false
	}
	viable := r.general != nil && r.general.MatchString(digits)
	groups := len(loc)/2 - 1
	if r.transform == "" || loc[groups*2] < 0 {
		rest := digits[loc[1]:]
		if viable && !r.general.MatchString(rest) {
			return digits, false
		}
		return rest, rest != digits
	}
	out := r.npParse.ReplaceAllString(digits, r.transform)
	if viable && !r.general.MatchString(out) {
		return digits, false
	}
	return out, out != digits
}

// plans indexes every numbering plan of the library's metadata.
type plans struct {
	byRegion map[string]*regionData
	byCC     map[int]*regionData // the main plan of each calling code
	zones    map[byte][]string   // world numbering zone (first digit) -> regions
	sorted   []RegionInfo
}

var (
	plansOnce sync.Once
	allPlans  *plans
)

// regionNameOverrides shortens the few CLDR names an agent would not say aloud.
var regionNameOverrides = map[string]string{
	"HK": "Hong Kong",
	"MO": "Macao",
	"PS": "Palestine",
}

// getPlans builds the index once, from the metadata the library already holds in
// memory (MetadataCollection returns its cached copy).
func getPlans() *plans {
	plansOnce.Do(func() {
		p := &plans{
			byRegion: map[string]*regionData{},
			byCC:     map[int]*regionData{},
			zones:    map[byte][]string{},
		}
		coll, _ := phonenumbers.MetadataCollection()
		names := display.English.Regions()
		for _, m := range coll.GetMetadata() {
			cc := int(m.GetCountryCode())
			rd := &regionData{
				code:   m.GetId(),
				cc:     cc,
				ccStr:  strconv.Itoa(cc),
				meta:   m,
				prefix: m.GetNationalPrefix(),
			}
			rd.lengths = lengthSet(m.GetGeneralDesc().GetPossibleLength())
			rd.mobileLengths = lengthSet(m.GetMobile().GetPossibleLength())
			if rd.mobileLengths == 0 {
				rd.mobileLengths = rd.lengths
			}
			if rd.code == "001" {
				rd.name = "International (+" + rd.ccStr + ")"
				p.byCC[cc] = rd
				continue
			}
			rd.name = rd.code
			if n, ok := regionNameOverrides[rd.code]; ok {
				rd.name = n
			} else if reg, err := language.ParseRegion(rd.code); err == nil {
				if n := names.Name(reg); n != "" {
					rd.name = n
				}
			}
			p.byRegion[rd.code] = rd
			p.sorted = append(p.sorted, RegionInfo{Code: rd.code, Name: rd.name, CallingCode: cc})
			p.zones[rd.ccStr[0]] = append(p.zones[rd.ccStr[0]], rd.code)
		}
		for cc := range phonenumbers.GetSupportedCallingCodes() {
			if main := phonenumbers.GetRegionCodeForCountryCode(cc); main != "" && main != "001" {
				if rd := p.byRegion[main]; rd != nil {
					p.byCC[cc] = rd
				}
			}
		}
		sort.Slice(p.sorted, func(i, j int) bool { return p.sorted[i].Name < p.sorted[j].Name })
		for z := range p.zones {
			sort.Strings(p.zones[z])
		}
		allPlans = p
	})
	return allPlans
}

// region returns the plan of a region code (any case), or nil.
func lookupRegion(code string) *regionData {
	return getPlans().byRegion[strings.ToUpper(strings.TrimSpace(code))]
}

// Regions lists every region the numbering plans know, for the country picker,
// sorted by English name. The slice is a fresh copy the caller may keep.
func Regions() []RegionInfo {
	p := getPlans()
	out := make([]RegionInfo, len(p.sorted))
	copy(out, p.sorted)
	return out
}

// RegionName is the English name of a region code ("TW" -> "Taiwan"), or the code
// itself when it is not a known region.
func RegionName(code string) string {
	if rd := lookupRegion(code); rd != nil {
		return rd.name
	}
	return code
}

// regionNameOverridesIn are regionNameOverrides in the other languages.
var regionNameOverridesIn = map[i18n.Language]map[string]string{
	i18n.ChineseTraditional: {"HK": "香港", "MO": "澳門", "PS": "巴勒斯坦"},
	i18n.ChineseSimplified:  {"HK": "香港", "MO": "澳门", "PS": "巴勒斯坦"},
	i18n.Russian:            {"HK": "Гонконг", "MO": "Макао", "PS": "Палестина"},
}

var (
	namersOnce sync.Once
	namers     map[i18n.Language]display.Namer
)

// RegionNameIn is the name of a region code in lang, from CLDR ("TW" ->
// "台灣" in Traditional Chinese, "台湾" in Simplified, "Тайвань" in
// Russian); the English RegionName in English, in a language CLDR is not
// asked for, or for a region it has no name for; the code itself when it is
// not a known region.
func RegionNameIn(lang i18n.Language, code string) string {
	rd := lookupRegion(code)
	if rd == nil {
		return code
	}
	if n, ok := regionNameOverridesIn[lang][rd.code]; ok {
		return n
	}
	namersOnce.Do(func() {
		namers = map[i18n.Language]display.Namer{}
		for _, l := range []i18n.Language{i18n.ChineseTraditional, i18n.ChineseSimplified, i18n.Russian} {
			namers[l] = display.Regions(l.Tag())
		}
	})
	if namer := namers[lang]; namer != nil {
		if reg, err := language.ParseRegion(rd.code); err == nil {
			if n := namer.Name(reg); n != "" {
				return n
			}
		}
	}
	return rd.name
}

// splitCallingCode takes a country calling code off the front of digits the way
// the library does (the shortest known code wins; codes are prefix-free) and
// returns it with the rest, or 0 when digits start with no known code.
func splitCallingCode(digits string) (int, string) {
	p := getPlans()
	n := 0
	for i := 0; i < 3 && i < len(digits); i++ {
		n = n*10 + int(digits[i]-'0')
		if n == 0 {
			return 0, digits
		}
		if _, ok := p.byCC[n]; ok {
			return n, digits[i+1:]
		}
	}
	return 0, digits
}

func lengthSet(ls []int32) uint64 {
	var set uint64
	for _, l := range ls {
		if l > 0 && l < 64 {
			set |= 1 << uint(l)
		}
	}
	return set
}

// mobileLengthVerdict says whether n digits are shorter (-1) or longer (+1)
// than every mobile number of the plan, or neither (0).
func (r *regionData) mobileLengthVerdict(n int) int {
	if r.mobileLengths == 0 {
		return 0
	}
	shorter, longer := true, true
	for l := 1; l < 64; l++ {
		if r.mobileLengths&(1<<uint(l)) != 0 {
			if l <= n {
				shorter = false
			}
			if l >= n {
				longer = false
			}
		}
	}
	switch {
	case shorter:
		return -1
	case longer:
		return 1
	}
	return 0
}
