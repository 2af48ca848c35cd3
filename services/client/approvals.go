package client

import (
	"context"
	"net/http"
	"net/url"

	"verifydesk/data"
)

// Approvals lists approvals, filtered by status ("" for all; data.ApprovalPending
// ...).
func (c *Client) Approvals(ctx context.Context, status string) ([]data.Approval, error) {
	v := url.Values{}
	if status != "" {
		v.Set("status", status)
	}
	var l data.ApprovalList
	if err := c.do(ctx, call{method: http.MethodGet, path: path("approvals"), query: v}, &l); err != nil {
		return nil, err
	}
	return nonNil(l.Approvals), nil
}

// RequestApproval asks a supervisor to allow a high-risk action. Never retried.
func (c *Client) RequestApproval(ctx context.Context, req data.ApprovalRequest) (data.Approval, error) {
	var a data.Approval
	err := c.do(ctx, call{method: http.MethodPost, path: path("approvals"), body: req}, &a)
	return a, err
}

// Approve approves an approval (supervisors, not the requester) and runs its
// action; the answer's Result says what it did. Never retried.
func (c *Client) Approve(ctx context.Context, approvalID, note string) (data.Approval, error) {
	return c.decide(ctx, approvalID, "approve", note)
}

// Reject rejects an approval (supervisors, not the requester). Never retried.
func (c *Client) Reject(ctx context.Context, approvalID, note string) (data.Approval, error) {
	return c.decide(ctx, approvalID, "reject", note)
}

func (c *Client) decide(ctx context.Context, approvalID, verb, note string) (data.Approval, error) {
	var a data.Approval
	if err := needIDs(approvalID); err != nil {
		return a, err
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("approvals", approvalID, verb),
		body: data.DecisionRequest{Note: note}}, &a)
	return a, err
}
