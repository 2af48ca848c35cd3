package cache

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Defaults of Options.
const (
	DefaultTimeout        = time.Second
	DefaultKeyringTimeout = 5 * time.Second
)

// Bucket names. Keys are never personal data: case ids, note ids, sequence
// numbers and keyed hashes. Values are sealed (seal.go) except where noted.
var (
	bucketMeta        = []byte("meta")        // schema, cache id, key storage, key check (clear); audit head, last agent (sealed)
	bucketCases       = []byte("cases")       // case id -> caseRec (notes apart)
	bucketSummaries   = []byte("summaries")   // case id -> CaseSummary, the small record lists decode
	bucketNotes       = []byte("notes")       // case id 0 note id -> noteRec
	bucketSnapshots   = []byte("snapshots")   // case id -> Snapshot
	bucketAttachments = []byte("attachments") // case id 0 attachment id -> content
	bucketIndex       = []byte("index")       // token(16) inv-updated(8) case id -> empty (clear)
	bucketCaseTokens  = []byte("casetokens")  // case id -> inv-updated(8) tokens(16 each) (clear: keyed hashes)
	bucketOutbox      = []byte("outbox")      // seq -> OutboxItem
	bucketQueued      = []byte("queued")      // seq -> case id, items still queued (clear)
	bucketConflicts   = []byte("conflicts")   // seq -> case id, items in conflict (clear)
	bucketItemsBy     = []byte("itemsby")     // case id 0 seq -> empty, every item of a case (clear)
	bucketAudit       = []byte("audit")       // seq -> audit entry (audit.go)
)

// allBuckets are the buckets of the current schema.
var allBuckets = [][]byte{bucketMeta, bucketCases, bucketSummaries, bucketNotes, bucketSnapshots,
	bucketAttachments, bucketIndex, bucketCaseTokens, bucketOutbox, bucketQueued, bucketConflicts,
	bucketItemsBy, bucketAudit}

// Keys of the meta bucket.
var (
	metaSchema     = []byte("schema")      // uint64 big endian
	metaCacheID    = []byte("cache_id")    // random hex: the keyring user name
	metaKeyStorage = []byte("key_storage") // KeyInKeyring or KeyInFile
	metaKeyCheck   = []byte("key_check")   // keys.checkValue
	metaAuditHead  = []byte("audit_head")  // sealed Head
	metaLastAgent  = []byte("last_agent")  // sealed LastAgent
)

// Options tune Open. The zero value gives the defaults.
type Options struct {
	// Timeout bounds the wait for the file lock (default 1s): a second console
	// on the same file gets ErrInUse instead of hanging.
	Timeout time.Duration
	// Keyring keeps the key (default OSKeyring). Any error from it means there
	// is no keyring: a new cache then keeps its key in a 0600 file.
	Keyring Keyring
	// KeyringTimeout bounds each keyring call (default 5s).
	KeyringTimeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Keyring == nil {
		o.Keyring = OSKeyring{}
	}
	if o.KeyringTimeout <= 0 {
		o.KeyringTimeout = DefaultKeyringTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Cache is an open cache file. Close it when done.
type Cache struct {
	db         *bolt.DB
	path       string
	k          keys
	now        func() time.Time
	keyStorage string
	recovered  string
	// keyLoosened is the mode the key file had when Open made it 0600 (0:
	// it was private).
	keyLoosened fs.FileMode

	mu       sync.Mutex
	head     Head
	problems []Problem
	damaged  map[string]struct{} // records that did not open, by Problem.Where
	check    CheckReport

	outboxMu sync.Mutex // held by the ClaimOutbox holder
}

// Problem is a record the cache skipped because it could not be read.
type Problem struct {
	At    time.Time
	Where string // bucket and non-personal key: "cases/c-81f2", "audit/17"
	Err   string
}

// maxProblems bounds Problems' memory.
const maxProblems = 100

// Open opens the cache at path, creating it (and its key) when missing.
//
//   - Another process holding the file: ErrInUse after opts.Timeout.
//   - A file bbolt refuses (not a bbolt file, damaged meta pages, a panic while
//     reading it): the file is renamed to path+".corrupt-<UTC time>", a fresh
//     cache is started, and Recovered names the moved file.
//   - An older schema is migrated; a newer one is ErrNewerSchema; a bbolt file
//     of another program is ErrNotCache; a key that cannot be found is
//     ErrKeyUnavailable (nothing is changed then).
func Open(path string, opts Options) (*Cache, error) {
	opts = opts.withDefaults()
	c, err := open(path, opts)
	if err == nil || !errors.Is(err, errCorruptFile) {
		return c, err
	}
	aside, merr := moveAside(path, opts.Now())
	if merr != nil {
		return nil, fmt.Errorf("cache: %s is damaged (%v) and could not be moved aside: %w", path, err, merr)
	}
	c, err = open(path, opts)
	if err != nil {
		return nil, err
	}
	c.recovered = aside
	c.problem("file", fmt.Errorf("the cache file was damaged (%v): moved to %s, started a fresh cache", err, aside))
	return c, nil
}

func open(path string, opts Options) (*Cache, error) {
	db, err := openBolt(path, opts.Timeout)
	if err != nil {
		return nil, err
	}
	c := &Cache{db: db, path: path, now: opts.Now}
	start := time.Now()
	full, why := c.needsFullCheck(opts.Now())
	if err := c.checkPages(full); err != nil {
		_ = db.Close()
		return nil, err
	}
	kr := boundedKeyring{k: opts.Keyring, timeout: opts.KeyringTimeout}
	if err := c.init(kr); err != nil {
		_ = db.Close()
		return nil, err
	}
	if full {
		n, err := c.checkRecords()
		if err != nil {
			_ = db.Close()
			return nil, err
		}
		c.check.Records, c.check.lastFull = n, opts.Now()
	}
	c.check.Full, c.check.Why, c.check.Took = full, why, time.Since(start)
	return c, nil
}

// openBolt opens the file, turning bbolt's refusals into ErrInUse or
// errCorruptFile.
func openBolt(path string, timeout time.Duration) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %v", errCorruptFile, r)
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout})
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, ErrInUse
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		return nil, fmt.Errorf("%w: %w", errCorruptFile, err)
	}
	return nil, fmt.Errorf("cache: open %s: %w", path, err)
}

// moveAside renames a damaged file out of the way, never over another file.
func moveAside(path string, now time.Time) (string, error) {
	base := path + ".corrupt-" + now.UTC().Format("20060102T150405Z")
	aside := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(aside); errors.Is(err, os.ErrNotExist) {
			break
		}
		aside = fmt.Sprintf("%s-%d", base, i)
	}
	return aside, os.Rename(path, aside)
}

// init reads (or writes, for a new file) the meta bucket, finds the key,
// migrates an older schema and loads the audit head.
func (c *Cache) init(kr Keyring) error {
	err := c.guarded(errCorruptFile, func() error {
		// A current cache is only read: no commit, no fsync at start.
		write := false
		err := c.db.View(func(tx *bolt.Tx) error {
			meta := tx.Bucket(bucketMeta)
			if meta == nil {
				write = true
				return nil
			}
			if sv := meta.Get(metaSchema); len(sv) == 8 && binary.BigEndian.Uint64(sv) < SchemaVersion {
				write = true
				return nil
			}
			return c.initExisting(tx, meta, kr)
		})
		if err != nil || !write {
			return err
		}
		return c.db.Update(func(tx *bolt.Tx) error {
			meta := tx.Bucket(bucketMeta)
			if meta == nil {
				return c.initNew(tx, kr)
			}
			return c.initExisting(tx, meta, kr)
		})
	})
	if err != nil {
		return err
	}
	return c.loadHead()
}

func (c *Cache) initNew(tx *bolt.Tx, kr Keyring) error {
	foreign := false
	_ = tx.ForEach(func([]byte, *bolt.Bucket) error { foreign = true; return nil })
	if foreign {
		return fmt.Errorf("%w: %s", ErrNotCache, c.path)
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	cacheID := hex.EncodeToString(id)
	secret, storage, loosened, err := newKey(c.path, cacheID, kr)
	if err != nil {
		return c.withFile(err)
	}
	c.keyLoosened = loosened
	if c.k, err = deriveKeys(secret); err != nil {
		return err
	}
	c.keyStorage = storage
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bucketMeta)
	return errors.Join(
		meta.Put(metaSchema, u64(SchemaVersion)),
		meta.Put(metaCacheID, []byte(cacheID)),
		meta.Put(metaKeyStorage, []byte(storage)),
		meta.Put(metaKeyCheck, c.k.checkValue()),
	)
}

func (c *Cache) initExisting(tx *bolt.Tx, meta *bolt.Bucket, kr Keyring) error {
	sv := meta.Get(metaSchema)
	cacheID, storage, check := meta.Get(metaCacheID), meta.Get(metaKeyStorage), meta.Get(metaKeyCheck)
	if len(sv) != 8 || len(cacheID) == 0 || len(storage) == 0 || len(check) == 0 {
		return fmt.Errorf("%w: the meta record is incomplete", errCorruptFile)
	}
	schema := binary.BigEndian.Uint64(sv)
	if schema > SchemaVersion {
		return fmt.Errorf("%w (schema %d, this version reads up to %d)", ErrNewerSchema, schema, SchemaVersion)
	}
	secret, loosened, err := loadKey(c.path, string(cacheID), string(storage), kr)
	if err != nil {
		return c.withFile(err)
	}
	c.keyLoosened = loosened
	if c.k, err = deriveKeys(secret); err != nil {
		return c.withFile(err)
	}
	if string(c.k.checkValue()) != string(check) {
		where := "OS keyring"
		if string(storage) == KeyInFile {
			where = "key file " + keyFilePath(c.path)
		}
		return &KeyError{Kind: ErrKeyMismatch, File: c.path, Where: where}
	}
	c.keyStorage = string(storage)
	if schema < SchemaVersion {
		return c.migrate(tx, schema)
	}
	return nil
}

// withFile names the cache file in a *KeyError.
func (c *Cache) withFile(err error) error {
	var ke *KeyError
	if errors.As(err, &ke) && ke.File == "" {
		ke.File = c.path
	}
	return err
}

// Close closes the file. Methods called after Close return an error. After
// a session that found no damage it records that the file was closed cleanly
// (check.go), so the next Open need not check it all again.
func (c *Cache) Close() error {
	txid := -1
	_ = c.guarded(errCorruptFile, func() error {
		return c.db.View(func(tx *bolt.Tx) error { txid = tx.ID(); return nil })
	})
	if err := c.db.Close(); err != nil || txid < 0 {
		return err
	}
	c.markClean(txid)
	return nil
}

// Path is the cache file's path.
func (c *Cache) Path() string { return c.path }

// KeyStorage says where the key is: KeyInKeyring, or KeyInFile with
// KeyFileWarning as the warning to show (empty for the keyring). When Open
// found the key file readable by others and made it 0600, the warning also
// says so (KeyFileModeWarning, after KeyFileWarning).
func (c *Cache) KeyStorage() (storage, warning string) {
	if c.keyStorage == KeyInFile {
		if c.keyLoosened != 0 {
			return KeyInFile, KeyFileWarning + " " + c.KeyFileModeFixed()
		}
		return KeyInFile, KeyFileWarning
	}
	return c.keyStorage, ""
}

// KeyFileModeFixed is the warning (KeyFileModeWarning) when Open found the
// key file readable or writable by other users and made it 0600, or "".
func (c *Cache) KeyFileModeFixed() string {
	if c.keyLoosened == 0 {
		return ""
	}
	return fmt.Sprintf(KeyFileModeWarning, c.KeyFile(), uint32(c.keyLoosened))
}

// KeyFile is the path the key file has, or would have, beside the cache.
func (c *Cache) KeyFile() string { return keyFilePath(c.path) }

// Recovered is the path the damaged cache file was moved to when Open started
// a fresh cache, or "" when the file opened normally. The console shows it.
func (c *Cache) Recovered() string { return c.recovered }

// Problems lists the records skipped since Open because they could not be
// read (the last 100), oldest first.
func (c *Cache) Problems() []Problem {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Problem(nil), c.problems...)
}

func (c *Cache) problem(where string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.problems) == maxProblems {
		copy(c.problems, c.problems[1:])
		c.problems = c.problems[:maxProblems-1]
	}
	c.problems = append(c.problems, Problem{At: c.now(), Where: where, Err: err.Error()})
	if where != "file" {
		if c.damaged == nil {
			c.damaged = map[string]struct{}{}
		}
		c.damaged[where] = struct{}{}
	}
}

// guarded runs fn and turns a panic (bbolt reading a damaged page, a fault on
// the mapped file) into an error wrapping kind.
func (c *Cache) guarded(kind error, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", kind, r)
			c.problem("file", err)
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return fn()
}

// view and update are the only ways into bbolt after Open.
func (c *Cache) view(fn func(tx *bolt.Tx) error) error {
	return c.guarded(ErrCorruptRecord, func() error { return c.db.View(fn) })
}

func (c *Cache) update(fn func(tx *bolt.Tx) error) error {
	return c.guarded(ErrCorruptRecord, func() error { return c.db.Update(fn) })
}

// putSealed seals v as JSON under key in bucket b (named name).
func (c *Cache) putSealed(b *bolt.Bucket, name, key []byte, v any) error {
	s, err := c.k.sealJSON(aadFor(name, key), v)
	if err != nil {
		return err
	}
	return b.Put(key, s)
}

// getSealed opens the record under key into v; ok is false when there is
// none. A record that does not open is ErrCorruptRecord, and reported.
func (c *Cache) getSealed(b *bolt.Bucket, name, key []byte, v any) (ok bool, err error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := c.k.openJSON(aadFor(name, key), raw, v); err != nil {
		c.problem(string(name)+"/"+printableKey(key), err)
		return false, err
	}
	return true, nil
}

// printableKey names a key in a Problem: keys are ids and sequence numbers,
// never personal data.
func printableKey(k []byte) string {
	if len(k) == 8 {
		return fmt.Sprint(binary.BigEndian.Uint64(k))
	}
	out := make([]byte, 0, len(k))
	for _, b := range k {
		if b < 0x20 || b > 0x7e {
			b = '/'
		}
		out = append(out, b)
	}
	return string(out)
}

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}
