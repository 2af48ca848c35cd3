package client

import (
	"fmt"
	"time"

	"verifydesk/data"
)

// An answer that decodes is not yet a fact. A backend that says an account
// has -1 trusted devices, that a window allows -1 sends of which -1 are used,
// or that a delivery's status came before it was requested, is broken or
// hostile, and a screen that shows it states something impossible as true.
// checkAnswer holds every decoded answer to what the contract makes possible:
// no negative count, no end before its start, no limit below its use, no
// window used up while the destination claims to be free. An answer that
// fails is a *BadAnswerError (ErrBadAnswer, which is also ErrBadResponse),
// never data: one impossible value makes the whole answer untrustworthy.

// BadAnswerError is an answer that decoded but holds a value that cannot be
// true. Problem names the field and the value in the client's own words
// (never text from the answer), e.g. "account trusted_device_count is -1".
// errors.Is(err, ErrBadAnswer) and errors.Is(err, ErrBadResponse) are true.
type BadAnswerError struct {
	Problem string
}

func (e *BadAnswerError) Error() string { return ErrBadAnswer.Error() + ": " + e.Problem }

// Unwrap gives ErrBadAnswer.
func (e *BadAnswerError) Unwrap() error { return ErrBadAnswer }

func impossible(format string, args ...any) error {
	return &BadAnswerError{Problem: fmt.Sprintf(format, args...)}
}

// checkAnswer checks a decoded answer (a pointer to one of the data models
// the client decodes into). Types without rules pass.
func checkAnswer(v any) error {
	switch a := v.(type) {
	case *data.Account:
		return checkAccount(a)
	case *data.AccountList:
		return checkEach(a.Accounts, checkAccount)
	case *data.DeliveryList:
		return checkEach(a.Deliveries, checkDelivery)
	case *data.ResendResult:
		return checkDelivery(&a.Delivery)
	case *data.RateLimits:
		return checkEach(a.Limits, checkDestinationLimits)
	case *data.TrustedDeviceList:
		return checkEach(a.Devices, checkDevice)
	case *data.ActionResult:
		return checkActionResult(a)
	case *data.IdentityCheck:
		return nonNegative("identity check attempts_left", int64(a.AttemptsLeft))
	case *data.IdentityProof:
		return nonNegative("identity proof uses_left", int64(a.UsesLeft))
	case *data.Approval:
		return checkApproval(a)
	case *data.ApprovalList:
		return checkEach(a.Approvals, checkApproval)
	case *data.ApprovalCount:
		return nonNegative("approval count", int64(a.Count))
	case *data.Case:
		return checkCase(a)
	case *data.CaseList:
		return checkEach(a.Cases, checkCase)
	case *data.AuditList:
		return checkEach(a.Entries, checkAuditEntry)
	case *data.ChainHead:
		return nonNegative("chain head count", a.Count)
	case *data.DeliveryHealth:
		return checkDeliveryHealth(a)
	}
	return nil
}

func checkEach[T any](items []T, check func(*T) error) error {
	for i := range items {
		if err := check(&items[i]); err != nil {
			return err
		}
	}
	return nil
}

func nonNegative(what string, n int64) error {
	if n < 0 {
		return impossible("%s is %d", what, n)
	}
	return nil
}

// inOrder refuses an end before its start; a time left out (zero) is
// unknown, not impossible.
func inOrder(what string, start, end time.Time) error {
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		return impossible("%s is %v before its start", what, start.Sub(end).Round(time.Second))
	}
	return nil
}

func checkAccount(a *data.Account) error {
	return nonNegative("account trusted_device_count", int64(a.TrustedDeviceCount))
}

func checkDelivery(d *data.Delivery) error {
	return inOrder("delivery status_at", d.RequestedAt, d.StatusAt)
}

func checkDestinationLimits(l *data.DestinationLimits) error {
	for _, w := range l.Windows {
		if err := nonNegative("send limit of the "+w.Window+" window", int64(w.Limit)); err != nil {
			return err
		}
		if err := nonNegative("sends used in the "+w.Window+" window", int64(w.Used)); err != nil {
			return err
		}
		if w.Used > w.Limit {
			return impossible("the %s window has used %d sends of a limit of %d", w.Window, w.Used, w.Limit)
		}
		if w.Used >= w.Limit && !l.Blocked {
			return impossible("the %s window is used up (%d of %d) but the destination is not blocked", w.Window, w.Used, w.Limit)
		}
	}
	return nil
}

func checkDevice(d *data.TrustedDevice) error {
	return inOrder("trusted device last_seen_at", d.AddedAt, d.LastSeenAt)
}

func checkActionResult(r *data.ActionResult) error {
	return nonNegative("sessions_revoked", int64(r.SessionsRevoked))
}

func checkApproval(a *data.Approval) error {
	if err := inOrder("approval expires_at", a.RequestedAt, a.ExpiresAt); err != nil {
		return err
	}
	if a.DecidedAt != nil {
		if err := inOrder("approval decided_at", a.RequestedAt, *a.DecidedAt); err != nil {
			return err
		}
	}
	if a.Result != nil {
		return checkActionResult(a.Result)
	}
	return nil
}

func checkCase(c *data.Case) error {
	if err := nonNegative("case version", int64(c.Version)); err != nil {
		return err
	}
	return inOrder("case updated_at", c.CreatedAt, c.UpdatedAt)
}

func checkAuditEntry(e *data.AuditEntry) error {
	if e.Status != 0 && (e.Status < 100 || e.Status > 599) {
		return impossible("audit entry status is %d, not an HTTP status", e.Status)
	}
	return nil
}
