// Package geo places login IP addresses on the map: country, region, city,
// coordinates with their accuracy, time zone, and the network (autonomous system
// and whether it looks like a mobile carrier or a hosting/VPN provider).
//
// It reads MaxMind DB files: GeoIP2/GeoLite2 City and ASN databases through
// geoip2-golang, and the flat-schema City databases that are redistributed freely
// (country_code, state1, state2, city, postcode, latitude, longitude, timezone)
// through maxminddb; the file's metadata type picks the reader. With no files it
// uses an embedded demo database that places the documentation ranges
// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) in real cities,
// so the demo backend's login activity shows real places; see demo.go.
//
// Locations are IP-based, never GPS: a phone on mobile data is often placed where
// its carrier's gateway is, far from the person holding it.
package geo

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"

	"github.com/oschwald/geoip2-golang/v2"
	"github.com/oschwald/maxminddb-golang/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Errors of Open and CheckDatabase, wrapped with the file's path.
var (
	// ErrNotMaxMind means the file is not a MaxMind DB (.mmdb) file at all.
	ErrNotMaxMind = errors.New("not a MaxMind database")
	// ErrUnsupportedType means a MaxMind DB whose metadata names a database type
	// this service cannot use (neither a City nor an ASN database).
	ErrUnsupportedType = errors.New("unsupported database type")
)

// DBError is why one database file could not be used: Err is a file error
// (fs.ErrNotExist, fs.ErrPermission...), ErrNotMaxMind or ErrUnsupportedType
// (with the database's Type).
type DBError struct {
	Path string
	Type string // the metadata's database type, for ErrUnsupportedType
	Err  error
}

func (e *DBError) Error() string {
	if e.Type != "" {
		return fmt.Sprintf("%s: %v %q", e.Path, e.Err, e.Type)
	}
	return e.Path + ": " + e.Err.Error()
}

func (e *DBError) Unwrap() error { return e.Err }

// Database kinds CheckDatabase reports.
const (
	DatabaseCity = "city"
	DatabaseASN  = "asn"
)

// Location is where an IP address is, as far as the databases know.
type Location struct {
	IP    string `json:"ip"`
	Found bool   `json:"found"`
	// Reason says why Found is false: one of the Reason constants.
	Reason      string  `json:"reason,omitempty"`
	CountryCode string  `json:"country_code"`
	Country     string  `json:"country"`
	Region      string  `json:"region"`
	City        string  `json:"city"`
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
	// AccuracyKM is the radius around the coordinates the address is likely
	// within; 0 when the database does not say.
	AccuracyKM int    `json:"accuracy_km"`
	TimeZone   string `json:"time_zone"`
	ASN        uint   `json:"asn"`
	ASOrg      string `json:"as_org"`
	// NetworkKind is mobile, hosting, other, or unknown when no ASN database
	// knows the address.
	NetworkKind string `json:"network_kind"`
	// Source names the database files the answer came from ("demo" for the
	// embedded one), joined with "+".
	Source string `json:"source"`
}

// cityDB is one City database: GeoIP2 schema (geo set) or flat schema (flat set).
type cityDB struct {
	name string
	geo  *geoip2.Reader
	flat *maxminddb.Reader
}

type asnDB struct {
	name string
	r    *geoip2.Reader
	// kinds memoises NetworkKind by AS number (uint -> string): one AS has one
	// organisation in a file, and the name scan is a tenth of a lookup.
	kinds *sync.Map
}

// kind is the network kind of an AS record of this database.
func (a *asnDB) kind(asn uint, org string) string {
	if asn == 0 || a.kinds == nil {
		return NetworkKind(org)
	}
	if k, ok := a.kinds.Load(asn); ok {
		return k.(string)
	}
	k := NetworkKind(org)
	a.kinds.Store(asn, k)
	return k
}

// Locator looks addresses up in one or more databases. It is safe for
// concurrent use and immutable after Open.
type Locator struct {
	cities []cityDB
	asns   []asnDB
	demo   bool

	joinedOnce sync.Once
	joined     [][]string // joined[city][asn] source names
}

// flatCity is the record of the flat-schema City databases.
type flatCity struct {
	CountryCode string  `maxminddb:"country_code"`
	State1      string  `maxminddb:"state1"`
	State2      string  `maxminddb:"state2"`
	City        string  `maxminddb:"city"`
	Postcode    string  `maxminddb:"postcode"`
	Latitude    float64 `maxminddb:"latitude"`
	Longitude   float64 `maxminddb:"longitude"`
	Timezone    string  `maxminddb:"timezone"`
}

// Open opens the databases at paths: any number of City and ASN databases, in
// the order they should be asked (the first that knows an address answers).
// Each file is checked now, so a wrong file fails here with ErrNotMaxMind or
// ErrUnsupportedType naming the path. With no paths it opens the embedded demo
// database (see OpenDemo).
func Open(paths ...string) (*Locator, error) {
	if len(paths) == 0 {
		return OpenDemo()
	}
	l := &Locator{}
	for _, p := range paths {
		if err := l.add(p); err != nil {
			l.Close()
			return nil, err
		}
	}
	return l, nil
}

// OpenDemo opens the embedded demo City and ASN databases. Their locations are
// invented for the documentation ranges; Demo reports true so the UI can say so.
func OpenDemo() (*Locator, error) {
	city, err := geoip2.OpenBytes(demoCityMMDB)
	if err != nil {
		return nil, fmt.Errorf("demo city database: %w", err)
	}
	asn, err := geoip2.OpenBytes(demoASNMMDB)
	if err != nil {
		city.Close()
		return nil, fmt.Errorf("demo ASN database: %w", err)
	}
	return &Locator{
		cities: []cityDB{{name: SourceDemo, geo: city}},
		asns:   []asnDB{{name: SourceDemo, r: asn, kinds: new(sync.Map)}},
		demo:   true,
	}, nil
}

// SourceDemo is the Source of locations from the embedded demo database.
const SourceDemo = "demo"

// Demo reports whether the locations come from the embedded demo database.
func (l *Locator) Demo() bool { return l != nil && l.demo }

// Close releases the database files. The Locator must not be used afterwards.
func (l *Locator) Close() error {
	if l == nil {
		return nil
	}
	var errs []error
	for _, c := range l.cities {
		if c.geo != nil {
			errs = append(errs, c.geo.Close())
		}
		if c.flat != nil {
			errs = append(errs, c.flat.Close())
		}
	}
	for _, a := range l.asns {
		errs = append(errs, a.r.Close())
	}
	l.cities, l.asns = nil, nil
	return errors.Join(errs...)
}

// CheckDatabase opens the file at path, says whether it is a City or an ASN
// database (DatabaseCity, DatabaseASN) and closes it. It is what the settings
// form runs when a path is entered; its errors are those of Open.
func CheckDatabase(path string) (kind string, err error) {
	l := &Locator{}
	if err := l.add(path); err != nil {
		return "", err
	}
	defer l.Close()
	if len(l.asns) > 0 {
		return DatabaseASN, nil
	}
	return DatabaseCity, nil
}

// schemaOf maps a metadata database type to how it is read.
func schemaOf(dbType string) string {
	switch dbType {
	case "GeoLite2-ASN", "DBIP-ASN-Lite (compat=GeoLite2-ASN)",
		"GeoIP2-ISP", "GeoIP2-Precision-ISP":
		return "asn"
	case "DBIP-City-Lite", "DBIP-Country-Lite", "DBIP-Country",
		"DBIP-Location (compat=City)", "GeoLite2-City", "GeoIP-City-Redacted-US",
		"GeoIP2-City", "GeoIP2-City-Africa", "GeoIP2-City-Asia-Pacific",
		"GeoIP2-City-Europe", "GeoIP2-City-North-America",
		"GeoIP2-City-South-America", "GeoIP2-Precision-City", "GeoLite2-Country",
		"GeoIP2-Country", "GeoIP2-Enterprise", "DBIP-ISP (compat=Enterprise)",
		"DBIP-Location-ISP (compat=Enterprise)", "GeoIP-Enterprise-Redacted-US":
		return "geoip2"
	}
	// The freely redistributed flat-schema files (ip-location-db and the like)
	// use their own type names; they all say "city".
	if strings.Contains(strings.ToLower(dbType), "city") {
		return "flat"
	}
	return ""
}

func (l *Locator) add(path string) error {
	mm, err := maxminddb.Open(path)
	if err != nil {
		// A file that cannot be opened says why (missing, permissions); anything
		// that opens but is not laid out as a MaxMind DB (empty, text, a
		// directory) gets the one clear answer.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return &DBError{Path: path, Err: pe.Err}
		}
		return &DBError{Path: path, Err: ErrNotMaxMind}
	}
	name := filepath.Base(path)
	dbType := mm.Metadata.DatabaseType
	switch schemaOf(dbType) {
	case "flat":
		l.cities = append(l.cities, cityDB{name: name, flat: mm})
		return nil
	case "geoip2", "asn":
		mm.Close()
		r, err := geoip2.Open(path)
		if err != nil {
			return &DBError{Path: path, Err: err}
		}
		if schemaOf(dbType) == "asn" {
			l.asns = append(l.asns, asnDB{name: name, r: r, kinds: new(sync.Map)})
		} else {
			l.cities = append(l.cities, cityDB{name: name, geo: r})
		}
		return nil
	default:
		mm.Close()
		return &DBError{Path: path, Err: ErrUnsupportedType, Type: dbType}
	}
}

// Lookup locates ip. It never panics and never fails: an address with no place
// comes back with Found false and a Reason (invalid, private, loopback,
// link_local, cgnat, documentation, multicast, reserved, unspecified,
// not_in_database). A configured database that covers a reserved range (the demo
// one covers the documentation ranges) answers for it like for any other address.
func (l *Locator) Lookup(ip string) Location {
	addr, ok := parseIP(strings.TrimSpace(ip))
	if !ok {
		return Location{IP: ip, Reason: ReasonInvalid, NetworkKind: KindUnknown}
	}
	loc := Location{IP: canonical(ip, addr), NetworkKind: KindUnknown}
	if l == nil {
		loc.Reason = specialOr(addr, ReasonNotInDatabase)
		return loc
	}
	ci, ai := -1, -1
	for i := range l.cities {
		if l.cities[i].lookup(addr, &loc) {
			loc.Found = true
			ci = i
			break
		}
	}
	for i := range l.asns {
		a, err := l.asns[i].r.ASN(addr)
		if err != nil || !a.HasData() {
			continue
		}
		loc.ASN, loc.ASOrg = a.AutonomousSystemNumber, a.AutonomousSystemOrganization
		loc.NetworkKind = l.asns[i].kind(loc.ASN, loc.ASOrg)
		ai = i
		break
	}
	loc.Source = l.source(ci, ai)
	if !loc.Found {
		loc.Reason = specialOr(addr, ReasonNotInDatabase)
	}
	return loc
}

// source names the City database ci and the ASN database ai (-1: none), joined
// with "+" unless they are the same name (the demo).
func (l *Locator) source(ci, ai int) string {
	switch {
	case ci < 0 && ai < 0:
		return ""
	case ai < 0:
		return l.cities[ci].name
	case ci < 0:
		return l.asns[ai].name
	case l.cities[ci].name == l.asns[ai].name:
		return l.cities[ci].name
	}
	// The joined names are made once per pair: Lookup runs for every login
	// event and should not allocate for this.
	l.joinedOnce.Do(func() {
		l.joined = make([][]string, len(l.cities))
		for i := range l.cities {
			l.joined[i] = make([]string, len(l.asns))
			for j := range l.asns {
				l.joined[i][j] = l.cities[i].name + "+" + l.asns[j].name
			}
		}
	})
	return l.joined[ci][ai]
}

// canonical is addr's text, reusing in when it already is that text (the usual
// case) so that Lookup does not allocate for it.
func canonical(in string, addr netip.Addr) string {
	var buf [64]byte
	if b := addr.AppendTo(buf[:0]); string(b) == in {
		return in
	}
	return addr.String()
}

// specialOr is the special-range reason of addr, or fallback.
func specialOr(addr netip.Addr, fallback string) string {
	if r := specialReason(addr); r != "" {
		return r
	}
	return fallback
}

// lookup fills loc from this database and reports whether it knew addr. A
// corrupt record counts as unknown: one bad entry must not hide the others.
func (c *cityDB) lookup(addr netip.Addr, loc *Location) bool {
	if c.flat != nil {
		res := c.flat.Lookup(addr)
		if !res.Found() {
			return false
		}
		var f flatCity
		if err := res.Decode(&f); err != nil {
			return false
		}
		loc.CountryCode = f.CountryCode
		loc.Country = countryName(f.CountryCode)
		loc.Region = f.State1
		loc.City = f.City
		loc.Latitude, loc.Longitude = f.Latitude, f.Longitude
		loc.TimeZone = f.Timezone
		return true
	}
	rec, err := c.geo.City(addr)
	if err != nil || !rec.HasData() {
		return false
	}
	loc.CountryCode = rec.Country.ISOCode
	loc.Country = rec.Country.Names.English
	if loc.Country == "" {
		loc.Country = countryName(loc.CountryCode)
	}
	if len(rec.Subdivisions) > 0 {
		loc.Region = rec.Subdivisions[0].Names.English
	}
	loc.City = rec.City.Names.English
	if rec.Location.Latitude != nil && rec.Location.Longitude != nil {
		loc.Latitude, loc.Longitude = *rec.Location.Latitude, *rec.Location.Longitude
	}
	loc.AccuracyKM = int(rec.Location.AccuracyRadius)
	loc.TimeZone = rec.Location.TimeZone
	return true
}

// countryName is the English name of an ISO 3166-1 alpha-2 code, or the code
// itself when it is not one (flat-schema files carry only the code).
func countryName(code string) string {
	if code == "" {
		return ""
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.English.Regions().Name(r); n != "" && n != "Unknown Region" {
		return n
	}
	return code
}
