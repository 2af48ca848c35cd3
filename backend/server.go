// Package backend is Verifydesk's reference auth backend: it serves the contract of
// SPEC section 4 (backend/openapi.yaml) from one bbolt file and applies the real
// rules of SPEC section 5: per-destination send limits, idempotency keys, roles,
// identity checks, four-eyes approvals, security notices and a server-side audit.
//
// The console's demo mode runs it in-process (StartDemo); `verifydesk backend`
// serves it on its own; tests start it with backendtest.New. Verification codes are
// sent through a Provider and never appear in any answer, except the demo inbox
// (demo mode only), nor in logs.
package backend

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Limits are the send limits per destination and purpose. A zero field takes its
// default (1 a minute, 5 an hour, 10 a day).
type Limits struct {
	PerMinute int
	PerHour   int
	PerDay    int
}

func (l Limits) withDefaults() Limits {
	if l.PerMinute <= 0 {
		l.PerMinute = 1
	}
	if l.PerHour <= 0 {
		l.PerHour = 5
	}
	if l.PerDay <= 0 {
		l.PerDay = 10
	}
	return l
}

// Config configures a Server.
type Config struct {
	DBPath string // bbolt file, created if missing
	Demo   bool   // seed the demo data and agents, serve the demo inbox
	// SeedLater seeds the demo accounts after Open returns (the agents
	// before): routes but sign-in wait for them. The console's demo mode uses
	// it so seeding is off the path to its first usable window.
	SeedLater bool
	Limits    Limits           // zero value = defaults
	Now       func() time.Time // nil = time.Now; tests inject a fake clock
	Provider  Provider         // nil = the simulated SMS/email/push provider
	Logger    *slog.Logger     // nil = discard
	// ApprovalTTL is how long a four-eyes request waits for a decision
	// before it expires; zero or negative = DefaultApprovalTTL (24 hours).
	ApprovalTTL time.Duration
	// OIDC, when set, lets agents sign in with the company's OpenID Connect
	// provider (POST /v1/agent/sessions/oidc).
	OIDC *OIDCConfig
	// PasswordSignInOff refuses username and password sign-in (single
	// sign-on only).
	PasswordSignInOff bool
}

// DefaultApprovalTTL is Config.ApprovalTTL's default.
const DefaultApprovalTTL = 24 * time.Hour

// Timing rules of the backend.
const (
	sessionTTL       = 8 * time.Hour
	identityCheckTTL = 10 * time.Minute
	proofTTL         = 15 * time.Minute
	checkAttempts    = 3
	checkLockout     = 15 * time.Minute
	dbOpenTimeout    = 2 * time.Second
)

// Server is a running reference backend over one bbolt file.
type Server struct {
	cfg      Config
	db       *bolt.DB
	now      func() time.Time
	provider Provider
	log      *slog.Logger
	limits   Limits
	audit    *auditWriter
	handler  http.Handler
	// approvalTTL is cfg.ApprovalTTL with its default.
	approvalTTL time.Duration
	keys        keyLocks // idempotency scopes whose write spans transactions

	decideMu  sync.Mutex // serialises approval decisions
	sessions  sync.Map   // sha256(token) as string -> cachedSession
	sessMu    sync.Mutex // held by sign-out while it deletes, and while authenticate fills sessions
	closeOnce sync.Once
	closeErr  error
	// seeded is closed once the demo accounts are written, when they are
	// seeded after Open returns (Config.SeedLater); nil otherwise.
	seeded chan struct{}
	oidc   *oidcState // nil without single sign-on
}

// ErrDBLocked is returned by Open when another process holds the bbolt file.
var ErrDBLocked = errors.New("backend: database file is in use by another process")

// Open opens (or creates) the bbolt file, seeds the demo data when cfg.Demo is
// set (idempotently: the demo accounts are rewritten relative to Now), and returns
// a Server ready to serve. Close it when done.
func Open(cfg Config) (*Server, error) {
	if cfg.DBPath == "" {
		return nil, errors.New("backend: Config.DBPath is empty")
	}
	s := &Server{cfg: cfg, now: cfg.Now, provider: cfg.Provider, log: cfg.Logger, limits: cfg.Limits.withDefaults()}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.provider == nil {
		s.provider = NewSimulatedProvider(s.now)
	}
	s.approvalTTL = cfg.ApprovalTTL
	if cfg.OIDC != nil {
		if cfg.OIDC.Issuer == "" || cfg.OIDC.ClientID == "" {
			return nil, errors.New("backend: single sign-on needs an issuer and a client id")
		}
		s.oidc = newOIDCState(*cfg.OIDC, s.now)
	}
	if s.approvalTTL <= 0 {
		s.approvalTTL = DefaultApprovalTTL
	}
	db, err := openDB(cfg.DBPath)
	if err != nil {
		return nil, err
	}
	s.db = db
	// Files written before the audit and pending-approval indexes existed
	// get them once.
	if err := indexAudit(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("backend: index the audit: %w", err)
	}
	if err := buildRollups(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("backend: build delivery rollups: %w", err)
	}
	if err := indexPending(db, s.approvalTTL); err != nil {
		db.Close()
		return nil, fmt.Errorf("backend: index pending approvals: %w", err)
	}
	switch {
	case cfg.Demo && cfg.SeedLater:
		// The agents first (once), so sign-in works at once; the accounts
		// are rewritten in the background, and the routes that read them
		// wait for it (seedGate).
		if err := seedAgents(db); err != nil {
			db.Close()
			return nil, fmt.Errorf("backend: seed demo agents: %w", err)
		}
		s.seeded = make(chan struct{})
		now := s.now()
		go func() {
			defer close(s.seeded)
			if err := seedDemo(db, now); err != nil {
				s.log.Error("seed demo data", "error", err)
			}
		}()
	case cfg.Demo:
		if err := seedDemo(db, s.now()); err != nil {
			db.Close()
			return nil, fmt.Errorf("backend: seed demo data: %w", err)
		}
	}
	s.audit = newAuditWriter(db, s.log)
	s.handler = s.seedGate(s.routesHandler())
	return s, nil
}

func openDB(path string) (*bolt.DB, error) {
	return openDBWith(path, &bolt.Options{})
}

func openDBWith(path string, opts *bolt.Options) (*bolt.DB, error) {
	// A timeout so a second instance on the same file gets an error instead of
	// hanging on the file lock forever.
	opts.Timeout = dbOpenTimeout
	db, err := bolt.Open(path, 0o600, opts)
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("%w: %s", ErrDBLocked, path)
		}
		return nil, fmt.Errorf("backend: open %s: %w", path, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("backend: create buckets: %w", err)
	}
	return db, nil
}

// Handler returns the HTTP handler serving every route of the contract.
func (s *Server) Handler() http.Handler { return s.handler }

// Close flushes the audit and closes the database. It is safe to call twice.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.seeded != nil {
			<-s.seeded // the seeding's transaction ends before the file closes
		}
		s.audit.close()
		s.closeErr = s.db.Close()
	})
	return s.closeErr
}

// seedGate holds every request but sign-in, who-am-I and the contract
// document until the demo accounts are seeded (Config.SeedLater): the console
// signs in while they are written, and nothing reads them half-written.
func (s *Server) seedGate(next http.Handler) http.Handler {
	if s.seeded == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/agent/sessions", "/v1/agent/me", "/v1/openapi.yaml":
		default:
			select {
			case <-s.seeded:
			case <-r.Context().Done():
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// StartDemo serves a demo-seeded backend on a free 127.0.0.1 port over the bbolt
// file at dbPath, for the console's demo mode. It returns the base URL
// (http://127.0.0.1:PORT) and a stop function that shuts the server down and
// closes the file. ctx bounds the start only; opts change its Config
// (single sign-on for the window walk, say).
func StartDemo(ctx context.Context, dbPath string, opts ...func(*Config)) (baseURL string, stop func() error, err error) {
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	cfg := Config{DBPath: dbPath, Demo: true, SeedLater: true}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := Open(cfg)
	if err != nil {
		return "", nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		s.Close()
		return "", nil, fmt.Errorf("backend: listen: %w", err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	var once sync.Once
	var stopErr error
	stop = func() error {
		once.Do(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			stopErr = srv.Shutdown(sctx)
			if err := s.Close(); stopErr == nil {
				stopErr = err
			}
		})
		return stopErr
	}
	return "http://" + ln.Addr().String(), stop, nil
}
