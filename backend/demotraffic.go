package backend

import (
	"fmt"
	"time"

	"verifydesk/data"
)

// demoTrafficID is the account id of the demo's background traffic: the
// deliveries of many customers who are not demo accounts. No account has
// this id, so no route shows them; they exist for the rollups, and the
// delivery-health route tells the demo's story from them.
const demoTrafficID = "demo_traffic"

// demoStream is one network's background SMS traffic.
type demoStream struct {
	base    string // destinations are base followed by three digits
	slowFor time.Duration
}

// demoTraffic is 15 days of SMS traffic, relative to now, with a daily
// rhythm (in the last 24 hours a send every 10 minutes from 07:00 to 23:00
// UTC and every 20 at night; before, sampled: hourly by day, every 3 hours
// at night; about 3% unreachable) to four networks, and the scripted
// incidents:
//   - an outage on JT, the network of the demo's +447911123456 (libphonenumber
//     places the 7911 12 range in Guernsey), for the last 40 minutes: callers
//     retry, two sends a minute, one in ten delivered, the rest unreachable
//     or unknown errors;
//   - a slow route to Taiwan (Chunghwa) for the last 8 hours: deliveries
//     take 20 seconds to 6 minutes;
//   - a pumping burst: 60 unverified sign-up codes to the UK premium-rate
//     prefix 449098 in the last 3 hours.
func demoTraffic(now time.Time) []deliveryRec {
	now = now.UTC().Truncate(time.Second)
	streams := []demoStream{
		{base: "+447911123"},                         // JT (GG): the outage
		{base: "+447400123"},                         // Three (GB)
		{base: "+4915123456"},                        // T-Mobile (DE)
		{base: "+886912345", slowFor: 8 * time.Hour}, // Chunghwa (TW): the slow route
	}
	var out []deliveryRec
	// Parsing a number costs microseconds and the demo is seeded at every
	// start: each destination's mask and sender are worked out once.
	type destInfo struct{ masked, sender, kind string }
	dests := map[string]destInfo{}
	add := func(dest string, at time.Time, status, perr string, latency time.Duration, unverified bool, purpose string) {
		di, ok := dests[dest]
		if !ok {
			di.sender, di.kind = senderFor(data.ChannelSMS, dest, data.AppTapo)
			di.masked = maskPhone(dest)
			dests[dest] = di
		}
		sender, kind := di.sender, di.kind
		d := deliveryRec{Delivery: data.Delivery{
			ID: fmt.Sprintf("dl_traffic_%05d", len(out)), AccountID: demoTrafficID, Channel: data.ChannelSMS,
			DestinationMasked: di.masked, DestinationForm: data.FormE164, Sender: sender, SenderKind: kind,
			Purpose: purpose, RequestedAt: at, RequestedBy: data.RequesterUser, Status: status, StatusAt: at.Add(latency),
			ProviderError: perr,
		}, Destination: dest, Unverified: unverified, Followed: true,
			// Most codes that arrive are used; the pumped ones never are.
			Converted: status == data.StatusDelivered && !unverified && len(out)%9 != 0}
		if status == data.StatusDelivered {
			d.NetworkReached = phoneInfoOf(dest).carrier
		}
		out = append(out, d)
	}
	outage := now.Add(-40 * time.Minute)
	for si, s := range streams {
		i := si * 7
		for at := now.Add(-15 * 24 * time.Hour).Truncate(10 * time.Minute); at.Before(now); at = at.Add(10 * time.Minute) {
			night := at.Hour() < 7 || at.Hour() >= 23
			recent := at.After(now.Add(-24 * time.Hour))
			if recent && night && at.Minute()%20 != 0 || !recent && (at.Minute() != 0 || night && at.Hour()%3 != 0) {
				continue
			}
			if si == 0 && !at.Before(outage) {
				break
			}
			i++
			dest := fmt.Sprintf("%s%03d", s.base, (i*37)%100)
			latency := time.Duration(3+i%10) * time.Second
			if s.slowFor > 0 && at.After(now.Add(-s.slowFor)) {
				latency = 20*time.Second + time.Duration(i%10)*40*time.Second
			}
			if i%33 == 0 {
				add(dest, at, data.StatusUndelivered, data.ProviderUnreachable, 40*time.Second, false, data.PurposeLogin)
			} else {
				add(dest, at, data.StatusDelivered, "", latency, false, data.PurposeLogin)
			}
		}
	}
	for i, at := 0, outage; at.Before(now); i, at = i+1, at.Add(30*time.Second) {
		dest := fmt.Sprintf("%s%03d", streams[0].base, (i*53)%100)
		switch {
		case i%10 == 0:
			add(dest, at, data.StatusDelivered, "", 8*time.Second, false, data.PurposeLogin)
		case i%3 == 0:
			add(dest, at, data.StatusUndelivered, data.ProviderUnknownError, time.Minute, false, data.PurposeLogin)
		default:
			add(dest, at, data.StatusUndelivered, data.ProviderUnreachable, 40*time.Second, false, data.PurposeLogin)
		}
	}
	for i := range 60 {
		at := now.Add(-3*time.Hour + time.Duration(i)*3*time.Minute)
		add(fmt.Sprintf("+44909879%04d", (i*7919)%50), at, data.StatusDelivered, "", 5*time.Second, true, data.PurposeRegister)
	}
	return out
}
