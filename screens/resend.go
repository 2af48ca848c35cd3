package screens

import (
	"context"
	"errors"
	"time"

	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

// pendingResend is a resend whose answer was lost: the backend may have sent
// the code. Its idempotency key belongs to the account and the request, not
// to the view: it survives switching accounts, and a new press, or the
// console's own retry when the backend answers again, reuses it, so the
// customer never gets a second code for one request.
type pendingResend struct {
	req   data.ResendRequest
	key   string
	since time.Time
}

// resendRetryWithin is how long after a lost answer the console still sends
// the resend again by itself: after that the caller has likely hung up, and
// a code they no longer wait for is noise.
const resendRetryWithin = 10 * time.Minute

// sendResend sends a code to accountID through the runner, reusing the key of
// a pending resend of the same request. UI thread.
func (w *workspace) sendResend(accountID string, req data.ResendRequest) {
	pr := w.resends[accountID]
	if pr == nil || pr.req != req {
		pr = &pendingResend{req: req, key: client.NewIdempotencyKey(), since: w.cfg.now()}
		w.resends[accountID] = pr
	}
	var res data.ResendResult
	w.run.run(job{name: "resend",
		work: func(ctx context.Context) (err error) {
			res, err = w.api.Resend(ctx, accountID, req, pr.key)
			return err
		},
		done: func(err error) { w.resendDone(accountID, pr, res, err) },
	})
}

// resendDone settles a resend: sent or refused, its key is done; with the
// outcome unknown it stays pending, and the Codes tab says what happens next.
// UI thread.
func (w *workspace) resendDone(accountID string, pr *pendingResend, res data.ResendResult, err error) {
	req := pr.req
	switch {
	case err == nil:
		w.forgetResend(accountID, pr)
		d := res.Delivery
		w.record("resend", accountID, "", d.Channel+" "+d.Purpose+" "+d.ID)
		msg := i18n.L("Sent: {{.Channel}} to {{.To}} ({{.Status}}). Tell the customer to look for a message from {{.Sender}} and to wait a few minutes before asking again.",
			i18n.M{"Channel": words.Method(d.Channel), "To": d.DestinationMasked, "Status": words.DeliveryStatus(d.Status), "Sender": d.Sender})
		if res.Replayed {
			msg = i18n.L("Sent: the backend had already sent it ({{.Channel}} to {{.To}}); nothing new was sent.",
				i18n.M{"Channel": words.Method(d.Channel), "To": d.DestinationMasked})
		}
		w.codes.resendDone(accountID, msg, true)
	case backendDecided(err):
		w.forgetResend(accountID, pr) // refused: a new press is a new resend
		w.codes.resendDone(accountID, i18n.L("Not sent: {{.Reason}}", i18n.M{"Reason": Explain(err)}), false)
	default:
		// No answer, or one that could not be read: the code may be on its
		// way. The key stays with the account.
		w.record("resend", accountID, "", req.Channel+" "+req.Purpose+" outcome unknown")
		why := Explain(err)
		if !errors.Is(err, client.ErrNotConfirmed) {
			why = i18n.L("Not confirmed: {{.Reason}}", i18n.M{"Reason": why})
		}
		msg := i18n.L("{{.Reason}} Press Resend code again: it will not send a second code.", i18n.M{"Reason": why})
		if client.Unreachable(err) {
			msg = i18n.L("Not confirmed: the backend may have sent the code, but no answer came ({{.Failure}}). "+
				"The console sends it again by itself when the backend answers, with the same request: the customer gets one code.",
				i18n.M{"Failure": failureWords(err)})
		}
		w.codes.resendDone(accountID, msg, false)
	}
}

// forgetResend drops accountID's pending resend when it is still pr. UI
// thread.
func (w *workspace) forgetResend(accountID string, pr *pendingResend) {
	if w.resends[accountID] == pr {
		delete(w.resends, accountID)
	}
}

// retryResends sends again, with their keys, the resends whose answers were
// lost, once the backend answers: what "Not confirmed… sends it again"
// promised. One older than resendRetryWithin is dropped instead. UI thread.
func (w *workspace) retryResends() {
	now := w.cfg.now()
	for accountID, pr := range w.resends {
		if now.Sub(pr.since) > resendRetryWithin {
			delete(w.resends, accountID)
			w.codes.resendDone(accountID, i18n.L("A resend whose answer was lost is no longer tried again (over 10 minutes): "+
				"check the delivery log, and press Resend code if the customer still waits."), false)
			continue
		}
		w.codes.resendDone(accountID, i18n.L("The backend answers again: sending the code that was not confirmed, with the same request…"), false)
		w.sendResend(accountID, pr.req)
	}
}

// failureWords names what kind of failure err is, as errorClass does for
// the log (in English), in the agent's language.
func failureWords(err error) string { return i18n.T(errorClass(err)) }

// pendingResendKey is the key of accountID's pending resend, or "". UI
// thread.
func (w *workspace) pendingResendKey(accountID string) string {
	if pr := w.resends[accountID]; pr != nil {
		return pr.key
	}
	return ""
}
