package phone

import (
	"sort"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// commonRegions are the regions with the most mobile subscribers (ITU
// statistics) and the demo data's countries; customers who pick the wrong
// country most often mean one of them.
var commonRegions = []string{
	"CN", "IN", "US", "ID", "BR", "RU", "JP", "NG", "PK", "BD", "MX", "DE", "PH",
	"VN", "GB", "FR", "TR", "IT", "TH", "EG", "KR", "ES", "TW", "HK", "SG", "MY",
	"AU", "CA", "PL", "NL", "SA", "AE", "ZA", "AR", "CO", "UA",
}

var (
	candidatesMu sync.Mutex
	candidates   = map[string][]string{}
)

// candidateRegions is the bounded list of regions VALID_IN_OTHER_REGION looks
// at for a picked region: the common regions and the picked region's world
// numbering zone (ITU-T E.164 Annex A: the first digit of the calling code, so
// Taiwan's zone 8 is East Asia). It is computed once per picked region.
func candidateRegions(picked *regionData) []string {
	candidatesMu.Lock()
	defer candidatesMu.Unlock()
	if c, ok := candidates[picked.code]; ok {
		return c
	}
	seen := map[string]bool{picked.code: true}
	var out []string
	for _, list := range [][]string{commonRegions, getPlans().zones[picked.ccStr[0]]} {
		for _, r := range list {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	candidates[picked.code] = out
	return out
}

// otherRegions lists the likely regions where digits, typed as a national
// number, are a valid mobile number. It only runs when the number is invalid in
// the picked region. Each candidate is ruled out by length and by the plan's
// own mobile pattern before the library judges it, so the whole check costs a
// few microseconds instead of parsing against every plan.
func otherRegions(picked *regionData, digits string) []otherHit {
	var hits []otherHit
	done := map[int]bool{picked.cc: true}
	check := func(code string) {
		p := getPlans().byRegion[code]
		if p == nil || done[p.cc] {
			return
		}
		done[p.cc] = true
		// Candidates are judged per calling code: the UK plan's mobile pattern
		// leaves out Guernsey's 07911 range, which only GG's plan has, and the
		// library picks the region among the code's plans itself.
		main := getPlans().byCC[p.cc]
		if main == nil {
			return
		}
		n := digits
		if s, ok := main.stripNational(digits); ok {
			n = s
		}
		maybe := false
		for _, r := range phonenumbers.GetRegionCodesForCountryCode(p.cc) {
			if rp := getPlans().byRegion[r]; rp != nil && rp.hasLength(len(n)) {
				if rp.compiled().mobile != nil && rp.mobile.MatchString(n) {
					maybe = true
					break
				}
			}
		}
		if !maybe {
			return
		}
		e := evaluate(p.cc, n)
		if e.valid && (e.typ == phonenumbers.MOBILE || e.typ == phonenumbers.FIXED_LINE_OR_MOBILE) {
			hits = append(hits, otherHit{region: e.region, entry: entryFor(e)})
		}
	}
	for _, c := range candidateRegions(picked) {
		check(c)
	}
	// Regions whose calling code the digits start with: "44 7911..." typed with
	// Taiwan chosen may be meant as a national number there too.
	if cc, _ := splitCallingCode(digits); cc != 0 {
		if p := getPlans().byCC[cc]; p != nil {
			check(p.code)
		}
	}
	sort.Slice(hits, func(i, j int) bool { return RegionName(hits[i].region) < RegionName(hits[j].region) })
	return hits
}
