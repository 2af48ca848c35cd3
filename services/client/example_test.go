package client_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"verifydesk/data"
	"verifydesk/services/client"
)

func ExampleExplain() {
	limited := &client.RateLimitError{Until: time.Date(2030, 1, 7, 14, 5, 0, 0, time.UTC)}
	fmt.Println(client.Explain(limited, time.UTC))
	fmt.Println(client.Explain(fmt.Errorf("GET /v1/accounts/x: %w", client.ErrNotFound), time.UTC))
	fmt.Println(client.Explain(client.ErrCircuitOpen, time.UTC))
	// Output:
	// Too many requests: try again at 14:05 on Mon 7 Jan.
	// Not found.
	// The auth backend is not answering. The console will try again in a few seconds.
}

// A screen resends a code: one idempotency key per click, so a retry inside
// the client, or the agent clicking "Try again" on the same attempt, sends
// nothing twice.
func ExampleClient_Resend() {
	c := client.New("http://127.0.0.1:8080", client.Options{
		OnUnauthorized: func() { /* show the sign-in screen */ },
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key := client.NewIdempotencyKey()
	res, err := c.Resend(ctx, "acc_1002", data.ResendRequest{Channel: data.ChannelSMS, Purpose: data.PurposeLogin}, key)
	switch {
	case errors.Is(err, client.ErrRateLimited), errors.Is(err, client.ErrChannelUnavailable):
		fmt.Println(client.Explain(err, time.Local)) // beside the Resend button
	case err != nil:
		slog.Warn("resend failed", "err", err) // the error names the route, never the body
	default:
		fmt.Println("sent", res.Delivery.ID)
	}
}

// The audit screen reads the backend's audit page by page: a filtered page can
// be short, or empty, while NextCursor is set, so the loop follows the cursor
// rather than counting entries.
func ExampleClient_AuditPage() {
	c := client.New("http://127.0.0.1:8080", client.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	q := client.AuditQuery{AccountID: "acc_1002", Outcome: data.AuditDenied, Limit: 100}
	var shown []data.AuditEntry
	for len(shown) < 100 {
		page, err := c.AuditPage(ctx, q)
		if err != nil {
			fmt.Println(client.Explain(err, time.Local))
			return
		}
		shown = append(shown, page.Entries...)
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
	}
	fmt.Println(len(shown), "entries")
}
