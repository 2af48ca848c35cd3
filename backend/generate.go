package backend

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// genRegion is what the generator needs to make people of one country.
type genRegion struct {
	region, tz string
	first      []string
	last       []string
	ips        []string // home connections, in the demo geolocation ranges
	mobile     string   // an example mobile number, national significant digits
	cc         int
}

func genRegions() []genRegion {
	regs := []genRegion{
		{region: "TW", tz: "Asia/Taipei", first: []string{"Mei-ling", "Chia-hao", "Yu-ting", "Wei-lun", "Hsin-yi"}, last: []string{"Chen", "Lin", "Huang", "Chang", "Lee"}, ips: []string{"192.0.2.10", "192.0.2.11"}},
		{region: "GB", tz: "Europe/London", first: []string{"Oliver", "Amelia", "Harry", "Isla", "George"}, last: []string{"Smith", "Jones", "Taylor", "Brown", "Wilson"}, ips: []string{"198.51.100.44", "198.51.100.45", "198.51.100.46"}},
		{region: "US", tz: "America/New_York", first: []string{"Emily", "James", "Olivia", "Michael", "Ava"}, last: []string{"Carter", "Johnson", "Miller", "Davis", "Garcia"}, ips: []string{"198.51.100.23", "198.51.100.80", "192.0.2.23"}},
		{region: "DE", tz: "Europe/Berlin", first: []string{"Jonas", "Lena", "Lukas", "Mia", "Finn"}, last: []string{"Weber", "Fischer", "Schmidt", "Meyer", "Wagner"}, ips: []string{"198.51.100.60", "198.51.100.61"}},
		{region: "CN", tz: "Asia/Shanghai", first: []string{"Fang", "Wei", "Jing", "Lei", "Min"}, last: []string{"Wang", "Li", "Zhang", "Liu", "Chen"}, ips: []string{"192.0.2.86"}},
		{region: "JP", tz: "Asia/Tokyo", first: []string{"Yuki", "Haruto", "Sakura", "Ren", "Aoi"}, last: []string{"Tanaka", "Sato", "Suzuki", "Takahashi", "Ito"}, ips: []string{"192.0.2.81", "192.0.2.82"}},
		{region: "BR", tz: "America/Sao_Paulo", first: []string{"Rafael", "Lucas", "Ana", "Gabriel", "Julia"}, last: []string{"Souza", "Oliveira", "Silva", "Santos", "Costa"}, ips: []string{"198.51.100.120", "198.51.100.121"}},
		{region: "IN", tz: "Asia/Kolkata", first: []string{"Priya", "Arjun", "Ananya", "Rohan", "Isha"}, last: []string{"Sharma", "Patel", "Singh", "Iyer", "Reddy"}, ips: []string{"192.0.2.91", "192.0.2.92"}},
	}
	for i := range regs {
		ex := phonenumbers.GetExampleNumberForType(regs[i].region, phonenumbers.MOBILE)
		regs[i].cc = int(ex.GetCountryCode())
		regs[i].mobile = fmt.Sprint(ex.GetNationalNumber())
	}
	return regs
}

var genDevices = []struct{ model, os string }{
	{"iPhone 15", "iOS 18.1"}, {"iPhone 13", "iOS 17.5"}, {"Galaxy S23", "Android 14"},
	{"Pixel 8", "Android 15"}, {"Redmi Note 13", "Android 14"}, {"iPad Air", "iPadOS 17.6"}, {"moto g84", "Android 14"},
}

// GenerateStats says what Generate wrote.
type GenerateStats struct {
	Accounts   int
	LoginEvent int
	Deliveries int
	// Traffic is how many of the deliveries are the background traffic of
	// customers who never call (genTraffic), incidents included.
	Traffic int
	// FirstID and LastID are the ids of the first and last account written
	// ("" when none was).
	FirstID, LastID string
}

// genPrefix starts the id of every generated account.
const genPrefix = "gen_"

// lastGenerated is the highest number of a generated account in the file, 0
// when there is none. Every gen_ key is read: ids are zero-padded to seven
// digits, so from ten million on key order is not number order.
func lastGenerated(tx *bolt.Tx) int {
	prefix := []byte(genPrefix)
	last := 0
	c := tx.Bucket(bucketAccounts).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if n, err := strconv.Atoi(string(k[len(prefix):])); err == nil && n > last {
			last = n
		}
	}
	return last
}

// Generate adds n realistic accounts with long histories of login events and
// deliveries to the bbolt file at dbPath, relative to now, in large batched
// transactions. Ids go on from the highest gen_ id already in the file
// (gen_0000001... in a new file), so a second run adds accounts, with their
// own phone numbers and emails, instead of rewriting the first run's. seed
// makes the output reproducible for a given file.
func Generate(ctx context.Context, dbPath string, n int, now time.Time, seed uint64) (GenerateStats, error) {
	var st GenerateStats
	// A large initial map and allocation step: the file grows by a gigabyte
	// for 100k accounts and every remap would stall the load.
	db, err := openDBWith(dbPath, &bolt.Options{InitialMmapSize: 4 << 30})
	if err != nil {
		return st, err
	}
	defer db.Close()
	// Bulk load: one fsync per batch is enough, and a crash mid-generation only
	// loses generated test data.
	db.NoSync = true
	db.AllocSize = 64 << 20
	if err := buildRollups(db); err != nil {
		return st, fmt.Errorf("backend: generate: %w", err)
	}
	var first int
	if err := db.View(func(tx *bolt.Tx) error { first = lastGenerated(tx) + 1; return nil }); err != nil {
		return st, err
	}
	regs := genRegions()
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	const batch = 2000
	for start := 0; start < n; start += batch {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		end := min(start+batch, n)
		err := db.Update(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketAccounts, bucketDeliveries, bucketLogins, bucketDeliveryIdx} { // not the rollups: their keys arrive out of order
				tx.Bucket(b).FillPercent = 0.95 // keys arrive in order: pack pages full
			}
			for i := start; i < end; i++ {
				a, hist := genAccount(rng, regs, first+i, now)
				if err := saveAccount(tx, nil, &a); err != nil {
					return err
				}
				for j := range hist.deliveries {
					if err := putDelivery(tx, &hist.deliveries[j]); err != nil {
						return err
					}
				}
				for j := range hist.logins {
					if err := putLogin(tx, a.ID, &hist.logins[j]); err != nil {
						return err
					}
				}
				if st.Accounts == 0 {
					st.FirstID = a.ID
				}
				st.LastID = a.ID
				st.Accounts++
				st.Deliveries += len(hist.deliveries)
				st.LoginEvent += len(hist.logins)
			}
			return nil
		})
		if err != nil {
			return st, fmt.Errorf("backend: generate: %w", err)
		}
	}
	traffic, err := genTraffic(db, rng, regs, n, now, strconv.Itoa(first))
	st.Traffic = traffic
	st.Deliveries += traffic
	if err != nil {
		return st, fmt.Errorf("backend: generate: traffic: %w", err)
	}
	return st, db.Sync()
}

func genAccount(rng *rand.Rand, regs []genRegion, i int, now time.Time) (accountRec, history) {
	r := regs[rng.IntN(len(regs))]
	first, last := r.first[rng.IntN(len(r.first))], r.last[rng.IntN(len(r.last))]
	id := fmt.Sprintf("%s%07d", genPrefix, i)
	app := data.AppTapo
	if rng.IntN(3) == 0 {
		app = data.AppKasa
	}
	created := now.Add(-time.Duration(60+rng.IntN(1500)) * 24 * time.Hour)
	a := accountRec{ID: id, App: app, Name: first + " " + last, Region: r.region, TimeZone: r.tz,
		PasswordSet: rng.IntN(10) != 0, LinkedLogins: []string{}, CreatedAt: created.UTC().Truncate(time.Second)}
	// A unique number per account: the example mobile number with its last six
	// digits replaced by a permutation of i.
	if rng.IntN(5) != 0 && len(r.mobile) > 6 {
		a.Phone = fmt.Sprintf("+%d%s%06d", r.cc, r.mobile[:len(r.mobile)-6], (i*7919)%1000000)
		a.PhoneVerified = true
	}
	if a.Phone == "" || rng.IntN(3) != 0 {
		a.Email = fmt.Sprintf("%s.%s.%d@example.%s", strings.ToLower(strings.ReplaceAll(first, "-", "")), strings.ToLower(last), i,
			[]string{"com", "net", "org"}[rng.IntN(3)])
		a.EmailVerified = rng.IntN(8) != 0
	}
	a.TwoFactor.FeatureAvailable = app == data.AppTapo || rng.IntN(4) != 0
	if a.TwoFactor.FeatureAvailable && rng.IntN(2) == 0 {
		a.TwoFactor.Enabled = true
		a.TwoFactor.Method = data.ChannelAppPush
		if a.Email != "" && rng.IntN(4) == 0 {
			a.TwoFactor.Method = data.ChannelEmail
		}
	}
	if r.region == "CN" && rng.IntN(2) == 0 {
		a.LinkedLogins = append(a.LinkedLogins, "wechat")
	} else if rng.IntN(4) == 0 {
		a.LinkedLogins = append(a.LinkedLogins, []string{"google", "apple"}[rng.IntN(2)])
	}
	for d := 0; d < 1+rng.IntN(3); d++ {
		m := genDevices[rng.IntN(len(genDevices))]
		added := created.Add(time.Duration(rng.IntN(50)) * 24 * time.Hour)
		a.Devices = append(a.Devices, dev(fmt.Sprintf("dv_%s_%d", id, d), first+"'s "+m.model, m.model, m.os,
			fmt.Sprintf("3.%d.%d", rng.IntN(6), rng.IntN(600)), rng.IntN(8) != 0, added, now.Add(-time.Duration(rng.IntN(240))*time.Hour),
			r.ips[rng.IntN(len(r.ips))], rng.IntN(3)))
	}
	if rng.IntN(200) == 0 {
		a.Lock = data.Lock{Locked: true, Reason: "too many failed sign-ins", Until: ptrTime(now.Add(30 * time.Minute).UTC())}
	}
	from := now.Add(-time.Duration(30+rng.IntN(40)) * 24 * time.Hour)
	hist := backgroundHistory(rng, &a, r.ips, maxTime(from, a.CreatedAt), now.Add(-time.Hour), id)
	hist.deliveries = append(hist.deliveries, genTrouble(rng, &a, r.ips[0], now)...)
	return a, hist
}

// genTrouble gives about one account in four a run of codes that did not
// arrive in the last week, the way customers who call support have: repeated
// requests with the failures of SPEC section 3. The runs are spread evenly
// over the week (the cases' "recent"), so they are the same few per cent of
// every hour's traffic and no network looks degraded for them.
func genTrouble(rng *rand.Rand, a *accountRec, ip string, now time.Time) []deliveryRec {
	if rng.IntN(4) != 0 {
		return nil
	}
	type trouble struct{ channel, status, perr string }
	var options []trouble
	if a.Phone != "" {
		options = append(options,
			trouble{data.ChannelSMS, data.StatusUndelivered, data.ProviderUnreachable},
			trouble{data.ChannelSMS, data.StatusUndelivered, data.ProviderCarrierFiltered},
			trouble{data.ChannelSMS, data.StatusUndelivered, data.ProviderUnknownError},
			trouble{data.ChannelSMS, data.StatusDelivered, ""}) // arrived late, customer gave up
	}
	if a.Email != "" {
		options = append(options,
			trouble{data.ChannelEmail, data.StatusBounced, data.ProviderEmailBounced},
			trouble{data.ChannelEmail, data.StatusSent, data.ProviderEmailDeferred})
	}
	if len(a.Devices) > 0 && !a.Devices[0].NotificationsAllowed {
		options = append(options, trouble{data.ChannelAppPush, data.StatusFailed, data.ProviderPushNotifDisabled})
	}
	if len(options) == 0 {
		return nil
	}
	tr := options[rng.IntN(len(options))]
	purpose := []string{data.PurposeLogin, data.PurposeResetPassword, data.PurposeNewDevice, data.PurposeRegister}[rng.IntN(4)]
	start := now.Add(-time.Duration(10+rng.IntN(7*24*60)) * time.Minute)
	var out []deliveryRec
	for i := 0; i < 2+rng.IntN(5); i++ {
		at := start.Add(time.Duration(i*(1+rng.IntN(9))) * time.Minute).UTC().Truncate(time.Second)
		dest, masked, form := "", "", ""
		switch tr.channel {
		case data.ChannelSMS:
			dest, masked, form = a.Phone, maskPhone(a.Phone), data.FormE164
		case data.ChannelEmail:
			dest, masked = a.Email, maskEmail(a.Email)
		default:
			dest, masked = a.Devices[0].ID, a.Devices[0].Name
		}
		sender, kind := senderFor(tr.channel, dest, a.App)
		out = append(out, deliveryRec{Delivery: data.Delivery{
			ID: fmt.Sprintf("%s_tr%d", a.ID, i), AccountID: a.ID, Channel: tr.channel, DestinationMasked: masked,
			DestinationForm: form, Sender: sender, SenderKind: kind, Purpose: purpose, RequestedAt: at,
			RequestedBy: data.RequesterUser, Status: tr.status, StatusAt: at.Add(30 * time.Second),
			ProviderError: tr.perr, RequestIP: ip,
		}, Destination: dest, Unverified: unverifiedTo(a, tr.channel), Followed: true})
	}
	return out
}
