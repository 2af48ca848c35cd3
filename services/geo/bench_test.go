package geo_test

import (
	"net/netip"
	"testing"

	"github.com/oschwald/geoip2-golang/v2"
	"github.com/oschwald/maxminddb-golang/v2"
)

// The pair below measures SPEC section 10's "one IP lookup, full record <= 1.5x a
// bare maxminddb Lookup+Decode": the same City and ASN records, once through the
// service (parse, both databases, network kind, the Location) and once straight
// through maxminddb into the geoip2 record types.

const benchIP = "81.2.69.160"

func BenchmarkGeoLookup(b *testing.B) {
	city, _, _, asn := testDBs(b)
	l := open(b, city, asn)
	if !l.Lookup(benchIP).Found {
		b.Fatal("bench IP not found")
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = l.Lookup(benchIP)
	}
}

func BenchmarkBareMaxMind(b *testing.B) {
	city, _, _, asn := testDBs(b)
	cr, err := maxminddb.Open(city)
	if err != nil {
		b.Fatal(err)
	}
	defer cr.Close()
	ar, err := maxminddb.Open(asn)
	if err != nil {
		b.Fatal(err)
	}
	defer ar.Close()
	addr := netip.MustParseAddr(benchIP)
	b.ReportAllocs()
	for b.Loop() {
		var c geoip2.City
		if err := cr.Lookup(addr).Decode(&c); err != nil {
			b.Fatal(err)
		}
		var a geoip2.ASN
		if err := ar.Lookup(addr).Decode(&a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGeoLookupDemo is the lookup the demo console makes for every login.
func BenchmarkGeoLookupDemo(b *testing.B) {
	l := open(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = l.Lookup("203.0.113.5")
	}
}
