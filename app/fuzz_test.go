package app

import (
	"bytes"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"verifydesk/services/cases"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// FuzzSettings stores arbitrary values under every preference key, of the
// right type or not (the preferences file is the user's to edit, and other
// versions wrote it), and reads them back through Settings: each getter gives
// a value the console can use, or the default.
func FuzzSettings(f *testing.F) {
	a := test.NewTempApp(f)
	f.Add("http://127.0.0.1:8477", "/data/GeoLite2-City.mmdb\n/data/GeoLite2-ASN.mmdb", "TW", "TW\nGB\nUS", "console-0b5c", 30, 1280.0, 800.0, uint8(0))
	f.Add("  https://auth.example.com  ", "\n\n", "", "", "", 0, 0.0, 0.0, uint8(0))
	f.Add("", "", "tw", "XX\nXX\n\u202eGB", "a b/c", -5, -1.0, math.Inf(1), uint8(0))
	f.Add("", "", "ZZ", strings.Repeat("US\n", 40), strings.Repeat("x", 300), 213504, math.NaN(), 1e30, uint8(0))
	f.Add("x", "y", "DE", "DE", "id", 7, 640.0, 480.0, uint8(1)) // every value of another type
	f.Add("x", "y", "DE", "DE", "id", 7, 640.0, 480.0, uint8(2))
	f.Fuzz(func(t *testing.T, backendURL, geoDBs, region, recent, consoleID string, retention int, w, h float64, wrongTypes uint8) {
		p := a.Preferences()
		for _, k := range []string{keyBackendURL, keyGeoDBs, keyRegion, keyRecent, keyConsoleID, keyRetention, keyWindowW, keyWindowH} {
			p.RemoveValue(k)
		}
		switch wrongTypes % 3 {
		case 0: // each key its own type
			p.SetString(keyBackendURL, backendURL)
			p.SetString(keyGeoDBs, geoDBs)
			p.SetString(keyRegion, region)
			p.SetStringList(keyRecent, strings.Split(recent, "\n"))
			p.SetString(keyConsoleID, consoleID)
			p.SetInt(keyRetention, retention)
			p.SetFloat(keyWindowW, w)
			p.SetFloat(keyWindowH, h)
		case 1: // numbers where text belongs and text where numbers belong
			p.SetInt(keyBackendURL, retention)
			p.SetFloat(keyGeoDBs, w)
			p.SetStringList(keyRegion, []string{region})
			p.SetString(keyRecent, recent)
			p.SetInt(keyConsoleID, retention)
			p.SetString(keyRetention, consoleID)
			p.SetString(keyWindowW, backendURL)
			p.SetBool(keyWindowH, true)
		case 2: // lists everywhere
			for _, k := range []string{keyBackendURL, keyGeoDBs, keyRegion, keyConsoleID, keyRetention, keyWindowW, keyWindowH} {
				p.SetStringList(k, []string{backendURL, region})
			}
			p.SetFloatList(keyRecent, []float64{w, h})
		}
		s := Settings{p}
		checkSettings(t, s)
	})
}

// checkSettings holds each getter of s to what the console does with it.
func checkSettings(t *testing.T, s Settings) {
	t.Helper()
	if u := s.BackendURL(); u != strings.TrimSpace(u) {
		t.Errorf("BackendURL %q is not trimmed", u)
	}
	for _, p := range s.GeoDatabases() {
		if p == "" || p != strings.TrimSpace(p) || strings.ContainsAny(p, "\n\r") {
			t.Errorf("GeoDatabases holds %q", p)
		}
	}
	// The country picker's first choice and the recent ones are countries
	// the phone service knows: the picker shows their names, the search
	// diagnoses numbers in them.
	if r := s.Region(); !knownRegion(r) || r != strings.ToUpper(r) {
		t.Errorf("Region %q is not a country code", r)
	}
	recent := s.RecentRegions()
	if len(recent) > maxRecentRegions {
		t.Errorf("%d recent regions, at most %d", len(recent), maxRecentRegions)
	}
	for i, r := range recent {
		if !knownRegion(r) || r != strings.ToUpper(r) || slices.Contains(recent[:i], r) {
			t.Errorf("RecentRegions %.80q: %q is unknown or repeated", recent, r)
			break
		}
	}
	// The console id goes to the backend with every chain head: one the
	// backend refuses would leave the local chain's tail unchecked, silently.
	id := s.ConsoleID()
	if id == "" || len(id) > 100 || strings.ContainsAny(id, "/?#% \t\r\n\x00") {
		t.Errorf("ConsoleID %q is not an id the backend accepts", id)
	}
	if again := s.ConsoleID(); again != id {
		t.Errorf("ConsoleID changed from %q to %q", id, again)
	}
	// Retention becomes a time.Duration of days: it must not overflow (a
	// wrapped duration of minutes would purge every resolved case).
	if d := s.RetentionDays(); d < 1 || int64(d) > math.MaxInt64/int64(24*time.Hour) {
		t.Errorf("RetentionDays %d", d)
	}
	// The window opens at this size.
	sz := s.WindowSize()
	for _, v := range []float32{sz.Width, sz.Height} {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || v < 100 || v > 100000 {
			t.Errorf("WindowSize %v is no size for a window", sz)
			break
		}
	}
}

// consoleStarted is the panic of the fuzzer's newApp: Main would open the
// console's window here, which a fuzzer must not do.
type consoleStarted struct{}

// FuzzMain runs Main with arbitrary arguments (one a line) and standard
// input: it never panics, and its exit status is 0, 1 or 2. Arguments that
// would start the console stop at its window; `backend` is given an address it
// cannot listen on, so it never serves; paths stay inside a temporary
// folder, the working directory and HOME of every input.
func FuzzMain(f *testing.F) {
	home := f.TempDir()
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "LocalAppData", "AppData"} {
		f.Setenv(k, filepath.Join(home, strings.ToLower(k)))
	}
	noSecretService()
	for _, seed := range []string{
		"", "help", "--help", "-h", "frobnicate", "--frobnicate", "--search\nx\nstray",
		"--backend\nftp://example.com", "--backend\nhttp://127.0.0.1:1\n--tab\nCodes",
		"backend\n--frobnicate", "backend\n--limit-minute\n0", "backend\n--tls-cert\nc.pem",
		"backend\n--demo\n--data\nb.db", "backend\n--generate\n-1", "backend\n--generate\n2\n--data\ng.db",
		"phone\n--region\nTW\n--\n0936 123 456", "phone\n--format\ntext\n--region\nGB", "phone\n--region\nXX\n123",
		"geo\n192.0.2.1\n2001:db8::1\nnot-an-ip", "geo\n--db\nmissing.mmdb\n8.8.8.8", "geo",
		"cases", "cases\nlist", "cases\nlist\n--cache\nc.db\n--since\n-3h", "cases\nsearch\n--cache\nc.db\n+447911123456",
		"cases\nshow\n--cache\nc.db", "cases\nexport\n--cache\nc.db\ncase-1\n--out\nout", "cases\nfrobnicate",
		"audit", "audit\nverify\n--cache\nc.db\n--head\n3:abc", "audit\nexport\n--cache\nc.db\n--format\nxml",
		"paths", "paths\nextra", "version", "version\n--json", "--demo\n--exit-when-ready",
	} {
		f.Add(seed, []byte("0936 123 456\n+44 7911 123456\n"))
	}
	f.Fuzz(func(t *testing.T, line string, stdin []byte) {
		t.Chdir(home) // per input: the corpus in testdata is read from the package's folder
		args := fuzzArgs(line)
		if len(args) > 0 && args[0] == "backend" {
			// The last --listen and --generate win: it never serves, never
			// fills a file with millions of accounts.
			args = append(args, "--generate=0", "--listen=127.0.0.1:99999")
		}
		var out, errb bytes.Buffer
		std := Stdio{In: bytes.NewReader(stdin), Out: &out, Err: &errb}
		status := func() (status int) {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(consoleStarted); !ok {
						panic(r)
					}
					status = exitOK // the console would have opened
				}
			}()
			return Main(args, std, func() fyne.App { panic(consoleStarted{}) }, time.Now())
		}()
		if status != exitOK && status != exitFail && status != exitUsage {
			t.Errorf("Main(%q) = %d, want 0, 1 or 2", args, status)
		}
	})
}

// fuzzArgs splits line into arguments, one a line, and keeps every path they
// may name inside the working directory: no absolute path, no "..".
func fuzzArgs(line string) []string {
	if line == "" {
		return nil
	}
	args := strings.Split(line, "\n")
	if len(args) > 16 {
		args = args[:16]
	}
	for i, a := range args {
		a = strings.ReplaceAll(a, "..", "_")
		if name, value, ok := strings.Cut(a, "="); ok && strings.HasPrefix(name, "-") {
			a = name + "=" + relative(value)
		} else {
			a = relative(a)
		}
		args[i] = a
	}
	return args
}

func relative(s string) string {
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, "\\") || strings.HasPrefix(s, "~") || filepath.IsAbs(s) {
		return "_" + s
	}
	return s
}

// FuzzCasesMaskContact feeds `verifydesk cases`' contact mask what a cached
// case may hold: it never cuts a character in half and never prints a whole
// email or number.
func FuzzCasesMaskContact(f *testing.F) {
	for _, s := range []string{"", "chen.meiling@example.com", "É.dupont@example.fr", "王芳@example.cn",
		"+886936123456", "+44 7911 123456", "0936 123 456", "call me", "\xff@x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := cases.MaskContact(s)
		if utf8.ValidString(s) && !utf8.ValidString(m) {
			t.Errorf("MaskContact(%q) = %q cuts a character", s, m)
		}
		// A value with stars in it is already masked (the backend's "+44 7***
		// *** 456"), or partly: it may come back as it is.
		if t2 := strings.TrimSpace(s); len(t2) > 5 && !strings.Contains(t2, "*") && strings.Contains(m, t2) {
			t.Errorf("MaskContact(%q) = %q shows it whole", s, m)
		}
	})
}
