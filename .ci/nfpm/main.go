// Command nfpm builds Verifydesk's .deb and .rpm from nfpm.yaml with the nfpm
// library (github.com/goreleaser/nfpm/v2, pinned in this folder's go.mod):
//
//	go run . CONFIG OUTDIR
//
// The config's ${VAR}s come from the environment (.ci/package sets them). It
// prints the path of each package made, one a line.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb"
	_ "github.com/goreleaser/nfpm/v2/rpm"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run . CONFIG OUTDIR")
		os.Exit(2)
	}
	for _, packager := range []string{"deb", "rpm"} {
		path, err := build(os.Args[1], os.Args[2], packager)
		if err != nil {
			fmt.Fprintf(os.Stderr, "nfpm %s: %v\n", packager, err)
			os.Exit(1)
		}
		fmt.Println(path)
	}
}

func build(config, outdir, packager string) (string, error) {
	cfg, err := nfpm.ParseFile(config)
	if err != nil {
		return "", err
	}
	info, err := cfg.Get(packager)
	if err != nil {
		return "", err
	}
	info = nfpm.WithDefaults(info)
	pkg, err := nfpm.Get(packager)
	if err != nil {
		return "", err
	}
	target := filepath.Join(outdir, pkg.ConventionalFileName(info))
	f, err := os.Create(target)
	if err != nil {
		return "", err
	}
	info.Target = target
	if err := pkg.Package(info, f); err != nil {
		f.Close()
		os.Remove(target)
		return "", err
	}
	return target, f.Close()
}
