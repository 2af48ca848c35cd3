package casework

import (
	"context"
	"encoding/json"
	"strings"

	"verifydesk/data"
	"verifydesk/services/client"
)

// List is the cached cases browser: with text, the cases the cache's index
// finds by it (phone, email, account id, case id, words of a note), filtered
// by q; without, the cases matching q, newest update first. It works offline:
// the cache is on this computer. ErrNoCache without a cache. I/O.
func (s *Service) List(ctx context.Context, text string, q ListQuery) ([]Summary, error) {
	if !s.HasCache() {
		return nil, ErrNoCache
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return s.store.List(q)
	}
	rows, err := s.store.Search(text)
	if err != nil {
		return nil, err
	}
	return filterSummaries(rows, q), nil
}

// filterSummaries applies the list filters to search hits.
func filterSummaries(rows []Summary, q ListQuery) []Summary {
	var out []Summary
	for _, r := range rows {
		if q.Status != "" && r.Status != q.Status || q.AgentID != "" && r.AgentID != q.AgentID ||
			q.OpenOnly && r.Status == data.CaseResolved ||
			!q.UpdatedSince.IsZero() && r.UpdatedAt.Before(q.UpdatedSince) {
			continue
		}
		out = append(out, r)
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out
}

// CachedAccount is the account as the case's snapshot kept it: what the
// offline review opens. ErrNotFound when the case has no snapshot or the
// snapshot no account; ErrNoCache without a cache. I/O.
func (s *Service) CachedAccount(ctx context.Context, caseID string) (data.Account, error) {
	if !s.HasCache() {
		return data.Account{}, ErrNoCache
	}
	if err := ctx.Err(); err != nil {
		return data.Account{}, err
	}
	snap, err := s.store.Snapshot(caseID)
	if err != nil {
		return data.Account{}, err
	}
	var acct data.Account
	if err := json.Unmarshal(orNull(snap.Account), &acct); err != nil {
		return data.Account{}, err
	}
	if acct.ID == "" {
		return data.Account{}, ErrNotFound
	}
	return acct, nil
}

// OpenCases are the agent's open cases: the backend's, or, when it cannot be
// reached, the cache's (cached true; each with its summary's fields only, no
// notes or checklist), returned with the backend's error, so the caller still
// knows the backend is away. Other backend errors are returned alone. I/O.
func (s *Service) OpenCases(ctx context.Context, agentID string) (list []data.Case, cached bool, err error) {
	list, err = s.api.Cases(ctx, client.CaseQuery{AgentID: agentID, Status: data.CaseOpen})
	if err == nil || !client.Unreachable(err) || !s.HasCache() {
		return list, false, err
	}
	rows, cerr := s.store.List(ListQuery{AgentID: agentID, Status: data.CaseOpen})
	if cerr != nil {
		return nil, false, err
	}
	list = make([]data.Case, 0, len(rows))
	for _, r := range rows {
		list = append(list, data.Case{ID: r.ID, AccountID: r.AccountID, AgentID: r.AgentID, Channel: r.Channel,
			CustomerContact: r.CustomerContact, Category: r.Category, Status: r.Status, UpdatedAt: r.UpdatedAt})
	}
	return list, true, err
}
