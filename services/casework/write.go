package casework

import (
	"context"

	"verifydesk/data"
	"verifydesk/data/cache"
	"verifydesk/services/client"
)

// Write is the outcome of one change of a case (a patch or a note).
type Write struct {
	// Asked is true when the backend was asked; APIErr is then its answer.
	// The cache's errors are not the backend's answers.
	Asked  bool
	APIErr error
	// Err is why the change was not made: the backend's answer or the cache's
	// error. Nil when it was sent or queued.
	Err error
	// Queued is true when the change is kept in the outbox, for Sync.
	Queued bool
	// Case is the backend's copy after the change (when it was sent).
	Case data.Case
	// Stored is the cached case after the change, when there is a cache.
	Stored *Record
}

// Patch changes a case's status, checklist or escalation fields (patch.Version
// is the version the agent saw). offline says the console works from the
// cache: the change is queued without asking the backend. When the backend
// cannot be reached it is queued too. I/O.
func (s *Service) Patch(ctx context.Context, caseID string, patch data.CasePatch, offline bool) Write {
	return s.write(ctx, caseID, offline,
		func(ctx context.Context) (data.Case, error) { return s.api.UpdateCase(ctx, caseID, patch) },
		func() error { _, err := s.store.QueuePatch(caseID, patch); return err })
}

// AddNote appends a note (its client-made id lets a retry never add it twice),
// or queues it as Patch does. I/O.
func (s *Service) AddNote(ctx context.Context, caseID string, note data.Note, offline bool) Write {
	return s.write(ctx, caseID, offline,
		func(ctx context.Context) (data.Case, error) { return s.api.AddNote(ctx, caseID, note) },
		func() error { _, err := s.store.QueueNote(caseID, note); return err })
}

// write sends one change with send or, offline or when the backend cannot be
// reached, keeps it with queue; then it reads the cached case back. The one
// path of every change a case takes.
func (s *Service) write(ctx context.Context, caseID string, offline bool,
	send func(context.Context) (data.Case, error), queue func() error) Write {
	var out Write
	out.Asked = !offline
	if out.Asked {
		out.Case, out.APIErr = send(ctx)
		out.Err = out.APIErr
	}
	store := s.store
	if (!out.Asked || client.Unreachable(out.APIErr)) && store != nil {
		qerr := queue()
		out.Queued, out.Err = qerr == nil, qerr
	}
	if !out.Asked && store == nil {
		out.Err = ErrNoCache // nowhere to keep it
	}
	if out.Err == nil && store != nil {
		if !out.Queued {
			_ = store.PutCase(Record{Case: out.Case})
		}
		if rec, err := store.Case(caseID); err == nil {
			out.Stored = &rec
		}
	}
	return out
}

// Conflicts are the case's offline changes that the backend's copy overtook;
// nil without a cache or when it cannot be read.
func (s *Service) Conflicts(caseID string) []OutboxItem {
	if !s.HasCache() {
		return nil
	}
	items, err := s.store.Outbox()
	if err != nil {
		return nil
	}
	var out []OutboxItem
	for _, it := range items {
		if it.CaseID == caseID && it.State == cache.StateConflict {
			out = append(out, it)
		}
	}
	return out
}

// Settle resolves a conflict the agent decided: mine applies the offline
// change again on top of the backend's version; otherwise the backend's copy
// is kept and the change dropped. ErrNoCache without a cache. I/O.
func (s *Service) Settle(ctx context.Context, it OutboxItem, mine bool) error {
	if !s.HasCache() {
		return ErrNoCache
	}
	if err := s.store.Settle(it.Seq); err != nil {
		return err
	}
	if !mine || it.Patch == nil {
		return nil
	}
	patch := *it.Patch
	if it.Conflict != nil {
		patch.Version = it.Conflict.Version
	}
	_, err := s.api.UpdateCase(ctx, it.CaseID, patch)
	return err
}
