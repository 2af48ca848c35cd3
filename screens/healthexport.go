package screens

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/client"
	"verifydesk/services/csvsafe"
)

// The export is data that tools read: its headers, its cells ("n/a", the
// backend's codes, numbers in Go's format) and its file names stay English
// whatever the agent's language; only the screen around it is translated.

// healthCSVHeader names the columns of a delivery health export: one record
// per row shown, in the order shown (by impact). Rates are fractions (0.97),
// latencies seconds; an empty cell is a window of under 5 sends or a value
// the backend does not know.
var healthCSVHeader = []string{"channel", "country", "network", "verdict_last_hour", "sent_last_hour", "delivered_last_hour",
	"delivery_rate_last_hour", "usual_rate", "baseline_sends", "lost_last_hour", "latency_p50_s_last_hour",
	"latency_p90_s_last_hour", "failed_last_hour_by_code", "followed_last_hour", "converted_last_hour",
	"conversion_rate_last_hour", "delivery_rate_15m", "delivery_rate_24h", "sent_24h", "hourly_rates_oldest_first"}

var surgeCSVHeader = []string{"prefix", "country", "unverified_sends_24h", "threshold", "verified_daily_max"}

// healthCSVRecords are the records of the rows of h, header first.
func healthCSVRecords(h data.DeliveryHealth) [][]string {
	out := [][]string{healthCSVHeader}
	for _, r := range h.Rows {
		hour, _ := r.Window(data.Window1h)
		quarter, _ := r.Window(data.Window15m)
		day, _ := r.Window(data.Window24h)
		var failed []string
		for code, n := range hour.Failed {
			failed = append(failed, fmt.Sprintf("%s=%d", code, n))
		}
		sort.Strings(failed)
		var hours []string
		for _, x := range r.HourlyRate {
			if x == nil {
				hours = append(hours, "n/a")
			} else {
				hours = append(hours, csvNumber(x))
			}
		}
		out = append(out, []string{r.Channel, r.Country, r.Network, hour.Verdict, csvCount(hour), csvDelivered(hour),
			csvNumber(hour.DeliveryRate), csvNumber(r.BaselineRate), strconv.FormatInt(r.BaselineSent, 10),
			strconv.FormatFloat(r.Impact, 'f', 1, 64), csvNumber(hour.LatencyP50), csvNumber(hour.LatencyP90),
			strings.Join(failed, "; "), csvFollowed(hour, hour.Followed), csvFollowed(hour, hour.Converted), csvNumber(hour.ConversionRate),
			csvNumber(quarter.DeliveryRate), csvNumber(day.DeliveryRate), csvCount(day),
			strings.Join(hours, " ")})
	}
	return out
}

func csvCount(w data.HealthWindow) string {
	if w.Suppressed || w.Window == "" {
		return ""
	}
	return strconv.FormatInt(w.Sent, 10)
}

func csvDelivered(w data.HealthWindow) string {
	if w.Suppressed || w.Window == "" {
		return ""
	}
	return strconv.FormatInt(w.Delivered, 10)
}

// csvFollowed is a count of followed or converted sends of w, "" when the
// window is not shown.
func csvFollowed(w data.HealthWindow, n int64) string {
	if w.Suppressed || w.Window == "" {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func csvNumber(x *float64) string {
	if x == nil {
		return ""
	}
	return strconv.FormatFloat(*x, 'f', 4, 64)
}

// healthExportStem is the file name (without extension) of an export of h
// under q's filters: the filters and the answer's time, through
// SafeFileName (the country comes from the agent's pick among the backend's
// answers).
func healthExportStem(h data.DeliveryHealth, q client.HealthQuery) string {
	or := func(s, none string) string {
		if s == "" {
			return none
		}
		return s
	}
	return cases.SafeFileName(fmt.Sprintf("delivery-health-%s-%s-%s", or(q.Channel, "all"), or(q.Country, "all"),
		h.GeneratedAt.UTC().Format("20060102-1504Z")))
}

// writeHealthCSV writes the rows of h (and its surges, when there are any,
// in a second file) into dir, files readable by the agent alone, every cell
// neutralised for spreadsheets (csvsafe). It returns the paths written. I/O:
// off the UI thread.
func writeHealthCSV(dir string, h data.DeliveryHealth, q client.HealthQuery) ([]string, error) {
	stem := healthExportStem(h, q)
	files := []struct {
		name    string
		records [][]string
	}{{stem + ".csv", healthCSVRecords(h)}}
	if len(h.Surges) > 0 {
		recs := [][]string{surgeCSVHeader}
		for _, g := range h.Surges {
			recs = append(recs, []string{g.Prefix, g.Country, strconv.FormatInt(g.UnverifiedSends, 10),
				strconv.FormatInt(g.Threshold, 10), strconv.FormatInt(g.VerifiedDailyMax, 10)})
		}
		files = append(files, struct {
			name    string
			records [][]string
		}{stem + "-surges.csv", recs})
	}
	var paths []string
	for _, f := range files {
		var b bytes.Buffer
		if err := csvsafe.NewWriter(&b).WriteAll(f.records); err != nil {
			return paths, err
		}
		path := filepath.Join(dir, f.name)
		if err := cases.WriteExport(path, b.Bytes()); err != nil {
			return paths, errors.Join(fmt.Errorf("write %s", f.name), err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}
