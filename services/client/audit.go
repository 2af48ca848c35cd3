package client

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"verifydesk/data"
)

// AuditQuery filters the backend's audit; zero fields do not filter.
type AuditQuery struct {
	AgentID, AccountID, Action string
	Since, Until               time.Time
}

// Audit lists the backend's audit entries matching q (supervisors only: agents
// get ErrForbidden).
func (c *Client) Audit(ctx context.Context, q AuditQuery) ([]data.AuditEntry, error) {
	v := url.Values{}
	if q.AgentID != "" {
		v.Set("agent", q.AgentID)
	}
	if q.AccountID != "" {
		v.Set("account", q.AccountID)
	}
	if q.Action != "" {
		v.Set("action", q.Action)
	}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.UTC().Format(time.RFC3339Nano))
	}
	if !q.Until.IsZero() {
		v.Set("until", q.Until.UTC().Format(time.RFC3339Nano))
	}
	var l data.AuditList
	if err := c.do(ctx, call{method: http.MethodGet, path: path("audit"), query: v}, &l); err != nil {
		return nil, err
	}
	return nonNil(l.Entries), nil
}
