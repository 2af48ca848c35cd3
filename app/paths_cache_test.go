package app

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"verifydesk/data/cache"
)

// The cache package, opening the cache at DefaultCachePath on a machine with no
// keyring, keeps its key in the file `paths` names.
func TestPathsNameTheCacheFiles(t *testing.T) {
	fakeHome(t)
	path, err := DefaultCachePath()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	c, err := cache.Open(path, cache.Options{Keyring: noKeyring{}})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	key, err := DefaultCacheKeyPath()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, key} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("opening the cache made no %s: %v", p, err)
		}
	}
}

// noKeyring is a machine without an OS keyring.
type noKeyring struct{}

func (noKeyring) Get(string, string) (string, error) { return "", errors.New("no keyring") }
func (noKeyring) Set(string, string, string) error   { return errors.New("no keyring") }
