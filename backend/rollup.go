package backend

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nyaruka/phonenumbers"
	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// Delivery health reads rollups, never deliveries. Every write of a delivery
// (putDelivery) moves its contribution from the rollup of the version it
// replaces to the rollup of the new one, in the same transaction, so the
// rollups are at every commit exactly the sum over the stored deliveries:
// a send stored as queued and then with its outcome counts once, as its outcome.
//
// A rollup is kept per 5-minute bucket of requested_at and per dimensions:
//   - channel;
//   - country: the ISO 3166 region of the SMS destination (from its country
//     calling code when the number does not parse); "" for email and app_push;
//   - network: for SMS the network the provider reported reaching, else the
//     numbering plan's original carrier (libphonenumber), else ""; for email
//     the recipient's domain (a mailbox provider fails the way a network does);
//     "" for app_push;
//   - prefix: the first rollupPrefixDigits digits of the SMS destination as
//     sent, country code included (+447911123456 -> "447911"): for the
//     United Kingdom and Germany that is the mobile range, for the North
//     American plan the area code and exchange's first two digits. Six
//     digits are coarse enough to hold many customers and fine enough to
//     single out a premium-rate range. "" for email and app_push.
//
// Key: bigendian(uint32 bucket start, Unix seconds) channel NUL country NUL
// network NUL prefix. Time first, so a window is one cursor range.

// bucketRollups holds the delivery rollups (see above); bucketRollupsHour
// the same per hour, so the 14-day baseline reads 24 times fewer keys.
var (
	bucketRollups     = []byte("delivery_rollups")
	bucketRollupsHour = []byte("delivery_rollups_hour")
)

// rollupTier is one granularity of rollups.
type rollupTier struct {
	bucket []byte
	step   time.Duration
}

// rollupTiers are kept in step: every change of a delivery applies to each.
var rollupTiers = [...]rollupTier{{bucketRollups, rollupStep}, {bucketRollupsHour, time.Hour}}

// metaRollupsBuilt marks a file whose rollups cover every stored delivery.
var metaRollupsBuilt = []byte("rollups_built_v3")

const (
	rollupStep         = 5 * time.Minute
	rollupPrefixDigits = 6
	maxDimLen          = 64
)

// latencyBounds are the upper bounds of the latency histogram's buckets
// (requested to delivered); the last bucket is everything slower.
var latencyBounds = [...]time.Duration{
	2 * time.Second, 5 * time.Second, 10 * time.Second, 20 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute,
}

// latencySlots is the number of histogram buckets: one per bound and one
// for slower deliveries.
const latencySlots = len(latencyBounds) + 1

// rollupDims are the dimensions of a rollup row.
type rollupDims struct {
	Channel, Country, Network, Prefix string
}

// rollupRec is what one bucket holds for one set of dimensions.
type rollupRec struct {
	Sent      int64 `json:"s"`
	Delivered int64 `json:"d"`
	// Failed counts undelivered, failed and bounced deliveries by provider
	// error code ("unknown" when the provider gave none).
	Failed map[string]int64 `json:"f,omitempty"`
	// Latency counts delivered deliveries by latencyBounds.
	Latency [latencySlots]int64 `json:"l"`
	// Unverified counts sends to a destination that was not a verified
	// contact of the account (sign-ups, unconfirmed contact changes): what
	// SMS pumping produces.
	Unverified int64 `json:"u,omitempty"`
	// Followed counts the sends whose sign-in or 2FA step the backend
	// learnt the outcome of, Converted those whose step then passed within
	// 10 minutes of the send (deliveryRec.Followed, Converted).
	Followed  int64 `json:"fo,omitempty"`
	Converted int64 `json:"cv,omitempty"`
}

// add adds (sign 1) or removes (sign -1) one delivery.
func (r *rollupRec) add(d *deliveryRec, sign int64) {
	r.Sent += sign
	if d.Unverified {
		r.Unverified += sign
	}
	if d.Followed {
		r.Followed += sign
		if d.Converted {
			r.Converted += sign
		}
	}
	switch {
	case d.Status == data.StatusDelivered:
		r.Delivered += sign
		r.Latency[latencySlot(d.StatusAt.Sub(d.RequestedAt))] += sign
	case d.Failed():
		code := d.ProviderError
		if code == "" {
			code = "unknown"
		}
		if r.Failed == nil {
			r.Failed = map[string]int64{}
		}
		r.Failed[code] += sign
		if r.Failed[code] == 0 {
			delete(r.Failed, code)
		}
	}
}

// merge adds o into r.
func (r *rollupRec) merge(o *rollupRec) {
	r.Sent += o.Sent
	r.Delivered += o.Delivered
	r.Unverified += o.Unverified
	r.Followed += o.Followed
	r.Converted += o.Converted
	for i := range r.Latency {
		r.Latency[i] += o.Latency[i]
	}
	for k, v := range o.Failed {
		if r.Failed == nil {
			r.Failed = map[string]int64{}
		}
		r.Failed[k] += v
	}
}

func latencySlot(d time.Duration) int {
	for i, b := range latencyBounds {
		if d <= b {
			return i
		}
	}
	return len(latencyBounds)
}

// bucketStart is the start of the 5-minute bucket holding t.
func bucketStart(t time.Time) time.Time { return t.UTC().Truncate(rollupStep) }

// rollupKey is the key of dims' rollup in the bucket starting at start.
func rollupKey(start time.Time, dims rollupDims) []byte {
	k := make([]byte, 4, 4+len(dims.Channel)+len(dims.Country)+len(dims.Network)+len(dims.Prefix)+3)
	binary.BigEndian.PutUint32(k, uint32(start.Unix()))
	k = append(k, dims.Channel...)
	k = append(k, 0)
	k = append(k, dims.Country...)
	k = append(k, 0)
	k = append(k, dims.Network...)
	k = append(k, 0)
	return append(k, dims.Prefix...)
}

// parseRollupKey is rollupKey's inverse.
func parseRollupKey(k []byte) (time.Time, rollupDims, bool) {
	if len(k) < 4 {
		return time.Time{}, rollupDims{}, false
	}
	parts := bytes.Split(k[4:], []byte{0})
	if len(parts) != 4 {
		return time.Time{}, rollupDims{}, false
	}
	return time.Unix(int64(binary.BigEndian.Uint32(k)), 0).UTC(),
		rollupDims{string(parts[0]), string(parts[1]), string(parts[2]), string(parts[3])}, true
}

// cleanDim makes an outside value (a network name from the provider) fit a
// key: no NUL, bounded.
func cleanDim(s string) string {
	s = strings.ReplaceAll(s, "\x00", " ")
	if len(s) > maxDimLen {
		s = s[:maxDimLen]
	}
	return s
}

// dimsOf are the rollup dimensions of a delivery.
func dimsOf(d *deliveryRec) rollupDims {
	dims := rollupDims{Channel: d.Channel}
	switch d.Channel {
	case data.ChannelSMS:
		info := phoneInfoOf(d.Destination)
		dims.Country, dims.Prefix = info.region, info.prefix
		dims.Network = d.NetworkReached
		if dims.Network == "" {
			dims.Network = info.carrier
		}
	case data.ChannelEmail:
		if at := strings.LastIndexByte(d.Destination, '@'); at >= 0 {
			dims.Network = strings.ToLower(d.Destination[at+1:])
		}
	}
	dims.Network = cleanDim(dims.Network)
	return dims
}

// phoneInfo is what the rollups need from a number.
type phoneInfo struct{ region, carrier, prefix string }

// phoneInfos memoises phoneInfoOf: parsing a number costs microseconds, and
// the generator writes many deliveries to each number. It is bounded by
// forgetting everything when full.
var phoneInfos = struct {
	sync.Mutex
	m map[string]phoneInfo
}{m: map[string]phoneInfo{}}

const maxPhoneInfos = 1 << 16

func phoneInfoOf(p string) phoneInfo {
	phoneInfos.Lock()
	info, ok := phoneInfos.m[p]
	phoneInfos.Unlock()
	if ok {
		return info
	}
	info = parsePhoneInfo(p)
	phoneInfos.Lock()
	if len(phoneInfos.m) >= maxPhoneInfos {
		phoneInfos.m = map[string]phoneInfo{}
	}
	phoneInfos.m[p] = info
	phoneInfos.Unlock()
	return info
}

func parsePhoneInfo(p string) phoneInfo {
	var info phoneInfo
	digits := make([]byte, 0, rollupPrefixDigits)
	for i := 0; i < len(p) && len(digits) < rollupPrefixDigits; i++ {
		if p[i] >= '0' && p[i] <= '9' {
			digits = append(digits, p[i])
		}
	}
	info.prefix = string(digits)
	if n, err := phonenumbers.Parse(p, ""); err == nil {
		info.region = phonenumbers.GetRegionCodeForNumber(n)
		if info.region == "" || info.region == "ZZ" {
			info.region = phonenumbers.GetRegionCodeForCountryCode(int(n.GetCountryCode()))
		}
		if c, err := phonenumbers.GetCarrierForNumber(n, "en"); err == nil {
			info.carrier = c
		}
	}
	// Non-geographic codes (+882, +883) have the region "001": not a country.
	if len(info.region) != 2 || info.region == "ZZ" {
		info.region = ""
	}
	return info
}

// applyRollup adds (sign 1) or removes (sign -1) a delivery's contribution
// in every tier.
func applyRollup(tx *bolt.Tx, d *deliveryRec, sign int64) error {
	dims := dimsOf(d)
	for _, t := range rollupTiers {
		b := tx.Bucket(t.bucket)
		k := rollupKey(d.RequestedAt.UTC().Truncate(t.step), dims)
		var r rollupRec
		if err := getRollup(b, k, &r); err != nil {
			return err
		}
		r.add(d, sign)
		if err := putRollup(b, k, &r); err != nil {
			return err
		}
	}
	return nil
}

// replaceRollup moves the contribution of the delivery stored at key k (if
// any) to d.
func replaceRollup(tx *bolt.Tx, k []byte, d *deliveryRec) error {
	if raw := tx.Bucket(bucketDeliveries).Get(k); raw != nil {
		var old deliveryRec
		if err := json.Unmarshal(raw, &old); err != nil {
			return err
		}
		if err := applyRollup(tx, &old, -1); err != nil {
			return err
		}
	}
	if d == nil {
		return nil
	}
	return applyRollup(tx, d, 1)
}

// buildRollups computes the rollups of a file written before they existed,
// once: it clears the bucket and adds every stored delivery.
func buildRollups(db *bolt.DB) error {
	var done bool
	if err := db.View(func(tx *bolt.Tx) error {
		done = tx.Bucket(bucketMeta).Get(metaRollupsBuilt) != nil
		return nil
	}); err != nil || done {
		return err
	}
	return db.Update(func(tx *bolt.Tx) error {
		for _, t := range rollupTiers {
			if err := tx.DeleteBucket(t.bucket); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(t.bucket); err != nil {
				return err
			}
		}
		batch := rollupBatch{}
		c := tx.Bucket(bucketDeliveries).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var d deliveryRec
			if json.Unmarshal(v, &d) != nil {
				continue
			}
			batch.add(&d, 1)
		}
		if err := batch.flush(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(metaRollupsBuilt, []byte("1"))
	})
}

// unverifiedTo reports whether a code on channel goes to a contact the
// account has not verified.
func unverifiedTo(a *accountRec, channel string) bool {
	switch channel {
	case data.ChannelSMS:
		return !a.PhoneVerified
	case data.ChannelEmail:
		return !a.EmailVerified
	}
	return false
}

// rollupBatch gathers the rollup changes of many deliveries, so that each
// rollup is read and written once per batch (seeding, clearing a history,
// building). Keys are the tier's index byte followed by the rollup key.
type rollupBatch map[string]*rollupRec

func (b rollupBatch) add(d *deliveryRec, sign int64) {
	dims := dimsOf(d)
	for i, t := range rollupTiers {
		k := string(append([]byte{byte(i)}, rollupKey(d.RequestedAt.UTC().Truncate(t.step), dims)...))
		r := b[k]
		if r == nil {
			r = &rollupRec{}
			b[k] = r
		}
		r.add(d, sign)
	}
}

// flush applies the gathered changes.
func (b rollupBatch) flush(tx *bolt.Tx) error {
	for k, delta := range b {
		bk, rk := tx.Bucket(rollupTiers[k[0]].bucket), []byte(k[1:])
		var r rollupRec
		if err := getRollup(bk, rk, &r); err != nil {
			return err
		}
		r.merge(delta)
		if err := putRollup(bk, rk, &r); err != nil {
			return err
		}
	}
	return nil
}

// putDeliveries is putDelivery for many deliveries, with one rollupBatch.
func putDeliveries(tx *bolt.Tx, ds []deliveryRec) error {
	batch := rollupBatch{}
	db, idx := tx.Bucket(bucketDeliveries), tx.Bucket(bucketDeliveryIdx)
	for i := range ds {
		d := &ds[i]
		k := timeKey(d.AccountID, d.RequestedAt, d.ID)
		if err := idx.Put([]byte(d.ID), k); err != nil {
			return err
		}
		if raw := db.Get(k); raw != nil {
			var old deliveryRec
			if err := json.Unmarshal(raw, &old); err != nil {
				return err
			}
			batch.add(&old, -1)
		}
		batch.add(d, 1)
		if err := putJSON(db, k, d); err != nil {
			return err
		}
	}
	return batch.flush(tx)
}

// A rollup is stored in a compact binary form, not JSON: the health query
// decodes thousands of them and JSON decoding was 80% of its time. Layout:
// version byte 1, then varints: sent, delivered, unverified, the latency
// slots, the number of failure codes, and per code (sorted) its length, its
// bytes and its count. Version 2 adds followed and converted at the end;
// version 1 rollups (written before conversion was kept) still decode, with
// both 0, which they are: no delivery of that time was followed.
const (
	rollupVersion   = 2
	rollupVersionV1 = 1
)

func encodeRollup(r *rollupRec) []byte {
	b := make([]byte, 0, 32+len(r.Failed)*12)
	b = append(b, rollupVersion)
	b = binary.AppendVarint(b, r.Sent)
	b = binary.AppendVarint(b, r.Delivered)
	b = binary.AppendVarint(b, r.Unverified)
	for _, n := range r.Latency {
		b = binary.AppendVarint(b, n)
	}
	codes := make([]string, 0, len(r.Failed))
	for c := range r.Failed {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	b = binary.AppendUvarint(b, uint64(len(codes)))
	for _, c := range codes {
		b = binary.AppendUvarint(b, uint64(len(c)))
		b = append(b, c...)
		b = binary.AppendVarint(b, r.Failed[c])
	}
	b = binary.AppendVarint(b, r.Followed)
	return binary.AppendVarint(b, r.Converted)
}

// errBadRollup is a stored rollup that does not decode.
var errBadRollup = errors.New("backend: malformed delivery rollup")

func decodeRollup(b []byte, r *rollupRec) error {
	*r = rollupRec{}
	return decodeRollupInto(b, r, nil)
}

// decodeRollupInto is decodeRollup reusing r's failure map (emptied), its
// code strings taken from intern when there (and kept there when new), so a
// scan of thousands of rollups allocates for each new code only. Nothing
// may keep r's map past the next call.
func decodeRollupInto(b []byte, r *rollupRec, intern map[string]string) error {
	failed := r.Failed
	clear(failed)
	*r = rollupRec{Failed: failed}
	if len(b) == 0 || (b[0] != rollupVersion && b[0] != rollupVersionV1) {
		return errBadRollup
	}
	version := b[0]
	b = b[1:]
	next := func() (int64, bool) {
		v, n := binary.Varint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	var ok bool
	for _, p := range []*int64{&r.Sent, &r.Delivered, &r.Unverified} {
		if *p, ok = next(); !ok {
			return errBadRollup
		}
	}
	for i := range r.Latency {
		if r.Latency[i], ok = next(); !ok {
			return errBadRollup
		}
	}
	codes, n := binary.Uvarint(b)
	if n <= 0 || codes > uint64(len(b)) {
		return errBadRollup
	}
	b = b[n:]
	for range codes {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return errBadRollup
		}
		raw := b[n : n+int(l)]
		code, ok := intern[string(raw)]
		if !ok {
			code = string(raw)
			if intern != nil {
				intern[code] = code
			}
		}
		b = b[n+int(l):]
		v, ok := next()
		if !ok {
			return errBadRollup
		}
		if r.Failed == nil {
			r.Failed = map[string]int64{}
		}
		r.Failed[code] = v
	}
	if version >= 2 {
		for _, p := range []*int64{&r.Followed, &r.Converted} {
			if *p, ok = next(); !ok {
				return errBadRollup
			}
		}
	}
	if len(b) != 0 {
		return errBadRollup
	}
	return nil
}

// getRollup reads a rollup (zero when absent).
func getRollup(b *bolt.Bucket, k []byte, r *rollupRec) error {
	raw := b.Get(k)
	if raw == nil {
		*r = rollupRec{}
		return nil
	}
	return decodeRollup(raw, r)
}

// putRollup stores r, or deletes the key when nothing is left in it.
func putRollup(b *bolt.Bucket, k []byte, r *rollupRec) error {
	for code, n := range r.Failed {
		if n == 0 {
			delete(r.Failed, code)
		}
	}
	if r.Sent <= 0 {
		return b.Delete(k)
	}
	return b.Put(k, encodeRollup(r))
}
