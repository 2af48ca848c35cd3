package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"verifydesk/data"
)

// AuditQuery filters the backend's audit; zero fields do not filter. Since and
// Until are inclusive. Cursor is the NextCursor of the previous page ("" for
// the first); Limit <= 0 lets the backend choose (500, at most 5000).
type AuditQuery struct {
	AgentID, AccountID, Action string
	Outcome                    string // data.AuditOK, AuditDenied, AuditFailed
	Since, Until               time.Time
	Cursor                     string
	Limit                      int
}

func (q AuditQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"agent": q.AgentID, "account": q.AccountID, "action": q.Action,
		"outcome": q.Outcome, "cursor": q.Cursor} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.UTC().Format(time.RFC3339Nano))
	}
	if !q.Until.IsZero() {
		v.Set("until", q.Until.UTC().Format(time.RFC3339Nano))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// AuditPage is one page of the backend's audit matching q, newest first.
// Supervisors read everyone's entries; agents their own (naming another agent
// is ErrForbidden). Follow NextCursor until it is empty: a page can hold fewer
// entries than asked, even none, while NextCursor is set (the backend stops a
// rarely matching filter's page early to keep it fast).
func (c *Client) AuditPage(ctx context.Context, q AuditQuery) (data.AuditList, error) {
	var l data.AuditList
	err := c.do(ctx, call{method: http.MethodGet, path: path("audit"), query: q.values()}, &l)
	l.Entries = nonNil(l.Entries)
	return l, err
}

// Audit is the entries of one AuditPage.
func (c *Client) Audit(ctx context.Context, q AuditQuery) ([]data.AuditEntry, error) {
	l, err := c.AuditPage(ctx, q)
	if err != nil {
		return nil, err
	}
	return l.Entries, nil
}

// RecordChainHead records the head of the console's local audit chain (entry
// count and the last entry's SHA-256 in hex) in the backend's audit, as the
// signed-in agent. Safe to retry: the same head again answers as the first
// time. A head behind the latest recorded for the console, or the same count
// with another hash, is ErrConflict: the local log lost or changed entries
// since (LatestChainHead says what was recorded).
func (c *Client) RecordChainHead(ctx context.Context, head data.ChainHeadRequest) (data.ChainHead, error) {
	var h data.ChainHead
	if err := needIDs(head.ConsoleID); err != nil {
		return h, err
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("audit", "chain-heads"), body: head, repeatable: true}, &h)
	return h, err
}

// LatestChainHead is the head with the highest count recorded for the console,
// by any agent; ErrNotFound when none was.
func (c *Client) LatestChainHead(ctx context.Context, consoleID string) (data.ChainHead, error) {
	var h data.ChainHead
	if err := needIDs(consoleID); err != nil {
		return h, err
	}
	err := c.do(ctx, call{method: http.MethodGet, path: path("audit", "chain-heads", consoleID)}, &h)
	return h, err
}
