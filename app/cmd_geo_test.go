package app

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"verifydesk/services/geo"
)

func writeGeoDB(t *testing.T, path, dbType, cidr string, rec mmdbtype.Map) {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, RecordSize: 24})
	if err != nil {
		t.Fatal(err)
	}
	_, n, _ := net.ParseCIDR(cidr)
	if err := tree.Insert(n, rec); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := tree.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func runGeoCmd(args ...string) (code int, out, errOut string) {
	var o, e bytes.Buffer
	code = runGeo(args, Stdio{In: strings.NewReader(""), Out: &o, Err: &e})
	return code, o.String(), e.String()
}

func decodeLines(t *testing.T, out string) []geo.Location {
	t.Helper()
	var locs []geo.Location
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var l geo.Location
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		locs = append(locs, l)
	}
	return locs
}

func TestGeoCommandWithDatabases(t *testing.T) {
	dir := t.TempDir()
	city := filepath.Join(dir, "GeoLite2-City.mmdb")
	asn := filepath.Join(dir, "GeoLite2-ASN.mmdb")
	writeGeoDB(t, city, "GeoLite2-City", "81.2.69.0/24", mmdbtype.Map{
		"country":  mmdbtype.Map{"iso_code": mmdbtype.String("GB"), "names": mmdbtype.Map{"en": mmdbtype.String("United Kingdom")}},
		"city":     mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String("London")}},
		"location": mmdbtype.Map{"latitude": mmdbtype.Float64(51.5142), "longitude": mmdbtype.Float64(-0.0931), "accuracy_radius": mmdbtype.Uint16(10), "time_zone": mmdbtype.String("Europe/London")},
	})
	writeGeoDB(t, asn, "GeoLite2-ASN", "81.2.69.0/24", mmdbtype.Map{
		"autonomous_system_number":       mmdbtype.Uint32(25135),
		"autonomous_system_organization": mmdbtype.String("Vodafone Limited"),
	})

	code, out, errOut := runGeoCmd("--db", city, "--db", asn, "81.2.69.160", "10.1.2.3")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	// The JSON field names are the contract scripts rely on.
	first := strings.SplitN(out, "\n", 2)[0]
	for _, key := range []string{`"ip":`, `"found":`, `"country_code":`, `"country":`, `"region":`, `"city":`,
		`"latitude":`, `"longitude":`, `"accuracy_km":`, `"time_zone":`, `"asn":`, `"as_org":`, `"network_kind":`, `"source":`} {
		if !strings.Contains(first, key) {
			t.Errorf("output line lacks %s: %s", key, first)
		}
	}
	locs := decodeLines(t, out)
	if len(locs) != 2 {
		t.Fatalf("want 2 lines, got %q", out)
	}
	want := geo.Location{IP: "81.2.69.160", Found: true, CountryCode: "GB", Country: "United Kingdom", City: "London",
		Latitude: 51.5142, Longitude: -0.0931, AccuracyKM: 10, TimeZone: "Europe/London", ASN: 25135,
		ASOrg: "Vodafone Limited", NetworkKind: "mobile", Source: "GeoLite2-City.mmdb+GeoLite2-ASN.mmdb"}
	if locs[0] != want {
		t.Errorf("got %+v\nwant %+v", locs[0], want)
	}
	if locs[1].Found || locs[1].Reason != "private" {
		t.Errorf("private address: %+v", locs[1])
	}
}

func TestGeoCommandInvalidArgument(t *testing.T) {
	code, out, _ := runGeoCmd("203.0.113.5", "not-an-ip", "2001:db8:886::1")
	if code != exitFail {
		t.Errorf("exit %d, want %d", code, exitFail)
	}
	locs := decodeLines(t, out)
	if len(locs) != 3 {
		t.Fatalf("every argument gets a line, got %q", out)
	}
	if !locs[0].Found || locs[0].City != "Lagos" || locs[0].Source != "demo" {
		t.Errorf("demo lookup: %+v", locs[0])
	}
	if locs[1].Found || locs[1].Reason != "invalid" || locs[1].IP != "not-an-ip" {
		t.Errorf("invalid argument: %+v", locs[1])
	}
	if !locs[2].Found || locs[2].City != "Taipei" {
		t.Errorf("IPv6 demo lookup: %+v", locs[2])
	}
}

func TestGeoCommandUsage(t *testing.T) {
	code, out, _ := runGeoCmd("--help")
	if code != exitOK || !strings.Contains(out, "Usage: verifydesk geo") || !strings.Contains(out, "-db") {
		t.Errorf("--help: exit %d, out %q", code, out)
	}
	if code, _, errOut := runGeoCmd(); code != exitUsage || !strings.Contains(errOut, "at least one IP") {
		t.Errorf("no arguments: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := runGeoCmd("--bogus", "1.2.3.4"); code != exitUsage {
		t.Errorf("unknown flag: exit %d", code)
	}
	if code, _, _ := runGeoCmd("--db"); code != exitUsage {
		t.Errorf("--db without a value: exit %d", code)
	}
	bad := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(bad, []byte("hello"), 0o644)
	code, out, errOut := runGeoCmd("--db", bad, "1.2.3.4")
	if code != exitFail || out != "" || !strings.Contains(errOut, "not a MaxMind database") {
		t.Errorf("wrong file: exit %d, out %q, stderr %q", code, out, errOut)
	}
}
