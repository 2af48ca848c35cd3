package backend

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// Demo agents (demo mode only), all with the password "demo".
var demoAgents = []data.Agent{
	{ID: "ag_ana", Username: "ana", Name: "Ana Ruiz", Role: data.RoleAgent},
	{ID: "ag_lee", Username: "lee", Name: "Lee Chen", Role: data.RoleAgent},
	{ID: "ag_sam", Username: "sam", Name: "Sam Okoye", Role: data.RoleSupervisor},
}

// DemoPassword is the password of every demo agent.
const DemoPassword = "demo"

// Demo IP plan (documentation ranges, placed in cities by the demo geolocation
// database): 198.51.100.0/24 and 192.0.2.0/24 are the customers' home
// connections in their own country, 203.0.113.0/24 are logins from abroad
// (unknown devices, roaming), 2001:db8::/32 are mobile-data addresses that
// geolocate far from the customer.
const (
	ipTaipeiHome   = "192.0.2.10"
	ipLondonHome   = "198.51.100.44"
	ipRoamingSpain = "203.0.113.40"
	ipManchester   = "198.51.100.45"
	ipBerlinHome   = "198.51.100.60"
	ipHamburgHome  = "198.51.100.61"
	ipSFHome       = "198.51.100.23"
	ipSFOffice     = "192.0.2.23"
	ipAbroadLagos  = "203.0.113.7"
	ipAustinHome   = "198.51.100.80"
	ipSaoPaulo     = "198.51.100.120"
	ipRioHome      = "198.51.100.121"
	ipTokyoHome    = "192.0.2.81"
	ipOsakaHome    = "192.0.2.82"
	ipShanghai     = "192.0.2.86"
	ipBangalore    = "192.0.2.91"
	ipMumbaiHome   = "192.0.2.92"
	ipMobileIN     = "2001:db8:91::20"
	ipMobileIN2    = "2001:db8:91::21"
	ipAbroadAttack = "203.0.113.88"
	ipAbroadBR     = "203.0.113.55"
	ipLeedsHome    = "198.51.100.46"
)

// demoAccount is one seeded account with its story.
type demoAccount struct {
	acc        accountRec
	homeIPs    []string
	deliveries []deliveryRec
	logins     []data.LoginEvent
}

type demoBuilder struct {
	now time.Time
	a   *demoAccount
	n   int
}

func (b *demoBuilder) ago(d time.Duration) time.Time { return b.now.Add(-d) }

func dev(id, name, model, os, ver string, notif bool, added, seen time.Time, ip string, sessions int) deviceRec {
	return deviceRec{TrustedDevice: data.TrustedDevice{ID: id, Name: name, Model: model, OS: os, AppVersion: ver,
		NotificationsAllowed: notif, AddedAt: added, LastSeenAt: seen, LastIP: ip}, Sessions: sessions}
}

// del adds a delivery to the account's story; dest is as sent (the stored
// phone, its E.164 form, an email, or a device id).
func (b *demoBuilder) del(ch, dest, purpose string, at time.Time, by, status, perr, network, loginID, ip string) {
	b.n++
	masked, form := "", ""
	switch ch {
	case data.ChannelSMS:
		masked, form = maskPhone(dest), phoneForm(dest)
	case data.ChannelEmail:
		masked = maskEmail(dest)
	case data.ChannelAppPush:
		masked = dest
		for _, d := range b.a.acc.Devices {
			if d.ID == dest {
				masked = d.Name
			}
		}
	}
	sender, kind := senderFor(ch, dest, b.a.acc.App)
	statusAt := at.Add(5 * time.Second)
	if status == data.StatusUndelivered || status == data.StatusBounced {
		statusAt = at.Add(40 * time.Second)
	}
	b.a.deliveries = append(b.a.deliveries, deliveryRec{Delivery: data.Delivery{
		ID: fmt.Sprintf("dl_%s_%02d", b.a.acc.ID, b.n), AccountID: b.a.acc.ID, Channel: ch, DestinationMasked: masked,
		DestinationForm: form, Sender: sender, SenderKind: kind, Purpose: purpose, RequestedAt: at, RequestedBy: by,
		Status: status, StatusAt: statusAt, ProviderError: perr, NetworkReached: network, LoginEventID: loginID, RequestIP: ip,
	}, Destination: dest, Unverified: unverifiedTo(&b.a.acc, ch)})
}

// login adds a login event and returns its id.
func (b *demoBuilder) login(at time.Time, devID, devName, model, ip, ua, outcome string) string {
	b.n++
	id := fmt.Sprintf("le_%s_%02d", b.a.acc.ID, b.n)
	b.a.logins = append(b.a.logins, data.LoginEvent{ID: id, At: at, DeviceID: devID, DeviceName: devName, DeviceModel: model, IP: ip, UserAgent: ua, Outcome: outcome})
	return id
}

// loginOn adds a login event from one of the account's devices.
func (b *demoBuilder) loginOn(at time.Time, d deviceRec, ip, outcome string) string {
	return b.login(at, d.ID, d.Name, d.Model, ip, userAgent(b.a.acc.App, d.TrustedDevice), outcome)
}

// demoData builds every demo account relative to now. It is deterministic for
// a given now, so seeding twice writes the same keys.
func demoData(now time.Time) []demoAccount {
	const (
		h   = time.Hour
		min = time.Minute
		day = 24 * time.Hour
	)
	now = now.UTC().Truncate(time.Second)
	var out []demoAccount
	add := func(acc accountRec, homeIPs []string, story func(b *demoBuilder)) {
		a := &demoAccount{acc: acc, homeIPs: homeIPs}
		b := &demoBuilder{now: now, a: a}
		if story != nil {
			story(b)
		}
		// A routine past older than the story, from two years to three days ago.
		seed := fnv.New64a()
		seed.Write([]byte(acc.ID))
		rng := rand.New(rand.NewPCG(seed.Sum64(), 7))
		bg := backgroundHistory(rng, &a.acc, homeIPs, maxTime(acc.CreatedAt, now.Add(-400*day)), now.Add(-3*day), "bg_"+acc.ID)
		a.logins = append(a.logins, bg.logins...)
		a.deliveries = append(a.deliveries, bg.deliveries...)
		out = append(out, *a)
	}
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	tapo, kasa := data.AppTapo, data.AppKasa
	on := data.TwoFactor{Enabled: true, Method: data.ChannelAppPush, FeatureAvailable: true}
	onEmail := data.TwoFactor{Enabled: true, Method: data.ChannelEmail, FeatureAvailable: true}
	off := data.TwoFactor{FeatureAvailable: true}

	// TW: the number needs (or must not have) the 0. Stored in the legacy
	// trunk-0 form; codes to that form fail, codes to the E.164 form arrive.
	meiPhone := dev("dv_tw_1", "Mei's iPhone", "iPhone 13", "iOS 17.5", "3.4.512", true, ago(300*day), ago(3*h), ipTaipeiHome, 1)
	add(accountRec{ID: "acc_1001", App: tapo, Name: "Chen Mei-ling", Region: "TW", TimeZone: "Asia/Taipei", AppLanguage: "zh-Hant-TW",
		Phone: "+8860936123456", PhoneVerified: true, Email: "meiling.chen@example.com", EmailVerified: true,
		TwoFactor: on, PasswordSet: true, LinkedLogins: []string{}, Devices: []deviceRec{meiPhone}, OtherSessions: 1,
		CreatedAt: ago(700 * day)}, []string{ipTaipeiHome}, func(b *demoBuilder) {
		for _, t := range []time.Duration{3*day + 2*h, 3*day + 1*h + 50*min} {
			b.del(data.ChannelSMS, "+8860936123456", data.PurposeResetPassword, b.ago(t), data.RequesterUser, data.StatusUndelivered, data.ProviderUnknownNumber, "", "", ipTaipeiHome)
		}
		b.del(data.ChannelSMS, "+886936123456", data.PurposeResetPassword, b.ago(3*day+h+20*min), data.RequesterUser, data.StatusDelivered, "", "FarEasTone", "", ipTaipeiHome)
		b.del(data.ChannelSMS, "+8860936123456", data.PurposeLogin, b.ago(2*h), data.RequesterUser, data.StatusUndelivered, data.ProviderUnknownNumber, "", "", ipTaipeiHome)
		b.loginOn(b.ago(2*h+time.Minute), meiPhone, ipTaipeiHome, data.OutcomePasswordFailed)
	})

	// GB: SMS undelivered, handset unreachable: roaming in Spain without SMS.
	oliPhone := dev("dv_gb_1", "Oliver's Pixel", "Pixel 8", "Android 14", "3.4.510", true, ago(200*day), ago(30*min), ipRoamingSpain, 1)
	add(accountRec{ID: "acc_1002", App: tapo, Name: "Oliver Bennett", Region: "GB", TimeZone: "Europe/London",
		Phone: "+447911123456", PhoneVerified: true, Email: "oliver.bennett@example.co.uk", EmailVerified: true,
		TwoFactor: off, PasswordSet: true, LinkedLogins: []string{"google"}, Devices: []deviceRec{oliPhone}, OtherSessions: 0,
		CreatedAt: ago(500 * day)}, []string{ipLondonHome, ipManchester}, func(b *demoBuilder) {
		for _, t := range []time.Duration{45 * min, 26 * min, 9 * min} {
			id := b.login(b.ago(t+time.Minute), "dv_gb_new", "Oliver's new tablet", "Galaxy Tab S9", ipRoamingSpain, "Tapo/3.4.512 (Galaxy Tab S9; Android 14)", data.OutcomePasswordOK)
			b.del(data.ChannelSMS, "+447911123456", data.PurposeLogin, b.ago(t), data.RequesterUser, data.StatusUndelivered, data.ProviderUnreachable, "", id, ipRoamingSpain)
		}
	})

	// GB: a VoIP number; every SMS refused before sending.
	harPhone := dev("dv_gb_2", "Harriet's iPhone", "iPhone 12", "iOS 16.7", "3.3.100", true, ago(20*day), ago(1*day), ipLeedsHome, 1)
	add(accountRec{ID: "acc_1003", App: tapo, Name: "Harriet Cole", Region: "GB", TimeZone: "Europe/London",
		Phone: "+445612345678", PhoneVerified: false, Email: "harriet.cole@example.co.uk", EmailVerified: true,
		TwoFactor: off, PasswordSet: true, LinkedLogins: []string{}, Devices: []deviceRec{harPhone},
		CreatedAt: ago(21 * day)}, []string{ipLeedsHome}, func(b *demoBuilder) {
		b.del(data.ChannelSMS, "+445612345678", data.PurposeRegister, b.ago(21*day), data.RequesterUser, data.StatusFailed, data.ProviderVoIPRefused, "", "", ipLeedsHome)
		b.del(data.ChannelSMS, "+445612345678", data.PurposeLogin, b.ago(50*min), data.RequesterUser, data.StatusFailed, data.ProviderVoIPRefused, "", "", ipLeedsHome)
	})

	// DE: the customer kept pressing "Get code": at the hourly limit now.
	jonPhone := dev("dv_de_1", "Jonas' Galaxy", "Galaxy S22", "Android 14", "3.4.501", true, ago(400*day), ago(10*min), ipBerlinHome, 2)
	add(accountRec{ID: "acc_1004", App: tapo, Name: "Jonas Weber", Region: "DE", TimeZone: "Europe/Berlin",
		Phone: "+4915123456789", PhoneVerified: true, Email: "jonas.weber@example.de", EmailVerified: true,
		TwoFactor: off, PasswordSet: true, LinkedLogins: []string{}, Devices: []deviceRec{jonPhone},
		CreatedAt: ago(600 * day)}, []string{ipBerlinHome}, func(b *demoBuilder) {
		for _, t := range []time.Duration{52 * min, 41 * min, 30 * min, 19 * min, 8 * min} {
			id := b.login(b.ago(t+20*time.Second), "dv_de_web", "Web browser", "Firefox", ipBerlinHome, "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0", data.OutcomePasswordOK)
			b.del(data.ChannelSMS, "+4915123456789", data.PurposeLogin, b.ago(t), data.RequesterUser, data.StatusDelivered, "", "T-Mobile", id, ipBerlinHome)
		}
	})

	// US: codes requested from an unknown device abroad: the password may be
	// compromised (help page: a code you did not ask for).
	emPhone := dev("dv_us_1", "Emily's iPhone", "iPhone 15", "iOS 18.1", "3.5.020", true, ago(365*day), ago(40*min), ipSFHome, 1)
	emPad := dev("dv_us_2", "Living room iPad", "iPad Air", "iPadOS 17.6", "3.5.020", true, ago(200*day), ago(2*day), ipSFHome, 1)
	add(accountRec{ID: "acc_1005", App: tapo, Name: "Emily Carter", Region: "US", TimeZone: "America/Los_Angeles",
		Phone: "+16502530000", PhoneVerified: true, Email: "emily.carter@example.com", EmailVerified: true,
		TwoFactor: on, PasswordSet: true, LinkedLogins: []string{"apple"}, Devices: []deviceRec{emPhone, emPad}, OtherSessions: 1,
		CreatedAt: ago(800 * day)}, []string{ipSFHome, ipSFOffice}, func(b *demoBuilder) {
		b.loginOn(b.ago(5*h), emPhone, ipSFOffice, data.OutcomePasswordOK)
		b.loginOn(b.ago(5*h-2*time.Second), emPhone, ipSFOffice, data.Outcome2FASkipped)
		ua := "Tapo/3.4.300 (SM-A515F; Android 11)"
		for i, t := range []time.Duration{62 * min, 35 * min, 12 * min} {
			b.login(b.ago(t), "dv_unknown_ng", "Galaxy A51", "SM-A515F", ipAbroadLagos, ua, data.OutcomePasswordOK)
			sent := b.login(b.ago(t-time.Second), "dv_unknown_ng", "Galaxy A51", "SM-A515F", ipAbroadLagos, ua, data.Outcome2FASent)
			b.del(data.ChannelAppPush, "dv_us_1", data.PurposeNewDevice, b.ago(t-2*time.Second), data.RequesterUser, data.StatusDelivered, "", "", sent, ipAbroadLagos)
			if i == 1 {
				b.del(data.ChannelSMS, "+16502530000", data.PurposeLogin, b.ago(t-3*min), data.RequesterUser, data.StatusDelivered, "", "", sent, ipAbroadLagos)
			}
			b.login(b.ago(t-4*min), "dv_unknown_ng", "Galaxy A51", "SM-A515F", ipAbroadLagos, ua, data.Outcome2FAFailed)
		}
	})

	// US, Kasa: two-step verification not rolled out to the account yet.
	lauPhone := dev("dv_us_3", "Laura's Pixel", "Pixel 7", "Android 15", "3.2.14", true, ago(150*day), ago(6*h), ipAustinHome, 1)
	add(accountRec{ID: "acc_1006", App: kasa, Name: "Laura Mitchell", Region: "US", TimeZone: "America/Chicago",
		Email: "2fa.pending@example.com", EmailVerified: true, TwoFactor: data.TwoFactor{FeatureAvailable: false},
		PasswordSet: true, LinkedLogins: []string{}, Devices: []deviceRec{lauPhone}, CreatedAt: ago(1200 * day)},
		[]string{ipAustinHome}, func(b *demoBuilder) {
			b.loginOn(b.ago(6*h), lauPhone, ipAustinHome, data.OutcomePasswordOK)
		})

	// DE: a recently ported number: the numbering plan says T-Mobile, the SMS
	// provider reaches Vodafone; one code lost during the port.
	lenPhone := dev("dv_de_2", "Lena's iPhone", "iPhone 14", "iOS 18.0", "3.5.010", true, ago(250*day), ago(20*min), ipHamburgHome, 1)
	add(accountRec{ID: "acc_1007", App: tapo, Name: "Lena Fischer", Region: "DE", TimeZone: "Europe/Berlin", AppLanguage: "ru-RU",
		Phone: "+491701234567", PhoneVerified: true, Email: "lena.fischer@example.de", EmailVerified: true,
		TwoFactor: off, PasswordSet: true, LinkedLogins: []string{}, Devices: []deviceRec{lenPhone},
		CreatedAt: ago(900 * day)}, []string{ipHamburgHome}, func(b *demoBuilder) {
		b.del(data.ChannelSMS, "+491701234567", data.PurposeLogin, b.ago(2*day+3*h), data.RequesterUser, data.StatusUndelivered, data.ProviderUnknownNumber, "", "", ipHamburgHome)
		b.del(data.ChannelSMS, "+491701234567", data.PurposeLogin, b.ago(2*day+2*h), data.RequesterUser, data.StatusUndelivered, data.ProviderUnknownNumber, "", "", ipHamburgHome)
		b.del(data.ChannelSMS, "+491701234567", data.PurposeLogin, b.ago(25*min), data.RequesterUser, data.StatusDelivered, "", "Vodafone", "", ipHamburgHome)
	})

	// BR: the 2FA email bounces: mailbox does not exist.
	rafPhone := dev("dv_br_1", "Rafael's Moto", "moto g84", "Android 14", "3.4.400", true, ago(100*day), ago(5*day), ipSaoPaulo, 0)
	add(accountRec{ID: "acc_1008", App: tapo, Name: "Rafael Souza", Region: "BR", TimeZone: "America/Sao_Paulo",
		Phone: "+5511987654321", PhoneVerified: true, Email: "rafael.souza@example.net", EmailVerified: true,
		TwoFactor: onEmail, PasswordSet: true, LinkedLogins: []string{}, Devices: []deviceRec{rafPhone},
		CreatedAt: ago(300 * day)}, []string{ipSaoPaulo}, func(b *demoBuilder) {
		ua := "Tapo/3.4.400 (SM-S911B; Android 14)"
		for _, t := range []time.Duration{3 * h, 70 * min} {
			id := b.login(b.ago(t), "dv_br_new", "Galaxy S23", "SM-S911B", ipSaoPaulo, ua, data.Outcome2FASent)
			b.del(data.ChannelEmail, "rafael.souza@example.net", data.PurposeNewDevice, b.ago(t-time.Second), data.RequesterUser, data.StatusBounced, data.ProviderEmailBounced, "", id, ipSaoPaulo)
		}
	})

	// JP: the 2FA email is deferred (mailbox full).
	yukPhone := dev("dv_jp_1", "Yuki's iPhone", "iPhone 15 Pro", "iOS 18.1", "3.5.020", true, ago(90*day), ago(9*day), ipTokyoHome, 0)
	add(accountRec{ID: "acc_1009", App: tapo, Name: "Yuki Tanaka", Region: "JP", TimeZone: "Asia/Tokyo",
		Phone: "+819012345678", PhoneVerified: true, Email: "yuki.tanaka@example.jp", EmailVerified: true,
		TwoFactor: onEmail, PasswordSet: true, LinkedLogins: []string{"apple"}, Devices: []deviceRec{yukPhone},
		CreatedAt: ago(400 * day)}, []string{ipTokyoHome}, func(b *demoBuilder) {
		id := b.login(b.ago(40*min), "dv_jp_new", "MacBook Air", "MacBookAir10,1", ipTokyoHome, "Tapo/3.5.020 (Mac; macOS 15.1)", data.Outcome2FASent)
		b.del(data.ChannelEmail, "yuki.tanaka@example.jp", data.PurposeNewDevice, b.ago(40*min-time.Second), data.RequesterUser, data.StatusSent, data.ProviderEmailDeferred, "", id, ipTokyoHome)
	})

	// JP: app notification refused: notifications are off on the only trusted
	// device, which also runs an old app.
	harPixel := dev("dv_jp_2", "Haruto's Pixel", "Pixel 6", "Android 13", "2.8.27", false, ago(600*day), ago(50*min), ipOsakaHome, 1)
	add(accountRec{ID: "acc_1010", App: tapo, Name: "Haruto Sato", Region: "JP", TimeZone: "Asia/Tokyo",
		Phone: "+818012345678", PhoneVerified: true, Email: "haruto.sato@example.jp", EmailVerified: true,
		TwoFactor: on, PasswordSet: true, LinkedLogins: []string{}, Devices: []deviceRec{harPixel},
		CreatedAt: ago(650 * day)}, []string{ipOsakaHome}, func(b *demoBuilder) {
		for _, t := range []time.Duration{90 * min, 55 * min} {
			id := b.login(b.ago(t), "dv_jp_tab", "Fire HD 10", "KFTRWI", ipOsakaHome, "Tapo/3.5.020 (KFTRWI; Fire OS 7)", data.Outcome2FASent)
			b.del(data.ChannelAppPush, "dv_jp_2", data.PurposeNewDevice, b.ago(t-time.Second), data.RequesterUser, data.StatusFailed, data.ProviderPushNotifDisabled, "", id, ipOsakaHome)
		}
	})

	// CN: no code works at all; the account has a password and WeChat linked.
	wangPhone := dev("dv_cn_1", "王芳的手机", "Xiaomi 14", "HyperOS 1.0", "3.4.300", true, ago(500*day), ago(15*day), ipShanghai, 0)
	add(accountRec{ID: "acc_1011", App: tapo, Name: "Wang Fang", Region: "CN", TimeZone: "Asia/Shanghai", AppLanguage: "zh-Hans-CN",
		Phone: "+8613812345678", PhoneVerified: true, TwoFactor: off, PasswordSet: true,
		LinkedLogins: []string{"wechat"}, Devices: []deviceRec{wangPhone}, CreatedAt: ago(520 * day)},
		[]string{ipShanghai}, func(b *demoBuilder) {
			for _, t := range []time.Duration{5 * h, 4 * h, 3*h + 40*min, 20 * min} {
				b.del(data.ChannelSMS, "+8613812345678", data.PurposeLogin, b.ago(t), data.RequesterUser, data.StatusUndelivered, data.ProviderUnknownError, "China Mobile", "", ipShanghai)
			}
		})

	// IN, Kasa: locked after repeated wrong passwords from abroad.
	arjPhone := dev("dv_in_1", "Arjun's OnePlus", "OnePlus 12", "Android 14", "3.2.10", true, ago(180*day), ago(2*day), ipMumbaiHome, 1)
	add(accountRec{ID: "acc_1012", App: kasa, Name: "Arjun Patel", Region: "IN", TimeZone: "Asia/Kolkata",
		Phone: "+919812345670", PhoneVerified: true, Email: "arjun.patel@example.in", EmailVerified: true,
		TwoFactor: on, PasswordSet: true, LinkedLogins: []string{"google"}, Devices: []deviceRec{arjPhone},
		Lock:      data.Lock{Locked: true, Reason: "too many failed sign-ins", Until: ptrTime(now.Add(25 * min))},
		CreatedAt: ago(700 * day)}, []string{ipMumbaiHome}, func(b *demoBuilder) {
		ua := "python-requests/2.31"
		for i := 0; i < 6; i++ {
			b.login(b.ago(time.Duration(40-i*2)*min), "dv_unknown_x", "Unknown device", "", ipAbroadAttack, ua, data.OutcomePasswordFailed)
		}
		b.login(b.ago(28*min), "dv_unknown_x", "Unknown device", "", ipAbroadAttack, ua, data.OutcomeBlocked)
	})

	// IN: carrier filtering (DLT templates) and mobile-data logins that
	// geolocate far from home.
	priPhone := dev("dv_in_2", "Priya's Galaxy", "Galaxy M34", "Android 14", "3.4.450", true, ago(120*day), ago(15*min), ipMobileIN, 1)
	add(accountRec{ID: "acc_1013", App: tapo, Name: "Priya Sharma", Region: "IN", TimeZone: "Asia/Kolkata",
		Phone: "+919876543210", PhoneVerified: true, Email: "priya.sharma@example.in", EmailVerified: false,
		TwoFactor: off, PasswordSet: false, LinkedLogins: []string{}, Devices: []deviceRec{priPhone},
		CreatedAt: ago(130 * day)}, []string{ipBangalore}, func(b *demoBuilder) {
		b.loginOn(b.ago(26*h), priPhone, ipBangalore, data.OutcomePasswordOK)
		b.loginOn(b.ago(3*h), priPhone, ipMobileIN2, data.OutcomePasswordOK)
		b.loginOn(b.ago(15*min), priPhone, ipMobileIN, data.OutcomePasswordOK)
		for _, t := range []time.Duration{2 * h, 16 * min} {
			b.del(data.ChannelSMS, "+919876543210", data.PurposeLogin, b.ago(t), data.RequesterUser, data.StatusUndelivered, data.ProviderCarrierFiltered, "Airtel", "", ipMobileIN)
		}
	})

	// BR, Kasa: a lost trusted device, last seen weeks ago abroad.
	lucOld := dev("dv_br_2", "Lucas's old Moto", "moto g62", "Android 13", "3.1.8", true, ago(500*day), ago(41*day), ipAbroadBR, 3)
	lucNew := dev("dv_br_3", "Lucas's Galaxy", "Galaxy S24", "Android 14", "3.2.14", true, ago(39*day), ago(1*h), ipRioHome, 1)
	add(accountRec{ID: "acc_1014", App: kasa, Name: "Lucas Oliveira", Region: "BR", TimeZone: "America/Sao_Paulo",
		Phone: "+5521998765432", PhoneVerified: true, Email: "lucas.oliveira@example.com.br", EmailVerified: true,
		TwoFactor: on, PasswordSet: true, LinkedLogins: []string{}, Devices: []deviceRec{lucOld, lucNew}, OtherSessions: 0,
		CreatedAt: ago(520 * day)}, []string{ipRioHome}, func(b *demoBuilder) {
		b.loginOn(b.ago(41*day), lucOld, ipAbroadBR, data.OutcomePasswordOK)
		b.loginOn(b.ago(41*day-2*time.Second), lucOld, ipAbroadBR, data.Outcome2FASkipped)
		b.loginOn(b.ago(1*h), lucNew, ipRioHome, data.OutcomePasswordOK)
		b.loginOn(b.ago(1*h-2*time.Second), lucNew, ipRioHome, data.Outcome2FASkipped)
	})

	// GB, Kasa: a landline on file; SMS cannot work.
	amePhone := dev("dv_gb_3", "Amelia's iPhone", "iPhone SE", "iOS 17.4", "3.2.9", true, ago(60*day), ago(3*day), ipLondonHome, 1)
	add(accountRec{ID: "acc_1015", App: kasa, Name: "Amelia Wright", Region: "GB", TimeZone: "Europe/London",
		Phone: "+442071234567", PhoneVerified: false, Email: "amelia.wright@example.co.uk", EmailVerified: true,
		TwoFactor: onEmail, PasswordSet: true, LinkedLogins: []string{}, Devices: []deviceRec{amePhone},
		CreatedAt: ago(61 * day)}, []string{ipLondonHome}, func(b *demoBuilder) {
		b.del(data.ChannelSMS, "+442071234567", data.PurposeRegister, b.ago(61*day), data.RequesterUser, data.StatusFailed, data.ProviderLandline, "", "", ipLondonHome)
	})
	return out
}

func ptrTime(t time.Time) *time.Time { return &t }

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// DemoLoginIPs lists every IP address the demo data uses (login events, trusted
// devices' last IPs, the IPs deliveries were requested from), sorted, so the demo
// geolocation database can be checked to cover them all.
func DemoLoginIPs() []string {
	seen := map[string]bool{}
	for _, a := range demoData(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		for _, e := range a.logins {
			seen[e.IP] = true
		}
		for _, d := range a.acc.Devices {
			seen[d.LastIP] = true
		}
		for _, d := range a.deliveries {
			if d.RequestIP != "" {
				seen[d.RequestIP] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for ip := range seen {
		out = append(out, ip)
	}
	sort.Strings(out)
	return out
}

// seedDemo writes the demo agents (once) and rewrites every demo account with
// its history relative to now: the demo always looks recent and seeding twice
// leaves one copy of everything.
func seedDemo(db *bolt.DB, now time.Time) error {
	if err := seedAgents(db); err != nil {
		return err
	}
	accounts := demoData(now)
	return db.Update(func(tx *bolt.Tx) error {
		for i := range accounts {
			a := &accounts[i]
			prev, err := loadAccount(tx, a.acc.ID)
			if err != nil {
				return err
			}
			if err := clearHistory(tx, a.acc.ID); err != nil {
				return err
			}
			if err := saveAccount(tx, prev, &a.acc); err != nil {
				return err
			}
			for j := range a.deliveries {
				if err := putDelivery(tx, &a.deliveries[j]); err != nil {
					return err
				}
			}
			for j := range a.logins {
				if err := putLogin(tx, a.acc.ID, &a.logins[j]); err != nil {
					return err
				}
			}
		}
		if err := clearHistory(tx, demoTrafficID); err != nil {
			return err
		}
		return putDeliveries(tx, demoTraffic(now))
	})
}

// seedAgents writes the demo agents that are not there yet.
func seedAgents(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		for _, ag := range demoAgents {
			if tx.Bucket(bucketAgents).Get([]byte(ag.ID)) != nil {
				continue
			}
			if err := putAgent(tx, ag.ID, ag.Username, ag.Name, ag.Role, DemoPassword); err != nil {
				return err
			}
		}
		return nil
	})
}

// clearHistory deletes an account's deliveries (with their id index) and login
// events.
func clearHistory(tx *bolt.Tx, accountID string) error {
	idx := tx.Bucket(bucketDeliveryIdx)
	for _, bn := range [][]byte{bucketDeliveries, bucketLogins} {
		b := tx.Bucket(bn)
		var keys, ids [][]byte
		var derr error
		batch := rollupBatch{}
		walkSince(b, accountID, time.Unix(0, 0), func(k, v []byte) bool {
			keys = append(keys, append([]byte(nil), k...))
			if bytes.Equal(bn, bucketDeliveries) {
				var d deliveryRec
				if derr = json.Unmarshal(v, &d); derr != nil {
					return false
				}
				batch.add(&d, -1)
				// The id follows the prefix, the NUL and the 8-byte time.
				ids = append(ids, append([]byte(nil), k[len(accountID)+9:]...))
			}
			return true
		})
		if derr != nil {
			return derr
		}
		if err := batch.flush(tx); err != nil {
			return err
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		for _, id := range ids {
			if err := idx.Delete(id); err != nil {
				return err
			}
		}
	}
	return nil
}
