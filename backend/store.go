package backend

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// Buckets of the backend's bbolt file. Time-ordered buckets use keys made by
// timeKey so a cursor walks one account's records in time order.
var (
	bucketAgents      = []byte("agents")            // agent id -> agentRec
	bucketAgentNames  = []byte("agent_names")       // username -> agent id
	bucketSessions    = []byte("sessions")          // sha256(token) -> sessionRec
	bucketAccounts    = []byte("accounts")          // account id -> accountRec
	bucketAccountView = []byte("account_view")      // account id -> data.Account JSON, as answered
	bucketPhoneIdx    = []byte("idx_phone")         // stored E.164 (or trunk-0 form) -> account id
	bucketEmailIdx    = []byte("idx_email")         // lower-case email -> account id
	bucketDeliveries  = []byte("deliveries")        // timeKey(account, requested at, id) -> deliveryRec
	bucketDeliveryIdx = []byte("delivery_idx")      // delivery id -> key in bucketDeliveries
	bucketLogins      = []byte("logins")            // timeKey(account, at, id) -> data.LoginEvent
	bucketIdempotency = []byte("idempotency")       // scope (idemScope*) -> idemRec
	bucketChecks      = []byte("identity_chks")     // check id -> checkRec
	bucketProofs      = []byte("proofs")            // proof -> proofRec
	bucketApprovals   = []byte("approvals")         // approval id -> data.Approval
	bucketPending     = []byte("approvals_pending") // bigendian(expires at) id -> requester id
	bucketCases       = []byte("cases")             // case id -> caseRec
	bucketAudit       = []byte("audit")             // timeKey("", at, id) -> data.AuditEntry
	// The audit's indexes: timeKey(agent|action, at, id) -> empty. The entry
	// is in bucketAudit under the key's (at, id) tail, so one agent's or one
	// action's entries are walked newest first without reading the others.
	bucketAuditAgent  = []byte("audit_by_agent")
	bucketAuditAction = []byte("audit_by_action")
	bucketChainHeads  = []byte("chain_heads") // console id NUL bigendian(count) -> data.ChainHead
	bucketMeta        = []byte("meta")        // metaAuditIndexed -> "1" once the audit indexes are built
)

var allBuckets = [][]byte{
	bucketAgents, bucketAgentNames, bucketSessions, bucketAccounts, bucketAccountView, bucketPhoneIdx,
	bucketEmailIdx, bucketDeliveries, bucketDeliveryIdx, bucketLogins, bucketIdempotency,
	bucketChecks, bucketProofs, bucketApprovals, bucketPending, bucketCases, bucketAudit,
	bucketAuditAgent, bucketAuditAction, bucketChainHeads, bucketMeta, bucketRollups, bucketRollupsHour,
}

type agentRec struct {
	data.Agent
	Salt []byte `json:"salt"`
	Hash []byte `json:"hash"`
}

type sessionRec struct {
	AgentID   string    `json:"agent_id"`
	ExpiresAt time.Time `json:"expires_at"`
}

// deviceRec is a trusted device with the number of app sessions it holds.
type deviceRec struct {
	data.TrustedDevice
	Sessions int `json:"sessions"`
}

// accountRec is the stored account: the contract's fields plus the full contact
// values and the devices, which the API only shows through dedicated routes.
type accountRec struct {
	ID              string `json:"id"`
	App             string `json:"app"`
	Name            string `json:"name"`
	Region          string `json:"region"`
	TimeZone        string `json:"time_zone"`
	AppLanguage     string `json:"app_language,omitempty"`
	Phone           string `json:"phone,omitempty"` // as stored: E.164 or trunk-0 form
	PhoneVerified   bool   `json:"phone_verified"`
	Email           string `json:"email,omitempty"`
	EmailVerified   bool   `json:"email_verified"`
	TwoFactor       data.TwoFactor
	PasswordSet     bool        `json:"password_set"`
	LinkedLogins    []string    `json:"linked_logins"`
	Devices         []deviceRec `json:"devices"`
	OtherSessions   int         `json:"other_sessions"` // web or unknown-device sessions
	Lock            data.Lock   `json:"lock"`
	CreatedAt       time.Time   `json:"created_at"`
	CheckLockedTill time.Time   `json:"check_locked_till"` // identity checks locked after wrong codes
}

// deliveryRec is a stored delivery: the contract's fields plus the full
// destination and, in demo mode only, the message text with its code (for the
// demo inbox). Code and Text never leave through any other route.
type deliveryRec struct {
	data.Delivery
	Destination string `json:"destination"`
	Text        string `json:"text,omitempty"`
	Code        string `json:"code,omitempty"`
	// Unverified: the destination was not a verified contact of the account
	// when the code was sent (see rollup.go).
	Unverified bool `json:"unverified,omitempty"`
	// Followed: the backend learnt whether the sign-in or 2FA step this code
	// was sent for passed (the sign-in service reported the step back);
	// Converted: it passed within 10 minutes of the send. A code whose
	// step the backend never hears of (an agent's resend) is not followed,
	// and counts in no conversion rate.
	Followed  bool `json:"followed,omitempty"`
	Converted bool `json:"converted,omitempty"`
}

// idemRec is what an idempotent write keeps: a fingerprint of the request, and
// its first answer (status and body byte for byte) that every replay repeats.
// Records from before answers were kept have no Body; their replay is rebuilt
// from the current state (see idempotency.go).
type idemRec struct {
	BodyHash   string `json:"body_hash"`
	AgentID    string `json:"agent_id,omitempty"`
	DeliveryID string `json:"delivery_id,omitempty"`
	Status     int    `json:"status,omitempty"`
	Body       []byte `json:"body,omitempty"`
}

type checkRec struct {
	data.IdentityCheck
	AgentID  string `json:"agent_id"`
	CodeHash []byte `json:"code_hash"`
	Salt     []byte `json:"salt"`
	Done     bool   `json:"done"`
	Locked   bool   `json:"locked"`
}

type proofRec struct {
	AccountID string    `json:"account_id"`
	AgentID   string    `json:"agent_id"`
	ExpiresAt time.Time `json:"expires_at"`
}

type caseRec struct {
	data.Case
	CreateHash string `json:"create_hash"`
}

// timeKey builds prefix NUL bigendian(nanos) id: records of one prefix sort by time.
func timeKey(prefix string, t time.Time, id string) []byte {
	k := make([]byte, 0, len(prefix)+1+8+len(id))
	k = append(k, prefix...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint64(k, uint64(t.UnixNano()))
	k = append(k, id...)
	return k
}

// prefixKey is the first possible key of a prefix's records.
func prefixKey(prefix string) []byte { return append([]byte(prefix), 0) }

// prefixEnd is the first key after every record of prefix.
func prefixEnd(prefix string) []byte { return append([]byte(prefix), 1) }

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	// json.Unmarshal copies what it keeps, so nothing refers to the mmap after
	// the transaction ends.
	return true, json.Unmarshal(raw, v)
}

// viewJSON reads one record in its own read transaction: getJSON for a caller
// that needs nothing else from the file.
func (s *Server) viewJSON(bucket, key []byte, v any) (found bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		found, err = getJSON(tx.Bucket(bucket), key, v)
		return err
	})
	return found, err
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// walkBack calls fn for the records of prefix from newest to oldest, starting
// strictly before `before` when it is not nil; fn returns false to stop.
func walkBack(b *bolt.Bucket, prefix string, before []byte, fn func(k, v []byte) bool) {
	c := b.Cursor()
	start := before
	if start == nil {
		start = prefixEnd(prefix)
	}
	k, _ := c.Seek(start)
	var v []byte
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	lo := prefixKey(prefix)
	for ; k != nil && bytes.HasPrefix(k, lo); k, v = c.Prev() {
		if !fn(k, v) {
			return
		}
	}
}

// walkSince calls fn for records of prefix at or after t, oldest first.
func walkSince(b *bolt.Bucket, prefix string, t time.Time, fn func(k, v []byte) bool) {
	c := b.Cursor()
	lo := prefixKey(prefix)
	for k, v := c.Seek(timeKey(prefix, t, "")); k != nil && bytes.HasPrefix(k, lo); k, v = c.Next() {
		if !fn(k, v) {
			return
		}
	}
}

func loadAccount(tx *bolt.Tx, id string) (*accountRec, error) {
	var a accountRec
	ok, err := getJSON(tx.Bucket(bucketAccounts), []byte(id), &a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, nil
	}
	return &a, nil
}

// saveAccount writes the account and keeps its phone and email indexes in step
// with prev (nil for a new account).
func saveAccount(tx *bolt.Tx, prev, a *accountRec) error {
	pi, ei := tx.Bucket(bucketPhoneIdx), tx.Bucket(bucketEmailIdx)
	if prev != nil {
		if prev.Phone != "" && prev.Phone != a.Phone {
			if err := pi.Delete([]byte(prev.Phone)); err != nil {
				return err
			}
		}
		if prev.Email != "" && normEmail(prev.Email) != normEmail(a.Email) {
			if err := ei.Delete([]byte(normEmail(prev.Email))); err != nil {
				return err
			}
		}
	}
	if a.Phone != "" {
		if err := pi.Put([]byte(a.Phone), []byte(a.ID)); err != nil {
			return err
		}
	}
	if a.Email != "" {
		if err := ei.Put([]byte(normEmail(a.Email)), []byte(a.ID)); err != nil {
			return err
		}
	}
	// The answer of the account routes is kept ready-made: lookups are the
	// hottest path and then cost one Get, no decoding and no phone parsing.
	if err := putJSON(tx.Bucket(bucketAccountView), []byte(a.ID), a.api()); err != nil {
		return err
	}
	return putJSON(tx.Bucket(bucketAccounts), []byte(a.ID), a)
}

// accountView is the stored answer for an account, copied out of the
// transaction, or nil when there is no such account.
func accountView(tx *bolt.Tx, id string) (json.RawMessage, error) {
	if raw := tx.Bucket(bucketAccountView).Get([]byte(id)); raw != nil {
		return append(json.RawMessage(nil), raw...), nil
	}
	a, err := loadAccount(tx, id)
	if err != nil || a == nil {
		return nil, err
	}
	return json.Marshal(a.api())
}

// putDelivery stores a delivery, its id index and its rollup (replacing the
// rollup of the version it overwrites).
func putDelivery(tx *bolt.Tx, d *deliveryRec) error {
	k := timeKey(d.AccountID, d.RequestedAt, d.ID)
	if err := tx.Bucket(bucketDeliveryIdx).Put([]byte(d.ID), k); err != nil {
		return err
	}
	if err := replaceRollup(tx, k, d); err != nil {
		return err
	}
	return putJSON(tx.Bucket(bucketDeliveries), k, d)
}

func loadDelivery(tx *bolt.Tx, id string) (*deliveryRec, error) {
	k := tx.Bucket(bucketDeliveryIdx).Get([]byte(id))
	if k == nil {
		return nil, nil
	}
	var d deliveryRec
	ok, err := getJSON(tx.Bucket(bucketDeliveries), k, &d)
	if err != nil || !ok {
		return nil, err
	}
	return &d, nil
}

func putLogin(tx *bolt.Tx, accountID string, e *data.LoginEvent) error {
	return putJSON(tx.Bucket(bucketLogins), timeKey(accountID, e.At, e.ID), e)
}
