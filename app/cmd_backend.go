package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"verifydesk/backend"
)

// runBackend is `verifydesk backend`: serve the reference auth backend from its
// bbolt file until SIGINT or SIGTERM, or with --generate N add N generated
// accounts to the file and exit.
func runBackend(args []string, std Stdio) int {
	fs := flag.NewFlagSet("backend", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8477", "address to serve on")
	dataPath := fs.String("data", defaultBackendDB(), "the backend's bbolt file (created if missing)")
	demo := fs.Bool("demo", false, "seed the demo accounts and agents (ana, lee, sam; password demo) and serve the demo inbox")
	generate := fs.Int("generate", 0, "add `N` generated accounts with long histories to the data file, then exit")
	certFile := fs.String("tls-cert", "", "TLS certificate `file` (serve HTTPS when given with --tls-key)")
	keyFile := fs.String("tls-key", "", "TLS private key `file`")
	var oidc backend.OIDCConfig
	fs.StringVar(&oidc.Issuer, "oidc-issuer", "", "single sign-on: the company's OpenID Connect issuer `URL` (turns single sign-on on)")
	fs.StringVar(&oidc.ClientID, "oidc-client-id", "", "single sign-on: the console's public (native) client `id` at the provider")
	fs.StringVar(&oidc.ProviderName, "oidc-provider-name", "", "single sign-on: the `name` the console shows (\"Sign in with NAME\")")
	fs.StringVar(&oidc.GroupsClaim, "oidc-groups-claim", backend.DefaultGroupsClaim, "single sign-on: the ID token `claim` that lists the groups")
	fs.StringVar(&oidc.SupervisorGroup, "oidc-supervisor-group", backend.DefaultSupervisorGroup, "single sign-on: members of this `group` are supervisors")
	fs.StringVar(&oidc.AgentGroup, "oidc-agent-group", backend.DefaultAgentGroup, "single sign-on: members of this `group` are agents (anyone in neither group is refused)")
	passwords := fs.Bool("password-sign-in", true, "let agents sign in with a username and password (--password-sign-in=false: single sign-on only)")
	var limits backend.Limits
	fs.IntVar(&limits.PerMinute, "limit-minute", 1, "codes a destination may get per minute, for each purpose")
	fs.IntVar(&limits.PerHour, "limit-hour", 5, "codes a destination may get per hour, for each purpose")
	fs.IntVar(&limits.PerDay, "limit-day", 10, "codes a destination may get per day, for each purpose")
	if status, ok := parseFlags(fs, args, std, backendUsage); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(std.Err, "verifydesk backend: unexpected argument %q\n", fs.Arg(0))
		backendUsage(fs, std.Err)
		return exitUsage
	}
	if (*certFile == "") != (*keyFile == "") {
		fmt.Fprintln(std.Err, "verifydesk backend: --tls-cert and --tls-key go together")
		return exitUsage
	}
	if limits.PerMinute < 1 || limits.PerHour < limits.PerMinute || limits.PerDay < limits.PerHour {
		fmt.Fprintln(std.Err, "verifydesk backend: the limits must be at least 1 and grow from minute to hour to day")
		return exitUsage
	}
	if (oidc.Issuer == "") != (oidc.ClientID == "") {
		fmt.Fprintln(std.Err, "verifydesk backend: --oidc-issuer and --oidc-client-id go together")
		return exitUsage
	}
	if !*passwords && oidc.Issuer == "" {
		fmt.Fprintln(std.Err, "verifydesk backend: --password-sign-in=false needs single sign-on (--oidc-issuer and --oidc-client-id), or nobody can sign in")
		return exitUsage
	}
	if oidc.Issuer != "" {
		if u, err := url.Parse(oidc.Issuer); err != nil || (u.Scheme != "https" && u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") || u.Host == "" {
			fmt.Fprintln(std.Err, "verifydesk backend: --oidc-issuer must be an https:// URL (http:// only on 127.0.0.1 or localhost)")
			return exitUsage
		}
	}
	if *generate < 0 {
		fmt.Fprintln(std.Err, "verifydesk backend: --generate needs a positive number")
		return exitUsage
	}
	if err := os.MkdirAll(filepath.Dir(*dataPath), 0o700); err != nil {
		fmt.Fprintln(std.Err, "verifydesk backend:", err)
		return exitFail
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *generate > 0 {
		start := time.Now()
		st, err := backend.Generate(ctx, *dataPath, *generate, time.Now(), uint64(start.UnixNano()))
		if err != nil {
			fmt.Fprintln(std.Err, "verifydesk backend:", err)
			return exitFail
		}
		fmt.Fprintf(std.Out, "generated %d accounts, %d login events, %d deliveries into %s in %s\n",
			st.Accounts, st.LoginEvent, st.Deliveries, *dataPath, time.Since(start).Round(time.Millisecond))
		return exitOK
	}
	return serveBackend(ctx, std, backendOptions{listen: *listen, data: *dataPath, demo: *demo, cert: *certFile, key: *keyFile, limits: limits,
		passwordOff: !*passwords, oidc: oidc}, nil)
}

type backendOptions struct {
	listen, data, cert, key string
	demo                    bool
	limits                  backend.Limits
	passwordOff             bool
	oidc                    backend.OIDCConfig // single sign-on when Issuer is set
}

// serveBackend serves until ctx ends, then shuts down gracefully. ready, when
// not nil, receives the base URL once the listener is up (tests use it).
func serveBackend(ctx context.Context, std Stdio, o backendOptions, ready chan<- string) int {
	log := slog.New(slog.NewTextHandler(std.Err, nil))
	cfg := backend.Config{DBPath: o.data, Demo: o.demo, Limits: o.limits, Logger: log, PasswordSignInOff: o.passwordOff}
	if o.oidc.Issuer != "" {
		cfg.OIDC = &o.oidc
	}
	s, err := backend.Open(cfg)
	if err != nil {
		fmt.Fprintln(std.Err, "verifydesk backend:", err)
		return exitFail
	}
	defer s.Close()
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", o.listen)
	if err != nil {
		fmt.Fprintln(std.Err, "verifydesk backend:", err)
		return exitFail
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	scheme := "http"
	if o.cert != "" {
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String()
	fmt.Fprintf(std.Err, "verifydesk backend: serving %s from %s (demo %v)\n", url, o.data, o.demo)
	errc := make(chan error, 1)
	go func() {
		if o.cert != "" {
			errc <- srv.ServeTLS(ln, o.cert, o.key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	if ready != nil {
		ready <- url
	}
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(std.Err, "verifydesk backend:", err)
			return exitFail
		}
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			fmt.Fprintln(std.Err, "verifydesk backend: shutdown:", err)
			return exitFail
		}
		fmt.Fprintln(std.Err, "verifydesk backend: stopped")
	}
	return exitOK
}

func defaultBackendDB() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "verifydesk", "backend.db")
}

func backendUsage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "Usage: verifydesk backend [--listen ADDR] [--data FILE] [--demo] [--tls-cert FILE --tls-key FILE]")
	fmt.Fprintln(w, "                         [--oidc-issuer URL --oidc-client-id ID [--oidc-provider-name NAME]")
	fmt.Fprintln(w, "                          [--oidc-groups-claim CLAIM] [--oidc-supervisor-group G] [--oidc-agent-group G]]")
	fmt.Fprintln(w, "                         [--password-sign-in=false]")
	fmt.Fprintln(w, "       verifydesk backend --generate N [--data FILE]")
	fmt.Fprintln(w, "\nServe the reference auth backend (SPEC section 4) until interrupted, or generate accounts.")
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
}
