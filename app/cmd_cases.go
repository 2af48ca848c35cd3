package app

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"verifydesk/data"
	"verifydesk/data/cache"
	"verifydesk/services/cases"
	"verifydesk/services/words"
)

// runCases is `verifydesk cases list|search|show|export`: the local case cache
// without the window, for review offline.
func runCases(args []string, std Stdio) int {
	subs := map[string]func([]string, Stdio) int{
		"list": runCasesList, "search": runCasesSearch, "show": runCasesShow, "export": runCasesExport,
	}
	if len(args) == 0 {
		casesUsage(std.Err)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		casesUsage(std.Out)
		return exitOK
	}
	run, ok := subs[args[0]]
	if !ok {
		fmt.Fprintf(std.Err, "verifydesk cases: unknown command %q\n\n", args[0])
		casesUsage(std.Err)
		return exitUsage
	}
	return run(args[1:], std)
}

func casesUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: verifydesk cases list [--status S] [--agent ID] [--open] [--since DURATION] [--limit N] [--cache PATH]")
	fmt.Fprintln(w, "       verifydesk cases search [--cache PATH] QUERY")
	fmt.Fprintln(w, "       verifydesk cases show [--cache PATH] CASE-ID")
	fmt.Fprintln(w, "       verifydesk cases export [--cache PATH] CASE-ID --out DIR")
	fmt.Fprintln(w, "\nRead the console's local case cache without the window. QUERY is a case id, an account id,")
	fmt.Fprintln(w, "an email, an E.164 phone number or words of the notes (all must match). --cache defaults to")
	fmt.Fprintln(w, "the console's cache; run 'verifydesk cases <command> --help' for a command's flags.")
}

// cacheFlag adds --cache to fs.
func cacheFlag(fs *flag.FlagSet) *string {
	def, err := DefaultCachePath()
	if err != nil {
		def = "cache.db"
	}
	return fs.String("cache", def, "the case cache `file`")
}

// parseInterspersed parses flags anywhere among the positional arguments
// (`export ID --out DIR`), which the flag package alone stops at. Everything
// after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string, std Stdio, usage func(*flag.FlagSet, io.Writer)) ([]string, int, bool) {
	var pos []string
	for {
		if status, ok := parseFlags(fs, args, std, usage); !ok {
			return nil, status, false
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), exitOK, true
		}
		if len(rest) == 0 {
			return pos, exitOK, true
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// subUsage is the usage of one cases or audit command.
func subUsage(line, about string) func(*flag.FlagSet, io.Writer) {
	return func(fs *flag.FlagSet, w io.Writer) {
		fmt.Fprintln(w, "Usage: "+line)
		fmt.Fprintln(w, "\n"+about)
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// openCmdCache opens an existing cache for a command: a missing file is an error
// (the command does not create one), and every failure is said in words.
func openCmdCache(path, cmd string, std Stdio) (*cache.Cache, bool) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(std.Err, "verifydesk %s: there is no case cache at %s (the console makes it when it first caches a case; --cache names another)\n", cmd, path)
		} else {
			fmt.Fprintf(std.Err, "verifydesk %s: %v\n", cmd, err)
		}
		return nil, false
	}
	c, err := cache.Open(path, cache.Options{})
	if err != nil {
		fmt.Fprintf(std.Err, "verifydesk %s: %s\n", cmd, cmdCacheProblem(err, path))
		return nil, false
	}
	if aside := c.Recovered(); aside != "" {
		fmt.Fprintf(std.Err, "verifydesk %s: the cache file was damaged; it was moved to %s and a fresh cache started\n", cmd, aside)
	}
	if w := c.KeyFileModeFixed(); w != "" {
		fmt.Fprintf(std.Err, "verifydesk %s: %s\n", cmd, w)
	}
	if n := c.DamagedRecords(); n > 0 {
		var where []string
		for _, p := range c.Problems() {
			if p.Where != "file" && len(where) < 5 {
				where = append(where, p.Where)
			}
		}
		fmt.Fprintf(std.Err, "verifydesk %s: %d damaged record(s) in the cache could not be read and are skipped (%s)\n",
			cmd, n, strings.Join(where, ", "))
	}
	return c, true
}

// cmdError words an error of a command: the cache's in cache.Explain's words
// (the window's), anything else as it is.
func cmdError(err error) string {
	if words, ok := cache.Explain(err); ok {
		return words
	}
	return err.Error()
}

// cmdCacheProblem words why a cache did not open: cache.Explain's words, the
// ones the window shows.
func cmdCacheProblem(err error, path string) string {
	words, ok := cache.Explain(err)
	switch {
	case errors.Is(err, cache.ErrInUse):
		// bbolt locks its file for the one process that writes it; a reader
		// beside it could read a write half done. The window shows the same.
		return err.Error() + ": while it runs, its Cases screen shows the same cases; close it to use this command"
	case ok:
		return words
	}
	return "the cache at " + path + " cannot be opened: " + err.Error()
}

func runCasesList(args []string, std Stdio) int {
	fs := flag.NewFlagSet("cases list", flag.ContinueOnError)
	path := cacheFlag(fs)
	var q cache.ListQuery
	fs.StringVar(&q.Status, "status", "", "only cases in this state: open, waiting_on_customer, escalated, resolved")
	fs.StringVar(&q.AgentID, "agent", "", "only the cases of this agent id")
	fs.BoolVar(&q.OpenOnly, "open", false, "only cases not resolved")
	since := fs.Duration("since", 0, "only cases updated within this `duration` (72h)")
	fs.IntVar(&q.Limit, "limit", cache.MaxResults, "at most this many, newest first")
	pos, status, ok := parseInterspersed(fs, args, std, subUsage("verifydesk cases list [flags]", "List the cached cases, newest update first."))
	if !ok {
		return status
	}
	if len(pos) > 0 {
		fmt.Fprintf(std.Err, "verifydesk cases list: unexpected argument %q\n", pos[0])
		return exitUsage
	}
	c, ok := openCmdCache(*path, "cases list", std)
	if !ok {
		return exitFail
	}
	defer c.Close()
	if *since > 0 {
		q.UpdatedSince = time.Now().Add(-*since)
	}
	sums, err := c.List(q)
	if err != nil {
		fmt.Fprintln(std.Err, "verifydesk cases list:", cmdError(err))
		return exitFail
	}
	return printSummaries(std, sums)
}

func runCasesSearch(args []string, std Stdio) int {
	fs := flag.NewFlagSet("cases search", flag.ContinueOnError)
	path := cacheFlag(fs)
	pos, status, ok := parseInterspersed(fs, args, std, subUsage("verifydesk cases search [--cache PATH] QUERY",
		"Find cached cases by case id, account id, email, E.164 phone number or note words."))
	if !ok {
		return status
	}
	query := strings.TrimSpace(strings.Join(pos, " "))
	if query == "" {
		fmt.Fprintln(std.Err, "verifydesk cases search: give a query")
		return exitUsage
	}
	c, ok := openCmdCache(*path, "cases search", std)
	if !ok {
		return exitFail
	}
	defer c.Close()
	sums, err := c.Search(query)
	if err != nil {
		fmt.Fprintln(std.Err, "verifydesk cases search:", cmdError(err))
		return exitFail
	}
	return printSummaries(std, sums)
}

// categoryTitle is a case category's title from the catalog ("SMS code
// never arrives"); a category the catalog does not know prints as its id.
func categoryTitle(id string) string {
	if c, ok := cases.LookupCategory(id); ok && c.Title != "" {
		return c.Title
	}
	return id
}

func printSummaries(std Stdio, sums []cache.CaseSummary) int {
	tw := tabwriter.NewWriter(std.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tSTATUS\tCATEGORY\tACCOUNT\tAGENT\tUPDATED\tNOTES\tSYNC")
	for _, s := range sums {
		sync := "synced"
		if s.OnlyCached() {
			sync = fmt.Sprintf("%d queued", s.Queued)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", clean(s.ID), clean(s.Status), clean(categoryTitle(s.Category)), clean(s.AccountID), clean(s.AgentID),
			s.UpdatedAt.Local().Format("2006-01-02 15:04"), s.Notes, sync)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintln(std.Err, "verifydesk cases:", err)
		return exitFail
	}
	fmt.Fprintf(std.Err, "%d case(s)\n", len(sums))
	return exitOK
}

// minShortID is the least of a case id a short form must give after
// "case-": fewer characters would name too many cases.
const minShortID = 4

// findCase reads the case id names: its whole id, or the short id the window
// shows ("case-0193a5f2"), or any unique beginning of at least minShortID
// characters after "case-".
func findCase(c *cache.Cache, id string) (string, cache.CaseRecord, error) {
	rec, err := c.Case(id)
	if !errors.Is(err, cache.ErrNotFound) || len([]rune(strings.TrimPrefix(id, "case-"))) < minShortID {
		return id, rec, err
	}
	prefix := id
	if !strings.HasPrefix(prefix, "case-") {
		prefix = "case-" + prefix
	}
	ids, lerr := c.CaseIDsWithPrefix(prefix, 10)
	switch {
	case lerr != nil:
		return id, rec, lerr
	case len(ids) == 0:
		return id, rec, err
	case len(ids) > 1:
		return id, rec, fmt.Errorf("%s is the beginning of %d cached cases (%s): give more of the id", id, len(ids), strings.Join(ids, ", "))
	}
	rec, err = c.Case(ids[0])
	return ids[0], rec, err
}

// oneCaseArgs parses the flags and the one case id of show and export.
func oneCaseArgs(fs *flag.FlagSet, args []string, std Stdio, name, line, about string) (string, int, bool) {
	pos, status, ok := parseInterspersed(fs, args, std, subUsage(line, about))
	if !ok {
		return "", status, false
	}
	if len(pos) != 1 {
		fmt.Fprintf(std.Err, "verifydesk %s: give one case id\n", name)
		return "", exitUsage, false
	}
	return pos[0], exitOK, true
}

func runCasesShow(args []string, std Stdio) int {
	fs := flag.NewFlagSet("cases show", flag.ContinueOnError)
	path := cacheFlag(fs)
	id, status, ok := oneCaseArgs(fs, args, std, "cases show", "verifydesk cases show [--cache PATH] CASE-ID",
		"Print a cached case: its fields, checklist, escalation, notes, attachments and snapshot parts. Contacts are masked.")
	if !ok {
		return status
	}
	c, ok := openCmdCache(*path, "cases show", std)
	if !ok {
		return exitFail
	}
	defer c.Close()
	id, rec, err := findCase(c, id)
	if err != nil {
		fmt.Fprintln(std.Err, "verifydesk cases show:", cmdError(err))
		return exitFail
	}
	snap, err := c.Snapshot(id)
	hasSnap := err == nil
	w := std.Out
	cs := rec.Case
	fmt.Fprintf(w, "Case %s: %s, %s (version %d)\n", clean(cs.ID), clean(cs.Status), clean(categoryTitle(cs.Category)), cs.Version)
	fmt.Fprintf(w, "  account  %s\n  agent    %s\n  channel  %s\n  contact  %s\n", clean(cs.AccountID), clean(cs.AgentID), clean(cs.Channel), clean(cases.MaskContact(cs.CustomerContact)))
	fmt.Fprintf(w, "  created  %s\n  updated  %s\n", stamp(cs.CreatedAt), stamp(cs.UpdatedAt))
	if rec.CachedAt.IsZero() {
		fmt.Fprintln(w, "  cached   never from the backend")
	} else {
		fmt.Fprintf(w, "  cached   %s\n", stamp(rec.CachedAt))
	}
	if rec.OnlyCached() {
		fmt.Fprintf(w, "  offline  %d change(s) queued for the backend\n", rec.Queued)
	}
	if len(cs.Checklist) > 0 {
		fmt.Fprintln(w, "Checklist:")
		for _, s := range cs.Checklist {
			fmt.Fprintf(w, "  [%s] %s\n", clean(s.State), clean(s.Text))
		}
	}
	e := cs.Escalation
	fmt.Fprintln(w, "Escalation:")
	for _, f := range [][2]string{{"region", e.Region}, {"phone", cases.MaskContact(e.Phone)}, {"app", e.App}, {"app version", e.AppVersion},
		{"phone model", e.PhoneModel}, {"OS version", e.OSVersion}, {"steps tried", e.StepsTried}, {"app logs", e.AppLogs}} {
		if f[1] != "" {
			fmt.Fprintf(w, "  %-12s %s\n", f[0], clean(f[1]))
		}
	}
	fmt.Fprintf(w, "Notes (%d):\n", len(cs.Notes))
	for _, n := range cs.Notes {
		fmt.Fprintf(w, "  %s  %s  %s\n", stamp(n.At), clean(n.AuthorID), clean(n.Text))
	}
	if len(rec.Attachments) > 0 {
		fmt.Fprintln(w, "Attachments:")
		for _, a := range rec.Attachments {
			fmt.Fprintf(w, "  %s (%s, %d bytes)\n", clean(a.Name), clean(a.Type), a.Size)
		}
	}
	if hasSnap {
		var parts []string
		for _, p := range []struct {
			name string
			v    json.RawMessage
		}{{"account", snap.Account}, {"deliveries", snap.Deliveries}, {"devices", snap.Devices},
			{"login events", snap.LoginEvents}, {"phone diagnosis", snap.PhoneDiagnosis}} {
			if len(p.v) > 0 {
				parts = append(parts, p.name)
			}
		}
		fmt.Fprintf(w, "Snapshot taken %s: %s\n", stamp(snap.TakenAt), strings.Join(parts, ", "))
	}
	return exitOK
}

// clean is text from a case made safe for a terminal, on one line, with the
// window's own text-display function (words.Shown): line breaks show as
// "\n" (a note cannot forge the next line), control characters (escape
// sequences that retitle the window, clear the screen, move the cursor) show
// escaped, and direction overrides cannot reorder what is printed.
func clean(s string) string { return words.Shown(s, 0, false) }

func stamp(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }

func runCasesExport(args []string, std Stdio) int {
	fs := flag.NewFlagSet("cases export", flag.ContinueOnError)
	path := cacheFlag(fs)
	out := fs.String("out", "", "the `directory` to write the export into (created if missing)")
	id, status, ok := oneCaseArgs(fs, args, std, "cases export", "verifydesk cases export [--cache PATH] CASE-ID --out DIR",
		"Write a cached case as JSON into DIR, contacts masked. The export is recorded in the local audit log.")
	if !ok {
		return status
	}
	if *out == "" {
		fmt.Fprintln(std.Err, "verifydesk cases export: --out DIR is required")
		return exitUsage
	}
	c, ok := openCmdCache(*path, "cases export", std)
	if !ok {
		return exitFail
	}
	defer c.Close()
	id, rec, err := findCase(c, id)
	if err != nil {
		fmt.Fprintln(std.Err, "verifydesk cases export:", cmdError(err))
		return exitFail
	}
	var snap *cache.Snapshot
	if s, err := c.Snapshot(id); err == nil {
		snap = &s
	}
	file, err := exportCase(*out, rec, snap)
	if err != nil {
		fmt.Fprintln(std.Err, "verifydesk cases export:", err)
		return exitFail
	}
	agentID := ""
	if la, err := c.LastAgent(); err == nil {
		agentID = la.ID
	}
	if _, err := c.Append(cache.AuditEntry{AgentID: agentID, Action: "case_export", AccountID: rec.Case.AccountID,
		CaseID: rec.Case.ID, Detail: "JSON export from the command line, contacts masked"}); err != nil {
		fmt.Fprintln(std.Err, "verifydesk cases export: the export was written but not audited:", err)
		return exitFail
	}
	fmt.Fprintln(std.Out, file)
	return exitOK
}

// caseExport is the JSON a case is exported as.
type caseExport struct {
	Format      string                 `json:"format"`
	ExportedAt  time.Time              `json:"exported_at"`
	Case        data.Case              `json:"case"`
	CachedAt    time.Time              `json:"cached_at"`
	Queued      int                    `json:"queued_changes"`
	Attachments []cache.AttachmentInfo `json:"attachments,omitempty"`
	Snapshot    *cache.Snapshot        `json:"snapshot,omitempty"`
}

// exportCase writes the cached case into dir as cases.ExportFileName (0600: it
// holds the customer's data) and returns the file's path. The case id is the
// backend's, which any agent can set: the name cannot leave dir. Contacts the agent typed
// are masked the way the backend masks them; the snapshot is as the backend
// sent it, already masked; the cache's own search keys (full numbers and
// addresses) and attachment contents are left out.
//
// It is the one place the CLI's export format is decided: the escalation
// package of services/cases (Markdown and JSON) replaces it.
func exportCase(dir string, rec cache.CaseRecord, snap *cache.Snapshot) (string, error) {
	cs := rec.Case
	cs.CustomerContact = cases.MaskContact(cs.CustomerContact)
	cs.Escalation.Phone = cases.MaskContact(cs.Escalation.Phone)
	body, err := json.MarshalIndent(caseExport{Format: "verifydesk-case-v1", ExportedAt: time.Now().UTC(), Case: cs,
		CachedAt: rec.CachedAt, Queued: rec.Queued, Attachments: rec.Attachments, Snapshot: snap}, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	file := filepath.Join(dir, cases.ExportFileName(cs.ID, ".json"))
	f, err := cases.CreateExport(file)
	if err != nil {
		return "", err
	}
	_, werr := f.Write(append(body, '\n'))
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return "", err
	}
	return file, nil
}
