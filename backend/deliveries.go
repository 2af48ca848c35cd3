package backend

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

var validChannels = map[string]bool{data.ChannelSMS: true, data.ChannelEmail: true, data.ChannelAppPush: true}

// resendPurposes are the purposes an agent may resend a code for.
var resendPurposes = map[string]bool{
	data.PurposeLogin: true, data.PurposeRegister: true, data.PurposeResetPassword: true,
	data.PurposeEnable2FA: true, data.PurposeNewDevice: true,
}

func (d *deliveryRec) api() data.Delivery { return d.Delivery }

func (s *Server) listDeliveries(c *call) (any, error) {
	c.audit("list_deliveries", c.r.PathValue("id"))
	limit, err := limitParam(c, 200, 2000)
	if err != nil {
		return nil, err
	}
	out := data.DeliveryList{Deliveries: []data.Delivery{}}
	err = s.withAccount(c, func(tx *bolt.Tx, a *accountRec) error {
		var derr error
		walkBack(tx.Bucket(bucketDeliveries), a.ID, nil, func(_, v []byte) bool {
			var d deliveryRec
			if derr = json.Unmarshal(v, &d); derr != nil {
				return false
			}
			out.Deliveries = append(out.Deliveries, d.api())
			return len(out.Deliveries) < limit
		})
		return derr
	})
	return out, err
}

// sendSpec describes one message to send.
type sendSpec struct {
	AccountID   string
	Channel     string
	Purpose     string
	RequestedBy string
	AgentID     string
	Limited     bool // apply the per-destination send limits
	// Form, for SMS, is the form of the stored number to send to
	// (data.ResendRequest.Form); empty: as stored.
	Form string
	// Idempotency: when IdemKey is set, a stored key with the same BodyHash
	// returns the first delivery (replayed) and another body is a 409. The
	// caller holds the key's lock (keyLocks) and has already looked for a
	// stored answer, so a replay here is of a record without one.
	IdemKey  string
	BodyHash string
	// afterSend runs inside the write transaction that stores the delivery's
	// outcome (resends store their first answer there).
	afterSend func(tx *bolt.Tx, d *deliveryRec) error
	// code, when set, is used instead of a fresh one (identity checks keep a
	// hash of it).
	code string
	// contacts, when set, is where the destination is taken from instead of
	// the stored account: the account as it was before a contact change.
	contacts *accountRec
	// beforeCommit runs inside the write transaction after the delivery is
	// stored (identity checks store their record in the same transaction).
	beforeCommit func(tx *bolt.Tx, d *deliveryRec) error
}

// send stores a queued delivery (limits, idempotency and insert in one write
// transaction, so concurrent resends cannot exceed a limit nor send twice), hands
// it to the provider outside the transaction, and records the outcome.
func (s *Server) send(ctx context.Context, spec sendSpec) (d *deliveryRec, replayed bool, err error) {
	code := spec.code
	if code == "" {
		code = newCode()
	}
	var dev deviceRec
	var app string
	err = s.db.Update(func(tx *bolt.Tx) error {
		// The clock is read under the write lock: a request that waited for
		// the lock must see, and count, the sends committed meanwhile.
		now := s.now().UTC()
		ib := tx.Bucket(bucketIdempotency)
		var idemKey []byte
		if spec.IdemKey != "" {
			idemKey = idemScope("codes", spec.IdemKey)
			var rec idemRec
			ok, err := getJSON(ib, idemKey, &rec)
			if err != nil {
				return err
			}
			if ok {
				if rec.BodyHash != spec.BodyHash || rec.AgentID != spec.AgentID {
					return conflict("this Idempotency-Key was already used for a different request")
				}
				prev, err := loadDelivery(tx, rec.DeliveryID)
				if err != nil {
					return err
				}
				if prev == nil {
					return fmt.Errorf("idempotency record points at missing delivery %s", rec.DeliveryID)
				}
				d, replayed = prev, true
				return nil
			}
		}
		a, err := loadAccount(tx, spec.AccountID)
		if err != nil {
			return err
		}
		if a == nil {
			return notFound("account")
		}
		app = a.App
		to := a
		if spec.contacts != nil {
			to = spec.contacts
		}
		dest, masked, form, derr := destinationFor(to, spec.Channel, &dev)
		if derr != nil {
			return derr
		}
		if spec.Form != "" && spec.Form != form {
			if spec.Form != data.FormE164 {
				return errf(http.StatusUnprocessableEntity, data.ErrCodeChannelUnavailable,
					"the number on file is not stored in the %s form", spec.Form).with("field", "form")
			}
			dest = e164Of(dest)
			masked, form = maskPhone(dest), data.FormE164
		}
		if spec.Limited {
			st := s.limitState(tx, a.ID, spec.Channel, dest, spec.Purpose, now)
			if st.Blocked {
				wait := int(math.Ceil(st.NextAllowedAt.Sub(now).Seconds()))
				e := errf(http.StatusTooManyRequests, data.ErrCodeRateLimited,
					"too many codes to this destination: next allowed at %s", st.NextAllowedAt.Format(time.RFC3339))
				e.body.RetryAfter = max(wait, 1)
				return e.with("next_allowed_at", st.NextAllowedAt.Format(time.RFC3339)).with("windows", st.Windows)
			}
		}
		sender, kind := senderFor(spec.Channel, dest, a.App)
		d = &deliveryRec{
			Delivery: data.Delivery{
				ID: "dl_" + timeOrderedID(), AccountID: a.ID, Channel: spec.Channel,
				DestinationMasked: masked, DestinationForm: form, Sender: sender, SenderKind: kind,
				Purpose: spec.Purpose, RequestedAt: now, RequestedBy: spec.RequestedBy, AgentID: spec.AgentID,
				Status: data.StatusQueued, StatusAt: now,
			},
			Destination: dest,
			Unverified:  unverifiedTo(to, spec.Channel),
		}
		if s.cfg.Demo {
			// Only the demo inbox needs the text; outside demo mode the code
			// lives nowhere but in the message handed to the provider.
			d.Text = messageText(a.App, spec.Purpose, code)
			if spec.Purpose != data.PurposeSecurityNotice {
				d.Code = code
			}
		}
		if err := putDelivery(tx, d); err != nil {
			return err
		}
		if idemKey != nil {
			if err := putJSON(ib, idemKey, idemRec{BodyHash: spec.BodyHash, AgentID: spec.AgentID, DeliveryID: d.ID}); err != nil {
				return err
			}
		}
		if spec.beforeCommit != nil {
			return spec.beforeCommit(tx, d)
		}
		return nil
	})
	if err != nil || replayed {
		return d, replayed, err
	}
	msg := Message{
		ID: d.ID, AccountID: d.AccountID, Channel: d.Channel, Destination: d.Destination,
		Sender: d.Sender, Purpose: d.Purpose, Text: messageText(app, d.Purpose, code),
		NotificationsAllowed: dev.NotificationsAllowed,
	}
	out := s.provider.Send(ctx, msg)
	if out.At.IsZero() {
		out.At = s.now().UTC()
	}
	d.Status, d.StatusAt, d.ProviderError, d.NetworkReached = out.Status, out.At, out.ProviderError, out.NetworkReached
	if d.Status == "" {
		d.Status = data.StatusSent
	}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		if err := putDelivery(tx, d); err != nil {
			return err
		}
		if spec.afterSend != nil {
			return spec.afterSend(tx, d)
		}
		return nil
	}); err != nil {
		return nil, false, err
	}
	s.log.Info("delivery", "id", d.ID, "account", d.AccountID, "channel", d.Channel, "purpose", d.Purpose, "status", d.Status, "provider_error", d.ProviderError)
	return d, false, nil
}

// destinationFor picks where a channel sends for the account, or a 422 when the
// channel cannot work. For app_push dev receives the chosen device.
func destinationFor(a *accountRec, channel string, dev *deviceRec) (dest, masked, form string, err error) {
	switch channel {
	case data.ChannelSMS:
		if a.Phone == "" {
			return "", "", "", errf(http.StatusUnprocessableEntity, data.ErrCodeChannelUnavailable, "the account has no phone number")
		}
		if code, reason := smsRefusal(a.Phone); code != "" {
			return "", "", "", errf(http.StatusUnprocessableEntity, data.ErrCodeChannelUnavailable, "SMS refused: %s", reason).with("provider_error", code)
		}
		return a.Phone, maskPhone(a.Phone), phoneForm(a.Phone), nil
	case data.ChannelEmail:
		if a.Email == "" {
			return "", "", "", errf(http.StatusUnprocessableEntity, data.ErrCodeChannelUnavailable, "the account has no email address")
		}
		return a.Email, maskEmail(a.Email), "", nil
	case data.ChannelAppPush:
		var best *deviceRec
		for i := range a.Devices {
			d := &a.Devices[i]
			if d.NotificationsAllowed && (best == nil || d.LastSeenAt.After(best.LastSeenAt)) {
				best = d
			}
		}
		if best == nil {
			code := data.ProviderPushNoDevice
			msg := "the account has no trusted device"
			if len(a.Devices) > 0 {
				code = data.ProviderPushNotifDisabled
				msg = "no trusted device allows notifications for the app"
			}
			return "", "", "", errf(http.StatusUnprocessableEntity, data.ErrCodeChannelUnavailable, "app notification refused: %s", msg).with("provider_error", code)
		}
		*dev = *best
		return best.ID, best.Name, "", nil
	}
	return "", "", "", badRequest("unknown channel %q", channel)
}

// timeOrderedID is a UUIDv7: records stored at the same (possibly fake) instant
// still sort in the order they were made.
func timeOrderedID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}

func newCode() string {
	b := randomBytes(4)
	n := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) % 1000000
	return fmt.Sprintf("%06d", n)
}

func (s *Server) resend(c *call) (any, error) {
	act := c.audit("resend_code", c.r.PathValue("id"))
	key := c.r.Header.Get(data.HeaderIdempotencyKey)
	if key == "" || len(key) > 200 {
		return nil, badRequest("the Idempotency-Key header is required (at most 200 characters)").with("header", data.HeaderIdempotencyKey)
	}
	var req data.ResendRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	act.Detail = truncate(req.Channel, 20) + " " + truncate(req.Purpose, 20)
	if !validChannels[req.Channel] {
		return nil, badRequest("channel must be sms, email or app_push").with("field", "channel")
	}
	if !resendPurposes[req.Purpose] {
		return nil, badRequest("purpose must be one of login, register, reset_password, enable_2fa, new_device").with("field", "purpose")
	}
	switch {
	case req.Form != "" && req.Channel != data.ChannelSMS:
		return nil, badRequest("form is for SMS only").with("field", "form")
	case req.Form != "" && req.Form != data.FormE164 && req.Form != data.FormTrunk0:
		return nil, badRequest("form must be e164 or trunk_0").with("field", "form")
	case req.Form != "":
		act.Detail += " " + req.Form
	}
	body := c.r.PathValue("id") + "\x00" + req.Channel + "\x00" + req.Purpose
	if req.Form != "" {
		body += "\x00" + req.Form // keys stored before the form keep their hash
	}
	h := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(h[:])
	scope := idemScope("codes", key)
	// Same-key requests take turns: a repeat that arrives while the first is
	// still with the provider waits for its answer instead of finding the
	// delivery stored and its answer not yet.
	defer s.keys.lock(string(scope))()
	var stored *answer
	if err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		stored, _, err = storedAnswer(tx, scope, hash, c.agent.ID)
		return err
	}); err != nil {
		return nil, err
	}
	if stored != nil {
		return *stored, nil
	}
	rec := idemRec{BodyHash: hash, AgentID: c.agent.ID}
	var first answer
	d, replayed, err := s.send(c.r.Context(), sendSpec{
		AccountID: c.r.PathValue("id"), Channel: req.Channel, Purpose: req.Purpose, Form: req.Form,
		RequestedBy: data.RequesterAgent, AgentID: c.agent.ID, Limited: true,
		IdemKey: key, BodyHash: hash,
		afterSend: func(tx *bolt.Tx, d *deliveryRec) error {
			rec.DeliveryID = d.ID
			var err error
			first, err = firstAnswer(tx, scope, rec, http.StatusCreated, data.ResendResult{Delivery: d.api()})
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	if replayed {
		// A key stored before answers were kept, or whose send stopped
		// between storing the delivery and its outcome: its first answer was
		// a 201 with the delivery, as the delivery is now. Store that, so
		// every later replay is these bytes.
		rec.DeliveryID = d.ID
		err := s.db.Update(func(tx *bolt.Tx) error {
			var err error
			first, err = firstAnswer(tx, scope, rec, http.StatusCreated, data.ResendResult{Delivery: d.api()})
			return err
		})
		first.replayed = true
		return first, err
	}
	return first, nil
}

// limitState computes the send-limit windows of one destination and purpose
// from the deliveries of the last day (whoever asked for them).
func (s *Server) limitState(tx *bolt.Tx, accountID, channel, dest, purpose string, now time.Time) data.DestinationLimits {
	var times []time.Time
	walkSince(tx.Bucket(bucketDeliveries), accountID, now.Add(-24*time.Hour), func(_, v []byte) bool {
		var d deliveryRec
		if json.Unmarshal(v, &d) == nil && d.Channel == channel && d.Destination == dest && d.Purpose == purpose {
			times = append(times, d.RequestedAt)
		}
		return true
	})
	return windowsOf(times, now, s.limits)
}

// windowsOf turns request times (oldest first) into the limit windows.
func windowsOf(times []time.Time, now time.Time, l Limits) data.DestinationLimits {
	var out data.DestinationLimits
	for _, w := range []struct {
		name  string
		span  time.Duration
		limit int
	}{{"minute", time.Minute, l.PerMinute}, {"hour", time.Hour, l.PerHour}, {"day", 24 * time.Hour, l.PerDay}} {
		var in []time.Time
		for _, t := range times {
			if t.After(now.Add(-w.span)) {
				in = append(in, t)
			}
		}
		lw := data.LimitWindow{Window: w.name, Limit: w.limit, Used: len(in)}
		if len(in) >= w.limit {
			// The window frees when enough of the oldest requests age out for
			// one more to fit.
			f := in[len(in)-w.limit].Add(w.span).UTC()
			lw.FreesAt = &f
			out.Blocked = true
			if out.NextAllowedAt == nil || f.After(*out.NextAllowedAt) {
				out.NextAllowedAt = &f
			}
		}
		out.Windows = append(out.Windows, lw)
	}
	return out
}

// rateLimits lists the send-limit windows of every destination and purpose
// used in the last day, plus the contacts on file. The day's deliveries are
// read and decoded once, grouped by destination and purpose.
func (s *Server) rateLimits(c *call) (any, error) {
	c.audit("view_rate_limits", c.r.PathValue("id"))
	now := s.now().UTC()
	out := data.RateLimits{Limits: []data.DestinationLimits{}}
	err := s.withAccount(c, func(tx *bolt.Tx, a *accountRec) error {
		type dkey struct{ channel, dest, purpose string }
		type group struct {
			dkey
			masked string
			times  []time.Time // oldest first, as windowsOf wants them
		}
		byKey := map[dkey]*group{}
		var groups []*group
		add := func(k dkey, masked string) *group {
			g := byKey[k]
			if g == nil {
				g = &group{dkey: k, masked: masked}
				byKey[k] = g
				groups = append(groups, g)
			}
			return g
		}
		walkSince(tx.Bucket(bucketDeliveries), a.ID, now.Add(-24*time.Hour), func(_, v []byte) bool {
			var d deliveryRec
			if json.Unmarshal(v, &d) == nil && d.Purpose != data.PurposeSecurityNotice {
				g := add(dkey{d.Channel, d.Destination, d.Purpose}, d.DestinationMasked)
				g.times = append(g.times, d.RequestedAt)
			}
			return true
		})
		// Show the destinations on file even when nothing was sent today.
		if a.Phone != "" {
			add(dkey{data.ChannelSMS, a.Phone, data.PurposeLogin}, maskPhone(a.Phone))
		}
		if a.Email != "" {
			add(dkey{data.ChannelEmail, a.Email, data.PurposeLogin}, maskEmail(a.Email))
		}
		sort.SliceStable(groups, func(i, j int) bool {
			if groups[i].channel != groups[j].channel {
				return groups[i].channel > groups[j].channel // sms first, then email, app_push
			}
			return groups[i].purpose < groups[j].purpose
		})
		for _, g := range groups {
			st := windowsOf(g.times, now, s.limits)
			st.Channel, st.DestinationMasked, st.Purpose = g.channel, g.masked, g.purpose
			out.Limits = append(out.Limits, st)
		}
		return nil
	})
	return out, err
}

// sendNotice tells the account holder that a sensitive action happened: by
// email when there is one, else SMS, else app notification, using the contacts
// of `contacts` when it is not nil (the account before a contact change) and
// the stored ones otherwise. Notices are never rate limited. It returns the
// notice's delivery id ("" when there is no channel).
func (s *Server) sendNotice(ctx context.Context, accountID, agentID string, contacts *accountRec) string {
	for _, ch := range []string{data.ChannelEmail, data.ChannelSMS, data.ChannelAppPush} {
		d, _, err := s.send(ctx, sendSpec{AccountID: accountID, Channel: ch, Purpose: data.PurposeSecurityNotice,
			RequestedBy: data.RequesterSystem, AgentID: agentID, contacts: contacts})
		if err == nil {
			return d.ID
		}
	}
	return ""
}
