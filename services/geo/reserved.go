package geo

import "net/netip"

// Reasons a Location has no place. They are stable words: the CLI prints them and
// the screens turn them into sentences.
const (
	ReasonInvalid       = "invalid"
	ReasonPrivate       = "private"
	ReasonLoopback      = "loopback"
	ReasonLinkLocal     = "link_local"
	ReasonCGNAT         = "cgnat"
	ReasonDocumentation = "documentation"
	ReasonMulticast     = "multicast"
	ReasonReserved      = "reserved"
	ReasonUnspecified   = "unspecified"
	ReasonNotInDatabase = "not_in_database"
)

// specialRange is one block of the IANA special-purpose registries that has no
// place on a map.
type specialRange struct {
	prefix netip.Prefix
	reason string
}

// specialRanges lists the IPv4 and IPv6 blocks that never belong to a customer's
// network, most specific first where blocks nest (192.0.2.0/24 before
// 192.0.0.0/24 is irrelevant: they do not overlap; 0.0.0.0/32 before 0.0.0.0/8 is).
// Sources: RFC 1918, 6598, 5737, 3849, 9637, 4193, 4291, 3927, 6890.
var specialRanges = func() []specialRange {
	rs := []struct{ p, r string }{
		{"0.0.0.0/32", ReasonUnspecified},
		{"0.0.0.0/8", ReasonReserved}, // "this network"
		{"10.0.0.0/8", ReasonPrivate},
		{"100.64.0.0/10", ReasonCGNAT},
		{"127.0.0.0/8", ReasonLoopback},
		{"169.254.0.0/16", ReasonLinkLocal},
		{"172.16.0.0/12", ReasonPrivate},
		{"192.0.0.0/24", ReasonReserved}, // IETF protocol assignments
		{"192.0.2.0/24", ReasonDocumentation},
		{"192.88.99.0/24", ReasonReserved}, // deprecated 6to4 relay anycast
		{"192.168.0.0/16", ReasonPrivate},
		{"198.18.0.0/15", ReasonReserved}, // benchmarking
		{"198.51.100.0/24", ReasonDocumentation},
		{"203.0.113.0/24", ReasonDocumentation},
		{"224.0.0.0/4", ReasonMulticast},
		{"240.0.0.0/4", ReasonReserved}, // includes 255.255.255.255 broadcast
		{"::/128", ReasonUnspecified},
		{"::1/128", ReasonLoopback},
		{"100::/64", ReasonReserved}, // discard-only
		{"2001:db8::/32", ReasonDocumentation},
		{"3fff::/20", ReasonDocumentation},
		{"fc00::/7", ReasonPrivate}, // unique local addresses
		{"fe80::/10", ReasonLinkLocal},
		{"fec0::/10", ReasonReserved}, // deprecated site-local
		{"ff00::/8", ReasonMulticast},
	}
	out := make([]specialRange, len(rs))
	for i, r := range rs {
		out[i] = specialRange{netip.MustParsePrefix(r.p), r.r}
	}
	return out
}()

// specialReason says why addr has no public location, or "" when it is an
// ordinary public address. addr must already be unmapped (no ::ffff:a.b.c.d form).
func specialReason(addr netip.Addr) string {
	for _, r := range specialRanges {
		if r.prefix.Contains(addr) {
			return r.reason
		}
	}
	return ""
}

// parseIP accepts what agents paste: IPv4, IPv6, IPv4-mapped IPv6 and zoned
// link-local addresses (the zone is dropped, it names a local interface).
func parseIP(s string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.WithZone("").Unmap(), true
}
