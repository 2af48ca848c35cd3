package backend

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Idempotent writes answer a repeat exactly as they answered the first time:
// the same status (201 stays 201), the same body byte for byte, and the header
// Idempotent-Replayed: true (SPEC section 11). The first answer is stored in
// bucketIdempotency under a scope naming the write, in the same write
// transaction as the write itself wherever the answer is known inside it, so a
// write that committed always has its answer.
//
// Scopes, by route:
//   - resend:           "codes" NUL Idempotency-Key (global; another agent's key is a 409)
//   - request approval: "approval" NUL agent NUL Idempotency-Key
//   - approve, reject:  "decide" NUL approval id (the same supervisor, the same decision)
//   - create case:      "case" NUL case id
//   - add note:         "note" NUL case id NUL note id
//   - chain head:       "chain" NUL console id NUL count
//
// Answers are kept as long as the file: a retention sweep is not needed at the
// reference backend's volumes.

func idemScope(parts ...string) []byte {
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(0)
		}
		b.WriteString(p)
	}
	return b.Bytes()
}

// fingerprint hashes the parts of a request that make it "the same request".
func fingerprint(parts ...any) string {
	raw, _ := json.Marshal(parts)
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:])
}

// answer is a JSON answer given as bytes: a first answer that is stored as it
// is sent, or a replay of one.
type answer struct {
	status   int
	body     []byte
	replayed bool
}

// encodeJSON is the body writeJSON sends for v; stored first answers are made
// by it so that a replay and the first answer are the same bytes.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// firstAnswer encodes v as the answer with status and stores it under scope
// with the request's fingerprint, inside tx.
func firstAnswer(tx *bolt.Tx, scope []byte, rec idemRec, status int, v any) (answer, error) {
	body, err := encodeJSON(v)
	if err != nil {
		return answer{}, err
	}
	rec.Status, rec.Body = status, body
	if err := putJSON(tx.Bucket(bucketIdempotency), scope, rec); err != nil {
		return answer{}, err
	}
	return answer{status: status, body: body}, nil
}

// storedAnswer looks scope up. It returns the replay of the stored answer, or
// nil when nothing is stored or the record has no answer (rec tells which).
// A stored request with another fingerprint, or from another agent when
// agentID is not "", is a 409: the key was used for something else.
func storedAnswer(tx *bolt.Tx, scope []byte, hash, agentID string) (*answer, *idemRec, error) {
	var rec idemRec
	ok, err := getJSON(tx.Bucket(bucketIdempotency), scope, &rec)
	if err != nil || !ok {
		return nil, nil, err
	}
	if rec.BodyHash != hash || (agentID != "" && rec.AgentID != agentID) {
		return nil, &rec, conflict("this idempotency key was already used for a different request")
	}
	if rec.Body == nil {
		return nil, &rec, nil
	}
	return &answer{status: rec.Status, body: rec.Body, replayed: true}, &rec, nil
}

// keyLocks serialises requests that share an idempotency scope whose write
// spans more than one transaction (a resend: the delivery is stored, the
// provider called, then the answer stored), so a concurrent repeat waits for
// the first answer instead of finding the write half done. The Server is the
// only writer of its file, so a lock in memory is enough.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

// lock takes the lock of key and returns its release.
func (l *keyLocks) lock(key string) func() {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*keyLock{}
	}
	k := l.m[key]
	if k == nil {
		k = &keyLock{}
		l.m[key] = k
	}
	k.refs++
	l.mu.Unlock()
	k.mu.Lock()
	return func() {
		k.mu.Unlock()
		l.mu.Lock()
		if k.refs--; k.refs == 0 {
			delete(l.m, key)
		}
		l.mu.Unlock()
	}
}
