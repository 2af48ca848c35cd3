package cache

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
)

// sealVersion is the first byte of every sealed value: the format
// version || nonce (12 bytes) || AES-256-GCM ciphertext and tag.
const sealVersion = 1

// keySize is the cache key's length: AES-256.
const keySize = 32

// keys are what the cache key is expanded into (HKDF-SHA256), so the cipher
// key, the index key and the check value are independent.
type keys struct {
	aead  cipher.AEAD
	index []byte // HMAC-SHA256 key of the index tokens
	check []byte // stored in the clear to recognise the right key
}

func deriveKeys(secret []byte) (keys, error) {
	if len(secret) != keySize {
		return keys{}, &KeyError{Kind: ErrKeyMalformed, Err: fmt.Errorf("the key is %d bytes, not %d", len(secret), keySize)}
	}
	enc, err := hkdf.Key(sha256.New, secret, nil, "verifydesk cache: encryption", keySize)
	if err != nil {
		return keys{}, err
	}
	idx, err := hkdf.Key(sha256.New, secret, nil, "verifydesk cache: index", keySize)
	if err != nil {
		return keys{}, err
	}
	chk, err := hkdf.Key(sha256.New, secret, nil, "verifydesk cache: key check", keySize)
	if err != nil {
		return keys{}, err
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		return keys{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return keys{}, err
	}
	return keys{aead: aead, index: idx, check: chk}, nil
}

// seal encrypts plain; aad binds the value to where it is stored, so a value
// moved under another key no longer opens.
func (k keys) seal(aad, plain []byte) []byte {
	ns := k.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plain)+k.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1 : 1+ns]); err != nil {
		panic("cache: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	return k.aead.Seal(out, out[1:1+ns], plain, aad)
}

// open decrypts a sealed value into a new slice (never aliasing sealed, which
// may be bbolt memory). Any damage gives ErrCorruptRecord.
func (k keys) open(aad, sealed []byte) ([]byte, error) {
	ns := k.aead.NonceSize()
	if len(sealed) < 1+ns+k.aead.Overhead() || sealed[0] != sealVersion {
		return nil, fmt.Errorf("%w: not a sealed value", ErrCorruptRecord)
	}
	plain, err := k.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorruptRecord, err)
	}
	return plain, nil
}

// sealJSON encodes v as JSON and seals it.
func (k keys) sealJSON(aad []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return k.seal(aad, b), nil
}

// openJSON opens a sealed value and decodes it into v.
func (k keys) openJSON(aad, sealed []byte, v any) error {
	b, err := k.open(aad, sealed)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %v", ErrCorruptRecord, err)
	}
	return nil
}

// checkValue is what meta stores to recognise the key.
func (k keys) checkValue() []byte {
	m := hmac.New(sha256.New, k.check)
	m.Write([]byte("verifydesk cache key check v1"))
	return m.Sum(nil)
}

// aadFor is the associated data of a record: its bucket and key.
func aadFor(bucket, key []byte) []byte {
	a := make([]byte, 0, len(bucket)+1+len(key))
	a = append(a, bucket...)
	a = append(a, 0)
	return append(a, key...)
}
