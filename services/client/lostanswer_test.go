package client_test

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"verifydesk/data"
	"verifydesk/services/client"
)

// TestLostApprovalAnswerThenSameKeyMakesOneRequest is issue 21 point 14: the
// backend makes the request, the answer is lost (the connection is cut after
// the backend answered), and the agent asks again. The first ask says "not
// confirmed", not "not sent", and asking again with the key the console kept
// answers the first request: the backend holds exactly one.
func TestLostApprovalAnswerThenSameKeyMakesOneRequest(t *testing.T) {
	e := newEnv(t)
	sam := e.as("sam")
	ana := e.as("ana")
	cx := ctx(t)

	proxy, dropped := flakyProxy(t, e.url, 1)
	// No retries inside the call: the agent's second press is the retry.
	lossy := client.New(proxy.URL, client.Options{MaxRetries: -1})
	lossy.SetToken(signInToken(t, e.url, "ana"))

	req := data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionRevokeSessions, Reason: "caller lost the phone",
		IdempotencyKey: client.NewIdempotencyKey()}
	_, err := lossy.RequestApproval(cx, req)
	if dropped.Load() != 1 {
		t.Fatalf("proxy dropped %d answers, want 1", dropped.Load())
	}
	var nc *client.NotConfirmedError
	if !errors.Is(err, client.ErrNotConfirmed) || !errors.As(err, &nc) || !nc.SafeToRepeat {
		t.Fatalf("RequestApproval with its answer lost: %v, want a *NotConfirmedError safe to repeat", err)
	}
	words := client.Explain(err, time.UTC)
	if !strings.HasPrefix(words, "Not confirmed") || strings.Contains(words, "Cannot reach") {
		t.Errorf("Explain = %q: want not confirmed, not unreachable", words)
	}

	again, err := ana.RequestApproval(cx, req)
	if err != nil || again.Status != data.ApprovalPending {
		t.Fatalf("asking again with the same key: %+v, %v", again, err)
	}
	all, err := sam.ListApprovals(cx, client.ApprovalQuery{AccountID: "acc_1005"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].ID != again.ID {
		t.Errorf("the backend holds %d requests (%+v), want exactly the one the lost ask made (%s)", len(all), all, again.ID)
	}
	if n, _ := ana.PendingApprovals(cx); n != 1 {
		t.Errorf("My requests (%d), want 1", n)
	}

	// A new intent (a new key) is a new request.
	req.IdempotencyKey = client.NewIdempotencyKey()
	if _, err := ana.RequestApproval(cx, req); err != nil {
		t.Fatal(err)
	}
	if n, _ := ana.PendingApprovals(cx); n != 2 {
		t.Errorf("after a second intent: %d pending, want 2", n)
	}
}

// TestLostAnswersAreNotConfirmedRefusedConnectionsAreNotSent: every write
// whose answer was lost says so, and whether repeating it is safe; a write
// that never left (nothing listening) is plain ErrOffline.
func TestLostAnswersAreNotConfirmedRefusedConnectionsAreNotSent(t *testing.T) {
	e := newEnv(t)
	cx := ctx(t)
	tok := signInToken(t, e.url, "ana")
	ana := e.as("ana")
	cs, err := ana.CreateCase(cx, data.Case{ID: "case-lost-1", AccountID: "acc_1005", Category: "no_code"})
	if err != nil {
		t.Fatal(err)
	}
	proof := identityProof(t, ana, "acc_1005", data.ChannelAppPush)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	writes := []struct {
		name string
		safe bool // carries the caller's key or id
		do   func(c *client.Client) error
	}{
		{"AddNote", true, func(c *client.Client) error {
			_, err := c.AddNote(cx, cs.ID, data.Note{ID: "note-lost-1", Text: "Asked for the app version."})
			return err
		}},
		{"Resend with a key", true, func(c *client.Client) error {
			_, err := c.Resend(cx, "acc_1005", data.ResendRequest{Channel: data.ChannelEmail, Purpose: data.PurposeLogin}, "key-lost-1")
			return err
		}},
		{"RequestApproval without a key", false, func(c *client.Client) error {
			_, err := c.RequestApproval(cx, data.ApprovalRequest{AccountID: "acc_1005", Action: data.ActionDisable2FA, Reason: "r"})
			return err
		}},
		{"RevokeSessions", false, func(c *client.Client) error {
			_, err := c.RevokeSessions(cx, "acc_1005", client.ActionAuth{Proof: proof.Proof})
			return err
		}},
	}
	for _, w := range writes {
		proxy, dropped := flakyProxy(t, e.url, 1<<30)
		lossy := client.New(proxy.URL, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
		lossy.SetToken(tok)
		err := w.do(lossy)
		var nc *client.NotConfirmedError
		if !errors.As(err, &nc) || nc.SafeToRepeat != w.safe || !errors.Is(err, client.ErrOffline) {
			t.Errorf("%s with every answer lost (%d lost): %v; want not confirmed, safe to repeat %v", w.name, dropped.Load(), err, w.safe)
		}

		gone := client.New(closed, client.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
		gone.SetToken(tok)
		err = w.do(gone)
		if !errors.Is(err, client.ErrOffline) || errors.Is(err, client.ErrNotConfirmed) {
			t.Errorf("%s to a closed port: %v; want ErrOffline, not sent", w.name, err)
		}
		if got := client.Explain(err, time.UTC); !strings.HasPrefix(got, "Cannot reach the auth backend") {
			t.Errorf("%s to a closed port: Explain = %q", w.name, got)
		}
	}
}
