package screens

import (
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/geo"
	"verifydesk/services/i18n"
	"verifydesk/services/logins"
	"verifydesk/services/words"
)

// farAwayHelp is the help page's answer (Tapo 2FA FAQ, Q4) in the words an agent
// can read out: a Text, so that it can be said in the customer's language too.
var farAwayHelp = i18n.Msg("The place shown for a login comes from the IP address the " +
	"customer's internet provider gave the device, not from the phone's GPS. It can be " +
	"far from where the customer really was.\n\n" +
	"On mobile data this is common: the carrier's gateway may be in another city, so the " +
	"app can say a new device logged in from far away. A place in another country, a " +
	"hosting or VPN network, or two places no one could travel between in the time " +
	"deserves questions: was it the customer, on a trip or a VPN?\n\n" +
	"If not, remove the unknown device and sign out everywhere after checking the " +
	"caller's identity, and advise a password change.")

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
	return i18n.L("Unnamed device")
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
	zoneName := theirs.Format("MST")
	if theirs.YearDay() != agent.YearDay() {
		return i18n.DayTime(i18n.Current(), theirs) + " " + zoneName // another day for them
	}
	return i18n.Clock(theirs) + " " + zoneName
}

// reasonWords say why an IP address has no place; shown with i18n.T.
var reasonWords = map[string]string{
	geo.ReasonInvalid:       i18n.Mark("not an IP address"),
	geo.ReasonPrivate:       i18n.Mark("private network address"),
	geo.ReasonLoopback:      i18n.Mark("this computer (loopback)"),
	geo.ReasonLinkLocal:     i18n.Mark("local link address"),
	geo.ReasonCGNAT:         i18n.Mark("carrier-shared address (CGNAT)"),
	geo.ReasonDocumentation: i18n.Mark("documentation address, no place"),
	geo.ReasonMulticast:     i18n.Mark("multicast address"),
	geo.ReasonReserved:      i18n.Mark("reserved address"),
	geo.ReasonUnspecified:   i18n.Mark("no address"),
	geo.ReasonNotInDatabase: i18n.Mark("not in the location database"),
}

// placeText is "City, Country (±20 km)", or why there is no place.
func placeText(l geo.Location) string {
	if !l.Found {
		if w, ok := reasonWords[l.Reason]; ok {
			return i18n.T(w)
		}
		return i18n.L("unknown place")
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
		s = i18n.L("{{.Place}} (±{{.KM}} km)", i18n.M{"Place": s, "KM": l.AccuracyKM})
	}
	return s
}

// kindWords name a network's kind; shown with Text.String.
var kindWords = map[string]i18n.Text{
	geo.KindMobile:  i18n.XMsg("activity.network.mobile", "mobile data"),
	geo.KindHosting: i18n.XMsg("activity.network.hosting", "hosting/VPN"),
	geo.KindOther:   i18n.XMsg("activity.network.fixed", "fixed line"),
}

func networkText(l geo.Location) string {
	var kind string
	if k, ok := kindWords[l.NetworkKind]; ok {
		kind = k.String()
	} else {
		if l.ASOrg == "" {
			return i18n.X("activity.network.unknown", "unknown")
		}
		kind = i18n.X("activity.network.other", "network")
	}
	if l.ASOrg == "" {
		return kind
	}
	return kind + " · " + l.ASOrg
}

// outcomeWords name a login step's outcome; shown with Text.String. An
// outcome not here is the backend's code, shown as it is.
var outcomeWords = map[string]i18n.Text{
	data.OutcomePasswordOK:     i18n.XMsg("activity.outcome.password_ok", "password correct"),
	data.OutcomePasswordFailed: i18n.XMsg("activity.outcome.password_failed", "wrong password"),
	data.Outcome2FASent:        i18n.XMsg("activity.outcome.code_sent", "code sent"),
	data.Outcome2FAPassed:      i18n.XMsg("activity.outcome.code_passed", "code accepted"),
	data.Outcome2FAFailed:      i18n.XMsg("activity.outcome.code_failed", "wrong code"),
	data.Outcome2FASkipped:     i18n.XMsg("activity.outcome.code_skipped", "trusted device, no code"),
	data.OutcomeBlocked:        i18n.XMsg("activity.outcome.blocked", "blocked"),
}

func outcomeText(o string) string {
	if w, ok := outcomeWords[o]; ok {
		return w.String()
	}
	return o
}

// eventDetail is the sentences under the map for the selected login.
func eventDetail(e logins.Event) string {
	parts := []string{i18n.L("{{.Device}} from {{.IP}}: {{.Place}}.",
		i18n.M{"Device": deviceLabel(e.LoginEvent), "IP": e.IP, "Place": placeText(e.Location)})}
	if e.Location.Found && e.Location.NetworkKind != geo.KindUnknown {
		network := i18n.M{"Network": networkText(e.Location)}
		if strings.HasSuffix(e.Location.ASOrg, ".") {
			// The network's name ends the sentence with its own full stop.
			parts = append(parts, i18n.X("activity.detail.network_dotted", "Network: {{.Network}}", network))
		} else {
			parts = append(parts, i18n.L("Network: {{.Network}}.", network))
		}
	}
	if e.FromPrevious {
		switch {
		case e.DistanceKM < 1:
			parts = append(parts, i18n.X("activity.detail.same_place", "Same place from the login before."))
		default:
			parts = append(parts, i18n.L("{{.Distance}} km from the login before, about {{.Speed}} km/h.",
				i18n.M{"Distance": words.Thousands(e.DistanceKM), "Speed": words.Thousands(e.SpeedKMH)}))
		}
	}
	if f := words.LoginFlags(e); f != "" {
		parts = append(parts, i18n.L("Flagged: {{.Flags}}.", i18n.M{"Flags": f}))
	}
	if e.Location.NetworkKind == geo.KindMobile {
		parts = append(parts, i18n.L("On mobile data the place is often far from the customer."))
	}
	return i18n.Sentences(i18n.Current(), parts...)
}
