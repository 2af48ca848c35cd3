// Package logins reads an account's login activity the way an agent triages it:
// each event placed on the map, the distance and implied speed from the login
// before it, and flags for a new country, a new device and travel no one can
// make. It answers "I see a login from a country I have never been to" and "I got
// a code I never asked for".
package logins

import (
	"cmp"
	"slices"
	"time"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"verifydesk/data"
	"verifydesk/services/geo"
)

// DefaultMaxSpeedKMH is the impossible-travel bound when Options leaves it zero:
// faster than an airliner's cruise, door to door, is not one person travelling.
const DefaultMaxSpeedKMH = 1000

// unknownAccuracyKM stands in for a location whose database gives no accuracy
// radius (the flat-schema files): city-level IP locations are rarely closer.
const unknownAccuracyKM = 50

// minElapsed is the shortest time two logins are taken to be apart. Two events
// in the same second from far apart would otherwise give an infinite speed,
// which no display or JSON encoder can show; a minute still flags them.
const minElapsed = time.Minute

// Options tune Analyze.
type Options struct {
	// MaxSpeedKMH is the impossible-travel bound; zero or less means
	// DefaultMaxSpeedKMH.
	MaxSpeedKMH float64
	// Now is the moment of the analysis (zero: time.Now()). Events dated after
	// it (clock skew on the backend) are analysed like the others; Now is kept
	// so callers and Analyze agree on one clock.
	Now time.Time
}

// Event is a login event with what the analysis found.
type Event struct {
	data.LoginEvent
	Location geo.Location
	// DistanceKM and SpeedKMH are from the previous located event; meaningful
	// only when FromPrevious is true.
	DistanceKM   float64
	SpeedKMH     float64
	FromPrevious bool
	// NewCountry: the first event from this country, with earlier located events
	// from other countries. NewDevice: the first event from this device, with
	// earlier events. ImpossibleTravel: SpeedKMH above the bound over a distance
	// larger than both locations' accuracy radii together, so IP inaccuracy
	// alone never flags.
	NewCountry, NewDevice, ImpossibleTravel bool
}

// Flagged reports whether the event deserves the agent's attention.
func (e Event) Flagged() bool { return e.NewCountry || e.NewDevice || e.ImpossibleTravel }

// Analyze locates and flags events, given in any order, and returns them newest
// first. "Previous" is the chronologically previous event that has a location;
// new country and new device compare with every earlier event. The very first
// event is never new: there is nothing to compare it with. loc may be nil (no
// locations, only device flags). Each distinct IP is looked up once.
func Analyze(events []data.LoginEvent, loc *geo.Locator, opts Options) []Event {
	maxSpeed := opts.MaxSpeedKMH
	if maxSpeed <= 0 {
		maxSpeed = DefaultMaxSpeedKMH
	}
	out := make([]Event, len(events))
	for i := range events {
		out[i].LoginEvent = events[i]
	}
	// Oldest first for the walk; ties keep a stable order by id so the result
	// does not depend on the order the backend sent.
	slices.SortStableFunc(out, func(a, b Event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})

	cache := make(map[string]geo.Location)
	countries := make(map[string]bool)
	devices := make(map[string]bool)
	var prev *Event
	for i := range out {
		e := &out[i]
		l, ok := cache[e.IP]
		if !ok {
			l = loc.Lookup(e.IP)
			cache[e.IP] = l
		}
		e.Location = l

		dev := e.DeviceID
		if dev == "" {
			dev = e.DeviceName
		}
		if dev != "" {
			e.NewDevice = i > 0 && !devices[dev]
			devices[dev] = true
		}
		if l.Found && l.CountryCode != "" {
			e.NewCountry = len(countries) > 0 && !countries[l.CountryCode]
			countries[l.CountryCode] = true
		}
		if !l.Found {
			continue
		}
		if prev != nil {
			e.FromPrevious = true
			e.DistanceKM = distanceKM(prev.Location, l)
			elapsed := max(e.At.Sub(prev.At), minElapsed)
			e.SpeedKMH = e.DistanceKM / elapsed.Hours()
			slack := float64(accuracy(prev.Location) + accuracy(l))
			e.ImpossibleTravel = e.SpeedKMH > maxSpeed && e.DistanceKM > slack
		}
		prev = e
	}
	slices.Reverse(out)
	return out
}

// distanceKM is the great-circle distance between two locations.
func distanceKM(a, b geo.Location) float64 {
	return orbgeo.DistanceHaversine(
		orb.Point{a.Longitude, a.Latitude},
		orb.Point{b.Longitude, b.Latitude},
	) / 1000
}

func accuracy(l geo.Location) int {
	if l.AccuracyKM > 0 {
		return l.AccuracyKM
	}
	return unknownAccuracyKM
}
