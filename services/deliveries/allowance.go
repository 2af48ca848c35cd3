package deliveries

import (
	"fmt"
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/i18n"
	"verifydesk/services/words"
)

// Allowance is what the send limits still allow for one channel and purpose:
// the windows' counts and, while a limit holds, when the next send is allowed.
type Allowance struct {
	Channel, Purpose string
	Destination      string // masked
	Windows          []data.LimitWindow
	// NextAt is when the next send is allowed; zero when one is allowed now.
	NextAt time.Time
}

// Blocked reports whether a limit holds at now.
func (a Allowance) Blocked(now time.Time) bool { return !a.NextAt.IsZero() && a.NextAt.After(now) }

// AllowanceFor is the allowance of channel and purpose in rl, and false when
// rl has no limits for them (nothing sent recently: every window is free).
// With several destinations (the two forms of a number) the tightest counts.
func AllowanceFor(rl data.RateLimits, channel, purpose string) (Allowance, bool) {
	var best Allowance
	found := false
	for _, l := range rl.Limits {
		if l.Channel != channel || l.Purpose != purpose {
			continue
		}
		a := Allowance{Channel: l.Channel, Purpose: l.Purpose, Destination: l.DestinationMasked, Windows: l.Windows}
		if l.Blocked && l.NextAllowedAt != nil {
			a.NextAt = *l.NextAllowedAt
		}
		if !found || a.NextAt.After(best.NextAt) {
			best, found = a, true
		}
	}
	return best, found
}

// Text says what the send limits allow for channel and purpose at now, for
// the agent, who may read it to the customer: "SMS for login: 1 of 1 this
// minute, 3 of 5 this hour. Send limit reached: next possible in 0:42 (at
// 14:05:00). ..."; ok is AllowanceFor's (false: nothing sent recently). The
// time is in the local zone.
func (a Allowance) Text(ok bool, channelCode, purposeCode string, now time.Time) i18n.Text {
	m := i18n.M{"Channel": channel(channelCode), "Purpose": purpose(purposeCode)}
	if !ok {
		return i18n.XMsg("deliveries.allowance.nothing_sent",
			"{{.Channel}} for {{.Purpose}}: nothing sent recently, within every limit. A code can be sent now.", m)
	}
	m["Used"] = windows(a.Windows)
	if !a.Blocked(now) {
		return i18n.XMsg("deliveries.allowance.free", "{{.Channel}} for {{.Purpose}}: {{.Used}}. A code can be sent now.", m)
	}
	m["Wait"] = Countdown(a.NextAt.Sub(now))
	m["At"] = a.NextAt.In(time.Local).Format("15:04:05")
	return i18n.XMsg("deliveries.allowance.blocked",
		"{{.Channel}} for {{.Purpose}}: {{.Used}}. Send limit reached: next possible in {{.Wait}} (at {{.At}}). Sending more now would only delay the customer further.", m)
}

// purpose is what a code is sent for, in words: "reset password".
type purpose string

func (p purpose) String() string { return p.In(i18n.English) }

// In is the purpose in lang.
func (p purpose) In(lang i18n.Language) string { return words.PurposeIn(lang, string(p)) }

// windows are the send-limit windows' use: "1 of 1 this minute, 3 of 5 this
// hour".
type windows []data.LimitWindow

func (ws windows) String() string { return ws.In(i18n.English) }

// In says the windows' use in lang.
func (ws windows) In(lang i18n.Language) string { return WindowsUse(i18n.In(lang), ws) }

// WindowsUse is the use of send-limit windows in l's language: "1 of 1 this
// minute, 3 of 5 this hour".
func WindowsUse(l *i18n.Localizer, ws []data.LimitWindow) string {
	used := make([]string, len(ws))
	for i, w := range ws {
		used[i] = WindowUse(l, w)
	}
	return strings.Join(used, i18n.ListSeparator(l.Language()))
}

// WindowUse is one send-limit window's use in l's language: "3 of 5 this
// hour".
func WindowUse(l *i18n.Localizer, w data.LimitWindow) string {
	lang := l.Language()
	m := i18n.M{"Used": i18n.Number(lang, float64(w.Used)), "Limit": i18n.Number(lang, float64(w.Limit)), "Window": w.Window}
	switch w.Window {
	case "minute":
		return l.X("deliveries.window.minute", "{{.Used}} of {{.Limit}} this minute", m)
	case "hour":
		return l.X("deliveries.window.hour", "{{.Used}} of {{.Limit}} this hour", m)
	case "day":
		return l.X("deliveries.window.day", "{{.Used}} of {{.Limit}} this day", m)
	}
	return l.X("deliveries.window.other", "{{.Used}} of {{.Limit}} this {{.Window}}", m) // a window with no words: the backend's
}

// Countdown is a wait: "0:42", or "1 h 05 min" for long waits.
type Countdown time.Duration

func (d Countdown) String() string { return d.In(i18n.English) }

// In says the wait in lang.
func (d Countdown) In(lang i18n.Language) string {
	secs := int((time.Duration(d) + time.Second - 1) / time.Second)
	if secs >= 3600 {
		return i18n.In(lang).X("deliveries.countdown.hours", "{{.Hours}} h {{.Minutes}} min",
			i18n.M{"Hours": secs / 3600, "Minutes": fmt.Sprintf("%02d", secs%3600/60)})
	}
	return fmt.Sprintf("%d:%02d", secs/60, secs%60)
}
