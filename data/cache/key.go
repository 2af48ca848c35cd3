package cache

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name the cache key is stored under in the OS
// keyring; the user name is "cache-" followed by the cache's random id.
const KeyringService = "verifydesk"

// Where the key is kept, as KeyStorage reports it.
const (
	KeyInKeyring = "keyring"
	KeyInFile    = "file"
)

// KeyFileWarning is KeyStorage's warning when the key is in a file: the
// Settings screen and the status bar show it.
const KeyFileWarning = "No OS keyring is available: the cache key is in a file beside the cache (readable only by you). Anyone who can read both files can read the cached cases."

// Keyring is where the cache key is kept. Any error (no Secret Service on a
// headless Linux, a locked keychain, a denied prompt) means "no keyring": a new
// cache then keeps its key in a file. Get returns keyring.ErrNotFound when the
// keyring works but holds no such secret.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
}

// OSKeyring is the operating system's keyring through go-keyring (Windows
// Credential Manager, macOS Keychain, Secret Service over D-Bus). Tests
// replace go-keyring's provider with keyring.MockInit.
type OSKeyring struct{}

// Get reads a secret.
func (OSKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }

// Set stores a secret.
func (OSKeyring) Set(service, user, secret string) error { return keyring.Set(service, user, secret) }

// errKeyringTimeout: the keyring did not answer (a prompt nobody answers).
var errKeyringTimeout = errors.New("the OS keyring did not answer")

// boundedKeyring runs each call with a deadline: a keyring waiting on an
// unlock prompt must not hang the console's start. A call that times out is
// left to finish on its own; its result is dropped.
type boundedKeyring struct {
	k       Keyring
	timeout time.Duration
}

func (b boundedKeyring) Get(service, user string) (string, error) {
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() { s, err := b.k.Get(service, user); ch <- res{s, err} }()
	t := time.NewTimer(b.timeout)
	defer t.Stop()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-t.C:
		return "", errKeyringTimeout
	}
}

func (b boundedKeyring) Set(service, user, secret string) error {
	ch := make(chan error, 1)
	go func() { ch <- b.k.Set(service, user, secret) }()
	t := time.NewTimer(b.timeout)
	defer t.Stop()
	select {
	case err := <-ch:
		return err
	case <-t.C:
		return errKeyringTimeout
	}
}

// keyringUser is the keyring user name of a cache.
func keyringUser(cacheID string) string { return "cache-" + cacheID }

// keyFilePath is where the key file of the cache at path lives.
func keyFilePath(path string) string { return path + ".key" }

func newSecret() []byte {
	b := make([]byte, keySize)
	if _, err := rand.Read(b); err != nil {
		panic("cache: no randomness: " + err.Error())
	}
	return b
}

func encodeSecret(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// decodeSecret reads a stored key; where names it in the error ("key file
// /home/ana/.../cache.db.key", "OS keyring").
func decodeSecret(s, where string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace([]byte(s))))
	if err != nil || len(b) != keySize {
		return nil, &KeyError{Kind: ErrKeyMalformed, Where: where}
	}
	return b, nil
}

// maxKeyFile bounds what is read of a key file: a key is 45 bytes.
const maxKeyFile = 4096

// readKeyFile reads the key file; os.ErrNotExist when there is none. A key
// file others can read or write (a copy, an unzip, a umask of 022) is made
// 0600 before it is used, through the open file so the check and the change
// are of the same file; loosened is the mode it had (0 when it was private).
// Windows keeps no such bits: the file's ACL is the user profile's.
func readKeyFile(path string) (secret []byte, loosened fs.FileMode, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	if runtime.GOOS != "windows" {
		st, err := f.Stat()
		if err != nil {
			return nil, 0, err
		}
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			loosened = perm
			if err := f.Chmod(0o600); err != nil {
				return nil, 0, fmt.Errorf("%w: the key file %s is readable by others (mode %04o) and could not be made private: %w",
					ErrKeyUnavailable, path, perm, err)
			}
		}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile))
	if err != nil {
		return nil, 0, err
	}
	secret, err = decodeSecret(string(b), "key file "+path)
	return secret, loosened, err
}

// KeyFileModeWarning is what KeyStorage adds to its warning when Open found
// the key file readable by others and made it 0600; %04o is the mode it had.
const KeyFileModeWarning = "The cache key file %s was readable by other users (mode %04o): it is now readable only by you (0600). Whoever could read it before may have copied the key."

// writeKeyFile creates the key file, readable by the user only, and syncs it
// before the cache records that its key is there.
func writeKeyFile(path string, secret []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("cache: create key file: %w", err)
	}
	_, werr := f.WriteString(encodeSecret(secret) + "\n")
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("cache: write key file: %w", err)
	}
	return nil
}

// newKey makes the key of a new cache and stores it: in the keyring when it
// works, else in the key file. A key file already beside the cache (left by a
// cache that was moved aside as corrupt) is reused, so the old file stays
// readable with it.
func newKey(path, cacheID string, kr Keyring) (secret []byte, storage string, loosened fs.FileMode, err error) {
	kf := keyFilePath(path)
	if s, loosened, err := readKeyFile(kf); err == nil {
		return s, KeyInFile, loosened, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, "", 0, keyErr(err, "key file "+kf)
	}
	secret = newSecret()
	if kr != nil {
		if err := kr.Set(KeyringService, keyringUser(cacheID), encodeSecret(secret)); err == nil {
			// Read it back: some keyrings accept a Set they do not keep.
			if got, err := kr.Get(KeyringService, keyringUser(cacheID)); err == nil && got == encodeSecret(secret) {
				return secret, KeyInKeyring, 0, nil
			}
		}
	}
	if err := writeKeyFile(kf, secret); err != nil {
		return nil, "", 0, err
	}
	return secret, KeyInFile, 0, nil
}

// keyErr is err as a *KeyError: a KeyError already (a malformed key) is
// returned as it is; anything else means the key could not be read.
func keyErr(err error, where string) error {
	var ke *KeyError
	if errors.As(err, &ke) {
		return err
	}
	return &KeyError{Kind: ErrKeyUnavailable, Where: where, Err: err}
}

// loadKey finds the key of an existing cache where meta says it is.
func loadKey(path, cacheID, storage string, kr Keyring) ([]byte, fs.FileMode, error) {
	switch storage {
	case KeyInKeyring:
		if kr == nil {
			return nil, 0, &KeyError{Kind: ErrKeyUnavailable, Where: "OS keyring", Err: errors.New("the OS keyring is not in use")}
		}
		s, err := kr.Get(KeyringService, keyringUser(cacheID))
		if err != nil {
			return nil, 0, &KeyError{Kind: ErrKeyUnavailable, Where: "OS keyring", Err: err}
		}
		b, err := decodeSecret(s, "OS keyring")
		return b, 0, err
	case KeyInFile:
		s, loosened, err := readKeyFile(keyFilePath(path))
		if err != nil {
			return nil, 0, keyErr(err, "key file "+keyFilePath(path))
		}
		return s, loosened, nil
	}
	return nil, 0, &KeyError{Kind: ErrKeyUnavailable, Where: "the cache's meta record", Err: fmt.Errorf("unknown key storage %q", storage)}
}
