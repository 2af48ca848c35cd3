// Package data holds the plain models shared by the console, its services and the
// reference backend: the JSON shapes of the auth backend contract (see
// backend/openapi.yaml) and, later, the console's bbolt cache.
//
// Every type here is a plain struct with JSON tags; nothing here does I/O or knows
// about Fyne.
package data

import "time"

// Agent roles carried by every bearer token.
const (
	RoleAgent      = "agent"
	RoleSupervisor = "supervisor"
)

// Apps (brands) an account can belong to.
const (
	AppTapo = "Tapo"
	AppKasa = "Kasa"
)

// Channels a code or notice can travel on.
const (
	ChannelSMS     = "sms"
	ChannelEmail   = "email"
	ChannelAppPush = "app_push"
)

// Purposes of a code delivery.
const (
	PurposeLogin          = "login"
	PurposeRegister       = "register"
	PurposeResetPassword  = "reset_password"
	PurposeEnable2FA      = "enable_2fa"
	PurposeNewDevice      = "new_device"
	PurposeIdentityCheck  = "identity_check"
	PurposeSecurityNotice = "security_notice"
)

// Delivery statuses, in the order a message normally moves through them.
const (
	StatusQueued      = "queued"
	StatusSent        = "sent"
	StatusDelivered   = "delivered"
	StatusUndelivered = "undelivered"
	StatusFailed      = "failed"
	StatusBounced     = "bounced"
)

// Who asked for a delivery.
const (
	RequesterUser   = "user"
	RequesterAgent  = "agent"
	RequesterSystem = "system"
)

// Login activity outcomes.
const (
	OutcomePasswordOK     = "password_ok"
	OutcomePasswordFailed = "password_failed"
	Outcome2FASent        = "2fa_sent"
	Outcome2FAPassed      = "2fa_passed"
	Outcome2FAFailed      = "2fa_failed"
	Outcome2FASkipped     = "2fa_skipped_trusted"
	OutcomeBlocked        = "blocked"
)

// Sensitive actions: they need an identity-check proof or an approved approval.
const (
	ActionRemoveDevice   = "remove_device"
	ActionRevokeSessions = "revoke_sessions"
	ActionDisable2FA     = "disable_2fa"
	ActionChangePhone    = "change_phone"
	ActionChangeEmail    = "change_email"
)

// Approval states.
const (
	ApprovalPending  = "pending"
	ApprovalApproved = "approved"
	ApprovalRejected = "rejected"
	// ApprovalExpired is a request nobody decided before its ExpiresAt; it
	// can no longer be approved, and asking again makes a new request.
	ApprovalExpired = "expired"
)

// Case states.
const (
	CaseOpen      = "open"
	CaseWaiting   = "waiting_on_customer"
	CaseEscalated = "escalated"
	CaseResolved  = "resolved"
)

// Error codes of the contract's one error shape.
const (
	ErrCodeBadRequest         = "bad_request"
	ErrCodeUnauthorized       = "unauthorized"
	ErrCodeForbidden          = "forbidden"
	ErrCodeIdentityRequired   = "identity_check_required"
	ErrCodeNotFound           = "not_found"
	ErrCodeConflict           = "conflict"
	ErrCodeChannelUnavailable = "channel_unavailable"
	ErrCodeRateLimited        = "rate_limited"
	ErrCodeLocked             = "locked"
	ErrCodeWrongCode          = "wrong_code" // an identity-check code that does not match
	ErrCodeInternal           = "internal"
	// ErrCodeSelfApproval (403): a supervisor tried to approve or reject a
	// request they made themselves (four eyes).
	ErrCodeSelfApproval = "self_approval"
	// ErrCodeApprovalExpired (409): the approval expired before anyone
	// decided it.
	ErrCodeApprovalExpired = "approval_expired"
)

// Forms a phone number is stored or sent in: E.164, or the legacy form that
// keeps the national trunk 0 after the country code (+8860936...).
const (
	FormE164   = "e164"
	FormTrunk0 = "trunk_0"
)

// Headers of the contract beyond the standard ones.
const (
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderIdentityProof  = "Identity-Proof"
	HeaderApprovalID     = "Approval-Id"
	// HeaderIdempotentReplayed is "true" on an answer that repeats the first
	// answer of an idempotent write (same status, same body byte for byte):
	// nothing was done again.
	HeaderIdempotentReplayed = "Idempotent-Replayed"
)

// ClientIDPattern is the form of every id a client makes and the backend
// keeps as a key or a path segment: case ids, note ids, console ids (and a
// request's case_id). One to 64 ASCII letters, digits, '-' and '_', the first
// a letter or digit. It admits what the console makes ("case-", "note-" or
// "console-" and a UUID, 41-44 characters) and refuses anything that could
// reach outside a folder when an id is used as a file name ("../x", "..\x",
// "C:", "/tmp/x"), spaces, control characters and look-alike letters.
const ClientIDPattern = `^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`

// MaxClientIDLen is the longest id ClientIDPattern admits.
const MaxClientIDLen = 64

// ValidClientID reports whether id matches ClientIDPattern.
func ValidClientID(id string) bool {
	if id == "" || len(id) > MaxClientIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '-' || c == '_') && i > 0:
		default:
			return false
		}
	}
	return true
}

// APIError is the one error body every route answers with on a 4xx or 5xx status.
type APIError struct {
	Code       string         `json:"code"`
	Message    string         `json:"message"`
	RetryAfter int            `json:"retry_after,omitempty"` // seconds
	Details    map[string]any `json:"details,omitempty"`
}

// Agent is a support agent or supervisor.
type Agent struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     string `json:"role"`
}

// AgentInfo is one entry of the agent directory (GET /v1/agents): what the
// console needs to show an agent by name, and nothing to sign in with.
type AgentInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// AgentDirectory is the answer of GET /v1/agents.
type AgentDirectory struct {
	Agents []AgentInfo `json:"agents"`
}

// SignInRequest is the body of POST /v1/agent/sessions.
type SignInRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// Session is an agent's bearer token and who it belongs to.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Agent     Agent     `json:"agent"`
	// Demo is true when the backend serves demo data (made-up people): the
	// console says DEMO MODE whatever address it was pointed at.
	Demo bool `json:"demo,omitempty"`
}

// TwoFactor is an account's two-step verification state.
type TwoFactor struct {
	Enabled bool `json:"enabled"`
	// Method is the default second step: app_push (notification to trusted
	// devices), email, or sms. Empty when 2FA is off.
	Method string `json:"method,omitempty"`
	// FeatureAvailable is false while the staged roll-out has not reached the
	// account yet (the Kasa help page).
	FeatureAvailable bool `json:"feature_available"`
}

// Lock is an account's lock state.
type Lock struct {
	Locked bool       `json:"locked"`
	Reason string     `json:"reason,omitempty"`
	Until  *time.Time `json:"until,omitempty"`
}

// Account is the account detail an agent sees. Phone and email are masked; the
// full values need POST /v1/accounts/{id}/reveal with a reason.
type Account struct {
	ID       string `json:"id"`
	App      string `json:"app"`
	Name     string `json:"name"`
	Region   string `json:"region"`    // the customer's country, ISO 3166-1 alpha-2
	TimeZone string `json:"time_zone"` // IANA zone of the customer
	// AppLanguage is the language the customer's app runs in, as the app
	// last reported it (BCP 47: "zh-Hant-TW", "ru-RU"); empty when not known.
	AppLanguage string `json:"app_language,omitempty"`

	PhoneMasked   string `json:"phone_masked,omitempty"`
	PhoneRegion   string `json:"phone_region,omitempty"` // region of the stored number
	PhoneVerified bool   `json:"phone_verified"`
	// PhoneStoredForm is "e164", or "trunk_0" when the number is stored in the
	// legacy form with the national trunk 0 after the country code (+8860936...).
	PhoneStoredForm string `json:"phone_stored_form,omitempty"`
	EmailMasked     string `json:"email_masked,omitempty"`
	EmailVerified   bool   `json:"email_verified"`

	TwoFactor          TwoFactor `json:"two_factor"`
	PasswordSet        bool      `json:"password_set"`
	LinkedLogins       []string  `json:"linked_logins"` // third-party sign-ins: wechat, apple, google...
	TrustedDeviceCount int       `json:"trusted_device_count"`
	Lock               Lock      `json:"lock"`
	CreatedAt          time.Time `json:"created_at"`
}

// AccountList is the answer of GET /v1/accounts (exact search: usually 0 or 1).
type AccountList struct {
	Accounts []Account `json:"accounts"`
}

// RevealRequest asks for the full value of a masked field; always audited.
type RevealRequest struct {
	Field  string `json:"field"` // "phone" or "email"
	Reason string `json:"reason"`
}

// RevealResult is the unmasked value.
type RevealResult struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// Delivery is one verification code or security notice sent to the account.
// The code itself is never part of it.
type Delivery struct {
	ID                string `json:"id"`
	AccountID         string `json:"account_id"`
	Channel           string `json:"channel"`
	DestinationMasked string `json:"destination_masked"`
	// DestinationForm, for SMS: "e164" or "trunk_0" (the number with the trunk 0
	// kept after the country code).
	DestinationForm string    `json:"destination_form,omitempty"`
	Sender          string    `json:"sender"`      // short code, sender id or email address
	SenderKind      string    `json:"sender_kind"` // short_code, sender_id, email, app
	Purpose         string    `json:"purpose"`
	RequestedAt     time.Time `json:"requested_at"`
	RequestedBy     string    `json:"requested_by"` // user, agent or system
	AgentID         string    `json:"agent_id,omitempty"`
	Status          string    `json:"status"`
	StatusAt        time.Time `json:"status_at"`
	ProviderError   string    `json:"provider_error,omitempty"` // see ProviderErrors
	NetworkReached  string    `json:"network_reached,omitempty"`
	// LoginEventID links a code to the login attempt that asked for it.
	LoginEventID string `json:"login_event_id,omitempty"`
	RequestIP    string `json:"request_ip,omitempty"`
}

// DeliveryList is the answer of GET /v1/accounts/{id}/deliveries, newest first.
type DeliveryList struct {
	Deliveries []Delivery `json:"deliveries"`
}

// ResendRequest is the body of POST /v1/accounts/{id}/codes; the request also
// carries an Idempotency-Key header.
type ResendRequest struct {
	Channel string `json:"channel"`
	Purpose string `json:"purpose"`
	// Form, for SMS, is the form of the stored number to send to: FormE164
	// sends a number stored with the trunk 0 kept (+8860936...) without it,
	// the way carriers route it; FormTrunk0 as stored. Empty: as stored.
	Form string `json:"form,omitempty"`
}

// ResendResult is what a resend did.
type ResendResult struct {
	Delivery Delivery `json:"delivery"`
	// Replayed is true when the idempotency key had been seen and nothing new
	// was sent. A replay answers the first answer byte for byte, so in the
	// body it is always false; the Idempotent-Replayed header says it, and
	// the console's client sets this field from that header.
	Replayed bool `json:"replayed"`
}

// LimitWindow is one send limit (per minute, hour or day) of one destination.
type LimitWindow struct {
	Window  string     `json:"window"` // minute, hour, day
	Limit   int        `json:"limit"`
	Used    int        `json:"used"`
	FreesAt *time.Time `json:"frees_at,omitempty"` // when Used drops below Limit again
}

// DestinationLimits are the limits of one destination and purpose.
type DestinationLimits struct {
	Channel           string        `json:"channel"`
	DestinationMasked string        `json:"destination_masked"`
	Purpose           string        `json:"purpose"`
	Windows           []LimitWindow `json:"windows"`
	Blocked           bool          `json:"blocked"`
	NextAllowedAt     *time.Time    `json:"next_allowed_at,omitempty"`
}

// RateLimits is the answer of GET /v1/accounts/{id}/rate-limits.
type RateLimits struct {
	Limits []DestinationLimits `json:"limits"`
}

// TrustedDevice is a device that skips the second step.
type TrustedDevice struct {
	ID                   string    `json:"id"`
	Name                 string    `json:"name"`
	Model                string    `json:"model"`
	OS                   string    `json:"os"`
	AppVersion           string    `json:"app_version"`
	NotificationsAllowed bool      `json:"notifications_allowed"`
	AddedAt              time.Time `json:"added_at"`
	LastSeenAt           time.Time `json:"last_seen_at"`
	LastIP               string    `json:"last_ip"`
}

// TrustedDeviceList is the answer of GET /v1/accounts/{id}/trusted-devices.
type TrustedDeviceList struct {
	Devices []TrustedDevice `json:"devices"`
}

// ActionResult is what a sensitive action did.
type ActionResult struct {
	Action           string `json:"action"`
	AccountID        string `json:"account_id"`
	SessionsRevoked  int    `json:"sessions_revoked"`
	NoticeDeliveryID string `json:"notice_delivery_id,omitempty"`
}

// ContactChange is the body of POST /v1/accounts/{id}/contact: exactly one of
// a new phone (E.164) or a new email; a sensitive action.
type ContactChange struct {
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// LoginEvent is one sign-in step of the account.
type LoginEvent struct {
	ID          string    `json:"id"`
	At          time.Time `json:"at"`
	DeviceID    string    `json:"device_id"`
	DeviceName  string    `json:"device_name"`
	DeviceModel string    `json:"device_model,omitempty"`
	IP          string    `json:"ip"`
	UserAgent   string    `json:"user_agent"`
	Outcome     string    `json:"outcome"`
}

// LoginActivityPage is one page of GET /v1/accounts/{id}/login-activity, newest
// first; NextCursor is empty on the last page.
type LoginActivityPage struct {
	Events     []LoginEvent `json:"events"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// IdentityCheckRequest starts an identity check: a one-time code goes to a
// channel the real owner controls (app_push to trusted devices, or email).
type IdentityCheckRequest struct {
	Channel string `json:"channel"`
}

// IdentityCheck is a started identity check.
type IdentityCheck struct {
	ID                string    `json:"id"`
	AccountID         string    `json:"account_id"`
	Channel           string    `json:"channel"`
	DestinationMasked string    `json:"destination_masked"`
	ExpiresAt         time.Time `json:"expires_at"`
	AttemptsLeft      int       `json:"attempts_left"`
}

// VerifyRequest carries the code the caller read back.
type VerifyRequest struct {
	Code string `json:"code"`
}

// IdentityProof is the short-lived proof sensitive calls require, bound to one
// account and one agent.
type IdentityProof struct {
	Proof     string    `json:"proof"`
	AccountID string    `json:"account_id"`
	ExpiresAt time.Time `json:"expires_at"`
	// UsesLeft is how many sensitive actions the proof still authorises: 1
	// when issued. The action that uses it consumes it; an action the backend
	// refuses (the device already gone, the new phone taken) leaves it.
	UsesLeft int `json:"uses_left"`
	// Actions are the sensitive actions (Action*) it can authorise on
	// AccountID, one of them.
	Actions []string `json:"actions"`
}

// ApprovalRequest asks a supervisor to allow a high-risk action. Params are
// exactly the action's: device_id for remove_device, new_phone (E.164) for
// change_phone, new_email for change_email, none for the others.
type ApprovalRequest struct {
	AccountID string            `json:"account_id"`
	Action    string            `json:"action"`
	Params    map[string]string `json:"params,omitempty"`
	Reason    string            `json:"reason"`
	// CaseID is the case the request belongs to (optional, shown to the
	// supervisor; not checked against the stored cases).
	CaseID string `json:"case_id,omitempty"`
	// IdempotencyKey names the agent's one intent to ask (one press of
	// "Ask a supervisor"): the console's client sends it as the
	// Idempotency-Key header, never in the body. Asking again with the same
	// key, after an answer was lost, answers the request the first ask made
	// instead of making a second one.
	IdempotencyKey string `json:"-"`
}

// Approval is a four-eyes request and its decision.
type Approval struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	// AccountName is the customer's name when the request was made, for
	// people; AccountID is what the action runs on.
	AccountName string `json:"account_name,omitempty"`
	Action      string `json:"action"`
	// Params are the action's; device_name beside device_id is for people.
	Params      map[string]string `json:"params,omitempty"`
	Reason      string            `json:"reason"`
	CaseID      string            `json:"case_id,omitempty"`
	RequestedBy string            `json:"requested_by"` // agent id
	RequestedAt time.Time         `json:"requested_at"`
	// ExpiresAt is when a pending request turns expired; decided requests
	// keep it as it was.
	ExpiresAt time.Time  `json:"expires_at"`
	Status    string     `json:"status"` // Approval*
	DecidedBy string     `json:"decided_by,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	Note      string     `json:"note,omitempty"` // the decider's comment
	// Result is what the approved action did; it ran when the approval was
	// given, exactly as asked (that account, that device, that new contact).
	Result *ActionResult `json:"result,omitempty"`
}

// ApprovalList is the answer of GET /v1/approvals, newest first.
type ApprovalList struct {
	Approvals []Approval `json:"approvals"`
}

// ApprovalCount is the answer of GET /v1/approvals/count: how many approvals
// the caller can see in Status (supervisors: all; agents: their own).
type ApprovalCount struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
}

// DecisionRequest is the body of approve and reject. Note, the decider's
// comment, is required (422 without one).
type DecisionRequest struct {
	Note string `json:"note,omitempty"`
}

// ChecklistStep is one troubleshooting step of a case and its state.
type ChecklistStep struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	State string `json:"state"` // todo, done, skipped, failed
	// Source says who set State: "agent", or "evidence" when the console
	// pre-filled it from what the account data already answers.
	Source string `json:"source,omitempty"`
	// Reason says why the step has its state (for a pre-filled step, the
	// evidence: "the last 3 SMS were delivered").
	Reason string `json:"reason,omitempty"`
}

// Escalation holds what the help pages ask support to collect.
type Escalation struct {
	Region     string `json:"region,omitempty"`
	Phone      string `json:"phone,omitempty"`
	App        string `json:"app,omitempty"`
	AppVersion string `json:"app_version,omitempty"`
	PhoneModel string `json:"phone_model,omitempty"`
	OSVersion  string `json:"os_version,omitempty"`
	StepsTried string `json:"steps_tried,omitempty"`
	AppLogs    string `json:"app_logs,omitempty"`
}

// Note is an append-only case note; its id is made by the client so a retried
// append never duplicates.
type Note struct {
	ID       string    `json:"id"`
	AuthorID string    `json:"author_id"`
	At       time.Time `json:"at"`
	Text     string    `json:"text"`
}

// Case is a support case.
type Case struct {
	ID              string `json:"id"`
	AccountID       string `json:"account_id"`
	AgentID         string `json:"agent_id"`
	CustomerContact string `json:"customer_contact,omitempty"`
	Channel         string `json:"channel,omitempty"` // phone, email, chat
	Category        string `json:"category"`
	// CustomerLanguage is the language the agent speaks with the customer
	// in (en, zh-Hant, zh-Hans, ru): what the agent reads or pastes to the
	// customer is in it. Empty: the one the account suggests.
	CustomerLanguage string          `json:"customer_language,omitempty"`
	Status           string          `json:"status"`
	Checklist        []ChecklistStep `json:"checklist,omitempty"`
	Escalation       Escalation      `json:"escalation"`
	Notes            []Note          `json:"notes"`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
	Version          int             `json:"version"`
}

// CaseList is the answer of GET /v1/cases.
type CaseList struct {
	Cases []Case `json:"cases"`
}

// CasePatch changes a case; Version must match the stored one (409 otherwise).
type CasePatch struct {
	Version    int             `json:"version"`
	Status     *string         `json:"status,omitempty"`
	Checklist  []ChecklistStep `json:"checklist,omitempty"`
	Escalation *Escalation     `json:"escalation,omitempty"`
	// CustomerLanguage changes the language spoken with the customer.
	CustomerLanguage *string `json:"customer_language,omitempty"`
}

// AuditEntry is one server-side audit record.
type AuditEntry struct {
	ID        string    `json:"id"`
	At        time.Time `json:"at"`
	AgentID   string    `json:"agent_id"`
	Role      string    `json:"role"`
	Action    string    `json:"action"`
	AccountID string    `json:"account_id,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	Status    int       `json:"status"` // HTTP status the call answered with
	// Outcome is Status by class: ok (2xx, 3xx), denied (4xx), failed (5xx).
	Outcome string `json:"outcome"`
}

// Audit outcomes, by the HTTP status class of the audited call.
const (
	AuditOK     = "ok"
	AuditDenied = "denied"
	AuditFailed = "failed"
)

// AuditOutcome is the outcome of an audited call that answered status.
func AuditOutcome(status int) string {
	switch {
	case status >= 500:
		return AuditFailed
	case status >= 400:
		return AuditDenied
	}
	return AuditOK
}

// AuditList is one page of GET /v1/audit, newest first. NextCursor is empty
// on the last page; a page may hold fewer entries than asked (even none) while
// NextCursor is set, when the backend stopped scanning to keep a filtered page
// fast: follow it.
type AuditList struct {
	Entries    []AuditEntry `json:"entries"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// ChainHeadRequest is the body of POST /v1/audit/chain-heads: the head of a
// console's local hash-chained audit log. The agent is the token's.
type ChainHeadRequest struct {
	ConsoleID string `json:"console_id"`
	Count     int64  `json:"count"` // entries in the chain
	Hash      string `json:"hash"`  // SHA-256 of the last entry, lower-case hex
}

// ChainHead is a recorded head of a console's local audit chain. Heads of one
// console only move forward: a later head with a lower count, or the same
// count with another hash, is refused (409 with details.latest_count and
// details.latest_hash), which is how a cut-off tail shows.
type ChainHead struct {
	ConsoleID  string    `json:"console_id"`
	AgentID    string    `json:"agent_id"`
	Count      int64     `json:"count"`
	Hash       string    `json:"hash"`
	RecordedAt time.Time `json:"recorded_at"`
}

// DemoMessage is one message the simulated customer received, code included.
// Only the demo inbox (GET /v1/demo/inbox, demo mode only) ever shows codes.
type DemoMessage struct {
	DeliveryID string    `json:"delivery_id"`
	Channel    string    `json:"channel"`
	Sender     string    `json:"sender"`
	Purpose    string    `json:"purpose"`
	At         time.Time `json:"at"`
	Text       string    `json:"text"`
	Code       string    `json:"code,omitempty"`
}

// DemoInbox is the answer of GET /v1/demo/inbox, newest first.
type DemoInbox struct {
	Messages []DemoMessage `json:"messages"`
}

// Failed reports whether the delivery ended without reaching the customer:
// undelivered, failed or bounced.
func (d Delivery) Failed() bool {
	switch d.Status {
	case StatusUndelivered, StatusFailed, StatusBounced:
		return true
	}
	return false
}
