package screens

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/deliveries"
)

// signedInDemo starts the reference backend with its demo data and signs the
// agent ana in.
func signedInDemo(t *testing.T) *client.Client {
	t.Helper()
	srv := backendtest.New(t)
	c := client.New(srv.URL, client.Options{})
	if _, err := c.SignIn(context.Background(), "ana", "demo"); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	return c
}

// TestPhoneCheckMistypedNumberAndDeliveriesPerForm is the Taiwan case of the
// help pages: the customer typed "+886 0936-123-456", the account stores the
// legacy +8860936123456, and codes to that form fail while codes to the E.164
// form arrive.
func TestPhoneCheckMistypedNumberAndDeliveriesPerForm(t *testing.T) {
	test.NewTempApp(t)
	c := signedInDemo(t)
	ctx := context.Background()

	p := newPhoneCheckPanel(c)
	w := test.NewWindow(p.build())
	defer w.Close()
	w.Resize(fyne.NewSize(1200, 900))

	p.setTyped("TW", "+886 0936-123-456")
	if p.diag == nil || p.diag.E164 != "+886936123456" {
		t.Fatalf("diagnosis %+v", p.diag)
	}
	// The search finds the account by the E.164 the diagnosis gives, although
	// the account stores the legacy trunk-0 form.
	accts, err := c.SearchAccounts(ctx, client.AccountQuery{Phone: p.diag.E164})
	if err != nil || len(accts) != 1 {
		t.Fatalf("search %s: %v %v", p.diag.E164, accts, err)
	}
	acct := accts[0]
	p.setAccount(&acct)
	p.loadState().loading()
	if got := screenText(w.Content()); !strings.Contains(got, "Loading the SMS deliveries") {
		t.Errorf("no loading state:\n%s", got)
	}
	if err := loadNow(ctx, p, acct); err != nil {
		t.Fatal(err)
	}

	screen := screenText(w.Content())
	for _, want := range []string{
		// what was typed and what is wrong with it, each with its severity word
		`"+886 0936-123-456" (Taiwan chosen)`,
		"needs changes",
		"warning",
		"The number starts with a plus sign (+).",
		"The country code 886 (Taiwan) was typed in front of the number.",
		"The trunk prefix 0 was kept after the country code 886",
		"Type the number without the country code and without the 0: 936123456.",
		// the number and what to type
		"+886936123456", "0936 123 456", "+886 936 123 456",
		"936123456  (after choosing Taiwan)", "0936123456",
		// the stored number
		acct.PhoneMasked, "trunk 0 stored",
		"Stored with the trunk 0 after the country code (legacy form).",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the tab does not show %q:\n%s", want, screen)
		}
	}

	// Deliveries per form: the E.164 form delivered, the trunk-0 form failed.
	rows := map[string]deliveries.FormStats{}
	for _, r := range p.rows {
		rows[r.Form] = r
	}
	e, z := rows[data.FormE164], rows[data.FormTrunk0]
	if e.Sent == 0 || e.Delivered == 0 {
		t.Errorf("E.164 form: %+v", e)
	}
	if z.Sent == 0 || z.Delivered != 0 || z.Failed != z.Sent {
		t.Errorf("trunk-0 form: %+v", z)
	}
	if len(p.rows) != 2 || p.rows[0].Form != data.FormE164 {
		t.Fatalf("rows %+v", p.rows)
	}
	if got := p.cell(1, 0); !strings.Contains(got, "With the trunk 0") {
		t.Errorf("row 2 form cell %q", got)
	}
	if got := p.cell(1, 4); !strings.HasPrefix(got, data.StatusUndelivered+": ") {
		t.Errorf("trunk-0 last status %q: want the provider's reason", got)
	}
	if got := p.cell(0, 6); got != "FarEasTone" {
		t.Errorf("network reached %q", got)
	}
	if got := p.ls.label.Text; !strings.Contains(got, "Codes arrive without the 0 (E.164) and fail with the trunk 0 (legacy).") {
		t.Errorf("summary %q", got)
	}
	// The table draws the rows the agent reads.
	screen = screenText(w.Content())
	for _, want := range []string{"Without the 0 (E.164)", "With the trunk 0 (legacy)", "Codes sent", "Delivered", "Failed"} {
		if !strings.Contains(screen, want) {
			t.Errorf("table lacks %q:\n%s", want, screen)
		}
	}
	// Selecting the failing form explains its last status in full.
	p.table.Select(widget.TableCellID{Row: 1, Col: 4})
	if !strings.Contains(p.detail.Text, data.ProviderErrors[data.ProviderUnknownNumber].Meaning) {
		t.Errorf("detail of the trunk-0 form: %q", p.detail.Text)
	}
	// The provider reached the network the number was first given to.
	if !strings.Contains(p.network.Text, "FarEasTone") || !strings.Contains(p.network.Text, "not ported") || p.ported.Visible() {
		t.Errorf("network: %q (ported badge %v)", p.network.Text, p.ported.Visible())
	}
}

func TestPhoneCheckCorrectInputAndEmptyStates(t *testing.T) {
	test.NewTempApp(t)
	p := newPhoneCheckPanel(fakeDeliveries{})
	w := test.NewWindow(p.build())
	defer w.Close()
	w.Resize(fyne.NewSize(1200, 900))

	if s := screenText(w.Content()); !strings.Contains(s, "Type the number in the search field exactly as the customer typed it") || !strings.Contains(s, "No account open.") {
		t.Errorf("initial state:\n%s", s)
	}
	p.setTyped("CN", "13800138000")
	if s := screenText(w.Content()); !strings.Contains(s, "typed correctly") || !strings.Contains(s, "Nothing to correct") {
		t.Errorf("clean input:\n%s", s)
	}
	p.setTyped("GB", "056 1234 5678")
	s := screenText(w.Content())
	for _, want := range []string{"will not work", "error", "internet (VoIP) number", "Can get SMS", "no"} {
		if !strings.Contains(s, want) {
			t.Errorf("VoIP input lacks %q:\n%s", want, s)
		}
	}

	acct := &data.Account{ID: "acc_x", PhoneMasked: "+44 5** *** 678", PhoneRegion: "GB", PhoneStoredForm: data.FormE164}
	p.setAccount(acct)
	_ = loadNow(context.Background(), p, *acct)
	if got := p.ls.label.Text; got != "No SMS sent to this number in the last 30 days." {
		t.Errorf("empty state %q", got)
	}
	if s := screenText(w.Content()); !strings.Contains(s, "Stored in the international (E.164) form.") {
		t.Errorf("stored form:\n%s", s)
	}
}

func TestPhoneCheckPortedAndErrors(t *testing.T) {
	test.NewTempApp(t)
	now := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	src := fakeDeliveries{dels: []data.Delivery{
		{ID: "d1", Channel: data.ChannelSMS, DestinationForm: data.FormE164, DestinationMasked: "+886 9** *** 456", Status: data.StatusDelivered, RequestedAt: now.Add(-time.Hour), NetworkReached: "Chunghwa Telecom"},
		{ID: "d2", Channel: data.ChannelSMS, DestinationForm: data.FormE164, Status: data.StatusDelivered, RequestedAt: now.Add(-40 * 24 * time.Hour)}, // outside 30 days
		{ID: "d3", Channel: data.ChannelEmail, Status: data.StatusDelivered, RequestedAt: now.Add(-time.Hour)},
	}}
	p := newPhoneCheckPanel(src)
	p.now = func() time.Time { return now }
	w := test.NewWindow(p.build())
	defer w.Close()

	p.setTyped("TW", "0936123456")
	acct := data.Account{ID: "acc_1", PhoneMasked: "+886 9** *** 456", PhoneRegion: "TW", PhoneStoredForm: data.FormE164}
	p.setAccount(&acct)
	_ = loadNow(context.Background(), p, acct)
	if len(p.rows) != 1 || p.rows[0].Sent != 1 {
		t.Fatalf("rows %+v", p.rows)
	}
	if !p.ported.Visible() || !strings.Contains(p.network.Text, "ported") || !strings.Contains(p.network.Text, p.diag.Carrier) {
		t.Errorf("ported not shown: %q", p.network.Text)
	}
	if got := p.cell(0, 5); !strings.HasPrefix(got, "14:00") && !strings.Contains(got, "1 h ago") {
		t.Errorf("last sent %q", got)
	}

	// A backend error shows in words, and a late answer for an account the
	// agent has left is dropped.
	p.src = fakeDeliveries{err: client.ErrTimeout}
	_ = loadNow(context.Background(), p, acct)
	if !strings.HasPrefix(p.ls.label.Text, "The SMS deliveries could not be loaded: ") || strings.Contains(p.ls.label.Text, "ErrTimeout") {
		t.Errorf("error state %q", p.ls.label.Text)
	}
	p.setAccount(nil)
	if p.rows != nil || !strings.Contains(p.ls.label.Text, "Search for the caller's account") {
		t.Errorf("cleared: %+v %q", p.rows, p.ls.label.Text)
	}
}

type fakeDeliveries struct {
	dels []data.Delivery
	err  error
}

func (f fakeDeliveries) Deliveries(context.Context, string) ([]data.Delivery, error) {
	return f.dels, f.err
}
