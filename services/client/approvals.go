package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"verifydesk/data"
)

// ApprovalQuery filters ListApprovals; zero fields do not filter. Agents only
// ever see their own requests, whatever RequestedBy says.
type ApprovalQuery struct {
	Status      string // data.ApprovalPending, Approved, Rejected, Expired
	RequestedBy string // agent id
	AccountID   string
	Limit       int // <= 0: the backend's default (500)
}

func (q ApprovalQuery) values() url.Values {
	v := url.Values{}
	if q.Status != "" {
		v.Set("status", q.Status)
	}
	if q.RequestedBy != "" {
		v.Set("requested_by", q.RequestedBy)
	}
	if q.AccountID != "" {
		v.Set("account_id", q.AccountID)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// ListApprovals lists the approvals matching q, newest first: a supervisor's
// queue (Status pending), or an agent's own requests and their outcomes. A
// pending request nobody decided in time comes back as data.ApprovalExpired.
func (c *Client) ListApprovals(ctx context.Context, q ApprovalQuery) ([]data.Approval, error) {
	var l data.ApprovalList
	if err := c.do(ctx, call{method: http.MethodGet, path: path("approvals"), query: q.values()}, &l); err != nil {
		return nil, err
	}
	return nonNil(l.Approvals), nil
}

// Approvals lists approvals, filtered by status ("" for all): ListApprovals
// with only a status.
func (c *Client) Approvals(ctx context.Context, status string) ([]data.Approval, error) {
	return c.ListApprovals(ctx, ApprovalQuery{Status: status})
}

// PendingApprovals is how many requests await a decision: every agent's for a
// supervisor (the top bar's count), the caller's own for an agent. It reads an
// index on the backend and is cheap to poll.
func (c *Client) PendingApprovals(ctx context.Context) (int, error) {
	var n data.ApprovalCount
	err := c.do(ctx, call{method: http.MethodGet, path: path("approvals", "count"),
		query: url.Values{"status": {data.ApprovalPending}}}, &n)
	return n.Count, err
}

// RequestApproval asks a supervisor to allow a high-risk action; req.Params
// are exactly the action's (device_id, new_phone or new_email).
//
// req.IdempotencyKey makes asking safe to repeat: make it once per agent
// intent with NewIdempotencyKey and keep it until an answer arrives. When the
// answer is lost (ErrNotConfirmed: the backend may have made the request), ask
// again with the same key: the backend answers with the request the first ask
// made, and makes no second one. Retries inside one call use the key too. An
// empty key gets a fresh one for this call only, so a second call is a second
// request.
func (c *Client) RequestApproval(ctx context.Context, req data.ApprovalRequest) (data.Approval, error) {
	var a data.Approval
	key, fresh := req.IdempotencyKey, req.IdempotencyKey == ""
	if fresh {
		key = NewIdempotencyKey()
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("approvals"), body: req,
		header: map[string]string{data.HeaderIdempotencyKey: key}, repeatable: true, freshKey: fresh}, &a)
	return a, err
}

// Approve approves an approval with the supervisor's comment (required: an
// empty one is ErrBadRequest) and runs its action; the answer's Result says
// what it did. The requester cannot decide their own request
// (ErrSelfApproval); an expired one is ErrApprovalExpired, a decided one
// ErrConflict. Safe to retry: the backend answers the same decision by the
// same supervisor with its first answer.
func (c *Client) Approve(ctx context.Context, approvalID, note string) (data.Approval, error) {
	return c.decide(ctx, approvalID, "approve", note)
}

// Reject rejects an approval with the supervisor's comment (required); the
// same rules as Approve.
func (c *Client) Reject(ctx context.Context, approvalID, note string) (data.Approval, error) {
	return c.decide(ctx, approvalID, "reject", note)
}

func (c *Client) decide(ctx context.Context, approvalID, verb, note string) (data.Approval, error) {
	var a data.Approval
	if err := needIDs(approvalID); err != nil {
		return a, err
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("approvals", approvalID, verb),
		body: data.DecisionRequest{Note: note}, repeatable: true}, &a)
	return a, err
}
