package backend

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// The console keeps a local hash-chained audit log (SPEC section 9). Its head
// (entry count and the last entry's hash) is recorded here from time to time
// and at sign-out, so that a log whose tail was cut off is found against the
// server's record and not only a log changed in the middle.

func chainHeadKey(consoleID string, count int64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte(consoleID), 0), uint64(count))
}

// latestHead is the recorded head of consoleID with the highest count.
func latestHead(b *bolt.Bucket, consoleID string) (data.ChainHead, bool, error) {
	var h data.ChainHead
	var found bool
	var err error
	walkBack(b, consoleID, nil, func(_, v []byte) bool {
		found, err = true, json.Unmarshal(v, &h)
		return false
	})
	return h, found, err
}

// chainBehind is the 409 of a head that does not move the console's chain
// forward: the console's log lost entries, or was rewritten, since the latest
// recorded head.
func chainBehind(latest data.ChainHead, format string, args ...any) *apiError {
	return conflict(format, args...).with("latest_count", latest.Count).with("latest_hash", latest.Hash).
		with("latest_recorded_at", latest.RecordedAt)
}

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil
}

// recordChainHead serves POST /v1/audit/chain-heads. The same head sent again
// (a retry) answers the first answer; a head with a lower count than the
// latest, or the same count with another hash, is a 409 naming the latest.
func (s *Server) recordChainHead(c *call) (any, error) {
	act := c.audit("audit_chain_head", "")
	var req data.ChainHeadRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	req.Hash = strings.ToLower(req.Hash)
	act.Detail = fmt.Sprintf("console %s count %d hash %s", truncate(req.ConsoleID, 100), req.Count, truncate(req.Hash, 64))
	switch {
	case !data.ValidClientID(req.ConsoleID): // no NUL either: it prefixes keys
		return nil, badID("console_id")
	case req.Count < 1:
		return nil, badRequest("count must be at least 1").with("field", "count")
	case !validHash(req.Hash):
		return nil, badRequest("hash must be a SHA-256 in hex (64 characters)").with("field", "hash")
	}
	scope := idemScope("chain", req.ConsoleID, strconv.FormatInt(req.Count, 10))
	fp := fingerprint(req.Hash)
	var out answer
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketChainHeads)
		latest, have, err := latestHead(b, req.ConsoleID)
		if err != nil {
			return err
		}
		st, _, err := storedAnswer(tx, scope, fp, "")
		switch {
		case err != nil:
			return chainBehind(latest, "a head with %d entries was recorded for this console with another hash: the chain was rewritten", req.Count)
		case st != nil:
			out = *st
			return nil
		case have && req.Count <= latest.Count:
			return chainBehind(latest, "the console's chain has %d entries but %d were recorded for it before: entries are missing", req.Count, latest.Count)
		}
		head := data.ChainHead{ConsoleID: req.ConsoleID, AgentID: c.agent.ID, Count: req.Count, Hash: req.Hash, RecordedAt: s.now().UTC()}
		if err := putJSON(b, chainHeadKey(req.ConsoleID, req.Count), head); err != nil {
			return err
		}
		out, err = firstAnswer(tx, scope, idemRec{BodyHash: fp, AgentID: c.agent.ID}, http.StatusCreated, head)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// latestChainHead serves GET /v1/audit/chain-heads/{consoleId}: the latest
// head recorded for the console by any agent (the console checks its own log
// against it, whoever signed in last).
func (s *Server) latestChainHead(c *call) (any, error) {
	id := c.r.PathValue("consoleId")
	if !data.ValidClientID(id) {
		return nil, badID("consoleId")
	}
	var h data.ChainHead
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		h, found, err = latestHead(tx.Bucket(bucketChainHeads), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, notFound("chain head of this console")
	}
	return h, nil
}
