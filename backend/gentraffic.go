package backend

import (
	"fmt"
	"math/rand/v2"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// genTrafficID is the account id of the generator's background traffic: the
// codes of the many customers who never call support. No account has this
// id, so no route lists them; they exist for the rollups, as the demo's
// traffic does (demoTrafficID).
const genTrafficID = "gen_traffic"

// genTrafficPerSlot is the traffic of one stream in a 10-minute slot at the
// day's peak, per generated account: with one stream per country's network
// (the generated numbers of a country share a range), per email domain and
// for app notifications, about 30 codes per account over the 15 days,
// enough that the callers' own trouble (genTrouble) is a few per cent of any
// hour, as it is in life.
const genTrafficPerSlot = 1.0 / 1000

// genTrafficDays is how far back the traffic goes: the 14-day baseline and
// the last 24 hours.
const genTrafficDays = 15

// genIncidents are the scripted incidents of generated traffic, relative to
// now:
//   - outageFor: the United Kingdom's network (the generated GB numbers'
//     range) fails for the last 40 minutes: callers retry (twice the
//     traffic), one in ten delivered, the rest unreachable or unknown;
//   - slowFor: the route to Taiwan is slow for the last 8 hours: deliveries
//     take 20 seconds to 5 minutes (p90 about 4.5 minutes);
//   - pumping: a burst of unverified sign-up codes to the UK premium-rate
//     range +44 909 8 in the last 3 hours, none of them used.
const (
	genOutageFor  = 40 * time.Minute
	genSlowFor    = 8 * time.Hour
	genPumpingFor = 3 * time.Hour
	genPumpPrefix = "+449098"
)

// genStream is one stream of generated traffic.
type genStream struct {
	channel string
	dest    func(rng *rand.Rand) string // a destination
	tz      *time.Location              // the senders' time, for the daily rhythm
	outage  bool                        // the UK outage
	slow    bool                        // the slow route
}

// genRhythm is the share of the peak traffic sent at a local hour: quiet at
// night, busy in the day and evening.
func genRhythm(hour int) float64 {
	switch {
	case hour < 6:
		return 0.15
	case hour < 9:
		return 0.6
	case hour < 18:
		return 1
	case hour < 23:
		return 0.8
	}
	return 0.35
}

// genTraffic writes the background traffic of n generated accounts and the
// scripted incidents (genIncidents) into db, ids prefixed with run so a
// second run adds its own. It returns the number of deliveries written.
func genTraffic(db *bolt.DB, rng *rand.Rand, regs []genRegion, n int, now time.Time, run string) (int, error) {
	now = now.UTC().Truncate(time.Second)
	var streams []genStream
	for _, r := range regs {
		if len(r.mobile) <= 6 {
			continue
		}
		loc, err := time.LoadLocation(r.tz)
		if err != nil {
			loc = time.UTC
		}
		base := fmt.Sprintf("+%d%s", r.cc, r.mobile[:len(r.mobile)-6])
		streams = append(streams, genStream{channel: data.ChannelSMS, tz: loc, outage: r.region == "GB", slow: r.region == "TW",
			dest: func(rng *rand.Rand) string { return fmt.Sprintf("%s%06d", base, rng.IntN(1000000)) }})
	}
	for _, domain := range []string{"example.com", "example.net", "example.org"} {
		streams = append(streams, genStream{channel: data.ChannelEmail, tz: time.UTC,
			dest: func(rng *rand.Rand) string { return fmt.Sprintf("user%d@%s", rng.IntN(1000000), domain) }})
	}
	streams = append(streams, genStream{channel: data.ChannelAppPush, tz: time.UTC,
		dest: func(rng *rand.Rand) string { return fmt.Sprintf("dv_traffic_%d", rng.IntN(100000)) }})

	peak := max(0.3, float64(n)*genTrafficPerSlot)
	written := 0
	var batch []deliveryRec
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := db.Update(func(tx *bolt.Tx) error { return putDeliveries(tx, batch) })
		written += len(batch)
		batch = batch[:0]
		return err
	}
	add := func(s genStream, dest string, at time.Time, status, perr string, latency time.Duration, unverified, converted bool, purpose string) error {
		d := deliveryRec{Delivery: data.Delivery{
			ID: fmt.Sprintf("dl_%s_%s_%d", genTrafficID, run, written+len(batch)), AccountID: genTrafficID, Channel: s.channel,
			Purpose: purpose, RequestedAt: at, RequestedBy: data.RequesterUser, Status: status, StatusAt: at.Add(latency),
			ProviderError: perr,
		}, Destination: dest, Unverified: unverified, Followed: true, Converted: converted}
		switch s.channel {
		case data.ChannelSMS:
			d.DestinationMasked, d.DestinationForm = maskPhone(dest), data.FormE164
			if status == data.StatusDelivered {
				d.NetworkReached = phoneInfoOf(dest).carrier
			}
		case data.ChannelEmail:
			d.DestinationMasked = maskEmail(dest)
		default:
			d.DestinationMasked = "a device"
		}
		batch = append(batch, d)
		if len(batch) >= 20000 {
			return flush()
		}
		return nil
	}
	from := now.Add(-genTrafficDays * 24 * time.Hour).Truncate(10 * time.Minute)
	for _, s := range streams {
		for slot := from; slot.Before(now); slot = slot.Add(10 * time.Minute) {
			outage := s.outage && !slot.Before(now.Add(-genOutageFor))
			lambda := peak * genRhythm(slot.In(s.tz).Hour())
			if outage {
				lambda *= 2 // callers retry
			}
			count := int(lambda)
			if rng.Float64() < lambda-float64(count) {
				count++
			}
			for range count {
				at := slot.Add(time.Duration(rng.IntN(600)) * time.Second)
				if !at.Before(now) {
					continue
				}
				latency := time.Duration(2+rng.IntN(8)) * time.Second
				if s.slow && at.After(now.Add(-genSlowFor)) {
					latency = time.Duration(20+rng.IntN(280)) * time.Second
				}
				status, perr := data.StatusDelivered, ""
				switch x := rng.IntN(100); {
				case outage && x < 90 && x%3 == 0:
					status, perr, latency = data.StatusUndelivered, data.ProviderUnknownError, time.Minute
				case outage && x < 90:
					status, perr, latency = data.StatusUndelivered, data.ProviderUnreachable, 40*time.Second
				case !outage && x < 3:
					status, perr, latency = genFailure(s.channel)
				}
				// Most codes that arrive are used; some sign-ins are abandoned.
				converted := status == data.StatusDelivered && rng.IntN(10) != 0
				if err := add(s, s.dest(rng), at, status, perr, latency, false, converted, data.PurposeLogin); err != nil {
					return written, err
				}
			}
		}
	}
	// The pumping burst: unverified sign-up codes to premium-rate numbers,
	// delivered (the fraudster's numbers answer) and never used.
	pumps := 60 + n/2000
	for i := range pumps {
		at := now.Add(-genPumpingFor + time.Duration(i)*genPumpingFor/time.Duration(pumps))
		dest := fmt.Sprintf("%s%06d", genPumpPrefix, rng.IntN(1000000))
		if err := add(genStream{channel: data.ChannelSMS}, dest, at, data.StatusDelivered, "", 5*time.Second, true, false, data.PurposeRegister); err != nil {
			return written, err
		}
	}
	return written, flush()
}

// genFailure is an everyday failure of a channel.
func genFailure(channel string) (status, perr string, latency time.Duration) {
	switch channel {
	case data.ChannelEmail:
		return data.StatusBounced, data.ProviderEmailBounced, 20 * time.Second
	case data.ChannelAppPush:
		return data.StatusFailed, data.ProviderPushNotifDisabled, 2 * time.Second
	}
	return data.StatusUndelivered, data.ProviderUnreachable, 40 * time.Second
}
