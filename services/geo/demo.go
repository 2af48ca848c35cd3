package geo

import (
	_ "embed"
	"fmt"
	"io"
	"net"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// The demo databases, made by `go generate ./services/geo` from DemoNetworks and
// checked by TestDemoDatabaseMatchesTable so the files cannot drift from the table.
//
//go:generate go run ./internal/gendemo
var (
	//go:embed demodata/demo-city.mmdb
	demoCityMMDB []byte
	//go:embed demodata/demo-asn.mmdb
	demoASNMMDB []byte
)

// Demo database files, relative to this package.
const (
	DemoCityFile = "demodata/demo-city.mmdb"
	DemoASNFile  = "demodata/demo-asn.mmdb"
)

// DemoNetwork is one network of the demo database and the real place it is
// put in.
type DemoNetwork struct {
	Network     string // CIDR
	City        string
	Region      string // first-level subdivision, "" for city states
	RegionCode  string // ISO 3166-2 part after the country
	CountryCode string // ISO 3166-1 alpha-2
	Country     string
	Continent   string // two-letter continent code
	Latitude    float64
	Longitude   float64
	AccuracyKM  uint16
	TimeZone    string
	ASN         uint32
	ASOrg       string
	// Story says what the demo backend uses the network for.
	Story string
}

// DemoNetworks is the demo story, readable by the people who write demo data.
// It follows the reference backend's IP plan (backend/demo.go, whose addresses
// TestDemoCoversBackendIPs checks): one /28 per place, and single addresses
// (/32) carved out of a /28 where the backend put two cities side by side.
// Later rows win over earlier ones where they overlap.
//
//   - 198.51.100.0/24 and 192.0.2.0/24: the customers' home and office lines in
//     their own countries, and mobile data that often shows in another city (the
//     help page's "cellular connection ... from far away");
//   - 203.0.113.0/24: logins from abroad, roaming, and hosting/VPN exits, the
//     ones an agent should question;
//   - 2001:db8::/32: IPv6 of the same places, one /48 each.
//
// Addresses of the documentation ranges outside these networks (192.0.2.128/25)
// are not in the demo database and come back as "documentation".
var DemoNetworks = []DemoNetwork{
	// 198.51.100.0/24: home lines and mobile data.
	{"198.51.100.0/28", "Taipei", "Taipei City", "TPE", "TW", "Taiwan", "AS", 25.0478, 121.5319, 20, "Asia/Taipei", 3462, "Chunghwa Telecom Co., Ltd.", "TW home line"},
	{"198.51.100.16/28", "San Francisco", "California", "CA", "US", "United States", "NA", 37.7749, -122.4194, 10, "America/Los_Angeles", 7922, "Comcast Cable Communications, LLC", "US home line (Emily Carter, .23)"},
	{"198.51.100.32/28", "London", "England", "ENG", "GB", "United Kingdom", "EU", 51.5072, -0.1276, 20, "Europe/London", 2856, "British Telecommunications PLC", "GB home line (Oliver, .44)"},
	{"198.51.100.45/32", "Manchester", "England", "ENG", "GB", "United Kingdom", "EU", 53.4808, -2.2426, 50, "Europe/London", 25135, "Vodafone Limited", "GB mobile data (Oliver, .45)"},
	{"198.51.100.46/32", "Leeds", "England", "ENG", "GB", "United Kingdom", "EU", 53.8008, -1.5491, 20, "Europe/London", 5089, "Virgin Media Limited", "GB home line (Harriet, .46)"},
	{"198.51.100.48/28", "Berlin", "Land Berlin", "BE", "DE", "Germany", "EU", 52.5200, 13.4050, 20, "Europe/Berlin", 3320, "Deutsche Telekom AG", "DE home line (.60)"},
	{"198.51.100.61/32", "Hamburg", "Hamburg", "HH", "DE", "Germany", "EU", 53.5511, 9.9937, 20, "Europe/Berlin", 8881, "1&1 Versatel Deutschland GmbH", "DE home line (Lena, .61)"},
	{"198.51.100.64/28", "Mountain View", "California", "CA", "US", "United States", "NA", 37.3861, -122.0839, 10, "America/Los_Angeles", 7018, "AT&T Services, Inc.", "US home line"},
	{"198.51.100.80/28", "Austin", "Texas", "TX", "US", "United States", "NA", 30.2672, -97.7431, 20, "America/Chicago", 11427, "Charter Communications Inc", "US home line (Laura, .80)"},
	{"198.51.100.96/28", "Seattle", "Washington", "WA", "US", "United States", "NA", 47.6062, -122.3321, 100, "America/Los_Angeles", 21928, "T-Mobile USA, Inc.", "US mobile data"},
	{"198.51.100.112/28", "São Paulo", "São Paulo", "SP", "BR", "Brazil", "SA", -23.5505, -46.6333, 20, "America/Sao_Paulo", 28573, "Claro NXT Telecomunicacoes Ltda", "BR home line (.120)"},
	{"198.51.100.121/32", "Rio de Janeiro", "Rio de Janeiro", "RJ", "BR", "Brazil", "SA", -22.9068, -43.1729, 20, "America/Sao_Paulo", 7738, "Oi S.A.", "BR home line (Lucas, .121)"},
	{"198.51.100.128/28", "Shanghai", "Shanghai", "SH", "CN", "China", "AS", 31.2304, 121.4737, 50, "Asia/Shanghai", 4812, "China Telecom Group", "CN home line"},
	{"198.51.100.144/28", "Beijing", "Beijing", "BJ", "CN", "China", "AS", 39.9042, 116.4074, 100, "Asia/Shanghai", 9808, "China Mobile Communications Group Co., Ltd.", "CN mobile data"},
	{"198.51.100.160/28", "Tokyo", "Tokyo", "13", "JP", "Japan", "AS", 35.6762, 139.6503, 20, "Asia/Tokyo", 2516, "KDDI Corporation", "JP home line"},
	{"198.51.100.176/28", "Osaka", "Osaka", "27", "JP", "Japan", "AS", 34.6937, 135.5023, 50, "Asia/Tokyo", 9605, "NTT DOCOMO, INC.", "JP mobile data"},
	{"198.51.100.192/28", "Kaohsiung", "Kaohsiung City", "KHH", "TW", "Taiwan", "AS", 22.6163, 120.3133, 50, "Asia/Taipei", 24158, "Taiwan Mobile Co., Ltd.", "TW mobile data"},
	{"198.51.100.208/28", "Düsseldorf", "North Rhine-Westphalia", "NW", "DE", "Germany", "EU", 51.2277, 6.7735, 100, "Europe/Berlin", 3209, "Vodafone GmbH", "DE mobile data"},
	{"198.51.100.224/28", "Mumbai", "Maharashtra", "MH", "IN", "India", "AS", 19.0760, 72.8777, 20, "Asia/Kolkata", 9829, "National Internet Backbone", "IN home line"},
	{"198.51.100.240/28", "Delhi", "National Capital Territory of Delhi", "DL", "IN", "India", "AS", 28.7041, 77.1025, 100, "Asia/Kolkata", 45609, "Bharti Airtel Ltd.", "IN mobile data"},

	// 192.0.2.0/24: more home and office lines. 192.0.2.128/25 is left out on
	// purpose: it shows how an address the database does not cover looks.
	{"192.0.2.0/28", "Taipei", "Taipei City", "TPE", "TW", "Taiwan", "AS", 25.0478, 121.5319, 20, "Asia/Taipei", 3462, "Chunghwa Telecom Co., Ltd.", "TW home line (Mei, .10, .11)"},
	{"192.0.2.16/28", "San Francisco", "California", "CA", "US", "United States", "NA", 37.7749, -122.4194, 10, "America/Los_Angeles", 7018, "AT&T Services, Inc.", "US office (Emily, .23)"},
	{"192.0.2.32/28", "London", "England", "ENG", "GB", "United Kingdom", "EU", 51.5072, -0.1276, 20, "Europe/London", 5089, "Virgin Media Limited", "GB office"},
	{"192.0.2.48/28", "Berlin", "Land Berlin", "BE", "DE", "Germany", "EU", 52.5200, 13.4050, 20, "Europe/Berlin", 6805, "Telefonica Germany GmbH & Co.OHG", "DE office"},
	{"192.0.2.64/28", "São Paulo", "São Paulo", "SP", "BR", "Brazil", "SA", -23.5505, -46.6333, 20, "America/Sao_Paulo", 18881, "Telefonica Brasil S.A.", "BR office"},
	{"192.0.2.80/28", "Tokyo", "Tokyo", "13", "JP", "Japan", "AS", 35.6762, 139.6503, 20, "Asia/Tokyo", 4713, "NTT Communications Corporation", "JP home line (Yuki, .81)"},
	{"192.0.2.82/32", "Osaka", "Osaka", "27", "JP", "Japan", "AS", 34.6937, 135.5023, 20, "Asia/Tokyo", 17511, "OPTAGE Inc.", "JP home line (Haruto, .82)"},
	{"192.0.2.86/32", "Shanghai", "Shanghai", "SH", "CN", "China", "AS", 31.2304, 121.4737, 50, "Asia/Shanghai", 4812, "China Telecom Group", "CN home line (Wang Fang, .86)"},
	{"192.0.2.91/32", "Bengaluru", "Karnataka", "KA", "IN", "India", "AS", 12.9716, 77.5946, 20, "Asia/Kolkata", 24309, "Atria Convergence Technologies Ltd.", "IN home line (Priya, .91)"},
	{"192.0.2.92/32", "Mumbai", "Maharashtra", "MH", "IN", "India", "AS", 19.0760, 72.8777, 20, "Asia/Kolkata", 17488, "Hathway Cable and Datacom Limited", "IN home line (Arjun, .92)"},
	{"192.0.2.96/28", "Mumbai", "Maharashtra", "MH", "IN", "India", "AS", 19.0760, 72.8777, 50, "Asia/Kolkata", 55836, "Reliance Jio Infocomm Limited", "IN mobile data (Jio)"},

	// 203.0.113.0/24: abroad, roaming, hosting and VPN exits.
	{"203.0.113.0/28", "Lagos", "Lagos", "LA", "NG", "Nigeria", "AF", 6.5244, 3.3792, 100, "Africa/Lagos", 29465, "MTN Nigeria Communication limited", "abroad, mobile (unknown device on Emily's account, .7)"},
	{"203.0.113.16/28", "Moscow", "Moscow", "MOW", "RU", "Russia", "EU", 55.7558, 37.6173, 50, "Europe/Moscow", 12389, "Rostelecom", "abroad, fixed line"},
	{"203.0.113.32/28", "Barcelona", "Catalonia", "CT", "ES", "Spain", "EU", 41.3874, 2.1686, 50, "Europe/Madrid", 12430, "Vodafone Spain", "roaming, mobile (Oliver, .40)"},
	{"203.0.113.48/28", "Lisbon", "Lisbon", "11", "PT", "Portugal", "EU", 38.7223, -9.1393, 50, "Europe/Lisbon", 12353, "Vodafone Portugal", "abroad, mobile (Lucas's lost phone, .55)"},
	{"203.0.113.64/28", "Singapore", "", "", "SG", "Singapore", "AS", 1.3521, 103.8198, 10, "Asia/Singapore", 16509, "Amazon.com, Inc.", "hosting"},
	{"203.0.113.80/28", "Amsterdam", "North Holland", "NH", "NL", "Netherlands", "EU", 52.3676, 4.9041, 10, "Europe/Amsterdam", 9009, "M247 Europe SRL", "VPN exit (password attack on Arjun, .88)"},
	{"203.0.113.96/28", "Falkenstein", "Saxony", "SN", "DE", "Germany", "EU", 50.4779, 12.3713, 20, "Europe/Berlin", 24940, "Hetzner Online GmbH", "hosting"},
	{"203.0.113.112/28", "London", "England", "ENG", "GB", "United Kingdom", "EU", 51.5072, -0.1276, 20, "Europe/London", 60068, "Datacamp Limited", "VPN exit"},
	{"203.0.113.128/28", "Jakarta", "Jakarta", "JK", "ID", "Indonesia", "AS", -6.2088, 106.8456, 100, "Asia/Jakarta", 23693, "PT. Telekomunikasi Selular", "abroad, mobile"},
	{"203.0.113.144/28", "Kyiv", "Kyiv City", "30", "UA", "Ukraine", "EU", 50.4501, 30.5234, 50, "Europe/Kyiv", 15895, "Kyivstar PJSC", "abroad, mobile"},
	{"203.0.113.160/28", "Amsterdam", "North Holland", "NH", "NL", "Netherlands", "EU", 52.3676, 4.9041, 10, "Europe/Amsterdam", 14061, "DigitalOcean, LLC", "hosting"},
	{"203.0.113.176/28", "Roubaix", "Hauts-de-France", "HDF", "FR", "France", "EU", 50.6942, 3.1746, 20, "Europe/Paris", 16276, "OVH SAS", "hosting"},

	// 2001:db8::/32: IPv6 of the same places.
	{"2001:db8:886::/48", "Taipei", "Taipei City", "TPE", "TW", "Taiwan", "AS", 25.0478, 121.5319, 20, "Asia/Taipei", 3462, "Chunghwa Telecom Co., Ltd.", "TW home line, IPv6"},
	{"2001:db8:44::/48", "London", "England", "ENG", "GB", "United Kingdom", "EU", 51.5072, -0.1276, 20, "Europe/London", 2856, "British Telecommunications PLC", "GB home line, IPv6"},
	{"2001:db8:1::/48", "San Francisco", "California", "CA", "US", "United States", "NA", 37.7749, -122.4194, 10, "America/Los_Angeles", 7922, "Comcast Cable Communications, LLC", "US home line, IPv6"},
	{"2001:db8:2::/48", "Seattle", "Washington", "WA", "US", "United States", "NA", 47.6062, -122.3321, 100, "America/Los_Angeles", 21928, "T-Mobile USA, Inc.", "US mobile data, IPv6"},
	{"2001:db8:49::/48", "Berlin", "Land Berlin", "BE", "DE", "Germany", "EU", 52.5200, 13.4050, 20, "Europe/Berlin", 3320, "Deutsche Telekom AG", "DE home line, IPv6"},
	{"2001:db8:86::/48", "Shanghai", "Shanghai", "SH", "CN", "China", "AS", 31.2304, 121.4737, 50, "Asia/Shanghai", 4812, "China Telecom Group", "CN home line, IPv6"},
	{"2001:db8:81::/48", "Tokyo", "Tokyo", "13", "JP", "Japan", "AS", 35.6762, 139.6503, 20, "Asia/Tokyo", 2516, "KDDI Corporation", "JP home line, IPv6"},
	{"2001:db8:55::/48", "São Paulo", "São Paulo", "SP", "BR", "Brazil", "SA", -23.5505, -46.6333, 20, "America/Sao_Paulo", 28573, "Claro NXT Telecomunicacoes Ltda", "BR home line, IPv6"},
	{"2001:db8:91::/48", "Delhi", "National Capital Territory of Delhi", "DL", "IN", "India", "AS", 28.7041, 77.1025, 100, "Asia/Kolkata", 45609, "Bharti Airtel Ltd.", "IN mobile data, IPv6 (Priya, far from Bengaluru)"},
	{"2001:db8:234::/48", "Lagos", "Lagos", "LA", "NG", "Nigeria", "AF", 6.5244, 3.3792, 100, "Africa/Lagos", 29465, "MTN Nigeria Communication limited", "abroad, mobile, IPv6"},
	{"2001:db8:31::/48", "Amsterdam", "North Holland", "NH", "NL", "Netherlands", "EU", 52.3676, 4.9041, 10, "Europe/Amsterdam", 14061, "DigitalOcean, LLC", "hosting, IPv6"},
	{"2001:db8:7::/48", "Moscow", "Moscow", "MOW", "RU", "Russia", "EU", 55.7558, 37.6173, 50, "Europe/Moscow", 12389, "Rostelecom", "abroad, IPv6"},
}

var continentNames = map[string]string{
	"AF": "Africa", "AN": "Antarctica", "AS": "Asia", "EU": "Europe",
	"NA": "North America", "OC": "Oceania", "SA": "South America",
}

// demoBuildEpoch fixes the build time in the metadata so the generator writes
// the same bytes every time (2026-11-23T00:00:00Z).
const demoBuildEpoch = 1795392000

// WriteDemo writes the demo City database (GeoIP2-City schema) to city and the
// demo ASN database (GeoLite2-ASN schema) to asn, built from DemoNetworks. Two
// files rather than one combined record, so the demo is read by exactly the
// code that reads customers' real MaxMind files. It is used by the generator
// and by the test that keeps the embedded files in step with the table.
func WriteDemo(city, asn io.Writer) error {
	opts := mmdbwriter.Options{
		BuildEpoch:              demoBuildEpoch,
		IncludeReservedNetworks: true, // the documentation ranges are the point
		Languages:               []string{"en"},
		RecordSize:              24,
	}
	opts.DatabaseType = "GeoIP2-City"
	opts.Description = map[string]string{"en": "Verifydesk demo City database: documentation ranges placed in real cities"}
	ct, err := mmdbwriter.New(opts)
	if err != nil {
		return err
	}
	opts.DatabaseType = "GeoLite2-ASN"
	opts.Description = map[string]string{"en": "Verifydesk demo ASN database: documentation ranges"}
	opts.Languages = nil
	at, err := mmdbwriter.New(opts)
	if err != nil {
		return err
	}
	for _, n := range DemoNetworks {
		_, ipnet, err := net.ParseCIDR(n.Network)
		if err != nil {
			return fmt.Errorf("demo network %q: %w", n.Network, err)
		}
		if err := ct.Insert(ipnet, demoCityRecord(n)); err != nil {
			return fmt.Errorf("demo network %q: %w", n.Network, err)
		}
		if err := at.Insert(ipnet, mmdbtype.Map{
			"autonomous_system_number":       mmdbtype.Uint32(n.ASN),
			"autonomous_system_organization": mmdbtype.String(n.ASOrg),
		}); err != nil {
			return fmt.Errorf("demo network %q: %w", n.Network, err)
		}
	}
	if _, err := ct.WriteTo(city); err != nil {
		return err
	}
	_, err = at.WriteTo(asn)
	return err
}

func names(en string) mmdbtype.Map { return mmdbtype.Map{"en": mmdbtype.String(en)} }

// demoCityRecord is a GeoIP2-City record of n, with the fields real files carry.
func demoCityRecord(n DemoNetwork) mmdbtype.Map {
	country := mmdbtype.Map{"iso_code": mmdbtype.String(n.CountryCode), "names": names(n.Country)}
	rec := mmdbtype.Map{
		"city":               mmdbtype.Map{"names": names(n.City)},
		"continent":          mmdbtype.Map{"code": mmdbtype.String(n.Continent), "names": names(continentNames[n.Continent])},
		"country":            country,
		"registered_country": country,
		"location": mmdbtype.Map{
			"latitude":        mmdbtype.Float64(n.Latitude),
			"longitude":       mmdbtype.Float64(n.Longitude),
			"accuracy_radius": mmdbtype.Uint16(n.AccuracyKM),
			"time_zone":       mmdbtype.String(n.TimeZone),
		},
	}
	if n.Region != "" {
		rec["subdivisions"] = mmdbtype.Slice{mmdbtype.Map{
			"iso_code": mmdbtype.String(n.RegionCode),
			"names":    names(n.Region),
		}}
	}
	return rec
}
