package deliveries

import (
	"time"

	"verifydesk/data"
)

// Allowance is what the send limits still allow for one channel and purpose:
// the windows' counts and, while a limit holds, when the next send is allowed.
type Allowance struct {
	Channel, Purpose string
	Destination      string // masked
	Windows          []data.LimitWindow
	// NextAt is when the next send is allowed; zero when one is allowed now.
	NextAt time.Time
}

// Blocked reports whether a limit holds at now.
func (a Allowance) Blocked(now time.Time) bool { return !a.NextAt.IsZero() && a.NextAt.After(now) }

// AllowanceFor is the allowance of channel and purpose in rl, and false when
// rl has no limits for them (nothing sent recently: every window is free).
// With several destinations (the two forms of a number) the tightest counts.
func AllowanceFor(rl data.RateLimits, channel, purpose string) (Allowance, bool) {
	var best Allowance
	found := false
	for _, l := range rl.Limits {
		if l.Channel != channel || l.Purpose != purpose {
			continue
		}
		a := Allowance{Channel: l.Channel, Purpose: l.Purpose, Destination: l.DestinationMasked, Windows: l.Windows}
		if l.Blocked && l.NextAllowedAt != nil {
			a.NextAt = *l.NextAllowedAt
		}
		if !found || a.NextAt.After(best.NextAt) {
			best, found = a, true
		}
	}
	return best, found
}
