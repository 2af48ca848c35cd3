package app

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
	"verifydesk/data/cache"
)

// noSecretService makes go-keyring answer as on a headless Linux, so the
// caches of these tests keep their key in a file and no test touches the
// developer's keyring.
func noSecretService() {
	keyring.MockInitWithError(errors.New("the name org.freedesktop.secrets was not provided by any .service files"))
}

// runSub runs a subcommand function and returns its status and output.
func runSub(run func([]string, Stdio) int, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

const (
	cliPhone = "+886936123456"
	cliEmail = "chen.meiling@example.com"
	cliNote  = "Customer roaming in Okinawa, SMS never arrives"
)

// cliCache writes a cache like the console's: two cases, one with a note, a
// snapshot and a change queued offline; audit entries; the last agent.
func cliCache(t *testing.T) string {
	t.Helper()
	noSecretService()
	path := filepath.Join(t.TempDir(), "cache.db")
	c, err := cache.Open(path, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c1 := data.Case{ID: "c-1", AccountID: "acc_1001", AgentID: "ag_ana", CustomerContact: cliPhone, Channel: "phone",
		Category: "sms_never_arrives", Status: data.CaseOpen, CreatedAt: at, UpdatedAt: at, Version: 1,
		Checklist:  []data.ChecklistStep{{ID: "signal", Text: "Check signal", State: "done"}},
		Escalation: data.Escalation{Region: "TW", Phone: cliPhone, App: "Tapo", AppVersion: "3.4.510"},
		Notes:      []data.Note{{ID: "n-1", AuthorID: "ag_ana", At: at, Text: cliNote}}}
	c2 := data.Case{ID: "c-2", AccountID: "acc_1002", AgentID: "ag_lee", CustomerContact: "oliver@example.co.uk",
		Category: "email_code_missing", Status: data.CaseResolved, CreatedAt: at, UpdatedAt: at.Add(time.Hour), Version: 3}
	if err := c.PutCases([]cache.CaseRecord{{Case: c1, Emails: []string{cliEmail}}, {Case: c2}}); err != nil {
		t.Fatal(err)
	}
	if err := c.PutSnapshot("c-1", cache.Snapshot{Account: []byte(`{"id":"acc_1001","phone_masked":"+886 9** *** 456"}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.QueueNote("c-1", data.Note{ID: "n-2", AuthorID: "ag_ana", Text: "written offline"}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetLastAgent(data.Agent{ID: "ag_ana", Username: "ana", Name: "Ana Ruiz", Role: data.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if _, err := c.Append(cache.AuditEntry{AgentID: "ag_ana", Action: "search", AccountID: "acc_1001", Detail: "by phone"}); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// TestCasesExportStaysInFolder: a case id is the backend's, which any agent
// can set; the file lands in --out whatever it says, and a "case-" id is not
// prefixed twice. A file left there with a looser mode becomes 0600.
func TestCasesExportStaysInFolder(t *testing.T) {
	path := cliCache(t)
	c, err := cache.Open(path, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ids := []string{"../../../x", `..\..\Users\Public\Desktop\evil`, "CON", "case-3f2a9c1e"}
	for _, id := range ids {
		if err := c.PutCase(cache.CaseRecord{Case: data.Case{ID: id, AccountID: "acc_1001", Status: data.CaseOpen, CreatedAt: at, UpdatedAt: at, Version: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b", "out")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "case-3f2a9c1e.json"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		code, out, errOut := runSub(runCases, "export", "--cache", path, "--out", dir, "--", id)
		if code != exitOK {
			t.Fatalf("export %q: %d %s", id, code, errOut)
		}
		file := strings.TrimSpace(out)
		if filepath.Dir(file) != dir {
			t.Errorf("export of %q wrote %s, outside %s", id, file, dir)
		}
		if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("export of %q: %v", id, err)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "case-3f2a9c1e.json")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("case-3f2a9c1e.json was not rewritten 0600: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "case-case-*")); len(m) > 0 {
		t.Errorf("double prefix: %q", m)
	}
	var outside []string
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Dir(p) != dir {
			outside = append(outside, p)
		}
		return nil
	})
	if len(outside) > 0 {
		t.Errorf("files written outside the folder: %q", outside)
	}
}

// TestCasesWrongKeySaysSo: a wrong or malformed key is named in the words the
// cache gives (cache.Explain), the ones the window shows too.
func TestCasesWrongKeySaysSo(t *testing.T) {
	path := cliCache(t)
	kf := path + ".key"
	for _, key := range []string{"bm90IGEga2V5\n", base64.StdEncoding.EncodeToString(make([]byte, 32))} {
		if err := os.WriteFile(kf, []byte(key), 0o600); err != nil {
			t.Fatal(err)
		}
		_, openErr := cache.Open(path, cache.Options{})
		words, ok := cache.Explain(openErr)
		if !ok {
			t.Fatalf("cache.Explain(%v) has no words", openErr)
		}
		code, _, errOut := runSub(runCases, "list", "--cache", path)
		if code != exitFail || !strings.Contains(errOut, words) {
			t.Errorf("key %q: %d %q, want the words %q", key, code, errOut, words)
		}
	}
}

// TestCasesKeyFileModeWarning: a key file others can read is made private,
// and the command says so.
func TestCasesKeyFileModeWarning(t *testing.T) {
	path := cliCache(t)
	if err := os.Chmod(path+".key", 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runSub(runCases, "list", "--cache", path)
	if code != exitOK || !strings.Contains(errOut, "was readable by other users (mode 0644)") {
		t.Errorf("list with a 0644 key file: %d %s", code, errOut)
	}
	if st, _ := os.Stat(path + ".key"); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", st.Mode().Perm())
	}
}

// TestCasesDamagedRecordSaysSo: a record that fails authentication is named
// and counted, and reading it says the cache is damaged, never a cipher error.
func TestCasesDamagedRecordSaysSo(t *testing.T) {
	path := cliCache(t)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("cases"))
		v := append([]byte(nil), b.Get([]byte("c-1"))...)
		v[len(v)/2] ^= 0x40
		return b.Put([]byte("c-1"), v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runSub(runCases, "show", "--cache", path, "c-1")
	if code != exitFail || !strings.Contains(errOut, "1 damaged record(s)") || !strings.Contains(errOut, "cases/c-1") ||
		!strings.Contains(errOut, "This record of the case cache is damaged") || strings.Contains(errOut, "cipher") {
		t.Errorf("show of a damaged case: %d %s", code, errOut)
	}
	if code, out, _ := runSub(runCases, "list", "--cache", path); code != exitOK || !strings.Contains(out, "c-2") {
		t.Errorf("list with a damaged case: %d %s", code, out)
	}
}

func TestCasesListSearchShow(t *testing.T) {
	path := cliCache(t)
	code, out, errOut := runSub(runCases, "list", "--cache", path)
	if code != exitOK || !strings.Contains(out, "c-1") || !strings.Contains(out, "c-2") || !strings.Contains(out, "1 queued") {
		t.Fatalf("list: %d\n%s%s", code, out, errOut)
	}
	// c-1 changed last (the note queued offline): newest first.
	if strings.Index(out, "c-1") > strings.Index(out, "c-2") {
		t.Errorf("list is not newest first:\n%s", out)
	}
	// Categories print by their title, not their id.
	if !strings.Contains(out, "2FA email code missing") || strings.Contains(out, "email_code_missing") {
		t.Errorf("list does not print the category's title:\n%s", out)
	}
	code, out, _ = runSub(runCases, "list", "--cache", path, "--status", data.CaseResolved)
	if code != exitOK || strings.Contains(out, "c-1") || !strings.Contains(out, "c-2") {
		t.Errorf("list --status resolved:\n%s", out)
	}
	for q, want := range map[string]string{"+886 936 123 456": "c-1", "OLIVER@example.co.uk": "c-2", "acc_1002": "c-2", "okinawa roaming": "c-1", "c-2": "c-2"} {
		code, out, errOut := runSub(runCases, "search", "--cache", path, q)
		other := map[string]string{"c-1": "c-2", "c-2": "c-1"}[want]
		if code != exitOK || !strings.Contains(out, want) || strings.Contains(out, other+" ") {
			t.Errorf("search %q: %d\n%s%s", q, code, out, errOut)
		}
	}
	// Words may come as separate arguments, flags after them.
	if code, out, _ := runSub(runCases, "search", "okinawa", "roaming", "--cache", path); code != exitOK || !strings.Contains(out, "c-1") {
		t.Errorf("search with flags after the words: %d\n%s", code, out)
	}

	code, out, errOut = runSub(runCases, "show", "c-1", "--cache", path)
	if code != exitOK {
		t.Fatalf("show: %d %s", code, errOut)
	}
	for _, want := range []string{"Case c-1: open, sms_never_arrives", "[done] Check signal", cliNote, "written offline",
		"1 change(s) queued", "Snapshot taken", "+886 9** *** 456"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "936123456") {
		t.Errorf("show prints the full number:\n%s", out)
	}
}

func TestCasesExport(t *testing.T) {
	path := cliCache(t)
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errOut := runSub(runCases, "export", "c-1", "--out", dir, "--cache", path)
	if code != exitOK {
		t.Fatalf("export: %d %s", code, errOut)
	}
	file := strings.TrimSpace(out)
	if file != filepath.Join(dir, "case-c-1.json") {
		t.Errorf("export wrote %q", file)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
		t.Errorf("export file mode %v", st.Mode().Perm())
	}
	var got caseExport
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Case.ID != "c-1" || len(got.Case.Notes) != 2 || got.Queued != 1 || got.Snapshot == nil ||
		got.Case.CustomerContact != "+886 9** *** 456" || got.Case.Escalation.Phone != "+886 9** *** 456" {
		t.Errorf("exported %+v", got)
	}
	for _, secret := range []string{"936123456", cliEmail} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the export holds %q", secret)
		}
	}
	// The export is in the local audit log: 5 entries before, 6 now, intact.
	code, out, _ = runSub(runAudit, "verify", "--cache", path)
	if code != exitOK || !strings.Contains(out, "intact: 6 entries") {
		t.Errorf("verify after export: %d %s", code, out)
	}
	code, out, _ = runSub(runAudit, "export", "--format", "jsonl", "--cache", path)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var last cache.AuditEntry
	if code != exitOK || len(lines) != 6 || json.Unmarshal([]byte(lines[5]), &last) != nil ||
		last.Action != "case_export" || last.CaseID != "c-1" || last.AgentID != "ag_ana" {
		t.Errorf("audit after export: %d %v", code, lines)
	}
}

func TestCasesCommandErrors(t *testing.T) {
	path := cliCache(t)
	for _, args := range [][]string{
		{}, {"frobnicate"}, {"show"}, {"show", "c-1", "c-2"}, {"export", "c-1", "--cache", path},
		{"search", "--cache", path}, {"list", "stray", "--cache", path}, {"list", "--frob"},
	} {
		if code, _, _ := runSub(runCases, args...); code != exitUsage {
			t.Errorf("cases %q: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, out, _ := runSub(runCases, "--help"); code != exitOK || !strings.Contains(out, "cases export") {
		t.Errorf("cases --help: %d %s", code, out)
	}
	if code, _, errOut := runSub(runCases, "show", "c-none", "--cache", path); code != exitFail || !strings.Contains(errOut, "not in the cache") {
		t.Errorf("show of an uncached case: %d %s", code, errOut)
	}
	// No cache file: said, and none is made.
	missing := filepath.Join(t.TempDir(), "none.db")
	if code, _, errOut := runSub(runCases, "list", "--cache", missing); code != exitFail || !strings.Contains(errOut, "no case cache at "+missing) {
		t.Errorf("list without a cache: %d %s", code, errOut)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("list made a cache file: %v", err)
	}
	// The console has the cache open.
	c, err := cache.Open(path, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if code, _, errOut := runSub(runCases, "list", "--cache", path); code != exitFail || !strings.Contains(errOut, "the cache is in use by another Verifydesk window") {
		t.Errorf("list while the console runs: %d %s", code, errOut)
	}
}

func TestCasesDefaultCacheIsTheConsoles(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cache"))
	t.Setenv("LocalAppData", filepath.Join(home, "cache"))
	want, err := DefaultCachePath()
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runSub(runCases, "list"); code != exitFail || !strings.Contains(errOut, want) {
		t.Errorf("cases list without --cache: %d %s (want the path %s)", code, errOut, want)
	}
	if code, _, errOut := runSub(runAudit, "verify"); code != exitFail || !strings.Contains(errOut, want) {
		t.Errorf("audit verify without --cache: %d %s", code, errOut)
	}
}

func TestHelpListsCasesAndAudit(t *testing.T) {
	var out bytes.Buffer
	code := Main([]string{"help"}, Stdio{In: strings.NewReader(""), Out: &out, Err: &out}, nil, time.Now())
	if code != exitOK || !strings.Contains(out.String(), "cases ") || !strings.Contains(out.String(), "audit ") {
		t.Errorf("help: %d\n%s", code, out.String())
	}
}

// The window shows a case by its short id ("case-0193a5f2"): show and export
// take that, or any beginning of four characters or more after "case-" that
// names one case; one that names several says so and names them.
func TestCasesShowTakesTheShortID(t *testing.T) {
	noSecretService()
	path := filepath.Join(t.TempDir(), "cache.db")
	c, err := cache.Open(path, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var recs []cache.CaseRecord
	for _, id := range []string{"case-0193a5f2-7c1e-7a10-9d2b-1f7e3c9a0b11", "case-0193a5f9-0000-7a10-9d2b-1f7e3c9a0b12", "case-0193a5f9-1111-7a10-9d2b-1f7e3c9a0b13"} {
		recs = append(recs, cache.CaseRecord{Case: data.Case{ID: id, AccountID: "acc_1001", AgentID: "ag_ana",
			Category: "sms_never_arrives", Status: data.CaseOpen, CreatedAt: at, UpdatedAt: at, Version: 1}})
	}
	if err := c.PutCases(recs); err != nil {
		t.Fatal(err)
	}
	c.Close()
	for _, short := range []string{"case-0193a5f2", "0193a5f2", "case-0193a5f2-7c1e-7a10-9d2b-1f7e3c9a0b11"} {
		code, out, errOut := runSub(runCases, "show", short, "--cache", path)
		if code != exitOK || !strings.Contains(out, "Case case-0193a5f2-7c1e-7a10-9d2b-1f7e3c9a0b11: open") {
			t.Errorf("show %s: %d\n%s%s", short, code, out, errOut)
		}
	}
	code, _, errOut := runSub(runCases, "show", "case-0193a5f9", "--cache", path)
	if code == exitOK || !strings.Contains(errOut, "the beginning of 2 cached cases") || !strings.Contains(errOut, "case-0193a5f9-1111") {
		t.Errorf("an ambiguous short id: %d %s", code, errOut)
	}
	code, _, errOut = runSub(runCases, "show", "case-019", "--cache", path)
	if code == exitOK || strings.Contains(errOut, "beginning of") {
		t.Errorf("three characters matched a case: %d %s", code, errOut)
	}
	out := t.TempDir()
	if code, _, errOut := runSub(runCases, "export", "case-0193a5f2", "--out", out, "--cache", path); code != exitOK {
		t.Fatalf("export by the short id: %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(out, "case-0193a5f2-7c1e-7a10-9d2b-1f7e3c9a0b11.json")); err != nil {
		t.Errorf("the export is not named after the whole id: %v", err)
	}
}
