package screens

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"verifydesk/data"
	"verifydesk/services/auditlog"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
)

// auditExportMax bounds one export: every page of what the filters show, up
// to this many entries.
const auditExportMax = 200000

// onExport saves every entry the filters show (all pages) as CSV or JSON
// lines, in a file the agent picks.
func (s *auditScreen) onExport(format string) {
	q, ok := s.filters()
	if !ok {
		s.sayBadTime()
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return // cancelled, or the dialog said why
		}
		s.export(q, format, wc)
	}, s.w.win)
	d.SetFileName("verifydesk-audit." + map[string]string{"csv": "csv", "jsonl": "jsonl"}[format])
	d.Show()
}

// export writes every entry matching q to wc, a file the agent picked:
// readable by the agent alone (as the CLI's exports are), every CSV cell
// neutralised (auditlog.WriteCSV). UI thread; the work runs off it.
func (s *auditScreen) export(q client.AuditQuery, format string, wc fyne.URIWriteCloser) {
	s.state.SetText(i18n.L("Exporting…"))
	var n int
	s.w.run.run(job{name: "export the audit", timeout: 10 * backendTimeout,
		work: func(ctx context.Context) (err error) {
			if u := wc.URI(); u.Scheme() == "file" {
				// The dialog's writer made it with the usual 0644: the
				// agents' actions are for the agent's eyes.
				if err := os.Chmod(u.Path(), 0o600); err != nil {
					wc.Close()
					return notAsked(err)
				}
			}
			n, err = exportAudit(ctx, s.w.api, q, format, wc)
			return err
		},
		done: func(err error) {
			if err != nil {
				s.state.SetText(i18n.L("The export did not finish: {{.Error}}", i18n.M{"Error": Explain(err)}))
				return
			}
			s.w.record("audit_export", "", "", fmt.Sprintf("%s, %d entries", format, n)) // the audit's detail: English
			s.state.SetText(i18n.N("Exported {{.Count}} entries to {{.Path}}.", n, i18n.M{"Path": wc.URI().Path()}))
		},
	})
}

// onVerify checks the console's local hash-chained audit log against the head
// the backend recorded for this console, so a cut-off tail is found too, and
// names the first broken entry. A tap handler.
func (s *auditScreen) onVerify() {
	rec := s.w.cfg.Audit
	if !rec.HasLog() {
		s.verdict.SetText(i18n.L("This console keeps no local audit (no cache)."))
		return
	}
	s.verdict.SetText(i18n.L("Verifying…"))
	var v auditlog.Verdict
	s.w.run.run(job{name: "verify the local audit",
		work: func(ctx context.Context) error {
			v = rec.Verify(ctx)
			return v.HeadErr // what the backend answered, for the connection state
		},
		done: func(error) { s.verdict.SetText(verdictWords(v)) },
	})
}

// verdictWords says what the chain check found.
func verdictWords(v auditlog.Verdict) string {
	res, server, headErr := v.Result, v.Server, v.HeadErr
	against := i18n.L("The backend's record of this console was checked too.")
	switch {
	case server == nil && errors.Is(headErr, client.ErrNotFound):
		against = i18n.L("The backend has no record of this console's chain yet.")
	case server == nil:
		against = i18n.L("The backend's record could not be read ({{.Error}}): a cut-off tail would not be found.", i18n.M{"Error": Explain(headErr)})
	}
	switch {
	case res.Err != nil:
		return i18n.L("The local audit could not be read: {{.Error}}", i18n.M{"Error": Explain(res.Err)})
	case res.Broken != nil:
		// The break's detail is the cache's own words (as the CLI prints them).
		return i18n.Sentences(i18n.Current(), i18n.L("BROKEN at entry {{.Entry}}: {{.Kind}} ({{.Detail}}).",
			i18n.M{"Entry": strconv.FormatUint(res.Broken.Seq, 10), "Kind": auditlog.BreakWords(res.Broken.Kind), "Detail": res.Broken.Detail}),
			i18n.N("{{.Count}} entries before it are intact.", int(res.Count)), against)
	}
	return i18n.Sentences(i18n.Current(), i18n.N("Intact: {{.Count}} entries, each holding the hash of the one before.", int(res.Count)), against)
}

// auditPager is what an export needs of the backend.
type auditPager interface {
	AuditPage(ctx context.Context, q client.AuditQuery) (data.AuditList, error)
}

// exportAudit writes every entry matching q, following the pages, to wc and
// closes it. I/O: off the UI thread.
func exportAudit(ctx context.Context, api auditPager, q client.AuditQuery, format string, wc interface {
	Write([]byte) (int, error)
	Close() error
}) (int, error) {
	var all []data.AuditEntry
	q.Cursor, q.Limit = "", 1000
	for len(all) < auditExportMax {
		pctx, cancel := context.WithTimeout(ctx, backendTimeout)
		page, err := api.AuditPage(pctx, q)
		cancel()
		if err != nil {
			wc.Close()
			return 0, err
		}
		all = append(all, page.Entries...)
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
	}
	var b bytes.Buffer
	var err error
	if format == "csv" {
		err = auditlog.WriteCSV(&b, all)
	} else {
		err = auditlog.WriteJSONL(&b, all)
	}
	if err == nil {
		_, err = wc.Write(b.Bytes())
	}
	if cerr := wc.Close(); err == nil {
		err = cerr
	}
	return len(all), err
}
