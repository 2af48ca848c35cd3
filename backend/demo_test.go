package backend

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"
	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

func TestDemoLoginIPsAreDocumentationAddresses(t *testing.T) {
	t.Parallel()
	ranges := []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32"),
	}
	ips := DemoLoginIPs()
	if len(ips) < 15 {
		t.Fatalf("only %d demo IPs", len(ips))
	}
	for _, s := range ips {
		a, err := netip.ParseAddr(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		ok := false
		for _, p := range ranges {
			ok = ok || p.Contains(a)
		}
		if !ok {
			t.Errorf("%s is outside the documentation ranges", s)
		}
	}
}

// TestDemoCoversSpecRows checks the story of every row of SPEC section 3 in the
// seeded data, as an agent would find it.
func TestDemoCoversSpecRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.signIn("ana")
	now := e.clock.Now()
	acc := func(id string) data.Account {
		var a data.Account
		r := e.do("GET", "/v1/accounts/"+id, tok, nil)
		e.want(r, 200)
		r.decode(t, &a)
		return a
	}
	has := func(id string, f func(d data.Delivery) bool) bool {
		for _, d := range e.deliveries(tok, id) {
			if f(d) {
				return true
			}
		}
		return false
	}
	// SMS never arrives: unreachable handset.
	if !has(e.findPhone(tok, "+447911123456").ID, func(d data.Delivery) bool {
		return d.ProviderError == data.ProviderUnreachable && now.Sub(d.RequestedAt) < time.Hour
	}) {
		t.Error("GB: no recent unreachable SMS")
	}
	// VoIP refused.
	if !has(e.findPhone(tok, "+445612345678").ID, func(d data.Delivery) bool { return d.ProviderError == data.ProviderVoIPRefused }) {
		t.Error("VoIP: no refused delivery")
	}
	// Ported number: the network reached differs from the original carrier.
	n, _ := phonenumbers.Parse("+491701234567", "")
	orig, _ := phonenumbers.GetCarrierForNumber(n, "en")
	if !has("acc_1007", func(d data.Delivery) bool { return d.NetworkReached != "" && d.NetworkReached != orig }) {
		t.Errorf("ported: no delivery reached a network other than %s", orig)
	}
	// 2FA email: bounced and deferred.
	if !has("acc_1008", func(d data.Delivery) bool { return d.Status == data.StatusBounced }) ||
		!has("acc_1009", func(d data.Delivery) bool { return d.ProviderError == data.ProviderEmailDeferred }) {
		t.Error("no bounced or deferred 2FA email")
	}
	// 2FA app notification refused: notifications off.
	if !has("acc_1010", func(d data.Delivery) bool { return d.ProviderError == data.ProviderPushNotifDisabled }) {
		t.Error("no refused notification")
	}
	if d := devices(e, tok, "acc_1010"); d[0].NotificationsAllowed {
		t.Error("JP trusted device allows notifications")
	}
	// A code the customer never asked for: from an unknown device abroad.
	us := e.findPhone(tok, "+16502530000")
	if !has(us.ID, func(d data.Delivery) bool { return d.RequestIP == ipAbroadLagos && d.LoginEventID != "" }) {
		t.Error("US: no code requested from abroad")
	}
	// Other ways in: password and WeChat.
	if cn := acc("acc_1011"); !cn.PasswordSet || len(cn.LinkedLogins) != 1 || cn.LinkedLogins[0] != "wechat" {
		t.Errorf("CN account %+v", cn)
	}
	// Locked account, in the future relative to now.
	if in := acc("acc_1012"); !in.Lock.Locked || in.Lock.Until == nil || !in.Lock.Until.After(now) {
		t.Errorf("locked account %+v", in.Lock)
	}
	// 2FA not rolled out.
	if k := acc("acc_1006"); k.App != data.AppKasa || k.TwoFactor.FeatureAvailable {
		t.Errorf("Kasa roll-out %+v", k)
	}
	// Countries and apps.
	regions, apps := map[string]bool{}, map[string]bool{}
	for _, a := range demoData(now) {
		regions[a.acc.Region], apps[a.acc.App] = true, true
	}
	for _, r := range []string{"TW", "GB", "US", "DE", "CN", "JP", "BR", "IN"} {
		if !regions[r] {
			t.Errorf("no demo account in %s", r)
		}
	}
	if !apps[data.AppTapo] || !apps[data.AppKasa] {
		t.Error("both apps needed")
	}
}

func TestDemoSeedIsIdempotentAndRecent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.db")
	clk := newClock()
	count := func() (deliveries, logins int) {
		s, err := Open(Config{DBPath: path, Demo: true, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_ = s.db.View(func(tx *bolt.Tx) error {
			deliveries = tx.Bucket(bucketDeliveries).Stats().KeyN
			logins = tx.Bucket(bucketLogins).Stats().KeyN
			return nil
		})
		return
	}
	d1, l1 := count()
	clk.Advance(30 * 24 * time.Hour)
	d2, l2 := count()
	if d1 == 0 || l1 == 0 || d1 != d2 || l1 != l2 {
		t.Errorf("seeding twice: %d/%d deliveries, %d/%d logins", d1, d2, l1, l2)
	}
	// A month later the DE account is still at its hourly limit.
	s, err := Open(Config{DBPath: path, Demo: true, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_ = s.db.View(func(tx *bolt.Tx) error {
		st := s.limitState(tx, "acc_1004", data.ChannelSMS, "+4915123456789", data.PurposeLogin, clk.Now())
		if !st.Blocked {
			t.Error("DE account no longer at its limit after reseeding")
		}
		return nil
	})
}

func TestSecondOpenOfSameFileFails(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.db")
	s, err := Open(Config{DBPath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(Config{DBPath: path}); err == nil {
		t.Fatal("second open of a locked file succeeded")
	}
}

func TestStartDemo(t *testing.T) {
	t.Parallel()
	url, stop, err := StartDemo(context.Background(), filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(url + "/v1/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("status %d", res.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal("second stop:", err)
	}
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "g.db")
	st, err := Generate(context.Background(), path, 300, time.Now(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if st.Accounts != 300 || st.LoginEvent < 300*10 || st.Deliveries == 0 {
		t.Fatalf("stats %+v", st)
	}
	e := newEnv(t, func(c *Config) { c.DBPath = path })
	e.s.AddAgent(t.Context(), "ag_t", "t", "T", data.RoleAgent, "pw")
	r := e.do("POST", "/v1/agent/sessions", "", data.SignInRequest{Username: "t", Password: "pw"})
	var s data.Session
	r.decode(t, &s)
	r = e.do("GET", "/v1/accounts/gen_0000042", s.Token, nil)
	e.want(r, 200)
	var a data.Account
	r.decode(t, &a)
	if a.Name == "" || a.Region == "" {
		t.Fatalf("generated %+v", a)
	}
	var phone string
	_ = e.s.db.View(func(tx *bolt.Tx) error {
		rec, _ := loadAccount(tx, "gen_0000042")
		phone = rec.Phone
		return nil
	})
	if phone != "" {
		if got := e.findPhone(s.Token, phone); got.ID != "gen_0000042" {
			t.Errorf("search by generated phone found %s", got.ID)
		}
	}
	if _, err := Generate(canceled(), path, 10, time.Now(), 1); err == nil {
		t.Error("canceled generate succeeded")
	}
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// TestGenerateTwiceAddsAccounts: a second run into the same file adds new
// accounts after the existing ones instead of rewriting them.
func TestGenerateTwiceAddsAccounts(t *testing.T) {
	t.Parallel()
	const n = 25
	path := filepath.Join(t.TempDir(), "g.db")
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for run := range 2 {
		// The same seed twice: the worst case for colliding records.
		st, err := Generate(context.Background(), path, n, now, 7)
		if err != nil || st.Accounts != n {
			t.Fatalf("generate: %+v, %v", st, err)
		}
		if first, last := fmt.Sprintf("gen_%07d", run*n+1), fmt.Sprintf("gen_%07d", run*n+n); st.FirstID != first || st.LastID != last {
			t.Errorf("run %d wrote %s..%s, want %s..%s", run+1, st.FirstID, st.LastID, first, last)
		}
	}
	e := newEnv(t, func(c *Config) { c.DBPath = path; c.Demo = false })
	if err := e.s.AddAgent(t.Context(), "ag_t", "t", "T", data.RoleAgent, "pw"); err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", "/v1/agent/sessions", "", data.SignInRequest{Username: "t", Password: "pw"})
	e.want(r, http.StatusCreated)
	var s data.Session
	r.decode(t, &s)
	phones := map[string]string{}
	for i := 1; i <= 2*n; i++ {
		id := fmt.Sprintf("gen_%07d", i)
		e.want(e.do("GET", "/v1/accounts/"+id, s.Token, nil), http.StatusOK)
		var phone string
		_ = e.s.db.View(func(tx *bolt.Tx) error {
			if a, _ := loadAccount(tx, id); a != nil {
				phone = a.Phone
			}
			return nil
		})
		if phone == "" {
			continue
		}
		if other, dup := phones[phone]; dup {
			t.Errorf("%s and %s share %s", other, id, phone)
		}
		phones[phone] = id
		if got := e.findPhone(s.Token, phone); got.ID != id {
			t.Errorf("search by %s's phone found %s", id, got.ID)
		}
	}
	if len(phones) == 0 {
		t.Fatal("no generated account has a phone")
	}
	e.want(e.do("GET", fmt.Sprintf("/v1/accounts/gen_%07d", 2*n+1), s.Token, nil), http.StatusNotFound)
}

// TestStartDemoSeedsAfterServing: the demo backend answers sign-in while the
// accounts are written, and a search made at once waits for them: it never
// sees a half-seeded account.
func TestStartDemoSeedsAfterServing(t *testing.T) {
	dir := t.TempDir()
	for run := range 2 { // a fresh file, then one seeded before
		base, stop, err := StartDemo(context.Background(), filepath.Join(dir, "demo.db"))
		if err != nil {
			t.Fatal(err)
		}
		body := strings.NewReader(`{"username":"ana","password":"demo"}`)
		res, err := http.Post(base+"/v1/agent/sessions", "application/json", body)
		if err != nil {
			t.Fatal(err)
		}
		var sess data.Session
		_ = json.NewDecoder(res.Body).Decode(&sess)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
			t.Fatalf("run %d: sign-in %d", run, res.StatusCode)
		}
		req, _ := http.NewRequest("GET", base+"/v1/accounts/acc_1014/deliveries", nil)
		req.Header.Set("Authorization", "Bearer "+sess.Token)
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var list data.DeliveryList
		_ = json.NewDecoder(res.Body).Decode(&list)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || len(list.Deliveries) == 0 {
			t.Errorf("run %d: deliveries %d, %d of them: want the seeded history", run, res.StatusCode, len(list.Deliveries))
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
	}
}
