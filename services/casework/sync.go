package casework

import (
	"context"
	"errors"
	"fmt"
	"time"

	"verifydesk/data"
	"verifydesk/data/cache"
	"verifydesk/services/client"
)

// Report says what one run did. Items are as stored after the run.
type Report struct {
	Sent      []OutboxItem // accepted by the backend, in order
	Conflicts []OutboxItem // the case had changed on the backend: for the agent to settle
	Rejected  []OutboxItem // refused for good (the case is gone, the input is invalid)
	Remaining int          // still queued when the run ended
}

// Sync sends the pending outbox through the service's API, in order. It
// returns the error that stopped the run early (transport, session, ctx, or
// the cache itself), with the report of what was done until then; nil when
// every item was dealt with. It holds the cache's outbox claim while it runs
// (ErrOutboxBusy when another Sync does). Call it once the agent has signed in
// again. Without a cache nothing was kept offline: an empty report, nil.
func (s *Service) Sync(ctx context.Context) (Report, error) {
	var r Report
	if !s.HasCache() {
		return r, nil
	}
	api, c := s.api, s.store
	release, err := c.ClaimOutbox()
	if err != nil {
		return r, err
	}
	defer release()
	items, err := c.Pending()
	if err != nil {
		return r, err
	}
	for i, it := range items {
		if err := ctx.Err(); err != nil {
			r.Remaining = len(items) - i
			return r, err
		}
		// The patch sent before may have moved this one to a newer version
		// (cache.MarkSentWith): read it again.
		if it, err = c.Item(it.Seq); err != nil {
			r.Remaining = len(items) - i
			return r, err
		}
		if it.State != cache.StateQueued {
			continue
		}
		if err := send(ctx, api, c, it, &r); err != nil {
			r.Remaining = len(items) - i
			return r, err
		}
	}
	return r, nil
}

// send delivers one item and records the outcome in the cache. A returned
// error stops the run.
func send(ctx context.Context, api API, c *cache.Cache, it OutboxItem, r *Report) error {
	var (
		server data.Case
		err    error
	)
	switch it.Kind {
	case cache.KindNote:
		server, err = api.AddNote(ctx, it.CaseID, *it.Note)
	case cache.KindPatch:
		server, err = api.UpdateCase(ctx, it.CaseID, *it.Patch)
	default:
		return record(c, it, r, cache.StateRejected, fmt.Sprintf("unknown kind %q", it.Kind), data.Case{})
	}
	switch {
	case err == nil:
		return record(c, it, r, cache.StateSent, "", server)
	case errors.Is(err, client.ErrConflict):
		server, gerr := api.Case(ctx, it.CaseID)
		if gerr != nil {
			return fmt.Errorf("item %d: reading the case after a conflict: %w", it.Seq, gerr)
		}
		if it.Kind == cache.KindPatch && server.Version > it.Patch.Version && cache.PatchApplied(*it.Patch, server) {
			return record(c, it, r, cache.StateSent, "", server) // the answer was lost, the change is there
		}
		return record(c, it, r, cache.StateConflict, "", server)
	case permanent(err):
		return record(c, it, r, cache.StateRejected, client.Explain(err, time.UTC), data.Case{})
	}
	return fmt.Errorf("item %d: %w", it.Seq, err)
}

// permanent reports whether the backend refused the item itself, so sending it
// again can never work: the case is gone (404) or the input is invalid (400,
// 422). A 401 or 403 is not: the next sign-in may have the right.
func permanent(err error) bool {
	return errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrBadRequest) ||
		errors.Is(err, client.ErrChannelUnavailable)
}

// record stores an outcome and adds the item to the report.
func record(c *cache.Cache, it OutboxItem, r *Report, state, reason string, server data.Case) error {
	var err error
	it.State = state
	switch state {
	case cache.StateSent:
		err = c.MarkSentWith(it.Seq, server)
		r.Sent = append(r.Sent, it)
	case cache.StateConflict:
		err = c.MarkConflict(it.Seq, server)
		it.Conflict = &server
		r.Conflicts = append(r.Conflicts, it)
	case cache.StateRejected:
		err = c.MarkRejected(it.Seq, reason)
		it.Error = reason
		r.Rejected = append(r.Rejected, it)
	}
	if err != nil {
		return fmt.Errorf("item %d: recording %s: %w", it.Seq, state, err)
	}
	return nil
}
