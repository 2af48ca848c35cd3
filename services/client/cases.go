package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"verifydesk/data"
)

// CaseQuery filters Cases; empty fields do not filter.
type CaseQuery struct{ AgentID, Status, AccountID string }

// Cases lists the cases matching q.
func (c *Client) Cases(ctx context.Context, q CaseQuery) ([]data.Case, error) {
	v := url.Values{}
	if q.AgentID != "" {
		v.Set("agent", q.AgentID)
	}
	if q.Status != "" {
		v.Set("status", q.Status)
	}
	if q.AccountID != "" {
		v.Set("account", q.AccountID)
	}
	var l data.CaseList
	if err := c.do(ctx, call{method: http.MethodGet, path: path("cases"), query: v}, &l); err != nil {
		return nil, err
	}
	return nonNil(l.Cases), nil
}

// CreateCase stores a new case. The caller makes cs.ID (uuid.NewString), which
// makes the call safe to retry: a repeat with the same id and content returns
// the stored case instead of a second one.
func (c *Client) CreateCase(ctx context.Context, cs data.Case) (data.Case, error) {
	var out data.Case
	if err := needIDs(cs.ID); err != nil {
		return out, err
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("cases"), body: cs, repeatable: true}, &out)
	return out, err
}

// Case reads one case.
func (c *Client) Case(ctx context.Context, caseID string) (data.Case, error) {
	var out data.Case
	if err := needIDs(caseID); err != nil {
		return out, err
	}
	err := c.do(ctx, call{method: http.MethodGet, path: path("cases", caseID)}, &out)
	return out, err
}

// UpdateCase applies patch if patch.Version is the stored version. Otherwise
// it is ErrConflict, and CurrentCase(err) gives the case as the backend has it
// now, for the agent to settle an offline edit against. Never retried.
func (c *Client) UpdateCase(ctx context.Context, caseID string, patch data.CasePatch) (data.Case, error) {
	var out data.Case
	if err := needIDs(caseID); err != nil {
		return out, err
	}
	err := c.do(ctx, call{method: http.MethodPatch, path: path("cases", caseID), body: patch}, &out)
	return out, err
}

// AddNote appends a note to a case and returns the case. The caller makes
// note.ID, so a retried append never duplicates the note: the backend answers
// a repeat with its first answer (the case right after the append).
func (c *Client) AddNote(ctx context.Context, caseID string, note data.Note) (data.Case, error) {
	var out data.Case
	if err := needIDs(caseID, note.ID); err != nil {
		return out, err
	}
	err := c.do(ctx, call{method: http.MethodPost, path: path("cases", caseID, "notes"), body: note, repeatable: true}, &out)
	return out, err
}

// CurrentCase is the case as the backend has it now, carried by the
// ErrConflict of an UpdateCase with a stale version. ok is false for any other
// error, or when the conflict carries no readable case or an impossible one
// (checkAnswer).
func CurrentCase(err error) (cs data.Case, ok bool) {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusConflict {
		return cs, false
	}
	cur, found := ae.Body.Details["current"]
	if !found {
		return cs, false
	}
	raw, merr := json.Marshal(cur)
	if merr != nil || json.Unmarshal(raw, &cs) != nil || cs.ID == "" || checkCase(&cs) != nil {
		return data.Case{}, false
	}
	return cs, true
}
