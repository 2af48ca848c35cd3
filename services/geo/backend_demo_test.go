package geo_test

import (
	"testing"

	"verifydesk/backend"
	"verifydesk/services/geo"
)

// TestDemoCoversBackendIPs keeps the two halves of the demo in step: every
// address the reference backend's demo data uses is placed by the demo
// database, with a city and a network.
func TestDemoCoversBackendIPs(t *testing.T) {
	l := open(t)
	ips := backend.DemoLoginIPs()
	if len(ips) == 0 {
		t.Fatal("backend.DemoLoginIPs() is empty")
	}
	for _, ip := range ips {
		loc := l.Lookup(ip)
		if !loc.Found || loc.City == "" || loc.ASOrg == "" || loc.NetworkKind == geo.KindUnknown {
			t.Errorf("demo IP %s is not placed: %+v", ip, loc)
		}
	}
	// The story the table tells for the addresses support agents meet first.
	for ip, city := range map[string]string{
		"198.51.100.23": "San Francisco", "192.0.2.23": "San Francisco", "203.0.113.7": "Lagos",
		"198.51.100.44": "London", "198.51.100.45": "Manchester", "198.51.100.46": "Leeds",
		"203.0.113.40": "Barcelona", "198.51.100.60": "Berlin", "198.51.100.61": "Hamburg",
		"192.0.2.81": "Tokyo", "192.0.2.82": "Osaka", "192.0.2.86": "Shanghai",
		"192.0.2.91": "Bengaluru", "192.0.2.92": "Mumbai", "2001:db8:91::20": "Delhi",
		"203.0.113.88": "Amsterdam", "198.51.100.121": "Rio de Janeiro",
	} {
		if got := l.Lookup(ip).City; got != city {
			t.Errorf("%s is in %q, want %q", ip, got, city)
		}
	}
	if k := l.Lookup("203.0.113.88").NetworkKind; k != geo.KindHosting {
		t.Errorf("the attack's VPN exit is %q, want hosting", k)
	}
}
