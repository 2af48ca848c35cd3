package cases

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/deliveries"
	"verifydesk/services/geo"
	"verifydesk/services/i18n"
	"verifydesk/services/logins"
	"verifydesk/services/phone"
	"verifydesk/services/words"
)

// Evidence is what the console saw about an account when the case is opened or
// refreshed: the inputs of SuggestCategory, NewChecklist and Escalation. Every
// field may be empty; the functions then say less, never fail.
type Evidence struct {
	Account    *data.Account
	Deliveries []data.Delivery // any order; the backend sends newest first
	Limits     *data.RateLimits
	Devices    []data.TrustedDevice
	// Logins are the analysed login events (logins.Analyze), any order. Without
	// locations (a nil Locator) no login is ever from a new country, so
	// code_not_requested and strange_location are not suggested.
	Logins []logins.Event
	// Diagnosis is the phone check of exactly what the customer types in the
	// app, when the agent ran one.
	Diagnosis *phone.Diagnosis
	// Health is how SMS to the customer's network delivered for everyone at
	// the time (NewNetworkHealth); nil when the console could not ask.
	Health *NetworkHealth
	// Now is the moment of the case; zero means time.Now(). Tests pin it to the
	// backend's clock.
	Now time.Time
}

// Windows that decide what "recent" means. They come from the help pages where
// the pages say (wait 5-10 minutes; porting takes a day) and from the delivery
// log's own 30 days otherwise.
const (
	// recentWindow bounds "the latest code": a failure a month ago is history,
	// not the reason for today's call.
	recentWindow = 7 * 24 * time.Hour
	// formWindow is the delivery log's span, over which the number forms are
	// compared and logins are flagged.
	formWindow = 30 * 24 * time.Hour
	// networkWindow is how far back a different network reached still tells a
	// recent port.
	networkWindow = 90 * 24 * time.Hour
	// minWait is the help page's "wait 5-10 minutes": requests closer together
	// are the repeated clicking that triggers the limits.
	minWait = 5 * time.Minute
	// pendingFor is the far end of the page's wait: a code still "sent" after
	// it is not coming.
	pendingFor = 10 * time.Minute
	// noCodeRun is how many failed codes in a row, with none arriving in
	// between, make "no code works": by then the customer is near the hourly
	// limit (5) and another code is not the answer.
	noCodeRun = 4
	// staleDevice and activeDevice tell a lost device: not seen for a month
	// while another one was used this week.
	staleDevice  = 30 * 24 * time.Hour
	activeDevice = 7 * 24 * time.Hour
	// onlineWindow: a trusted device seen this recently is online.
	onlineWindow = time.Hour
	// roamingWindow: a sign-in abroad this recent says where the customer is
	// now.
	roamingWindow = 24 * time.Hour
	// farKM: a mobile-data sign-in this far from the one before is the help
	// page's "logged in from far away".
	farKM = 500
)

// suspectCode is a code that reached the customer for a sign-in by a device
// the customer may not know.
type suspectCode struct {
	d  *data.Delivery
	ev *logins.Event
}

// facts is the evidence digested once: every check and rule reads it instead of
// walking the deliveries again, which keeps a 10k-delivery account cheap.
type facts struct {
	now time.Time
	// lc says the reasons: in the agent's language when the facts are
	// digested, the moment the checklist is built.
	lc   *i18n.Localizer
	acct *data.Account
	diag *phone.Diagnosis // nil when none was run or nothing was typed
	// health is the customer's network's delivery for everyone; nil when
	// not known.
	health *NetworkHealth

	recent                       []*data.Delivery // codes within recentWindow, newest first
	lastSMS, lastEmail, lastPush *data.Delivery   // newest recent code of each channel
	lastSMSEver                  *data.Delivery   // newest SMS of any age: a refusal is for good
	// e164 and trunk0 are the per-form counts the Phone check tab shows
	// (services/deliveries), so the checklist and the tab agree.
	e164, trunk0 *deliveries.FormStats
	// network is the network the provider last reported (within
	// deliveries.Window); prevNetwork the newest earlier SMS, within
	// networkWindow, that reached another one.
	network     string
	networkAt   time.Time
	prevNetwork *data.Delivery
	resetAfter  []*data.Delivery

	blocked []data.DestinationLimits // limits that block now, SMS first

	devices []data.TrustedDevice // newest seen first
	trusted map[string]*data.TrustedDevice

	events       []*logins.Event          // newest first
	suspects     map[string]*logins.Event // device -> its first new-country or impossible-travel event
	suspectOrder []string
	outcomes     map[string]map[string]int // suspect device -> outcome -> count
	suspectCodes []suspectCode
	flagged      []*logins.Event // within formWindow, newest first
	farMobile    *logins.Event
	newest       *logins.Event

	latestVersion, latestWhere string
}

func newFacts(ev Evidence) *facts {
	f := &facts{now: ev.Now, lc: i18n.Agent(), acct: ev.Account, health: ev.Health,
		trusted: map[string]*data.TrustedDevice{}, suspects: map[string]*logins.Event{}, outcomes: map[string]map[string]int{}}
	if f.now.IsZero() {
		f.now = time.Now()
	}
	if d := ev.Diagnosis; d != nil && !d.Has(phone.CodeEmpty) {
		f.diag = d
	}
	f.digestDeliveries(ev.Deliveries)
	f.digestLimits(ev.Limits)
	f.devices = slices.Clone(ev.Devices)
	slices.SortStableFunc(f.devices, func(a, b data.TrustedDevice) int { return b.LastSeenAt.Compare(a.LastSeenAt) })
	for i := range f.devices {
		f.trusted[f.devices[i].ID] = &f.devices[i]
	}
	f.digestLogins(ev.Logins)
	f.findSuspectCodes()
	f.findVersions()
	return f
}

func (f *facts) digestDeliveries(ds []data.Delivery) {
	// A cutoff instead of now.Sub per delivery: on a long history this loop
	// is most of the cost of opening a case.
	recentFrom := f.now.Add(-recentWindow)
	for i := range ds {
		d := &ds[i]
		if d.Purpose == data.PurposeSecurityNotice {
			continue // notices are not codes the customer waits for
		}
		if d.Channel == data.ChannelSMS && (f.lastSMSEver == nil || d.RequestedAt.After(f.lastSMSEver.RequestedAt)) {
			f.lastSMSEver = d
		}
		if !d.RequestedAt.Before(recentFrom) {
			f.recent = append(f.recent, d)
		}
	}
	slices.SortStableFunc(f.recent, func(a, b *data.Delivery) int {
		if c := b.RequestedAt.Compare(a.RequestedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	for _, d := range f.recent {
		switch d.Channel {
		case data.ChannelSMS:
			if f.lastSMS == nil {
				f.lastSMS = d
			}
		case data.ChannelEmail:
			if f.lastEmail == nil {
				f.lastEmail = d
			}
		case data.ChannelAppPush:
			if f.lastPush == nil {
				f.lastPush = d
			}
		}
	}
	rows := deliveries.ByForm(ds, f.now)
	for i := range rows {
		r := &rows[i]
		switch r.Form {
		case data.FormE164:
			f.e164 = r
		case data.FormTrunk0:
			f.trunk0 = r
		}
		if r.Network != "" && r.NetworkAt.After(f.networkAt) {
			f.network, f.networkAt = r.Network, r.NetworkAt
		}
	}
	if f.network == "" {
		return
	}
	// The newest earlier SMS that reached another network. Nearly every
	// delivery names the same network as the newest, so the exact comparison
	// comes first and the loose one (which allocates) only for the rest.
	networkFrom := f.now.Add(-networkWindow)
	for i := range ds {
		d := &ds[i]
		if d.Channel != data.ChannelSMS || d.NetworkReached == "" || d.NetworkReached == f.network ||
			!d.RequestedAt.Before(f.networkAt) || d.RequestedAt.Before(networkFrom) || deliveries.SameNetwork(d.NetworkReached, f.network) {
			continue
		}
		if f.prevNetwork == nil || d.RequestedAt.After(f.prevNetwork.RequestedAt) {
			f.prevNetwork = d
		}
	}
}

func (f *facts) digestLimits(rl *data.RateLimits) {
	if rl == nil {
		return
	}
	for _, l := range rl.Limits {
		if l.Blocked || (l.NextAllowedAt != nil && l.NextAllowedAt.After(f.now)) {
			f.blocked = append(f.blocked, l)
		}
	}
	slices.SortStableFunc(f.blocked, func(a, b data.DestinationLimits) int {
		return cmp.Compare(channelRank(a.Channel), channelRank(b.Channel))
	})
}

func channelRank(ch string) int {
	switch ch {
	case data.ChannelSMS:
		return 0
	case data.ChannelEmail:
		return 1
	}
	return 2
}

func (f *facts) digestLogins(es []logins.Event) {
	f.events = make([]*logins.Event, len(es))
	for i := range es {
		f.events[i] = &es[i]
	}
	slices.SortStableFunc(f.events, func(a, b *logins.Event) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	if len(f.events) > 0 {
		f.newest = f.events[0]
	}
	// Oldest first, so each suspect device keeps its first alarming event.
	for i := len(f.events) - 1; i >= 0; i-- {
		e := f.events[i]
		recent := f.now.Sub(e.At) <= formWindow
		alarming := e.NewCountry || e.ImpossibleTravel
		if recent && alarming {
			f.flagged = append(f.flagged, e)
		}
		dev := deviceKey(e)
		if recent && alarming && dev != "" && f.trusted[dev] == nil && f.suspects[dev] == nil {
			f.suspects[dev] = e
			f.suspectOrder = append(f.suspectOrder, dev)
		}
		if recent && e.FromPrevious && e.DistanceKM >= farKM && e.Location.NetworkKind == geo.KindMobile {
			f.farMobile = e // keeps the newest, the walk being oldest first
		}
	}
	slices.Reverse(f.flagged)
	for _, e := range f.events {
		dev := deviceKey(e)
		if f.suspects[dev] == nil || e.At.Before(f.suspects[dev].At) {
			continue
		}
		m := f.outcomes[dev]
		if m == nil {
			m = map[string]int{}
			f.outcomes[dev] = m
		}
		m[e.Outcome]++
	}
}

func deviceKey(e *logins.Event) string {
	if e.DeviceID != "" {
		return e.DeviceID
	}
	return e.DeviceName
}

// findSuspectCodes links recent codes that reached the customer to the sign-in
// that asked for them: a code delivered for a suspect device is the help page's
// "a code I did not ask for".
func (f *facts) findSuspectCodes() {
	if len(f.suspects) == 0 {
		return
	}
	byID := map[string]*logins.Event{}
	first := time.Time{}
	for _, e := range f.events {
		if f.suspects[deviceKey(e)] != nil {
			byID[e.ID] = e
		}
	}
	for _, s := range f.suspects {
		if first.IsZero() || s.At.Before(first) {
			first = s.At
		}
	}
	for _, d := range f.recent {
		if e := byID[d.LoginEventID]; e != nil && reached(d) && d.Purpose != data.PurposeResetPassword {
			f.suspectCodes = append(f.suspectCodes, suspectCode{d: d, ev: e})
		}
		if d.Purpose == data.PurposeResetPassword && reached(d) && d.RequestedAt.After(first) && byID[d.LoginEventID] == nil {
			f.resetAfter = append(f.resetAfter, d)
		}
	}
}

// reached reports whether a code got to the customer: delivered, or sent with
// no error (providers that never confirm delivery).
func reached(d *data.Delivery) bool {
	return d.Status == data.StatusDelivered || (d.Status == data.StatusSent && d.ProviderError == "")
}

// findVersions finds the newest app version seen on the account: on a trusted
// device, or in a sign-in's user agent ("Tapo/3.5.020 (...)"). The help page's
// "make sure the app is up to date" can only be judged against what this
// account shows; the console knows no store.
func (f *facts) findVersions() {
	app := ""
	if f.acct != nil {
		app = f.acct.App
	}
	last := ""
	consider := func(v, where string) {
		// Logins repeat one device's version thousands of times: compare
		// each run of equal versions once.
		if v == "" || v == last {
			return
		}
		last = v
		if compareVersions(v, f.latestVersion) > 0 {
			f.latestVersion, f.latestWhere = v, where
		}
	}
	for _, d := range f.devices {
		consider(d.AppVersion, d.Name)
	}
	from := f.now.Add(-formWindow)
	for _, e := range f.events {
		if e.At.Before(from) {
			break // newest first: the rest are older
		}
		if v := uaVersion(e.UserAgent, app); v != "" {
			consider(v, e.DeviceName)
		}
	}
}

// uaVersion is the version in a user agent "App/1.2.3 (...)" of this app.
func uaVersion(ua, app string) string {
	name, rest, ok := strings.Cut(ua, "/")
	if !ok || app == "" || !strings.EqualFold(name, app) {
		return ""
	}
	v, _, _ := strings.Cut(rest, " ")
	if v == "" || strings.Trim(v, "0123456789.") != "" {
		return ""
	}
	return v
}

// compareVersions compares dotted numeric versions: 3.5.020 > 3.4.512 > 2.8.27.
// A missing part counts as 0; non-numeric parts compare as text.
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	if b == "" {
		pb = nil
	}
	if a == "" {
		pa = nil
	}
	for i := range max(len(pa), len(pb)) {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		nx, ex := strconv.Atoi(x)
		ny, ey := strconv.Atoi(y)
		if ex == nil && ey == nil {
			if c := cmp.Compare(nx, ny); c != 0 {
				return c
			}
			continue
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// consecutiveFailures counts the newest recent codes that all failed, up to
// the first that did not.
func (f *facts) consecutiveFailures() int {
	n := 0
	for _, d := range f.recent {
		if !d.Failed() {
			break
		}
		n++
	}
	return n
}

// plannedCarrier is the diagnosis's original carrier when the diagnosis is of
// the account's number (same region), "" otherwise.
func (f *facts) plannedCarrier() string {
	if f.diag == nil || !f.diag.Valid || f.diag.Carrier == "" {
		return ""
	}
	if f.acct != nil && f.acct.PhoneRegion != "" && f.acct.PhoneRegion != f.diag.Region {
		return ""
	}
	return f.diag.Carrier
}

// porting is the Phone check tab's verdict (deliveries.CheckPorting) on the
// network reached against the plan's carrier.
func (f *facts) porting(carrier string) deliveries.Porting {
	var rows []deliveries.FormStats
	for _, r := range []*deliveries.FormStats{f.e164, f.trunk0} {
		if r != nil {
			rows = append(rows, *r)
		}
	}
	return deliveries.CheckPorting(rows, carrier)
}

// roamingLogin is the newest sign-in of the last day located in another
// country than the account's.
func (f *facts) roamingLogin() *logins.Event {
	if f.acct == nil || f.acct.Region == "" {
		return nil
	}
	for _, e := range f.events {
		if f.now.Sub(e.At) > roamingWindow {
			break
		}
		if e.Location.Found && e.Location.CountryCode != "" && e.Location.CountryCode != f.acct.Region {
			return e
		}
	}
	return nil
}

// Words for reasons. Times are absolute (UTC) because reasons are stored with
// the case and read later; "62 minutes ago" would be wrong by then.
//
// Each comes in two forms: the one with a localizer (whenIn, outcomeIn, ...),
// which the checklist's reasons use, in the agent's language of the moment
// the checklist is built (facts.lc); and the plain one, in English, which
// the escalation export (markdown.go: read by the escalation team, in
// English), the category suggestion and the network's health (suggest.go,
// health.go) use as they did.

// whenIn is a time as "2 Jan 15:04 UTC" in English, in lc's language.
func whenIn(lc *i18n.Localizer, t time.Time) string {
	return i18n.DayTime(lc.Language(), t.UTC()) + " UTC"
}

func when(t time.Time) string { return t.UTC().Format("2 Jan 15:04 UTC") }

func daysAgoIn(lc *i18n.Localizer, t, now time.Time) string {
	d := int(now.Sub(t).Hours() / 24)
	if d <= 0 {
		return lc.X("evidence.today", "today")
	}
	return lc.XN("evidence.days_ago", "{{.Count}} days ago", d)
}

func minutesIn(lc *i18n.Localizer, d time.Duration) string {
	m := int(d.Round(time.Minute).Minutes())
	switch {
	case d < time.Minute:
		return lc.X("evidence.seconds", "{{.Seconds}} seconds", i18n.M{"Seconds": int(d.Seconds())})
	case m < 120:
		return lc.XN("evidence.minutes", "{{.Count}} minutes", m)
	}
	return lc.X("evidence.hours", "{{.Hours}} hours", i18n.M{"Hours": i18n.Decimal(lc.Language(), d.Hours(), 1)})
}

func placeIn(lc *i18n.Localizer, l geo.Location) string {
	switch {
	case l.City != "" && l.Country != "":
		return l.City + ", " + l.Country
	case l.Country != "":
		return l.Country
	case l.IP != "":
		return l.IP
	}
	return lc.X("evidence.unknown_place", "an unknown place")
}

func place(l geo.Location) string { return placeIn(i18n.In(i18n.English), l) }

func deviceWordsIn(lc *i18n.Localizer, e *logins.Event) string {
	switch {
	case e.DeviceName != "" && e.DeviceModel != "" && e.DeviceModel != e.DeviceName:
		return e.DeviceName + " (" + e.DeviceModel + ")"
	case e.DeviceName != "":
		return e.DeviceName
	case e.DeviceModel != "":
		return e.DeviceModel
	}
	return lc.X("evidence.unnamed_device", "an unnamed device")
}

func deviceWords(e *logins.Event) string { return deviceWordsIn(i18n.In(i18n.English), e) }

// flagWordsIn is the login's flags (words.LoginFlags, whose words are
// services/words') with the speed of an impossible travel.
func flagWordsIn(lc *i18n.Localizer, e *logins.Event) string {
	f := words.LoginFlagsIn(lc.Language(), *e)
	if e.ImpossibleTravel {
		return lc.X("evidence.flags_speed", "{{.Flags}} ({{.Speed}} km/h)", i18n.M{"Flags": f, "Speed": i18n.Number(lc.Language(), e.SpeedKMH)})
	}
	return f
}

func flagWords(e *logins.Event) string { return flagWordsIn(i18n.In(i18n.English), e) }

func senderWords(lc *i18n.Localizer, d *data.Delivery) string {
	switch d.SenderKind {
	case "short_code":
		return lc.L("the short number {{.Sender}}", i18n.M{"Sender": d.Sender})
	case "sender_id":
		return lc.L("the sender name {{.Sender}}", i18n.M{"Sender": d.Sender})
	}
	return d.Sender
}

// meaningIn is what a provider error means: data.ProviderErrors' words, or
// that the provider reported an unknown one.
func meaningIn(lc *i18n.Localizer, code string) string {
	if pe, ok := data.ProviderErrors[code]; ok {
		return lc.T(pe.Meaning)
	}
	if code != "" {
		return lc.L("The provider reported error {{.Code}}.", i18n.M{"Code": code})
	}
	return ""
}

func meaning(code string) string { return meaningIn(i18n.In(i18n.English), code) }

// statusPhraseIn is the verb phrase of a delivery's status: "was undelivered",
// "bounced", "was deferred"; what it says it of is outcomeIn's What.
func statusPhraseIn(lc *i18n.Localizer, d *data.Delivery) string {
	if d.ProviderError == data.ProviderEmailDeferred {
		return lc.X("evidence.status.deferred", "was deferred")
	}
	switch d.Status {
	case data.StatusBounced:
		return lc.X("evidence.status.bounced", "bounced")
	case data.StatusFailed:
		return lc.X("evidence.status.failed", "failed")
	case data.StatusQueued:
		return lc.X("evidence.status.queued", "is still queued")
	case "":
		return lc.X("evidence.status.none", "has no status")
	case data.StatusDelivered:
		return lc.X("evidence.status.delivered", "was delivered")
	case data.StatusSent:
		return lc.X("evidence.status.sent", "was sent")
	case data.StatusUndelivered:
		return lc.X("evidence.status.undelivered", "was undelivered")
	}
	return lc.X("evidence.status.other", "was {{.Status}}", i18n.M{"Status": d.Status})
}

// outcomeIn says what happened to a delivery: "The last SMS (1 Dec 09:41 UTC)
// was undelivered (30003). The handset could not be reached (...)."; what is
// already in lc's language.
func outcomeIn(lc *i18n.Localizer, what string, d *data.Delivery) string {
	m := i18n.M{"What": what, "When": whenIn(lc, d.RequestedAt), "Status": statusPhraseIn(lc, d), "Error": d.ProviderError}
	s := lc.L("{{.What}} ({{.When}}) {{.Status}}.", m)
	if d.ProviderError != "" {
		s = lc.L("{{.What}} ({{.When}}) {{.Status}} ({{.Error}}).", m)
	}
	if mn := meaningIn(lc, d.ProviderError); mn != "" {
		return s + " " + mn
	}
	return s
}

// regionWordsIn is a country as phone.RegionLabel names it ("Taiwan (+886)").
func regionWordsIn(lc *i18n.Localizer, code string) string {
	if code == "" {
		return lc.X("evidence.unknown_country", "an unknown country")
	}
	return phone.RegionLabelIn(lc.Language(), code)
}

func regionWords(code string) string { return regionWordsIn(i18n.In(i18n.English), code) }

func joinAndIn(lc *i18n.Localizer, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	n := len(items) - 1
	return lc.X("evidence.list_and", "{{.List}} and {{.Last}}", i18n.M{"List": strings.Join(items[:n], lc.X("evidence.list_comma", ", ")), "Last": items[n]})
}

func joinAnd(items []string) string { return joinAndIn(i18n.In(i18n.English), items) }
