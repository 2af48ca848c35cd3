package screens

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"verifydesk/backend/backendtest"
	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/phone"
)

// openHealthScreen signs the demo supervisor in and taps Delivery health in the top
// bar.
func openHealthScreen(t *testing.T) (*UI, *healthScreen) {
	t.Helper()
	u := signedInAs(t, backendtest.New(t).URL, "sam", &timers{})
	test.Tap(findButton(t, u.Content(), "Delivery health"))
	s := u.work.health
	if s == nil || len(u.work.center.Objects) != 1 || u.work.center.Objects[0] != s.content {
		t.Fatal("Health did not show the delivery health screen in the main area")
	}
	return u, s
}

// healthCellText is what the table draws in a cell.
func healthCellText(t *testing.T, s *healthScreen, row, col int) string {
	t.Helper()
	o := s.table.CreateCell()
	s.table.UpdateCell(widget.TableCellID{Row: row, Col: col}, o)
	return o.(*fyne.Container).Objects[0].(*widget.Label).Text
}

func column(name string) int {
	for i, c := range healthColumns {
		if c == name {
			return i
		}
	}
	panic(name)
}

// The supervisor opens Delivery health from the top bar: the demo's JT
// outage (the network of +447911123456) is the first row, in capitals and
// with its drop, and the prefix with a surge of unused codes is called out.
func TestHealthScreenListsTheOutageFirst(t *testing.T) {
	u, s := openHealthScreen(t)
	if len(s.health.Rows) < 2 {
		t.Fatalf("%d rows; the state says %q", len(s.health.Rows), s.state.Text)
	}
	if got := healthCellText(t, s, 0, column("Network")); got != "JT" {
		t.Errorf("first row's network %q, want the JT outage first", got)
	}
	if got := healthCellText(t, s, 0, column("Last hour")); got != "OUTAGE" {
		t.Errorf("first row's verdict %q", got)
	}
	if got := healthCellText(t, s, 0, column("Delivered")); !strings.Contains(got, "% of ") {
		t.Errorf("first row's last hour %q", got)
	}
	if got := healthCellText(t, s, 1, column("Last hour")); got == "OUTAGE" {
		t.Errorf("the second row is an outage too: the demo has one")
	}
	// Conversion where the backend knows it: the pumped sign-up codes to
	// the UK's premium-rate range (no carrier: "not known") arrive and are
	// never used.
	for i, r := range s.health.Rows {
		if r.Country == "GB" && r.Network == "" {
			if got := healthCellText(t, s, i, column("Used")); got != "0%" {
				t.Errorf("the pumped row's codes used: %q", got)
			}
		}
	}
	if got := healthCellText(t, s, 0, column("Used")); !strings.HasSuffix(got, "%") {
		t.Errorf("the outage's codes used: %q", got)
	}
	if !s.surges.Visible() || !strings.Contains(s.surges.Text, "Possible SMS pumping") || !strings.Contains(s.surges.Text, "+449098") {
		t.Errorf("surge alert %q (visible %v)", s.surges.Text, s.surges.Visible())
	}
	screen := screenText(u.Content())
	for _, want := range []string{"OUTAGE", "JT", "Lost"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen does not show %q:\n%s", want, screen)
		}
	}
	// Each row draws its last 24 hours.
	o := s.table.CreateCell()
	s.table.UpdateCell(widget.TableCellID{Row: 0, Col: healthSparkCol}, o)
	sp := o.(*fyne.Container).Objects[1].(*sparkline)
	if !sp.Visible() || len(sp.rates) != 24 || sp.usual == nil {
		t.Errorf("the sparkline: visible %v, %d hours, usual %v", sp.Visible(), len(sp.rates), sp.usual)
	}
	sp.Resize(fyne.NewSize(120, 20))
	if objs := test.TempWidgetRenderer(t, sp).Objects(); len(objs) < 10 {
		t.Errorf("the sparkline draws %d objects for 24 hours", len(objs))
	}
	// The window still fits a 1080p screen at scale 1.5 with the screen
	// and the supervisor's wider top bar.
	if min := smallest(u.win); min.Width > fitAtScale.Width || min.Height > fitAtScale.Height {
		t.Errorf("the window needs %v, more than %v", min, fitAtScale)
	}
}

// The filters change the rows: a channel shows only its rows, a country
// only its networks (the outage is not in the United Kingdom's list:
// libphonenumber puts +447911123456 on JT in Guernsey).
func TestHealthScreenFiltersChangeTheRows(t *testing.T) {
	_, s := openHealthScreen(t)
	all := len(s.health.Rows)
	s.channel.SetSelected("App notification")
	if len(s.health.Rows) == 0 || len(s.health.Rows) >= all {
		t.Fatalf("app notifications: %d rows of %d", len(s.health.Rows), all)
	}
	for i := range s.health.Rows {
		if got := healthCellText(t, s, i, column("Channel")); got != "app notification" {
			t.Errorf("row %d under the app notification filter is %q", i, got)
		}
	}
	if s.surges.Visible() {
		t.Errorf("SMS surges shown under the app notification filter: %q", s.surges.Text)
	}
	s.channel.SetSelected(anyChannel)
	s.country.SetSelected("United Kingdom")
	if len(s.health.Rows) == 0 {
		t.Fatalf("no United Kingdom rows: %q", s.state.Text)
	}
	for i := range s.health.Rows {
		if got := healthCellText(t, s, i, column("Country")); got != "United Kingdom" {
			t.Errorf("row %d under the United Kingdom filter is %q", i, got)
		}
		if healthCellText(t, s, i, column("Network")) == "JT" {
			t.Error("JT (Guernsey) under the United Kingdom filter")
		}
	}
	s.country.SetSelected("Guernsey")
	if len(s.health.Rows) != 1 || healthCellText(t, s, 0, column("Network")) != "JT" {
		t.Errorf("Guernsey: %d rows, the first %q", len(s.health.Rows), healthCellText(t, s, 0, column("Network")))
	}
}

// The export holds the rows shown, in their order, and no cell a
// spreadsheet would run as a formula.
func TestHealthScreenExportsWhatIsShown(t *testing.T) {
	_, s := openHealthScreen(t)
	s.country.SetSelected("United Kingdom")
	dir := t.TempDir()
	s.exportTo(dir)
	if !strings.HasPrefix(s.state.Text, "Exported what is shown: ") {
		t.Fatalf("after the export the screen says %q", s.state.Text)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "delivery-health-all-GB-*.csv"))
	var main string
	for _, f := range files {
		if !strings.HasSuffix(f, "-surges.csv") {
			main = f
		}
	}
	if main == "" {
		t.Fatalf("no export file in %v", files)
	}
	recs := readCSV(t, main)
	if len(recs) != len(s.health.Rows)+1 {
		t.Fatalf("%d records for %d rows shown", len(recs), len(s.health.Rows))
	}
	for i := range s.health.Rows {
		if recs[i+1][0] != s.health.Rows[i].Channel || recs[i+1][1] != "GB" || recs[i+1][2] != s.health.Rows[i].Network {
			t.Errorf("record %d is %v, the row shown %s/%s/%s", i+1, recs[i+1][:3], s.health.Rows[i].Channel, s.health.Rows[i].Country, s.health.Rows[i].Network)
		}
	}
	if st, err := os.Stat(main); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the export's mode: %v %v", st.Mode(), err)
	}
	for _, f := range files {
		noFormulaCells(t, readCSV(t, f))
	}
}

// A network name from the backend that a spreadsheet would run is written
// as text, and a country that is not a name cannot lead the file elsewhere.
func TestHealthCSVNeutralisesFormulasAndPaths(t *testing.T) {
	rate := 0.5
	h := data.DeliveryHealth{GeneratedAt: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), Rows: []data.HealthRow{{
		Channel: data.ChannelSMS, Country: "GB", Network: `=HYPERLINK("http://x","y")`, Impact: 3,
		Windows:    []data.HealthWindow{{Window: data.Window1h, Sent: 10, Delivered: 5, DeliveryRate: &rate, Verdict: data.VerdictOutage, Failed: map[string]int64{"-30": 5}}},
		HourlyRate: []*float64{nil, &rate},
	}}, Surges: []data.PrefixSurge{{Prefix: "+449", Country: "@GB", UnverifiedSends: 30, Threshold: 20}}}
	dir := t.TempDir()
	paths, err := writeHealthCSV(dir, h, client.HealthQuery{Country: "../../etc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 {
		t.Fatalf("paths %v", paths)
	}
	for _, p := range paths {
		if filepath.Dir(p) != dir {
			t.Errorf("written outside the folder picked: %s", p)
		}
		recs := readCSV(t, p)
		noFormulaCells(t, recs)
		if strings.HasSuffix(p, "-surges.csv") {
			continue
		}
		if recs[1][2] != `'=HYPERLINK("http://x","y")` {
			t.Errorf("network cell %q", recs[1][2])
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

func noFormulaCells(t *testing.T, recs [][]string) {
	t.Helper()
	for i, rec := range recs {
		for j, c := range rec {
			if v := strings.TrimSpace(c); v != "" && strings.ContainsAny(v[:1], "=+-@") || strings.HasPrefix(c, "\t") || strings.HasPrefix(c, "\r") {
				t.Errorf("record %d cell %d %q would run as a formula", i, j, c)
			}
		}
	}
}

// Beside the Codes tab's health line, the network's last 24 hours: the JT
// outage's last hour sits under half its usual rate. Another customer's
// account with no line shows no sparkline of the one before.
func TestCodesTabDrawsTheNetworksDayBesideTheLine(t *testing.T) {
	tu := newTruthUI(t, false)
	ws := tu.ws
	ws.tabs.SelectIndex(tabIndex(ws.panels, "Codes"))
	search(t, tu.u, "GB", "+447911123456")
	sp := ws.codes.healthSpark
	if !sp.Visible() || len(sp.rates) != 24 || sp.usual == nil {
		t.Fatalf("the sparkline: visible %v, %d hours, usual %v", sp.Visible(), len(sp.rates), sp.usual)
	}
	if last := sp.rates[23]; last == nil || *last >= *sp.usual/2 {
		t.Errorf("the outage's last hour %v against the usual %v", last, *sp.usual)
	}
	search(t, tu.u, "", "acc_1014")
	if sp.Visible() && ws.codes.health == "" {
		t.Error("a sparkline without a health line")
	}
}

// The Codes tab's line judges the network this caller's codes reached, else
// the carrier the numbering plan first gave the number (from the phone
// search), else the country's worst; it says which.
func TestHealthLineSaysWhichNetwork(t *testing.T) {
	rate := func(r float64) *float64 { return &r }
	row := func(network, verdict string, r float64) data.HealthRow {
		return data.HealthRow{Channel: data.ChannelSMS, Country: "GB", Network: network, BaselineRate: rate(0.97),
			Windows: []data.HealthWindow{{Window: data.Window1h, Sent: 100, Delivered: int64(r * 100), DeliveryRate: rate(r), Verdict: verdict}}}
	}
	h := data.DeliveryHealth{Rows: []data.HealthRow{row("EE", data.VerdictOutage, 0.4), row("O2", data.VerdictNormal, 0.96)}}
	reached := []data.Delivery{{Channel: data.ChannelSMS, NetworkReached: "O2"}}
	diag := phone.Diagnose("GB", "07400 123456")
	byPhone := accountView{Account: data.Account{PhoneRegion: "GB"}, found: &foundBy{q: client.AccountQuery{Phone: diag.E164}, diagnosis: &diag}}
	plannedCarrier := diag.Carrier
	if plannedCarrier == "" {
		t.Fatal("no carrier in the numbering plan for the example number")
	}
	h.Rows = append(h.Rows, row(plannedCarrier, data.VerdictDegraded, 0.7))
	for _, tc := range []struct {
		name  string
		rows  []data.Delivery
		acct  accountView
		wants []string
	}{
		{"reached", reached, byPhone, []string{"SMS to O2 (United Kingdom) delivers normally"}},
		{"first carrier", nil, byPhone, []string{"SMS to " + plannedCarrier + " (United Kingdom, the number's first carrier)", "not this caller's phone"}},
		{"not known", nil, accountView{Account: data.Account{PhoneRegion: "GB"}}, []string{"SMS in United Kingdom (this number's network is not known; the worst one, EE)", "not this caller's phone"}},
	} {
		network, planned := customerNetwork(tc.rows, tc.acct)
		text, _, r, ok := healthLine(h, network, planned)
		if !ok || r == nil {
			t.Errorf("%s: no line", tc.name)
			continue
		}
		for _, w := range tc.wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q lacks %q", tc.name, text, w)
			}
		}
	}
}
