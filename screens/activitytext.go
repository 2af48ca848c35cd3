package screens

import (
	"fmt"
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/geo"
	"verifydesk/services/logins"
	"verifydesk/services/words"
)

// farAwayHelp is the help page's answer (Tapo 2FA FAQ, Q4) in the words an agent
// can read out.
const farAwayHelp = "The place shown for a login comes from the IP address the " +
	"customer's internet provider gave the device, not from the phone's GPS. It can be " +
	"far from where the customer really was.\n\n" +
	"On mobile data this is common: the carrier's gateway may be in another city, so the " +
	"app can say a new device logged in from far away. A place in another country, a " +
	"hosting or VPN network, or two places no one could travel between in the time " +
	"deserves questions: was it the customer, on a trip or a VPN?\n\n" +
	"If not, remove the unknown device and sign out everywhere after checking the " +
	"caller's identity, and advise a password change."

// customerZone loads the account's IANA zone; nil when unknown.
func customerZone(name string) *time.Location {
	if name == "" {
		return nil
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return z
}

func deviceLabel(e data.LoginEvent) string {
	switch {
	case e.DeviceName != "":
		return e.DeviceName
	case e.DeviceID != "":
		return e.DeviceID
	}
	return "Unnamed device"
}

func failedOutcome(o string) bool {
	return o == data.OutcomePasswordFailed || o == data.Outcome2FAFailed || o == data.OutcomeBlocked
}

// customerTime is the event's time in the customer's zone; empty when the
// zone is unknown or keeps the agent's time (no need to read it twice).
func customerTime(t time.Time, zone *time.Location) string {
	if zone == nil {
		return ""
	}
	agent := t.In(time.Local)
	theirs := t.In(zone)
	_, agentOff := agent.Zone()
	_, off := theirs.Zone()
	if off == agentOff {
		return ""
	}
	if theirs.YearDay() != agent.YearDay() {
		return theirs.Format("2 Jan 15:04 MST") // another day for them
	}
	return theirs.Format("15:04 MST")
}

var reasonWords = map[string]string{
	geo.ReasonInvalid:       "not an IP address",
	geo.ReasonPrivate:       "private network address",
	geo.ReasonLoopback:      "this computer (loopback)",
	geo.ReasonLinkLocal:     "local link address",
	geo.ReasonCGNAT:         "carrier-shared address (CGNAT)",
	geo.ReasonDocumentation: "documentation address, no place",
	geo.ReasonMulticast:     "multicast address",
	geo.ReasonReserved:      "reserved address",
	geo.ReasonUnspecified:   "no address",
	geo.ReasonNotInDatabase: "not in the location database",
}

// placeText is "City, Country (±20 km)", or why there is no place.
func placeText(l geo.Location) string {
	if !l.Found {
		if w, ok := reasonWords[l.Reason]; ok {
			return w
		}
		return "unknown place"
	}
	parts := []string{}
	for _, s := range []string{l.City, l.Country} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		s = l.CountryCode
	}
	if l.AccuracyKM > 0 {
		s += fmt.Sprintf(" (±%d km)", l.AccuracyKM)
	}
	return s
}

var kindWords = map[string]string{
	geo.KindMobile:  "mobile data",
	geo.KindHosting: "hosting/VPN",
	geo.KindOther:   "fixed line",
}

func networkText(l geo.Location) string {
	kind, ok := kindWords[l.NetworkKind]
	if !ok {
		if l.ASOrg == "" {
			return "unknown"
		}
		kind = "network"
	}
	if l.ASOrg == "" {
		return kind
	}
	return kind + " · " + l.ASOrg
}

var outcomeWords = map[string]string{
	data.OutcomePasswordOK:     "password correct",
	data.OutcomePasswordFailed: "wrong password",
	data.Outcome2FASent:        "code sent",
	data.Outcome2FAPassed:      "code accepted",
	data.Outcome2FAFailed:      "wrong code",
	data.Outcome2FASkipped:     "trusted device, no code",
	data.OutcomeBlocked:        "blocked",
}

func outcomeText(o string) string {
	if w, ok := outcomeWords[o]; ok {
		return w
	}
	return o
}

// eventDetail is the sentence under the map for the selected login.
func eventDetail(e logins.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s from %s: %s.", deviceLabel(e.LoginEvent), e.IP, placeText(e.Location))
	if e.Location.Found && e.Location.NetworkKind != geo.KindUnknown {
		fmt.Fprintf(&b, " Network: %s", networkText(e.Location))
		if !strings.HasSuffix(e.Location.ASOrg, ".") {
			b.WriteString(".")
		}
	}
	if e.FromPrevious {
		fmt.Fprintf(&b, " %s from the login before", distanceText(e.DistanceKM))
		if e.DistanceKM >= 1 {
			fmt.Fprintf(&b, ", %s", speedText(e.SpeedKMH))
		}
		b.WriteString(".")
	}
	if f := words.LoginFlags(e); f != "" {
		fmt.Fprintf(&b, " Flagged: %s.", f)
	}
	if e.Location.NetworkKind == geo.KindMobile {
		b.WriteString(" On mobile data the place is often far from the customer.")
	}
	return b.String()
}

func distanceText(km float64) string {
	if km < 1 {
		return "Same place"
	}
	return fmt.Sprintf("%s km", words.Thousands(km))
}

func speedText(kmh float64) string {
	return fmt.Sprintf("about %s km/h", words.Thousands(kmh))
}
