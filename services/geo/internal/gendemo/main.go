// Command gendemo writes the embedded demo databases of package geo from its
// DemoNetworks table. Run it from the repository root or through
// `go generate ./services/geo`; it writes next to the geo package's source.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"verifydesk/services/geo"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
}

func run() error {
	// The geo package directory is two levels up from this file; finding it this
	// way works whether go generate or go run started us.
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return fmt.Errorf("cannot locate the source tree")
	}
	dir := filepath.Join(filepath.Dir(self), "..", "..")
	var city, asn bytes.Buffer
	if err := geo.WriteDemo(&city, &asn); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "demodata"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, geo.DemoCityFile), city.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, geo.DemoASNFile), asn.Bytes(), 0o644)
}
