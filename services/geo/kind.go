package geo

import "bytes"

// Network kinds of a Location.
const (
	KindMobile  = "mobile"
	KindHosting = "hosting"
	KindOther   = "other"
	KindUnknown = "unknown"
)

// Words in an autonomous system's organisation name that point at a mobile
// carrier. The name is all an ASN database gives, so this is a guess by design:
// carriers that run fixed and mobile networks under one name (Chunghwa Telecom,
// Deutsche Telekom) read as "other", which is the cautious answer for triage.
var mobileWords = map[string]bool{
	"mobile": true, "mobil": true, "mobility": true, "wireless": true, "cellular": true,
	"lte": true, "5g": true, "gsm": true, "docomo": true, "vodafone": true,
	"airtel": true, "jio": true, "mtn": true, "megafon": true, "beeline": true,
	"tim": true, "telcel": true, "telkomsel": true, "smartone": true, "softbank": true,
}

// Words that point at hosting providers, clouds and VPN exits: a login from one
// is rarely a person's phone or home line.
var hostingWords = map[string]bool{
	"amazon": true, "aws": true, "digitalocean": true, "ovh": true, "hetzner": true,
	"m247": true, "datacamp": true, "vpn": true, "linode": true, "akamai": true,
	"vultr": true, "choopa": true, "leaseweb": true, "contabo": true, "hosting": true,
	"hostinger": true, "datacenter": true, "colocation": true, "cloudflare": true,
	"alibaba": true, "tencent": true, "oracle": true, "microsoft": true, "azure": true,
	"scaleway": true, "server": true, "servers": true, "cloud": true,
	"proton": true, "mullvad": true, "nordvpn": true, "expressvpn": true,
}

// multiWord holds organisation fragments that only mean something together.
var multiWord = []struct {
	phrase []byte
	kind   string
}{
	{[]byte("google cloud"), KindHosting},
	{[]byte("google llc"), KindHosting},
	{[]byte("t-mobile"), KindMobile},
	{[]byte("china mobile"), KindMobile},
	{[]byte("data services"), KindHosting},
}

// NetworkKind guesses the kind of network from an autonomous system's
// organisation name: mobile, hosting (cloud, datacentre or VPN) or other. A
// name with no letters or digits (in its first 256 bytes) gives unknown. Hosting wins over mobile when both match, since a
// VPN exit tells the agent more than the carrier behind it.
func NetworkKind(org string) string {
	// It runs for every located login, so it lowers the name into a stack
	// buffer and looks words up without allocating.
	var buf [256]byte
	lower := buf[:0]
	blank := true
	for i := 0; i < len(org) && len(lower) < len(buf); i++ {
		c := org[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if isWordByte(c) || c >= 0x80 { // letters of other scripts count too
			blank = false
		}
		lower = append(lower, c)
	}
	if blank {
		return KindUnknown
	}
	for _, m := range multiWord {
		if bytes.Contains(lower, m.phrase) {
			return m.kind
		}
	}
	mobile := false
	for i := 0; i < len(lower); {
		if !isWordByte(lower[i]) {
			i++
			continue
		}
		j := i
		for j < len(lower) && isWordByte(lower[j]) {
			j++
		}
		w := lower[i:j]
		if hostingWords[string(w)] {
			return KindHosting
		}
		if mobileWords[string(w)] {
			mobile = true
		}
		i = j
	}
	if mobile {
		return KindMobile
	}
	return KindOther
}

func isWordByte(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
