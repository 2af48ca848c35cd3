// Package auditlog is the console's audit: the local hash-chained log of what
// this console did (Recorder: record an entry, send the chain's head to the
// backend, verify the chain against it), the export of the backend's audit
// entries (CSV and JSON lines), and the time filters an agent types on the
// audit screen.
package auditlog

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/csvsafe"
)

// Columns are the CSV header, in order.
var Columns = []string{"id", "at", "agent_id", "role", "action", "account_id", "reason", "detail", "status", "outcome"}

// WriteCSV writes entries as CSV with a header row. Times are RFC 3339 in UTC.
// Every cell goes through csvsafe: ids and account ids are what agents typed
// as much as reasons are, so none reaches a spreadsheet as a formula.
func WriteCSV(w io.Writer, entries []data.AuditEntry) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, e := range entries {
		rec := []string{e.ID, e.At.UTC().Format(time.RFC3339Nano), e.AgentID, e.Role, e.Action, e.AccountID,
			e.Reason, e.Detail, strconv.Itoa(e.Status), outcome(e)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func outcome(e data.AuditEntry) string {
	if e.Outcome != "" {
		return e.Outcome
	}
	return data.AuditOutcome(e.Status)
}

// WriteJSONL writes one JSON object per entry and line.
func WriteJSONL(w io.Writer, entries []data.AuditEntry) error {
	enc := json.NewEncoder(w)
	for _, e := range entries {
		e.Outcome = outcome(e)
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}

// ErrBadTime is what ParseTime answers for text it cannot read.
var ErrBadTime = errors.New("write a date as 2026-12-01, or a date and time as 2026-12-01 14:05")

// ParseTime reads a time filter as an agent types it, in loc: empty (no
// filter: the zero time), "2026-12-01", "2026-12-01 14:05", "2026-12-01T14:05"
// or RFC 3339 with a zone. A date alone is its start; end says to take the end
// of that day instead (for an "until" field), so a one-day range is the day.
func ParseTime(s string, loc *time.Location, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if loc == nil {
		loc = time.Local
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		if end {
			return t.AddDate(0, 0, 1).Add(-time.Nanosecond), nil
		}
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, ErrBadTime
}
