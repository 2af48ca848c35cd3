package cache

import (
	"errors"
	"strings"
)

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
	// changed; opening again once the keyring is unlocked may work. Open
	// returns it inside a *KeyError.
	ErrKeyUnavailable = errors.New("the cache key is not available")
	// ErrKeyMismatch: a key was found but it does not open this cache (the
	// key of another cache). Open returns it inside a *KeyError.
	ErrKeyMismatch = errors.New("the cache key does not open this cache file")
	// ErrKeyMalformed: what is stored as the key is not a key (not base64, or
	// not 32 bytes). Open returns it inside a *KeyError.
	ErrKeyMalformed = errors.New("the cache key is malformed")
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

// KeyError is why Open could not use the cache's key. Its message is meant
// for people, the same words in the window and on the command line, and
// says that the cache file was left as it was. errors.Is matches Kind
// (ErrKeyUnavailable, ErrKeyMismatch or ErrKeyMalformed) and Err.
type KeyError struct {
	Kind  error  // ErrKeyUnavailable, ErrKeyMismatch or ErrKeyMalformed
	File  string // the cache file
	Where string // where the key was looked for: "OS keyring", "key file PATH"
	Err   error  // the keyring's or the file system's error, if any
}

func (e *KeyError) Error() string {
	var s string
	switch e.Kind {
	case ErrKeyMismatch:
		s = "The cache key does not open this cache file"
	case ErrKeyMalformed:
		s = "The cache key is malformed (not a 32-byte key)"
	default:
		s = "The cache key is not available"
	}
	var detail []string
	if e.File != "" {
		detail = append(detail, "cache "+e.File)
	}
	if e.Where != "" {
		detail = append(detail, "key from "+e.Where)
	}
	if e.Err != nil {
		detail = append(detail, e.Err.Error())
	}
	if len(detail) > 0 {
		s += ": " + strings.Join(detail, "; ")
	}
	return s + ". The cache file was left as it is."
}

// Unwrap gives Kind and Err to errors.Is and errors.As.
func (e *KeyError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Explain words a cache error for the agent, the same in the window and on
// the command line; ok is false for an error that is not the cache's.
func Explain(err error) (words string, ok bool) {
	var ke *KeyError
	switch {
	case err == nil:
		return "", false
	case errors.As(err, &ke):
		return ke.Error(), true
	case errors.Is(err, ErrInUse):
		return "The case cache is in use by another Verifydesk window.", true
	case errors.Is(err, ErrNotCache):
		return "The case cache file is not a Verifydesk cache (another program's database); it was left as it is.", true
	case errors.Is(err, ErrCorruptRecord):
		return "This record of the case cache is damaged and cannot be read: it is skipped, and the rest of the cache is in use.", true
	case errors.Is(err, errCorruptFile):
		return "The case cache file is damaged.", true
	case errors.Is(err, ErrNewerSchema):
		return "The case cache was written by a newer version of Verifydesk; this version leaves it as it is.", true
	}
	return "", false
}
