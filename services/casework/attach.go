package casework

import (
	"context"
	"io"

	"verifydesk/services/cases"
)

// Attach reads a file the customer sent (at most cases.MaxAttachmentSize), checks
// it by content and size (cases.CheckAttachment: screenshots, app logs) and
// keeps it with the case on this computer. It answers what was stored and the
// cached case with it. The check's refusal is a *cases.AttachmentError;
// ErrAttachmentTooLarge when the case keeps as much as it can; ErrNoCache
// without a cache. The caller closes r. I/O.
func (s *Service) Attach(ctx context.Context, caseID, name string, r io.Reader) (AttachmentInfo, Record, error) {
	if !s.HasCache() {
		return AttachmentInfo{}, Record{}, ErrNoCache
	}
	content, err := io.ReadAll(io.LimitReader(r, cases.MaxAttachmentSize+1))
	if err != nil {
		return AttachmentInfo{}, Record{}, err
	}
	if _, err := cases.CheckAttachment(name, content); err != nil {
		return AttachmentInfo{}, Record{}, err
	}
	if err := ctx.Err(); err != nil {
		return AttachmentInfo{}, Record{}, err
	}
	info, err := s.store.AddAttachment(caseID, name, content)
	if err != nil {
		return AttachmentInfo{}, Record{}, err
	}
	rec, err := s.store.Case(caseID)
	return info, rec, err
}
