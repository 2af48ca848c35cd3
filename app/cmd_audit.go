package app

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"verifydesk/data/cache"
	"verifydesk/services/cases"
	"verifydesk/services/csvsafe"
)

// runAudit is `verifydesk audit verify|export`: the console's local,
// hash-chained audit log (SPEC 9) without the window.
func runAudit(args []string, std Stdio) int {
	if len(args) == 0 {
		auditUsage(std.Err)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		auditUsage(std.Out)
		return exitOK
	case "verify":
		return runAuditVerify(args[1:], std)
	case "export":
		return runAuditExport(args[1:], std)
	}
	fmt.Fprintf(std.Err, "verifydesk audit: unknown command %q\n\n", args[0])
	auditUsage(std.Err)
	return exitUsage
}

func auditUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: verifydesk audit verify [--cache PATH] [--head COUNT:HASH]")
	fmt.Fprintln(w, "       verifydesk audit export --format csv|jsonl [--cache PATH] [--out FILE]")
	fmt.Fprintln(w, "\nCheck or export the console's local audit log, each entry chained to the one before")
	fmt.Fprintln(w, "by its SHA-256. verify exits 0 when the chain is intact and 1 naming the first broken")
	fmt.Fprintln(w, "entry (changed, missing, out of order, tail cut).")
}

// parseHead reads --head: "COUNT:HASH", the chain head the backend recorded.
func parseHead(s string) (*cache.Head, error) {
	count, hash, ok := strings.Cut(s, ":")
	n, err := strconv.ParseUint(count, 10, 64)
	if !ok || err != nil || len(hash) != 64 || strings.Trim(strings.ToLower(hash), "0123456789abcdef") != "" {
		return nil, fmt.Errorf("--head must be COUNT:HASH (a number, a colon, 64 hex digits), not %q", s)
	}
	return &cache.Head{Count: n, Hash: strings.ToLower(hash)}, nil
}

func runAuditVerify(args []string, std Stdio) int {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	path := cacheFlag(fs)
	headFlag := fs.String("head", "", "the chain head the backend recorded, `COUNT:HASH`: finds a cut-off tail")
	pos, status, ok := parseInterspersed(fs, args, std, subUsage("verifydesk audit verify [--cache PATH] [--head COUNT:HASH]",
		"Verify the local audit chain: prints the entry count and exits 0 when intact; names the first broken entry and exits 1 otherwise."))
	if !ok {
		return status
	}
	if len(pos) > 0 {
		fmt.Fprintf(std.Err, "verifydesk audit verify: unexpected argument %q\n", pos[0])
		return exitUsage
	}
	var server *cache.Head
	if *headFlag != "" {
		h, err := parseHead(*headFlag)
		if err != nil {
			fmt.Fprintln(std.Err, "verifydesk audit verify:", err)
			return exitUsage
		}
		server = h
	}
	c, ok := openCmdCache(*path, "audit verify", std)
	if !ok {
		return exitFail
	}
	defer c.Close()
	r := c.Verify(server)
	switch {
	case r.Err != nil:
		fmt.Fprintln(std.Err, "verifydesk audit verify: the log cannot be read:", r.Err)
		return exitFail
	case r.Broken != nil:
		fmt.Fprintf(std.Out, "audit chain broken at %s; %d entries intact before it\n", r.Broken, r.Count)
		return exitFail
	}
	fmt.Fprintf(std.Out, "audit chain intact: %d entries", r.Count)
	if r.Count > 0 {
		fmt.Fprintf(std.Out, ", head %d:%s", r.Head.Count, r.Head.Hash)
	}
	fmt.Fprintln(std.Out)
	return exitOK
}

// auditColumns are the CSV header, in the order of auditRow.
var auditColumns = []string{"seq", "at", "agent_id", "action", "account_id", "case_id", "detail", "prev_hash", "hash"}

func auditRow(e cache.AuditEntry) []string {
	return []string{strconv.FormatUint(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.AgentID, e.Action,
		e.AccountID, e.CaseID, e.Detail, e.PrevHash, e.Hash}
}

func runAuditExport(args []string, std Stdio) int {
	fs := flag.NewFlagSet("audit export", flag.ContinueOnError)
	path := cacheFlag(fs)
	format := fs.String("format", "", "csv or jsonl (one JSON object per line)")
	outPath := fs.String("out", "", "write to this `file` (0600) instead of stdout")
	pos, status, ok := parseInterspersed(fs, args, std, subUsage("verifydesk audit export --format csv|jsonl [--cache PATH] [--out FILE]",
		"Export every entry of the local audit log, with its hashes, in order."))
	if !ok {
		return status
	}
	if len(pos) > 0 {
		fmt.Fprintf(std.Err, "verifydesk audit export: unexpected argument %q\n", pos[0])
		return exitUsage
	}
	if *format != "csv" && *format != "jsonl" {
		fmt.Fprintf(std.Err, "verifydesk audit export: --format must be csv or jsonl, not %q\n", *format)
		return exitUsage
	}
	c, ok := openCmdCache(*path, "audit export", std)
	if !ok {
		return exitFail
	}
	defer c.Close()
	var w io.Writer = std.Out
	var f *os.File
	if *outPath != "" {
		var err error
		if f, err = cases.CreateExport(*outPath); err != nil {
			fmt.Fprintln(std.Err, "verifydesk audit export:", err)
			return exitFail
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	var write func(cache.AuditEntry) error
	var flush func() error
	if *format == "csv" {
		cw := csvsafe.NewWriter(bw)
		if err := cw.Write(auditColumns); err != nil {
			fmt.Fprintln(std.Err, "verifydesk audit export:", err)
			return exitFail
		}
		write = func(e cache.AuditEntry) error { return cw.Write(auditRow(e)) }
		flush = func() error { cw.Flush(); return cw.Error() }
	} else {
		enc := json.NewEncoder(bw)
		write = func(e cache.AuditEntry) error { return enc.Encode(e) }
		flush = func() error { return nil }
	}
	n, before := 0, len(c.Problems())
	err := c.AuditEntries(1, func(e cache.AuditEntry) error { n++; return write(e) })
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && f != nil {
		err = f.Sync()
	}
	if err != nil {
		fmt.Fprintln(std.Err, "verifydesk audit export:", err)
		return exitFail
	}
	if skipped := len(c.Problems()) - before; skipped > 0 {
		fmt.Fprintf(std.Err, "verifydesk audit export: %d entries could not be read and were left out; run 'verifydesk audit verify'\n", skipped)
		return exitFail
	}
	fmt.Fprintf(std.Err, "%d entries\n", n)
	return exitOK
}
