package phone

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"verifydesk/services/i18n"

	"github.com/nyaruka/phonenumbers"
)

// FindRegions is what a country picker shows for what the agent typed: a
// name or part of one ("tai", "kingdom"), an ISO code ("TW") or a calling code
// ("886", "+886"). Exact codes come first, then names that start with the
// query, then names with a word that does, then names that contain it; within
// each, the recent regions (most recent first) before the others, then by
// name. An empty query lists the recent regions first, then every region.
func FindRegions(query string, recent []string) []RegionInfo {
	q := strings.ToLower(strings.TrimSpace(query))
	q = strings.TrimPrefix(q, "+")
	recency := map[string]int{}
	for i, r := range recent {
		if _, ok := recency[r]; !ok {
			recency[r] = i
		}
	}
	type scored struct {
		r    RegionInfo
		rank int
	}
	var hits []scored
	for _, r := range Regions() {
		rank := matchRank(r, q)
		if rank < 0 {
			continue
		}
		if _, ok := recency[r.Code]; ok && rank == 2 {
			rank = 1 // a recent country of a shared calling code is as good as its main one
		}
		hits = append(hits, scored{r, rank})
	}
	slices.SortStableFunc(hits, func(a, b scored) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		ra, oka := recency[a.r.Code]
		rb, okb := recency[b.r.Code]
		switch {
		case oka && okb:
			return ra - rb
		case oka:
			return -1
		case okb:
			return 1
		}
		return strings.Compare(a.r.Name, b.r.Name)
	})
	out := make([]RegionInfo, len(hits))
	for i, h := range hits {
		out[i] = h.r
	}
	return out
}

// matchRank is how well r matches the lower-cased query q: 0 its ISO code,
// 1 its calling code when r is that code's main country, 2 its calling code,
// 3 a name prefix, 4 a word prefix, 5 a substring; -1 no match.
func matchRank(r RegionInfo, q string) int {
	if q == "" {
		return 3
	}
	switch {
	case q == strings.ToLower(r.Code):
		return 0
	case q == strconv.Itoa(r.CallingCode):
		if phonenumbers.GetRegionCodeForCountryCode(r.CallingCode) == r.Code {
			return 1
		}
		return 2
	}
	// The English name, and the name in the agent's language: an agent
	// types the country as they say it ("Тайвань", "台灣").
	best := -1
	for _, name := range []string{r.Name, RegionNameIn(i18n.Current(), r.Code)} {
		if rank := nameRank(strings.ToLower(name), q); rank >= 0 && (best < 0 || rank < best) {
			best = rank
		}
	}
	return best
}

// nameRank is how well q matches a country's name: its start, a word's
// start, anywhere in it (Chinese has no spaces between words); -1 not at all.
func nameRank(name, q string) int {
	if strings.HasPrefix(name, q) {
		return 3
	}
	for _, w := range strings.FieldsFunc(name, func(c rune) bool { return !unicode.IsLetter(c) }) {
		if strings.HasPrefix(w, q) {
			return 4
		}
	}
	if strings.Contains(name, q) {
		return 5
	}
	return -1
}
