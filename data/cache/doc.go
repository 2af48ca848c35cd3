// Package cache is the console's local case cache (SPEC section 8) and its
// local audit log (SPEC section 9), on one bbolt file.
//
// What it keeps: the cases the console opened or owns (with their notes, a
// snapshot of what the agent saw and the customer's attachments), an outbox of
// changes made offline, a hash-chained audit log of the console's actions, and
// the agent who last signed in on this machine, so cached cases stay readable
// without the backend.
//
// The contract, in short:
//   - Every value is sealed with AES-GCM under a key kept in the OS keyring, or
//     in a 0600 key file beside the cache where there is no keyring
//     (KeyStorage says which). Keys of the file are case ids, note ids,
//     sequence numbers and keyed hashes (HMAC-SHA256): never a name, phone
//     number, email, IP address or note text.
//   - Search uses a token index (phone, email, account id, case id, note
//     words, status, agent), never a scan of the cases.
//   - A second console on the same file gets ErrInUse after Options.Timeout
//     instead of hanging; a file bbolt refuses is moved aside and a fresh cache
//     started (Recovered names where it went); a cache of an older schema is
//     migrated on Open.
//   - A write has reached the disk when the method returns (bbolt commits with
//     fsync): a note queued offline survives a crash right after.
//   - A record that cannot be decrypted or decoded is skipped where a list is
//     read and reported by Problems; it never panics the console.
//
// A Cache is safe for concurrent use. It never imports Fyne.
package cache
