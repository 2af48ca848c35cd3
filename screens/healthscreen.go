package screens

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"verifydesk/data"
	"verifydesk/services/client"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
	"verifydesk/services/words"
)

// healthScreen is the supervisors' delivery health in the main area (GET
// /v1/delivery-health): one row per channel, country and network, the rows
// that lost the most deliveries in the last hour first (sent × the drop
// below the usual rate), each with its last 24 hours as a sparkline; filters
// by channel and country; the prefixes with a surge of unverified sends
// (possible SMS pumping); and a CSV export of exactly what is shown.
type healthScreen struct {
	w *workspace

	channel *widget.Select
	country *widget.Select
	refresh *widget.Button
	export  *widget.Button
	state   *widget.Label
	surges  *widget.Label
	table   *widget.Table

	// health is the answer on screen and query the filters it answered.
	health data.DeliveryHealth
	query  client.HealthQuery
	// countries are the countries any answer named, by the name the filter
	// shows: the filter offers them even while another filter is on.
	countries map[string]string
	gen       generation
	content   fyne.CanvasObject
}

// The filters' "no filter" choices, in English: the filters show i18n.T of
// them.
var (
	anyChannel = i18n.Mark("any channel")
	anyCountry = i18n.Mark("any country")
)

// healthChannels are the channel filter's choices, the first none; the
// filter reads its choice by index, so the labels are only what it shows.
var healthChannels = []struct {
	label   i18n.Text
	channel string
}{
	{i18n.Text{Key: anyChannel, English: anyChannel}, ""},
	{i18n.XMsg("health.channel.sms", "SMS"), data.ChannelSMS},
	{i18n.XMsg("health.channel.email", "Email"), data.ChannelEmail},
	{i18n.XMsg("health.channel.app_push", "App notification"), data.ChannelAppPush},
}

// healthColumns are the columns, in English: they identify a column (the
// tests find one by it); the header shows each in the agent's language.
var healthColumns = []string{i18n.Mark("Channel"), i18n.Mark("Country"), i18n.Mark("Network"), i18n.Mark("Last hour"),
	i18n.Mark("Delivered"), i18n.Mark("Usual"), i18n.Mark("Lost"), i18n.Mark("p90 latency"), i18n.Mark("Used"), i18n.Mark("Last 24 hours")}

// healthSparkCol is the column drawn as a sparkline.
const healthSparkCol = 9

func newHealthScreen(w *workspace) *healthScreen {
	s := &healthScreen{w: w, countries: map[string]string{}}
	var labels []string
	for _, c := range healthChannels {
		labels = append(labels, c.label.String())
	}
	s.channel = widget.NewSelect(labels, func(string) { s.load() })
	s.country = widget.NewSelect([]string{i18n.T(anyCountry)}, func(string) { s.load() })
	// Set before the screen is built: load does nothing yet.
	s.channel.SetSelectedIndex(0)
	s.country.SetSelectedIndex(0)
	s.refresh = widget.NewButtonWithIcon(i18n.L("Refresh"), theme.ViewRefreshIcon(), handler("refresh delivery health", s.load))
	s.export = widget.NewButtonWithIcon(i18n.X("health.export", "Export CSV…"), theme.DocumentSaveIcon(), handler("export delivery health", s.onExport))
	s.export.Disable()
	s.state = widget.NewLabel("")
	s.state.Wrapping = wordWrap()
	s.surges = widget.NewLabel("")
	s.surges.Wrapping = wordWrap()
	s.surges.Importance = widget.DangerImportance
	s.surges.Hide()
	s.table = s.newTable()
	return s
}

// newTable is a table of the rows with a sparkline in its last column.
func (s *healthScreen) newTable() *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(s.health.Rows), len(healthColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("template")
			l.Truncation = fyne.TextTruncateClip
			return container.NewStack(l, newSparkline(8))
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			l, sp := c.Objects[0].(*widget.Label), c.Objects[1].(*sparkline)
			if id.Row < 0 || id.Row >= len(s.health.Rows) {
				l.SetText("")
				sp.Hide()
				return
			}
			r := s.health.Rows[id.Row]
			if id.Col == healthSparkCol {
				l.Hide()
				sp.Show()
				sp.set(r.HourlyRate, r.BaselineRate)
				return
			}
			sp.Hide()
			l.Show()
			text, imp := healthCell(r, id.Col)
			l.Importance = imp
			l.SetText(shown(text))
		})
	headedBy(t, healthColumns)
	em := theme.TextSize()
	for i, w := range []float32{9, 9, 10.5, 6.5, 6.5, 4.5, 4, 6.5, 4, 10} { // "Chunghwa Telecom" whole at 1280
		t.SetColumnWidth(i, w*em)
	}
	return t
}

// healthCell is the text of a row's column (not the sparkline).
func healthCell(r data.HealthRow, col int) (string, widget.Importance) {
	hour, _ := r.Window(data.Window1h)
	switch col {
	case 0:
		return words.Method(r.Channel), widget.MediumImportance
	case 1:
		if r.Country == "" {
			return "—", widget.MediumImportance
		}
		return phone.RegionNameIn(i18n.Current(), r.Country), widget.MediumImportance
	case 2:
		if r.Network == "" {
			return i18n.X("health.network.not_known", "not known"), widget.MediumImportance
		}
		return r.Network, widget.MediumImportance
	case 3:
		return healthVerdictWords(hour.Verdict), verdictImportance(hour.Verdict)
	case 4:
		if hour.Suppressed || hour.DeliveryRate == nil {
			return i18n.X("health.sends.under5", "under 5"), widget.MediumImportance
		}
		return i18n.L("{{.Rate}} of {{.Sent}}", i18n.M{"Rate": words.Percent(*hour.DeliveryRate), "Sent": hour.Sent}),
			verdictImportance(hour.Verdict)
	case 5:
		if r.BaselineRate == nil {
			return "—", widget.MediumImportance
		}
		return words.Percent(*r.BaselineRate), widget.MediumImportance
	case 6:
		return fmt.Sprint(int64(math.Round(r.Impact))), widget.MediumImportance
	case 7:
		return latencyWords(hour.LatencyP90), widget.MediumImportance
	case 8:
		// Conversion: codes whose step passed within 10 minutes, where the
		// backend knows; a low share of a delivering row is pumping's mark.
		if hour.ConversionRate == nil {
			return "—", widget.MediumImportance
		}
		return words.Percent(*hour.ConversionRate), widget.MediumImportance
	}
	return "", widget.MediumImportance
}

// healthVerdictWords is a verdict as the screen shows it: an outage in capitals,
// so it never depends on colour alone.
func healthVerdictWords(v string) string {
	switch v {
	case data.VerdictOutage:
		return i18n.X("health.verdict.outage", "OUTAGE")
	case data.VerdictDegraded:
		return i18n.X("health.verdict.degraded", "degraded")
	case data.VerdictNormal:
		return i18n.X("health.verdict.normal", "normal")
	}
	return i18n.X("health.verdict.too_few", "too few")
}

func verdictImportance(v string) widget.Importance {
	switch v {
	case data.VerdictOutage:
		return widget.DangerImportance
	case data.VerdictDegraded:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// latencyWords is a latency bound in seconds as people read it.
func latencyWords(s *float64) string {
	switch {
	case s == nil:
		return "—"
	case *s < 90:
		return i18n.X("health.latency.seconds", "{{.Seconds}} s", i18n.M{"Seconds": int(math.Round(*s))})
	}
	return i18n.X("health.latency.minutes", "{{.Minutes}} min", i18n.M{"Minutes": int(math.Round(*s / 60))})
}

func (s *healthScreen) build() fyne.CanvasObject {
	if s.content == nil {
		title := widget.NewLabelWithStyle(i18n.L("Delivery health: is it just one caller?"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		filters := container.NewHBox(s.channel, s.country, s.refresh, widget.NewSeparator(), s.export)
		top := container.NewVBox(title, container.NewHScroll(filters), s.state, s.surges)
		s.content = newBorder(top, nil, nil, nil, s.table)
	}
	return s.content
}

// filters reads the filters. UI thread.
func (s *healthScreen) filters() client.HealthQuery {
	var q client.HealthQuery
	if i := s.channel.SelectedIndex(); i > 0 {
		q.Channel = healthChannels[i].channel
	}
	q.Country = s.countries[s.country.Selected]
	return q
}

// load asks for the rows the filters show. UI thread; the call runs off it.
func (s *healthScreen) load() {
	if s.content == nil {
		return // the filters' first values are set before the screen is shown
	}
	q := s.filters()
	wanted := s.gen.next()
	s.state.SetText(i18n.X("health.loading", "Loading…"))
	var h data.DeliveryHealth
	s.w.run.run(job{name: "load delivery health", wanted: wanted,
		work: func(ctx context.Context) (err error) { h, err = s.w.api.DeliveryHealth(ctx, q); return err },
		done: func(err error) {
			if err != nil {
				s.state.SetText(i18n.L("Delivery health could not be loaded: {{.Reason}}", i18n.M{"Reason": explainRetry(err)}))
				s.content.Refresh()
				return
			}
			s.show(h, q)
		},
	})
}

// show puts an answer on screen. UI thread.
func (s *healthScreen) show(h data.DeliveryHealth, q client.HealthQuery) {
	s.health, s.query = h, q
	s.addCountries(h.Rows)
	s.table.ScrollToTop()
	s.table.Refresh()
	if len(h.Rows) == 0 && len(h.Surges) == 0 {
		s.export.Disable()
	} else {
		s.export.Enable()
	}
	at := i18n.Clock(h.GeneratedAt.In(time.Local))
	switch {
	case len(h.Rows) == 0:
		s.state.SetText(i18n.L("No channel, country or network with 5 or more sends in the last 24 hours matches the filters (as of {{.Time}}).",
			i18n.M{"Time": at}))
	default:
		s.state.SetText(i18n.N("{{.Count}} rows as of {{.Time}}, those that lost the most deliveries in the last hour first "+
			"(Lost: sends × the drop below the usual rate, the 14 days before the last 24 hours; "+
			"Used: codes whose sign-in step then passed within 10 minutes, where the backend knows). "+
			"A verdict needs 20 sends in the hour; rows and hours under 5 sends are not shown.", len(h.Rows), i18n.M{"Time": at}))
	}
	var lines []string
	for _, g := range h.Surges {
		lines = append(lines, surgeWords(g))
	}
	s.surges.SetText(strings.Join(lines, "\n"))
	showIf(s.surges, len(lines) > 0)
	s.content.Refresh() // the words above the table may take more lines than before
}

// surgeWords says one prefix surge.
func surgeWords(g data.PrefixSurge) string {
	lang := i18n.Current()
	m := i18n.M{"Prefix": g.Prefix, "Limit": i18n.Number(lang, float64(g.Threshold))}
	if g.Country == "" {
		return shownText(i18n.N("Possible SMS pumping to +{{.Prefix}}…: {{.Count}} codes never used in 24 hours, over the limit of {{.Limit}}.",
			int(g.UnverifiedSends), m))
	}
	m["Country"] = phone.RegionNameIn(i18n.Current(), g.Country)
	return shownText(i18n.N("Possible SMS pumping to +{{.Prefix}}… ({{.Country}}): {{.Count}} codes never used in 24 hours, over the limit of {{.Limit}}.",
		int(g.UnverifiedSends), m))
}

// addCountries offers the countries of rows in the country filter. UI
// thread.
func (s *healthScreen) addCountries(rows []data.HealthRow) {
	added := false
	for _, r := range rows {
		if r.Country == "" {
			continue
		}
		name := shown(phone.RegionNameIn(i18n.Current(), r.Country))
		if _, ok := s.countries[name]; !ok {
			s.countries[name] = r.Country
			added = true
		}
	}
	if !added {
		return
	}
	names := make([]string, 0, len(s.countries))
	for n := range s.countries {
		names = append(names, n)
	}
	sort.Strings(names)
	s.country.SetOptions(append([]string{i18n.T(anyCountry)}, names...))
}

// onExport writes what is shown as CSV into a folder the agent picks. A tap
// handler.
func (s *healthScreen) onExport() {
	chooseExportFolder(s.w.win, i18n.L("Export what Delivery health shows (CSV) into a folder"), s.exportTo)
}

// exportTo writes the rows and surges on screen into dir. UI thread; the
// writing runs off it.
func (s *healthScreen) exportTo(dir string) {
	h, q := s.health, s.query
	var paths []string
	s.w.run.run(job{name: "export delivery health", local: true,
		work: func(context.Context) (err error) { paths, err = writeHealthCSV(dir, h, q); return err },
		done: func(err error) {
			if err != nil {
				s.state.SetText(i18n.L("The export was not written: {{.Reason}}", i18n.M{"Reason": Explain(err)}))
			} else {
				// The audit's detail stays English, as every audit record's.
				s.w.record("health_export", "", "", fmt.Sprintf("csv, %d rows, %d surges", len(h.Rows), len(h.Surges)))
				s.state.SetText(exportedWords(paths))
			}
			s.content.Refresh()
		},
	})
}

// exportedWords says where the export went: the rows' file, and the surges'
// when there are surges.
func exportedWords(paths []string) string {
	if len(paths) == 2 {
		return i18n.L("Exported what is shown: {{.File}} and {{.Surges}}", i18n.M{"File": paths[0], "Surges": paths[1]})
	}
	return i18n.L("Exported what is shown: {{.File}}", i18n.M{"File": strings.Join(paths, ", ")})
}

// showHealth shows the delivery health screen in the main area, loaded
// afresh. A tap handler.
func (w *workspace) showHealth() {
	if w.health == nil {
		w.health = newHealthScreen(w)
	}
	w.showCenter(w.health.build())
	w.health.load()
}
