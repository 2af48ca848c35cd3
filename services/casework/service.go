package casework

import (
	"context"
	"errors"
	"fmt"

	"verifydesk/data"
	"verifydesk/data/cache"
	"verifydesk/services/client"
)

// The cache's models, named here so that screens show them without reaching
// the cache: a Service answers in these.
type (
	// Record is a cached case with what only the cache knows (queued changes,
	// attachments).
	Record = cache.CaseRecord
	// Summary is one row of the cached cases.
	Summary = cache.CaseSummary
	// ListQuery filters List; zero fields do not filter.
	ListQuery = cache.ListQuery
	// OutboxItem is one change made offline.
	OutboxItem = cache.OutboxItem
	// AttachmentInfo describes a file kept with a case.
	AttachmentInfo = cache.AttachmentInfo
	// Stats are the status bar's figures.
	Stats = cache.Stats
	// LastAgent is the agent who last signed in on this computer.
	LastAgent = cache.LastAgent
	// Snapshot is the cache's stored form of what the agent saw of an account.
	Snapshot = cache.Snapshot
)

// Sentinel errors. The cache's own are the cache's values, so errors.Is works
// with either name.
var (
	// ErrNoCache: the service keeps nothing on this computer (the cache could
	// not be opened), so what needs it (attachments, the cached cases, the
	// outbox) is not there.
	ErrNoCache = errors.New("this console keeps nothing on this computer")
	// ErrNoBackend: the service was built without a backend. It wraps
	// client.ErrOffline: the console treats it as an unreachable backend.
	ErrNoBackend = fmt.Errorf("no backend: %w", client.ErrOffline)
	// ErrOutboxBusy: another Sync is sending the outbox.
	ErrOutboxBusy = cache.ErrOutboxBusy
	// ErrAttachmentTooLarge: the file, or the case's attachments with it, is
	// over the cache's limit.
	ErrAttachmentTooLarge = cache.ErrAttachmentTooLarge
	// ErrNotFound: not in the cache.
	ErrNotFound = cache.ErrNotFound
)

// API is what the case work asks of the backend; *client.Client satisfies it.
type API interface {
	Cases(ctx context.Context, q client.CaseQuery) ([]data.Case, error)
	Case(ctx context.Context, caseID string) (data.Case, error)
	CreateCase(ctx context.Context, cs data.Case) (data.Case, error)
	UpdateCase(ctx context.Context, caseID string, patch data.CasePatch) (data.Case, error)
	AddNote(ctx context.Context, caseID string, note data.Note) (data.Case, error)
	EvidenceAPI
}

// EvidenceAPI is what gathering a case's evidence asks of the backend.
type EvidenceAPI interface {
	Deliveries(ctx context.Context, accountID string) ([]data.Delivery, error)
	RateLimits(ctx context.Context, accountID string) (data.RateLimits, error)
	TrustedDevices(ctx context.Context, accountID string) ([]data.TrustedDevice, error)
	AllLoginActivity(ctx context.Context, accountID string, max int) ([]data.LoginEvent, error)
}

var _ API = (*client.Client)(nil)

// Service does the case work of one console: through its API, with its cache
// as the fallback and the outbox. A nil cache keeps nothing locally: every
// method still works or answers ErrNoCache. Safe for concurrent use (the
// cache serialises its writes); the methods do I/O and belong off the UI
// thread, except HasCache and KeyStorage.
type Service struct {
	api   API
	store *cache.Cache
}

// New is the service over api and store. A nil api answers every backend call
// with ErrNoBackend (the offline review before any backend is known); a nil
// store keeps nothing on this computer.
func New(api API, store *cache.Cache) *Service {
	if api == nil {
		api = noBackend{}
	}
	return &Service{api: api, store: store}
}

// WithAPI is a service over the same cache that talks to api: the console
// opens the cache before it knows its backend, and a changed backend keeps
// the cache. A nil s has no cache.
func (s *Service) WithAPI(api API) *Service {
	if s == nil {
		return New(api, nil)
	}
	return New(api, s.store)
}

// HasCache reports whether the service keeps cases on this computer. A nil s
// keeps nothing.
func (s *Service) HasCache() bool { return s != nil && s.store != nil }

// Stats counts the cached cases and the outbox; ErrNoCache without a cache.
func (s *Service) Stats() (Stats, error) {
	if !s.HasCache() {
		return Stats{}, ErrNoCache
	}
	return s.store.Stats()
}

// DamagedRecords is how many records of the cache failed their check and are
// skipped (data/cache's check at open and on read).
func (s *Service) DamagedRecords() int {
	if !s.HasCache() {
		return 0
	}
	return s.store.DamagedRecords()
}

// ExplainCache words an error of the cache (a wrong or malformed key, a
// damaged record, a file that is not a cache), the same words the CLI
// prints; ok is false for any other error.
func ExplainCache(err error) (words string, ok bool) { return cache.Explain(err) }

// KeyStorage says where the cache's key is kept ("keyring" or "file") and,
// for a file, what the agent should know; "" without a cache.
func (s *Service) KeyStorage() (storage, warning string) {
	if !s.HasCache() {
		return "", ""
	}
	return s.store.KeyStorage()
}

// LastAgent is the agent who last signed in on this computer; ErrNotFound when
// nobody has, ErrNoCache without a cache.
func (s *Service) LastAgent() (LastAgent, error) {
	if !s.HasCache() {
		return LastAgent{}, ErrNoCache
	}
	return s.store.LastAgent()
}

// SetLastAgent records a sign-in, for the offline review; ErrNoCache without
// a cache.
func (s *Service) SetLastAgent(a data.Agent) error {
	if !s.HasCache() {
		return ErrNoCache
	}
	return s.store.SetLastAgent(a)
}

// noBackend is the API of a service built without one.
type noBackend struct{}

func (noBackend) Cases(context.Context, client.CaseQuery) ([]data.Case, error) {
	return nil, ErrNoBackend
}
func (noBackend) Case(context.Context, string) (data.Case, error) { return data.Case{}, ErrNoBackend }
func (noBackend) CreateCase(context.Context, data.Case) (data.Case, error) {
	return data.Case{}, ErrNoBackend
}
func (noBackend) UpdateCase(context.Context, string, data.CasePatch) (data.Case, error) {
	return data.Case{}, ErrNoBackend
}
func (noBackend) AddNote(context.Context, string, data.Note) (data.Case, error) {
	return data.Case{}, ErrNoBackend
}
func (noBackend) Deliveries(context.Context, string) ([]data.Delivery, error) {
	return nil, ErrNoBackend
}
func (noBackend) RateLimits(context.Context, string) (data.RateLimits, error) {
	return data.RateLimits{}, ErrNoBackend
}
func (noBackend) TrustedDevices(context.Context, string) ([]data.TrustedDevice, error) {
	return nil, ErrNoBackend
}
func (noBackend) AllLoginActivity(context.Context, string, int) ([]data.LoginEvent, error) {
	return nil, ErrNoBackend
}
