package auditlog

import (
	"context"
	"errors"
	"fmt"

	"verifydesk/data"
	"verifydesk/data/cache"
	"verifydesk/services/i18n"
)

// HeadEvery is how often, in entries, Record sends the chain's head to the
// backend: a cut-off tail longer than this is found against the backend's
// record even if the console never signs out cleanly.
const HeadEvery = 20

// The local log's models, as the cache keeps them.
type (
	// LocalEntry is one action of this console. Detail never holds a
	// verification code.
	LocalEntry = cache.AuditEntry
	// Head is a chain's length and last hash.
	Head = cache.Head
	// VerifyResult is what checking the chain found.
	VerifyResult = cache.VerifyResult
)

var (
	// ErrNoLocalLog: the console keeps no local audit (no cache).
	ErrNoLocalLog = errors.New("this console keeps no local audit (no cache)")
	// ErrNoConsole: the recorder has no console id or no backend to send the
	// head to.
	ErrNoConsole = errors.New("the recorder has no console id or no backend")
	// ErrHeadNotSent: the entry was recorded, but the chain's head did not
	// reach the backend (it is sent again at the next head).
	ErrHeadNotSent = errors.New("the audit chain's head was not recorded on the backend")
)

// HeadAPI is what the recorder asks of the backend; *client.Client satisfies it.
type HeadAPI interface {
	RecordChainHead(ctx context.Context, head data.ChainHeadRequest) (data.ChainHead, error)
	LatestChainHead(ctx context.Context, consoleID string) (data.ChainHead, error)
}

// Recorder keeps this console's local audit chain in Cache and records its
// head on the backend through API under ConsoleID. A nil Recorder or a nil
// Cache keeps nothing: Record answers ErrNoLocalLog. Safe for concurrent use;
// every method does I/O.
type Recorder struct {
	Cache     *cache.Cache
	API       HeadAPI
	ConsoleID string
}

// Record appends e to the chain and, every HeadEvery entries, sends the head
// (SendHead). The entry is kept unless the error is the append's own; a head
// that did not reach the backend answers an error wrapping ErrHeadNotSent.
func (r *Recorder) Record(ctx context.Context, e LocalEntry) error {
	if !r.HasLog() {
		return ErrNoLocalLog
	}
	if _, err := r.Cache.Append(e); err != nil {
		return err
	}
	if n, _ := r.Cache.Head(); n%HeadEvery != 0 {
		return nil
	}
	return r.SendHead(ctx)
}

// SendHead records the chain's head on the backend, so a tail cut off later
// is found against it: at sign-out and every HeadEvery entries. An empty chain
// sends nothing. A failure wraps ErrHeadNotSent; the next head is sent anyway.
func (r *Recorder) SendHead(ctx context.Context) error {
	if !r.HasLog() {
		return ErrNoLocalLog
	}
	if r.API == nil || r.ConsoleID == "" {
		return ErrNoConsole
	}
	n, hash := r.Cache.Head()
	if n == 0 {
		return nil
	}
	if _, err := r.API.RecordChainHead(ctx, data.ChainHeadRequest{ConsoleID: r.ConsoleID, Count: int64(n), Hash: hash}); err != nil {
		return fmt.Errorf("%w: %w", ErrHeadNotSent, err)
	}
	return nil
}

// Verdict is what Verify found.
type Verdict struct {
	// Result is the local chain's check.
	Result VerifyResult
	// Server is the backend's record of this console's head, checked against
	// too; nil when it could not be read (HeadErr says why; client.ErrNotFound
	// when the backend has no record yet).
	Server  *Head
	HeadErr error
}

// Verify checks the local chain, entry by entry, and against the head the
// backend recorded for this console, so a cut-off tail is found too.
// Result.Err is ErrNoLocalLog without a cache.
func (r *Recorder) Verify(ctx context.Context) Verdict {
	if !r.HasLog() {
		return Verdict{Result: VerifyResult{Err: ErrNoLocalLog}, HeadErr: ErrNoLocalLog}
	}
	var v Verdict
	if r.API == nil || r.ConsoleID == "" {
		v.HeadErr = ErrNoConsole
	} else if head, err := r.API.LatestChainHead(ctx, r.ConsoleID); err != nil {
		v.HeadErr = err
	} else {
		v.Server = &Head{Count: uint64(head.Count), Hash: head.Hash}
	}
	v.Result = r.Cache.Verify(v.Server)
	return v
}

// HasLog reports whether the recorder keeps a local log (it has a cache).
func (r *Recorder) HasLog() bool { return r != nil && r.Cache != nil }

// BreakWords names a kind of break in the chain (VerifyResult.Broken.Kind:
// cache.Break*, the words `verifydesk audit verify` prints) in the agent's
// language.
func BreakWords(kind string) string {
	switch kind {
	case cache.BreakChanged:
		return i18n.X("audit.break.changed", "changed")
	case cache.BreakMissing:
		return i18n.X("audit.break.missing", "missing")
	case cache.BreakOutOfOrder:
		return i18n.X("audit.break.out_of_order", "out of order")
	case cache.BreakTailCut:
		return i18n.X("audit.break.tail_cut", "tail cut")
	}
	return kind
}
