package cache

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestKeyFileReadableByOthersIsMadePrivate: a key file left 0644 (a copy, an
// unzip, a umask of 022) is made 0600 when the cache opens, and the warning
// the console shows says so.
func TestKeyFileReadableByOthersIsMadePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps no group and other mode bits")
	}
	withoutKeyring(t)
	clk := newClock()
	c, path := newCache(t, clk)
	kf := c.KeyFile()
	c.Close()
	for _, mode := range []os.FileMode{0o644, 0o660, 0o602} {
		if err := os.Chmod(kf, mode); err != nil {
			t.Fatal(err)
		}
		c, err := Open(path, testOptions(clk))
		if err != nil {
			t.Fatalf("Open with a %04o key file: %v", mode, err)
		}
		st, err := os.Stat(kf)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("key file mode after Open = %v (%v), want 0600", st.Mode().Perm(), err)
		}
		_, warning := c.KeyStorage()
		if !strings.Contains(warning, "readable by other users") || !strings.Contains(warning, kf) || c.KeyFileModeFixed() == "" {
			t.Errorf("%04o: warning %q, fixed %q", mode, warning, c.KeyFileModeFixed())
		}
		c.Close()
	}
	// Private already: nothing to say beyond the key-in-a-file warning.
	c = openAt(t, path, testOptions(clk))
	if _, w := c.KeyStorage(); w != KeyFileWarning || c.KeyFileModeFixed() != "" {
		t.Errorf("a private key file: warning %q", w)
	}
}

// TestWrongOrMalformedKeyIsAKeyError: the words name the cause and the file,
// and the file is left where it is.
func TestWrongOrMalformedKeyIsAKeyError(t *testing.T) {
	withoutKeyring(t)
	clk := newClock()
	c, path := newCache(t, clk)
	kf := c.KeyFile()
	c.Close()
	for _, tc := range []struct {
		name, key string
		kind      error
		words     string
	}{
		{"another cache's key", encodeSecret(newSecret()), ErrKeyMismatch, "The cache key does not open this cache file: cache " + path},
		{"not base64", "this is not a key\n", ErrKeyMalformed, "The cache key is malformed"},
		{"16 bytes", encodeSecret(make([]byte, 16)), ErrKeyMalformed, "The cache key is malformed"},
		{"empty", "", ErrKeyMalformed, "The cache key is malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(kf, []byte(tc.key), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path, testOptions(clk))
			var ke *KeyError
			if !errors.As(err, &ke) || !errors.Is(err, tc.kind) {
				t.Fatalf("Open: %v (%T), want a *KeyError of %v", err, err, tc.kind)
			}
			if !strings.HasPrefix(err.Error(), tc.words) || !strings.Contains(err.Error(), kf) ||
				!strings.HasSuffix(err.Error(), "The cache file was left as it is.") {
				t.Errorf("words: %q", err.Error())
			}
			if w, ok := Explain(err); !ok || w != err.Error() {
				t.Errorf("Explain = %q, %v", w, ok)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("the cache file moved: %v", err)
			}
		})
	}
	os.Remove(kf)
	_, err := Open(path, testOptions(clk))
	if !errors.Is(err, ErrKeyUnavailable) || !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "The cache key is not available: cache "+path) {
		t.Errorf("no key file: %v", err)
	}
}
