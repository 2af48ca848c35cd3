package cache

import "errors"

// Sentinel errors. Errors returned by this package wrap one of these (or a
// bbolt or file-system error) so callers branch with errors.Is.
var (
	// ErrInUse: another process (another Verifydesk window) holds the cache
	// file. Its message is meant to be shown as it is.
	ErrInUse = errors.New("the cache is in use by another Verifydesk window")
	// ErrNotCache: the file is a bbolt database but not a Verifydesk cache
	// (another program's database). It is left where it is.
	ErrNotCache = errors.New("the file is not a Verifydesk cache")
	// ErrNewerSchema: the cache was written by a newer Verifydesk; this one
	// does not know its layout and leaves it untouched.
	ErrNewerSchema = errors.New("the cache was written by a newer version of Verifydesk")
	// ErrKeyUnavailable: the cache's key should be in the OS keyring or the key
	// file beside the cache, and could not be read from there. Nothing was
	// changed; opening again once the keyring is unlocked may work.
	ErrKeyUnavailable = errors.New("the cache's encryption key is not available")
	// ErrKeyMismatch: a key was found but it does not open this cache.
	ErrKeyMismatch = errors.New("the encryption key found does not open this cache")
	// ErrNotFound: the case, snapshot, attachment, outbox item or agent is not
	// in the cache.
	ErrNotFound = errors.New("not in the cache")
	// ErrCorruptRecord: a stored record could not be decrypted or decoded.
	ErrCorruptRecord = errors.New("a cache record is corrupt")
	// ErrInvalid: the input cannot be stored (empty or malformed id, empty
	// note, unknown outbox kind).
	ErrInvalid = errors.New("invalid input")
	// ErrExists: a note with this id is already in the case.
	ErrExists = errors.New("already in the cache")
	// ErrAttachmentTooLarge: over MaxAttachmentSize, or the case's attachments
	// would pass MaxCaseAttachments.
	ErrAttachmentTooLarge = errors.New("attachment too large")
	// ErrAttachmentType: the content is not a PNG or JPEG screenshot, a text
	// log or a zip archive of logs.
	ErrAttachmentType = errors.New("attachment type not accepted")
	// ErrOutboxBusy: another ClaimOutbox holder is sending the outbox.
	ErrOutboxBusy = errors.New("the outbox is already being sent")
	// ErrState: the outbox item is not in a state that allows the change.
	ErrState = errors.New("outbox item state does not allow this")
)

// errCorruptFile marks a failure that means the file itself is damaged: Open
// moves such a file aside and starts a fresh cache.
var errCorruptFile = errors.New("cache file is damaged")
