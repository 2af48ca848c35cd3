package app

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"verifydesk/services/geo"
)

// dbPaths is the repeatable --db flag.
type dbPaths []string

func (p *dbPaths) String() string { return strings.Join(*p, ",") }

func (p *dbPaths) Set(v string) error {
	if v == "" {
		return errors.New("empty path")
	}
	*p = append(*p, v)
	return nil
}

// runGeo is `verifydesk geo [--db PATH]... IP...`: one JSON object per address
// per line, in the order given. An argument that is not an IP address still gets
// its line (found false, reason "invalid") and makes the exit status 1, so a
// script sees every answer and still learns that something was wrong.
func runGeo(args []string, std Stdio) int {
	fs := flag.NewFlagSet("geo", flag.ContinueOnError)
	var dbs dbPaths
	fs.Var(&dbs, "db", "a MaxMind DB file: GeoIP2/GeoLite2 City or ASN, or a flat-schema City file; repeat for several (default: the demo database)")
	if status, ok := parseFlags(fs, args, std, geoUsage); !ok {
		return status
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(std.Err, "verifydesk geo: give at least one IP address")
		geoUsage(fs, std.Err)
		return exitUsage
	}
	loc, err := geo.Open(dbs...)
	if err != nil {
		fmt.Fprintln(std.Err, "verifydesk geo:", err)
		return exitFail
	}
	defer loc.Close()
	if loc.Demo() {
		fmt.Fprintln(std.Err, "verifydesk geo: no --db given, using the demo database (documentation ranges only)")
	}
	enc := json.NewEncoder(std.Out)
	status := exitOK
	for _, ip := range fs.Args() {
		l := loc.Lookup(ip)
		if l.Reason == geo.ReasonInvalid {
			status = exitFail
		}
		if err := enc.Encode(l); err != nil {
			fmt.Fprintln(std.Err, "verifydesk geo:", err)
			return exitFail
		}
	}
	return status
}

func geoUsage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "Usage: verifydesk geo [--db PATH]... IP...")
	fmt.Fprintln(w, "\nLocate IP addresses: one JSON object per address per line (ip, found, reason,")
	fmt.Fprintln(w, "country_code, country, region, city, latitude, longitude, accuracy_km, time_zone,")
	fmt.Fprintln(w, "asn, as_org, network_kind, source). Locations come from the IP address, never GPS.")
	fmt.Fprintln(w, "Exit status 1 when an argument is not an IP address, 2 on a usage error.")
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
}
