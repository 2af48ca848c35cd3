// Package casework is the console's case work: a case opened for an account
// (the backend's, else the cache's copy when the backend cannot be reached,
// written through into the cache), created, patched, noted, its offline
// conflicts settled, files attached, its escalation package exported, the
// cached cases listed, and the outbox of offline changes sent (Sync). Screens
// show what a Service answers; they never reach the cache themselves.
//
// # The outbox
//
// Sync sends the cache's outbox (the notes and case changes an agent made
// offline) to the auth backend, in the order they were made, exactly once
// (SPEC 8).
//
// Exactly once rests on the contract: a note carries its client-made id, and
// the backend answers a repeated id with the same text by the case unchanged,
// so a note whose answer was lost is simply sent again. A patch carries the
// version the agent saw; the backend refuses it (409) when the case moved on,
// and the item becomes a conflict holding the backend's copy, never applied
// over it. A patch whose answer was lost also comes back as 409 on the next
// run: when the backend's copy already shows everything the patch sets, it
// counts as sent.
//
// A transport failure (backend down, timeout, 5xx, an expired session) ends the
// run at that item: it and everything after it stay queued for the next run.
// Sync never queues or sends anything that changes the customer's account:
// the outbox has no such kind.
package casework
