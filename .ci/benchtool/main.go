// Command benchtool is `bash .ci/bench`: every figure of SPEC section 10
// measured in one run, each beside its target and, where there is one, the
// bare library or floor it builds on, measured in the same run (these
// machines are noisy: a ratio within one run holds, an absolute time from
// another run does not). It prints one table, the curves of how cost grows
// (numbers, and a PNG plot), and keeps its logs in -out.
//
// Run it from the repository root: go run ./.ci/benchtool [-only groups].
// It is never part of the test command: nothing here asserts a time.
package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

var t0 = time.Now()

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%5.1fs] %s\n", time.Since(t0).Seconds(), fmt.Sprintf(format, args...))
}

// groups are the parts of a run, in the order they run; -only picks some.
var groups = []string{"window", "micro", "cache", "backend", "audit", "screens", "client"}

type config struct {
	repo, out, fixtures, plot string
	consoleBin                string // a console binary to measure instead of building one
	health10M                 bool   // the delivery health curve's 10M point
	pairs, microPairs         int
	only                      map[string]bool
}

func main() {
	var cfg config
	defaultFixtures := os.Getenv("VERIFYDESK_BENCH_FIXTURES")
	if defaultFixtures == "" {
		if d, err := os.UserCacheDir(); err == nil {
			defaultFixtures = filepath.Join(d, "verifydesk-bench")
		}
	}
	flag.StringVar(&cfg.out, "out", "", "folder for logs, binaries and the copies the benchmarks write to (default: a new temporary folder)")
	flag.StringVar(&cfg.fixtures, "fixtures", defaultFixtures, "folder keeping the generated cache and backend files between runs (about 2 GB; $VERIFYDESK_BENCH_FIXTURES)")
	flag.StringVar(&cfg.plot, "plot", "screens/bench-curves.png", "where to write the PNG of the curves (relative to the repository)")
	flag.StringVar(&cfg.consoleBin, "console", "", "measure this console binary (a build with a proposed patch) instead of building the tree's")
	flag.IntVar(&cfg.pairs, "pairs", 7, "alternating pairs of the start and memory figures")
	flag.IntVar(&cfg.microPairs, "micro-pairs", 11, "alternating pairs of each library comparison (phone, geo, client), 1 s each side")
	flag.BoolVar(&cfg.health10M, "health-10m", false, "measure delivery health at 10M generated deliveries too (its fixture takes ten or more minutes and some gigabytes, once)")
	only := flag.String("only", "", "run only these groups, comma-separated: "+strings.Join(groups, ","))
	flag.Parse()
	if *only != "" {
		cfg.only = map[string]bool{}
		for _, g := range strings.Split(*only, ",") {
			if !slices.Contains(groups, g) {
				fmt.Fprintf(os.Stderr, "benchtool: unknown group %q (groups: %s)\n", g, strings.Join(groups, ","))
				os.Exit(2)
			}
			cfg.only[g] = true
		}
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(1)
	}
}

func (c config) wants(group string) bool { return c.only == nil || c.only[group] }

// run measures, then prints the table and the curves.
func run(cfg config) error {
	repo, err := os.Getwd()
	if err != nil {
		return err
	}
	if b, err := os.ReadFile(filepath.Join(repo, "go.mod")); err != nil || !strings.HasPrefix(string(b), "module verifydesk\n") {
		return errors.New("run it from the repository root (bash .ci/bench)")
	}
	cfg.repo = repo
	if cfg.out == "" {
		if cfg.out, err = os.MkdirTemp("", "verifydesk-bench."); err != nil {
			return err
		}
	}
	for _, d := range []string{cfg.out, cfg.fixtures, filepath.Join(cfg.out, "logs"), filepath.Join(cfg.out, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	raw, err := os.Create(filepath.Join(cfg.out, "logs", "benchmarks.txt"))
	if err != nil {
		return err
	}
	defer raw.Close()
	rawLog = raw
	loadBefore := loadAvg()
	m := &measure{cfg: cfg, rows: map[string]row{}, curves: map[string][]float64{}, errs: map[string]error{}}
	steps := []struct {
		group string
		fn    func() error
	}{
		{"", m.prepare},
		{"window", m.window},
		{"micro", m.micro},
		{"cache", m.cache},
		{"backend", m.backend},
		{"audit", m.audit},
		{"screens", m.screens},
		{"client", m.client},
	}
	timings := []string{}
	for _, s := range steps {
		if s.group != "" && !cfg.wants(s.group) {
			continue
		}
		start := time.Now()
		err := s.fn()
		name := s.group
		if name == "" {
			name = "builds and fixtures"
		}
		timings = append(timings, fmt.Sprintf("%s %.0fs", name, time.Since(start).Seconds()))
		if err != nil {
			if s.group == "" {
				return err
			}
			logf("%s: %v", s.group, err)
			m.errs[s.group] = err
		}
	}
	m.uiHold()

	m.notes = append(m.notes, fmt.Sprintf("- load average (1 min) of the machine: %s at the start, %s at the end, on %d cores: "+
		"above about 1.5 other work shares the cores, and absolute times and the lookup rate suffer more than the ratios.",
		loadBefore, loadAvg(), runtime.NumCPU()))
	table, misses := m.table()
	curves := m.curveList()
	report := table + "\n" + curveTable(curves)
	if notes := m.notes; len(notes) > 0 {
		report += "\n" + strings.Join(notes, "\n") + "\n"
	}
	fmt.Print(report)
	plotPath := cfg.plot
	if !filepath.IsAbs(plotPath) {
		plotPath = filepath.Join(repo, plotPath)
	}
	if cfg.wants("cache") && cfg.wants("screens") && cfg.wants("audit") {
		if err := plotCurves(curves, plotPath); err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		fmt.Printf("\ncurves plotted in %s\n", cfg.plot)
	}
	_ = os.WriteFile(filepath.Join(cfg.out, "bench.md"), []byte(report), 0o600)
	fmt.Printf("%d of %d rows miss their target; took %s (%s); logs and every benchmark's output in %s/logs\n",
		misses, len(m.rows), time.Since(t0).Round(time.Second), strings.Join(timings, ", "), cfg.out)
	if len(m.errs) > 0 {
		return fmt.Errorf("%d groups could not be measured: see above", len(m.errs))
	}
	return nil
}

// measure holds what the groups found.
type measure struct {
	cfg     config
	bins    map[string]testBin
	console string // the console's binary
	bare    string // the bare window's binary
	tmp     string // TMPDIR of the benchmarks that look for generated backends there
	cases   string // a copy of the 100k-case cache folder
	rows    map[string]row
	curves  map[string][]float64 // series -> p95 ms at curveSizes
	notes   []string
	errs    map[string]error
	bareGeo float64 // ns, one bare maxminddb City+ASN lookup (the activity rows' floor)
}

// row is one line of the table.
type row struct {
	figure, median, p95, target, floor, ratio, result string
}

// rowOrder is the table's order, SPEC section 10's, with each row's figure
// as the table names it when the row could not be measured.
var rowOrder = []struct{ key, group, figure string }{
	{"start", "window", "start to ready, 100k cached cases"},
	{"start-cold", "window", "start to ready, 100k cached cases, cold file"},
	{"overview", "screens", "account search to rendered overview, 100k accounts"},
	{"activity10k", "screens", "login activity, 10k events"},
	{"activity100k", "screens", "login activity, 100k events"},
	{"fetch10k", "client", "login activity, 10k events fetched"},
	{"search-exact", "cache", "case search in 100k cases, exact key"},
	{"search-word", "cache", "case search in 100k cases, one note word"},
	{"phone", "micro", "phone diagnosis of one input"},
	{"geo", "micro", "one IP lookup, full City+ASN record"},
	{"client", "micro", "one client call"},
	{"audit-page", "audit", "audit screen first page over 100k entries"},
	{"audit-page-worst", "audit", "audit first page over 100k entries, slowest filter"},
	{"audit-verify", "cache", "local audit chain verify, 100k entries"},
	{"rss", "window", "peak resident memory, 100k cached cases open"},
	{"lookups", "backend", "reference backend account lookups, 50 concurrent clients"},
	{"health", "backend", "delivery health query over 14 days of generated deliveries"},
	{"uihold", "", "longest UI-thread hold"},
}

func (m *measure) table() (string, int) {
	var b strings.Builder
	b.WriteString("| figure | median | p95 | target | floor or peer | ratio | result |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	misses := 0
	for _, o := range rowOrder {
		r, ok := m.rows[o.key]
		if !ok {
			if o.group != "" && !m.cfg.wants(o.group) {
				continue
			}
			r = row{figure: o.figure, median: "—", p95: "—", target: "—", floor: "—", ratio: "—", result: "not measured"}
			if err := m.errs[o.group]; err != nil {
				r.result = "error (see log)"
			}
		}
		if r.result == "MISS" {
			misses++
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.figure, r.median, r.p95, r.target, r.floor, r.ratio, r.result)
	}
	return b.String(), misses
}

func (m *measure) curveList() []curve {
	var out []curve
	for _, name := range []string{"case search, exact phone (cases)", "case search, note word (cases)",
		"search to overview (accounts)", "login activity listed (events)", "audit first page (entries)"} {
		v, ok := m.curves[name]
		if !ok {
			v = []float64{math.NaN(), math.NaN(), math.NaN()}
		}
		out = append(out, curve{name: name, p95: v})
	}
	return out
}

func (m *measure) setCurve(name string, size int, p95 float64) {
	v, ok := m.curves[name]
	if !ok {
		v = []float64{math.NaN(), math.NaN(), math.NaN()}
		m.curves[name] = v
	}
	if i := slices.Index(curveSizes, size); i >= 0 {
		v[i] = p95
	}
}

func passIf(ok bool) string {
	if ok {
		return "pass"
	}
	return "MISS"
}

func fmtMS(ms float64) string {
	switch {
	case math.IsNaN(ms):
		return "—"
	case ms >= 1000:
		return fmt.Sprintf("%.2f s", ms/1000)
	case ms >= 100:
		return fmt.Sprintf("%.0f ms", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1f ms", ms)
	case ms >= 1:
		return fmt.Sprintf("%.2f ms", ms)
	case ms >= 0.1:
		return fmt.Sprintf("%.3f ms", ms)
	}
	return fmt.Sprintf("%.1f µs", ms*1000)
}

func fmtNS(ns float64) string {
	if ns >= 1e6 {
		return fmtMS(ns / 1e6)
	}
	return fmt.Sprintf("%.2f µs", ns/1e3)
}

func fmtRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "—"
	}
	if r >= 100 {
		return fmt.Sprintf("%.0fx", r)
	}
	return fmt.Sprintf("%.2fx", r)
}

// prepare builds the binaries and lays out the fixtures.
func (m *measure) prepare() error {
	cfg := m.cfg
	var pkgs []string
	if cfg.wants("micro") {
		pkgs = append(pkgs, "./services/phone", "./services/geo", "./services/client")
	}
	if cfg.wants("client") && !slices.Contains(pkgs, "./services/client") {
		pkgs = append(pkgs, "./services/client")
	}
	if cfg.wants("cache") {
		pkgs = append(pkgs, "./data/cache")
	}
	if cfg.wants("backend") || cfg.wants("audit") {
		pkgs = append(pkgs, "./backend")
	}
	if cfg.wants("screens") {
		pkgs = append(pkgs, "./screens")
	}
	logf("building test binaries: %s", strings.Join(pkgs, " "))
	bins, err := buildTests(cfg.repo, cfg.out, pkgs...)
	if err != nil {
		return err
	}
	m.bins = bins
	if cfg.wants("window") {
		logf("building the console (cgo) and the bare window")
		m.console = filepath.Join(cfg.out, "bin", "verifydesk")
		m.bare = filepath.Join(cfg.out, "bin", "barewindow")
		builds := [][2]string{{m.console, "."}, {m.bare, "./.ci/benchtool/barewindow"}}
		if cfg.consoleBin != "" {
			m.console, builds = cfg.consoleBin, builds[1:]
		}
		for _, b := range builds {
			cmd := exec.Command("go", "build", "-o", b[0], b[1])
			cmd.Dir = cfg.repo
			cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("go build %s: %v\n%s", b[1], err, out)
			}
		}
		hash, err := sourceHash(cfg.repo, "data", "data/cache")
		if err != nil {
			return err
		}
		prune(cfg.fixtures, "cases-", hash)
		src, err := caseCacheDir(cfg.fixtures, hash, 100_000)
		if err != nil {
			return fmt.Errorf("case cache fixture: %w", err)
		}
		m.cases = filepath.Join(cfg.out, "cases")
		logf("copying the 100k-case cache")
		if err := copyTree(src, m.cases); err != nil {
			return err
		}
	}
	m.tmp = filepath.Join(cfg.out, "tmp")
	var sizes []int
	if cfg.wants("screens") {
		sizes = curveSizes
	} else if cfg.wants("backend") {
		sizes = []int{100_000}
	}
	if len(sizes) > 0 {
		hash, err := sourceHash(cfg.repo, "backend", "data")
		if err != nil {
			return err
		}
		prune(cfg.fixtures, "backend-", hash)
		for _, n := range sizes {
			src, err := backendDB(cfg.fixtures, hash, n)
			if err != nil {
				return fmt.Errorf("backend fixture: %w", err)
			}
			logf("copying the backend with %d accounts", n)
			// The name the backend's and the screens' benchmarks look for
			// in TMPDIR.
			if err := copyFile(src, filepath.Join(m.tmp, fmt.Sprintf("verifydesk-bench-%d.db", n))); err != nil {
				return err
			}
		}
	}
	return nil
}

// window measures start to ready and peak memory: the console with the 100k
// cases against the bare window.
func (m *measure) window() error {
	console := []string{m.console, "--exit-when-ready", "--linger", "1s", "--cache", filepath.Join(m.cases, "cache.db")}
	bare := []string{m.bare, "-linger", "1s"}
	wp, err := runWindowPairs(console, bare, filepath.Join(m.cfg.out, "home"), filepath.Join(m.cfg.out, "logs"), m.cfg.pairs,
		filepath.Join(m.cases, "cache.db"), 3)
	if err != nil {
		return err
	}
	var cReady, bReady, rReady, cRSS, bRSS, rRSS, cAnon, bAnon, cFile, bFile []float64
	retries := 0
	for i := range wp.console {
		c, b := wp.console[i], wp.bare[i]
		cReady, bReady, rReady = append(cReady, c.readyMS), append(bReady, b.readyMS), append(rReady, c.readyMS/b.readyMS)
		cRSS, bRSS, rRSS = append(cRSS, c.maxRSS), append(bRSS, b.maxRSS), append(rRSS, c.maxRSS/b.maxRSS)
		cAnon, bAnon = append(cAnon, c.maxAnon), append(bAnon, b.maxAnon)
		cFile, bFile = append(cFile, c.maxFile), append(bFile, b.maxFile)
		retries += c.attempts + b.attempts - 2
	}
	ratio := median(rReady)
	m.rows["start"] = row{figure: "start to ready, 100k cached cases (Xvfb, demo backend inside)", median: fmtMS(median(cReady)), p95: "—",
		target: "<= 1.5x bare window", floor: "bare Fyne window " + fmtMS(median(bReady)), ratio: fmtRatio(ratio), result: passIf(ratio <= 1.5)}
	var cold []float64
	for _, r := range wp.cold {
		cold = append(cold, r.readyMS)
	}
	ratio = median(cold) / median(bReady)
	m.rows["start-cold"] = row{figure: "start to ready, 100k cached cases, the cache file not in the page cache (as after a reboot)", median: fmtMS(median(cold)), p95: "—",
		target: "(no SPEC row; 1.5x as a start)", floor: "bare Fyne window " + fmtMS(median(bReady)), ratio: fmtRatio(ratio), result: "info: " + passIf(ratio <= 1.5)}
	ratio = median(rRSS)
	mib := func(kib float64) string { return fmt.Sprintf("%.0f MiB", kib/1024) }
	m.rows["rss"] = row{figure: "peak resident memory, 100k cached cases open (Xvfb)", median: mib(median(cRSS)), p95: "—",
		target: "<= 1.5x bare window", floor: "bare Fyne window " + mib(median(bRSS)), ratio: fmtRatio(ratio), result: passIf(ratio <= 1.5)}
	m.notes = append(m.notes, fmt.Sprintf("- start and memory: %d alternating pairs after a warm-up of each, ratios are medians of the pairs' ratios; "+
		"ready_ms console %v, bare %v, console with the cache file evicted first %v; peak RSS is /proc's VmHWM; of the peak, the largest sampled RssAnon (heap, stacks) is console %s / bare %s and RssFile (mapped files: binary, libraries, the cache's mmap) console %s / bare %s; %d runs tried again.",
		len(wp.console), cReady, bReady, cold, mib(median(cAnon)), mib(median(bAnon)), mib(median(cFile)), mib(median(bFile)), retries))
	return nil
}

// alternate runs benchmarks a and b of bin in separate processes, in
// alternating order, pairs times, and returns the medians of their ns/op
// and the median of the pairs' ratios a/b.
func alternate(bin testBin, a, b string, pairs int, flags ...string) (medA, medB, ratio float64, err error) {
	var as, bs, rs []float64
	for i := range pairs {
		order := []string{a, b}
		if i%2 == 1 {
			order = []string{b, a}
		}
		got := map[string]float64{}
		for _, name := range order {
			res, err := bin.run(nil, "^"+name+"$", flags...)
			if err != nil {
				return 0, 0, 0, err
			}
			v, ok := find(res, name, "ns/op")
			if !ok {
				return 0, 0, 0, fmt.Errorf("%s: no ns/op", name)
			}
			got[name] = v
		}
		as, bs, rs = append(as, got[a]), append(bs, got[b]), append(rs, got[a]/got[b])
	}
	return median(as), median(bs), median(rs), nil
}

// micro compares the services with the bare libraries they wrap.
func (m *measure) micro() error {
	pairs := m.cfg.microPairs
	flags := []string{"-test.benchtime", "1s"}
	logf("phone, geo and client against their bare libraries: %d alternating pairs each", pairs)
	for _, c := range []struct {
		key, pkg, a, b, figure, target, peer string
		limit                                float64
	}{
		{"phone", "./services/phone", "BenchmarkDiagnose", "BenchmarkBareParse", "phone diagnosis of one input (TW mobile)", "<= 1.0x bare", "bare Parse+IsValidNumber+GetNumberType", 1.0},
		{"geo", "./services/geo", "BenchmarkGeoLookup", "BenchmarkBareMaxMind", "one IP lookup, full City+ASN record", "<= 1.2x bare", "bare maxminddb Lookup+Decode", 1.2},
		{"client", "./services/client", "BenchmarkAccountClient", "BenchmarkAccountRawHTTP", "one client call (GET account, loopback)", "<= 1.3x raw", "raw net/http + decode, same route", 1.3},
	} {
		a, b, r, err := alternate(m.bins[c.pkg], c.a, c.b, pairs, flags...)
		if err != nil {
			return err
		}
		m.rows[c.key] = row{figure: c.figure, median: fmtNS(a), p95: "—", target: c.target, floor: c.peer + " " + fmtNS(b),
			ratio: fmtRatio(r), result: passIf(r <= c.limit)}
		if c.key == "geo" {
			m.bareGeo = b
		}
	}
	m.notes = append(m.notes, fmt.Sprintf("- library comparisons: %d alternating pairs of separate processes, 1 s of each benchmark; "+
		"medians of ns/op, ratio the median of the pairs' ratios.", pairs))
	return nil
}

// cache is the case search at each size and the local audit chain's verify.
func (m *measure) cache() error {
	bin := m.bins["./data/cache"]
	logf("case search at 1k, 10k and 100k cases (builds the caches: about a minute)")
	res, err := bin.run(nil, "^BenchmarkSearch$/cases=/^(phone|email|case_id|note_word|floor_view_get)$", "-test.benchtime", "2000x")
	if err != nil {
		return err
	}
	p95 := func(n int, kind string) float64 {
		v, ok := find(res, fmt.Sprintf("BenchmarkSearch/cases=%d/%s", n, kind), "p95-ns")
		if !ok {
			return math.NaN()
		}
		return v / 1e6
	}
	mean := func(n int, kind string) float64 {
		v, ok := find(res, fmt.Sprintf("BenchmarkSearch/cases=%d/%s", n, kind), "ns/op")
		if !ok {
			return math.NaN()
		}
		return v / 1e6
	}
	for _, n := range curveSizes {
		m.setCurve("case search, exact phone (cases)", n, p95(n, "phone"))
		m.setCurve("case search, note word (cases)", n, p95(n, "note_word"))
	}
	const n = 100_000
	worst, worstKind := 0.0, ""
	for _, kind := range []string{"phone", "email", "case_id"} {
		if v := p95(n, kind); v > worst {
			worst, worstKind = v, kind
		}
	}
	floor := p95(n, "floor_view_get")
	m.rows["search-exact"] = row{figure: "case search in 100k cases, exact key (worst of phone, email, case id: " + worstKind + ")",
		median: fmtMS(mean(n, worstKind)) + " (mean)", p95: fmtMS(worst), target: "p95 <= 1 ms", floor: "bbolt View+Get p95 " + fmtMS(floor),
		ratio: fmtRatio(worst / floor), result: passIf(worst <= 1)}
	word := p95(n, "note_word")
	m.rows["search-word"] = row{figure: "case search in 100k cases, one note word (~1,600 hits)", median: fmtMS(mean(n, "note_word")) + " (mean)",
		p95: fmtMS(word), target: "p95 <= 5 ms", floor: "bbolt View+Get p95 " + fmtMS(floor), ratio: fmtRatio(word / floor), result: passIf(word <= 5)}

	logf("local audit chain verify of 100k entries")
	res, err = bin.run(nil, "^BenchmarkVerifyAudit$/^entries=100000$", "-test.benchtime", "5x", "-test.count", "3")
	if err != nil {
		return err
	}
	var v []float64
	for _, r := range res {
		v = append(v, r.metrics["ns/op"]/1e6)
	}
	med := median(v)
	m.rows["audit-verify"] = row{figure: "local audit chain verify, 100k entries (Cache.Verify, the work of `audit verify`)", median: fmtMS(med), p95: "—",
		target: "<= 1 s", floor: "—", ratio: "—", result: passIf(med <= 1000)}
	return nil
}

// backend is the reference backend's lookup rate under 50 clients.
func (m *measure) backend() error {
	logf("backend lookups, 50 concurrent clients, 100k accounts")
	res, err := m.bins["./backend"].run([]string{"TMPDIR=" + m.tmp}, "^BenchmarkAccountLookup$", "-test.benchtime", "2s", "-test.count", "3")
	if err != nil {
		return err
	}
	var v []float64
	for _, r := range res {
		v = append(v, r.metrics["lookups/s"])
	}
	med := median(v)
	m.rows["lookups"] = row{figure: "reference backend account lookups, 50 concurrent clients, 100k accounts, loopback", median: fmt.Sprintf("%.0f/s", med),
		p95: "—", target: ">= 10,000/s", floor: "—", ratio: "—", result: passIf(med >= 10000)}
	return m.health()
}

// health is the delivery health query (GET /v1/delivery-health, no filter,
// decoded, loopback) at 1 million generated deliveries, and at 10 million
// with -health-10m: the curve that shows the rollups keep it flat. The
// files are fixtures (made once per backend source: 1M about a minute,
// 10M ten or more minutes and some gigabytes, too slow for every run).
func (m *measure) health() error {
	hash, err := sourceHash(m.cfg.repo, "backend", "data")
	if err != nil {
		return err
	}
	prune(m.cfg.fixtures, "health-", hash)
	dir := filepath.Join(m.cfg.fixtures, "health-"+hash+"-deliveries")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	sizes := []int{1_000_000}
	if m.cfg.health10M {
		sizes = append(sizes, 10_000_000)
	}
	var list []string
	for _, n := range sizes {
		list = append(list, fmt.Sprint(n))
	}
	logf("delivery health at %s deliveries (fixtures made once in %s)", strings.Join(list, ", "), dir)
	res, err := m.bins["./backend"].run([]string{"VERIFYDESK_BENCH_HEALTH_DIR=" + dir, "VERIFYDESK_BENCH_HEALTH_DELIVERIES=" + strings.Join(list, ",")},
		"^BenchmarkDeliveryHealthHTTP$", "-test.benchtime", "60x", "-test.timeout", "2h")
	if err != nil {
		return err
	}
	var curve []string
	for _, n := range sizes {
		name := fmt.Sprintf("BenchmarkDeliveryHealthHTTP/deliveries=%d", n)
		p95, _ := find(res, name, "p95-ms")
		p50, _ := find(res, name, "p50-ms")
		rollups, _ := find(res, name, "rollups")
		curve = append(curve, fmt.Sprintf("%dM deliveries (%.0f rollups): p50 %s, p95 %s", n/1_000_000, rollups, fmtMS(p50), fmtMS(p95)))
		figure := fmt.Sprintf("delivery health query, no filter, 14 days of %dM generated deliveries (GET+decode, loopback)", n/1_000_000)
		if n == 1_000_000 && !m.cfg.health10M {
			figure += "; 10M with -health-10m"
		}
		m.rows["health"] = row{figure: figure, median: fmtMS(p50), p95: fmtMS(p95), target: "p95 <= 20 ms at 10M", floor: "—", ratio: "—", result: passIf(p95 <= 20)}
	}
	m.notes = append(m.notes, "- delivery health as traffic grows: "+strings.Join(curve, "; ")+
		" (bash .ci/bench -only backend -health-10m for the 10M point)")
	return nil
}

// audit is the audit screen's first page at each size.
func (m *measure) audit() error {
	bin := m.bins["./backend"]
	for _, n := range curveSizes {
		logf("audit first page over %d entries", n)
		pattern := "^BenchmarkAuditFirstPage$/^all$"
		if n == 100_000 {
			pattern = "^BenchmarkAuditFirstPage$"
		}
		res, err := bin.run([]string{"TMPDIR=" + m.tmp, fmt.Sprintf("VERIFYDESK_BENCH_AUDIT=%d", n)}, pattern, "-test.benchtime", "1s")
		if err != nil {
			return err
		}
		p95, _ := find(res, "BenchmarkAuditFirstPage/all", "p95-ms")
		m.setCurve("audit first page (entries)", n, p95)
		if n != 100_000 {
			continue
		}
		p50, _ := find(res, "BenchmarkAuditFirstPage/all", "p50-ms")
		m.rows["audit-page"] = row{figure: "audit screen first page over 100k entries, no filter (GET+decode, loopback)", median: fmtMS(p50), p95: fmtMS(p95),
			target: "p95 <= 50 ms", floor: "—", ratio: "—", result: passIf(p95 <= 50)}
		worst, worstName, worstP50 := 0.0, "", 0.0
		for _, r := range res {
			if v := r.metrics["p95-ms"]; v > worst {
				worst, worstName, worstP50 = v, strings.TrimPrefix(r.name, "BenchmarkAuditFirstPage/"), r.metrics["p50-ms"]
			}
		}
		m.rows["audit-page-worst"] = row{figure: "audit first page over 100k entries, slowest of 8 filters (" + worstName + ")", median: fmtMS(worstP50), p95: fmtMS(worst),
			target: "p95 <= 50 ms", floor: "—", ratio: "—", result: passIf(worst <= 50)}
	}
	return nil
}

// screens is search to overview and the Activity tab at each size.
func (m *measure) screens() error {
	bin := m.bins["./screens"]
	logf("search to overview at 1k, 10k and 100k accounts, beside a bare GET+decode")
	res, err := bin.run([]string{"TMPDIR=" + m.tmp}, "^BenchmarkOverviewCurve$", "-test.benchtime", "2s")
	if err != nil {
		return err
	}
	for _, n := range curveSizes {
		p95, _ := find(res, fmt.Sprintf("BenchmarkOverviewCurve/accounts=%d/overview", n), "p95-ms")
		m.setCurve("search to overview (accounts)", n, p95)
	}
	const n = 100_000
	p50, _ := find(res, fmt.Sprintf("BenchmarkOverviewCurve/accounts=%d/overview", n), "p50-ms")
	p95, _ := find(res, fmt.Sprintf("BenchmarkOverviewCurve/accounts=%d/overview", n), "p95-ms")
	floor, _ := find(res, fmt.Sprintf("BenchmarkOverviewCurve/accounts=%d/bare_get", n), "p95-ms")
	m.rows["overview"] = row{figure: "account search to rendered overview, 100k accounts, loopback (test canvas)", median: fmtMS(p50), p95: fmtMS(p95),
		target: "p95 <= 16.7 ms", floor: "bare GET+decode p95 " + fmtMS(floor), ratio: fmtRatio(p95 / floor), result: passIf(p95 <= 16.7)}

	logf("login activity listed at 1k, 10k and 100k events")
	res, err = bin.run(nil, "^BenchmarkActivityCurve$", "-test.benchtime", "3s")
	if err != nil {
		return err
	}
	for _, n := range curveSizes {
		p95, _ := find(res, fmt.Sprintf("BenchmarkActivityCurve/events=%d", n), "p95-ms")
		m.setCurve("login activity listed (events)", n, p95)
	}
	for _, c := range []struct {
		key    string
		n      int
		target float64
	}{{"activity10k", 10_000, 16.7}, {"activity100k", 100_000, 100}} {
		p50, _ := find(res, fmt.Sprintf("BenchmarkActivityCurve/events=%d", c.n), "p50-ms")
		p95, _ := find(res, fmt.Sprintf("BenchmarkActivityCurve/events=%d", c.n), "p95-ms")
		r := row{figure: fmt.Sprintf("login activity, %dk events geolocated, flagged and listed (fetched: next rows)", c.n/1000), median: fmtMS(p50), p95: fmtMS(p95),
			target: "p95 <= " + fmtMS(c.target), floor: "—", ratio: "—", result: passIf(p95 <= c.target)}
		if m.bareGeo > 0 {
			floor := m.bareGeo * float64(c.n) / 1e6
			r.floor, r.ratio = fmt.Sprintf("%dk bare mmdb decodes %s", c.n/1000, fmtMS(floor)), fmtRatio(p95/floor)
		}
		m.rows[c.key] = r
	}
	return nil
}

// client is the fetch part of the login activity.
func (m *measure) client() error {
	logf("login activity fetch of 10k events")
	res, err := m.bins["./services/client"].run(nil, "^BenchmarkLoginActivityFetch$", "-test.benchtime", "2s")
	if err != nil {
		return err
	}
	p50, _ := find(res, "BenchmarkLoginActivityFetch", "p50-ms")
	p95, _ := find(res, "BenchmarkLoginActivityFetch", "p95-ms")
	m.rows["fetch10k"] = row{figure: "login activity, 10k events fetched (20 pages of 500, loopback, ready-made pages)", median: fmtMS(p50), p95: fmtMS(p95),
		target: "(SPEC counts it in the 10k row)", floor: "—", ratio: "—", result: "info"}
	return nil
}

// uiHold reads the real-window walk's longest UI-thread hold, if it left one.
func (m *measure) uiHold() {
	r := row{figure: "UI-thread hold by our own code in every handler and callback, scripted agent session (the walk; frames not included)", median: "—", p95: "—", target: "<= 16 ms",
		floor: "—", ratio: "—", result: "not measured"}
	if path := os.Getenv("VERIFYDESK_UIHOLD_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err == nil {
			var maxMS, p99MS float64
			_, errMax := fmt.Sscan(readyLine(string(b), "ui_own_max_ms="), &maxMS)
			_, errP99 := fmt.Sscan(readyLine(string(b), "ui_own_p99_ms="), &p99MS)
			if errMax == nil && errP99 == nil {
				r.median, r.p95 = fmtMS(maxMS)+" (max)", fmtMS(p99MS)+" (p99)"
				r.result = passIf(maxMS <= 16)
				if l := readyLine(string(b), "ui_own_longest="); l != "" {
					r.figure += "; longest: " + l
				}
			}
		} else {
			r.result = "not measured (" + path + ": no such file)"
		}
	}
	m.rows["uihold"] = r
}

// loadAvg is the 1-minute load average, as /proc/loadavg says.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// readyLine returns what follows prefix on the last line starting with it.
func readyLine(s, prefix string) string {
	v := ""
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			v = strings.TrimPrefix(strings.TrimSpace(l), prefix)
		}
	}
	return v
}
