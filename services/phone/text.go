package phone

import (
	"fmt"
	"strings"

	"verifydesk/services/i18n"
)

// Text renders the diagnosis for people (the CLI's --format text): the number,
// what to type, then each finding with its advice. It ends with a newline.
func (d Diagnosis) Text() string {
	var b strings.Builder
	picked := "no country chosen"
	if d.InputRegion != "" {
		picked = "country chosen: " + RegionName(d.InputRegion) + ", " + d.InputRegion
	}
	fmt.Fprintf(&b, "Input:       %q (%s)\n", d.Input, picked)
	if d.Valid {
		fmt.Fprintf(&b, "Number:      %s, %s in %s\n", d.E164, TypeWordsIn(i18n.English, d.Type), RegionName(d.Region))
		fmt.Fprintf(&b, "Formats:     national %s, international %s\n", d.National, d.International)
		carrier := d.Carrier
		if carrier == "" {
			carrier = "not known"
		}
		fmt.Fprintf(&b, "Carrier:     %s (original allocation)\n", carrier)
		fmt.Fprintf(&b, "SMS:         %s\n", d.SMSCapable)
		fmt.Fprintf(&b, "Type in app: %s", d.AppEntry) // the form wants exactly these digits
		if d.AppEntryWithTrunk != "" {
			fmt.Fprintf(&b, " (with the trunk prefix: %s)", d.AppEntryWithTrunk)
		}
		b.WriteString("\n")
	} else {
		b.WriteString("Number:      not a valid phone number\n")
	}
	if len(d.Findings) == 0 {
		b.WriteString("Findings:    none, the number is typed the way the app wants it\n")
		return b.String()
	}
	b.WriteString("Findings:\n")
	for _, f := range d.Findings {
		fmt.Fprintf(&b, "  %-7s %s: %s\n", strings.ToUpper(f.Severity), f.Code, f.Message)
		fmt.Fprintf(&b, "          Advice: %s\n", f.Advice)
	}
	return b.String()
}
