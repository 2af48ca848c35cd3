package cases

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"verifydesk/data"
	"verifydesk/services/i18n"
	"verifydesk/services/logins"
	"verifydesk/services/words"
)

// markdownRows caps the long tables of the Markdown export: a person reads the
// newest; the JSON has them all.
const markdownRows = 50

// ExportMarkdown writes the package's Masked form for people: the case, the
// checklist with states and evidence, the escalation fields, notes,
// attachments and the snapshot, as headings and tables (GitHub-flavoured
// Markdown). Long lists show the newest markdownRows rows and say how many more
// the JSON holds.
func ExportMarkdown(pkg Package) []byte {
	p := pkg.Masked()
	var w mdWriter
	c := p.Case
	title := "Case " + c.ID
	if c.Category != "" {
		title += ": " + categoryTitle(c.Category)
	}
	w.line("# " + md(title))
	w.line("")
	w.table([]string{"", ""}, [][]string{
		{"Status", md(words.CaseStatusIn(i18n.English, c.Status))},
		{"Category", categoryCell(c.Category)},
		{"Account", code(c.AccountID)},
		{"Customer contact", orDash(code(c.CustomerContact))},
		{"Contact channel", orDash(md(c.Channel))},
		{"Customer's language", md(customerLanguageCell(p))},
		{"Agent", orDash(code(c.AgentID))},
		{"Opened", timeCell(c.CreatedAt)},
		{"Updated", timeCell(c.UpdatedAt)},
		{"Exported", strings.TrimSpace(timeCell(p.ExportedAt) + byWhom(p.ExportedBy))},
	})
	w.line("")
	if len(p.Revealed) == 0 {
		w.line("Phone numbers and email addresses are masked.")
	} else {
		w.line("Shown in full at the agent's request (audited): " + md(joinAnd(p.Revealed)) + ".")
	}

	w.heading("Checklist")
	steps := p.Checklist
	if len(steps) == 0 {
		for _, s := range c.Checklist {
			steps = append(steps, Step{ID: s.ID, Text: s.Text, State: s.State})
		}
	}
	if len(steps) == 0 {
		w.line("No checklist.")
	} else {
		var rows [][]string
		for _, s := range steps {
			rows = append(rows, []string{code(s.ID), md(s.Text), stateLabel(s.State), orDash(md(evidenceCell(s))), orDash(md(sourcesCell(s.Sources)))})
		}
		w.table([]string{"Step", "What to do", "State", "What the evidence shows", "Help page"}, rows)
		if lang := packageLanguage(p); lang != i18n.English {
			// What the agent read to the customer, as the customer heard it.
			w.sub("For the customer, in " + lang.Name())
			cust := i18n.In(lang)
			for i, s := range steps {
				w.line(fmt.Sprintf("%d. %s", i+1, md(StepIn(cust, s.ID, s.Text))))
			}
		}
	}

	w.heading("Escalation")
	var rows [][]string
	for _, f := range builtin.Fields {
		v := md(p.Escalation.Get(f.ID))
		if f.ID == FieldPhone || f.ID == FieldAccount {
			v = code(p.Escalation.Get(f.ID)) // masked values read best as they are
		}
		rows = append(rows, []string{md(f.Label), orDash(v)})
	}
	w.table([]string{"Field", "Value"}, rows)

	w.heading("Notes")
	if len(c.Notes) == 0 {
		w.line("No notes.")
	}
	for _, n := range c.Notes {
		w.line("- " + timeCell(n.At) + byWhom(n.AuthorID) + ": " + md(n.Text))
	}

	w.heading("Attachments")
	if len(p.Attachments) == 0 {
		w.line("None.")
	} else {
		rows = nil
		for _, a := range p.Attachments {
			rows = append(rows, []string{md(a.Name), md(a.Kind), sizeWords(a.Size), code(a.SHA256), timeCell(a.AddedAt)})
		}
		w.table([]string{"Name", "Kind", "Size", "SHA-256", "Added"}, rows)
	}

	writeSnapshot(&w, p.Snapshot)
	return w.Bytes()
}

func writeSnapshot(w *mdWriter, s Snapshot) {
	w.heading("Snapshot")
	w.line("What the agent saw at " + timeCell(s.TakenAt) + ".")

	w.sub("Account")
	if a := s.Account; a == nil {
		w.line("Not loaded.")
	} else {
		lock := words.LockIn(i18n.English, a.Lock, when)
		twofa := "off"
		if a.TwoFactor.Enabled {
			twofa = "on, by " + words.MethodIn(i18n.English, a.TwoFactor.Method)
		}
		if !a.TwoFactor.FeatureAvailable {
			twofa += " (not rolled out to the account yet)"
		}
		form := ""
		if a.PhoneStoredForm == data.FormTrunk0 {
			form = " (stored with the trunk 0)"
		}
		w.table([]string{"", ""}, [][]string{
			{"Name", md(a.Name)},
			{"App", md(a.App)},
			{"Region", md(regionWords(a.Region))},
			{"Phone", orDash(code(a.PhoneMasked)) + md(form) + verified(a.PhoneMasked, a.PhoneVerified)},
			{"Email", orDash(code(a.EmailMasked)) + verified(a.EmailMasked, a.EmailVerified)},
			{"Two-step verification", md(twofa)},
			{"Password set", yesNo(a.PasswordSet)},
			{"Linked sign-ins", orDash(md(strings.Join(titleAll(a.LinkedLogins), ", ")))},
			{"Trusted devices", fmt.Sprint(a.TrustedDeviceCount)},
			{"Locked", md(lock)},
			{"Created", timeCell(a.CreatedAt)},
		})
	}

	w.sub("Send limits")
	if s.RateLimits == nil || len(s.RateLimits.Limits) == 0 {
		w.line("None loaded.")
	} else {
		var rows [][]string
		for _, l := range s.RateLimits.Limits {
			var ws []string
			for _, win := range l.Windows {
				per := "a " + win.Window
				if win.Window == "hour" {
					per = "an hour"
				}
				ws = append(ws, fmt.Sprintf("%d/%d %s", win.Used, win.Limit, per))
			}
			next := "-"
			if l.NextAllowedAt != nil {
				next = timeCell(*l.NextAllowedAt)
			}
			rows = append(rows, []string{md(words.MethodIn(i18n.English, l.Channel)), code(l.DestinationMasked), md(l.Purpose), md(strings.Join(ws, ", ")), yesNo(l.Blocked), next})
		}
		w.table([]string{"Channel", "To", "Purpose", "Used", "Blocked", "Next allowed"}, rows)
	}

	w.sub("Deliveries")
	if len(s.Deliveries) == 0 {
		w.line("None loaded.")
	} else {
		ds := newestDeliveries(s.Deliveries)
		var rows [][]string
		for _, d := range ds[:min(len(ds), markdownRows)] {
			to := code(d.DestinationMasked)
			if d.DestinationForm == data.FormTrunk0 {
				to += " (with 0)"
			}
			what := meaning(d.ProviderError)
			if d.ProviderError != "" {
				what = d.ProviderError + ": " + what
			}
			rows = append(rows, []string{timeCell(d.RequestedAt), md(words.MethodIn(i18n.English, d.Channel)), to, md(d.Purpose), md(d.RequestedBy), md(d.Status),
				orDash(md(what)), orDash(code(d.Sender)), orDash(md(d.NetworkReached))})
		}
		w.table([]string{"Requested", "Channel", "To", "Purpose", "Asked by", "Status", "What happened", "Sender", "Network reached"}, rows)
		w.more(len(ds), "deliveries")
	}

	if h := s.DeliveryHealth; h != nil {
		// What the checklist was decided on: how SMS to the customer's
		// network delivered for everyone then.
		w.sub("Delivery health of the customer's network")
		w.line(md(h.Words()))
	}

	w.sub("Trusted devices")
	if len(s.Devices) == 0 {
		w.line("None.")
	} else {
		var rows [][]string
		for _, d := range s.Devices {
			rows = append(rows, []string{md(d.Name), md(d.Model), md(d.OS), md(d.AppVersion), yesNo(d.NotificationsAllowed),
				timeCell(d.AddedAt), timeCell(d.LastSeenAt), orDash(code(d.LastIP))})
		}
		w.table([]string{"Name", "Model", "OS", "App", "Notifications", "Added", "Last seen", "Last IP"}, rows)
	}

	w.sub("Login activity")
	if len(s.Logins) == 0 {
		w.line("None loaded.")
	} else {
		ls := newestLogins(s.Logins)
		var rows [][]string
		for _, l := range ls[:min(len(ls), markdownRows)] {
			loc := "-"
			if l.Location.Found {
				loc = place(l.Location)
				if l.Location.AccuracyKM > 0 {
					loc += fmt.Sprintf(" (±%d km)", l.Location.AccuracyKM)
				}
			}
			net := l.Location.ASOrg
			if l.Location.NetworkKind != "" && l.Location.NetworkKind != "unknown" {
				net = strings.TrimSpace(net + " (" + l.Location.NetworkKind + ")")
			}
			dist := "-"
			if l.FromPrevious {
				dist = fmt.Sprintf("%s km, %s km/h", i18n.Number(i18n.English, l.DistanceKM), i18n.Number(i18n.English, l.SpeedKMH))
			}
			ev := l.asEvent()
			rows = append(rows, []string{timeCell(l.At), md(deviceWords(&ev)), code(l.IP), md(loc), orDash(md(net)), dist, md(l.Outcome), orDash(md(flagWords(&ev)))})
		}
		w.table([]string{"Time", "Device", "IP", "Place (IP-based)", "Network", "From previous", "Outcome", "Flags"}, rows)
		w.more(len(ls), "login events")
	}

	w.sub("Phone diagnosis")
	d := s.PhoneDiagnosis
	if d == nil {
		w.line("No phone check was run.")
		return
	}
	w.table([]string{"", ""}, [][]string{
		{"Typed", code(d.Input) + " (country picked: " + md(orDash(d.InputRegion)) + ")"},
		{"E.164", orDash(code(d.E164))},
		{"Region", orDash(md(d.Region))},
		{"Type", md(d.Type)},
		{"Original carrier", orDash(md(d.Carrier))},
		{"Valid", yesNo(d.Valid)},
		{"Can receive SMS", md(d.SMSCapable)},
		{"Type in the app", orDash(code(d.AppEntry))},
		{"With the trunk 0", orDash(code(d.AppEntryWithTrunk))},
	})
	if len(d.Findings) > 0 {
		w.line("")
	}
	for _, f := range d.Findings {
		w.line(fmt.Sprintf("- %s (%s): %s %s", code(f.Code), md(f.Severity), md(f.Message), md(f.Advice)))
	}
}

func (l Login) asEvent() logins.Event {
	return logins.Event{LoginEvent: l.LoginEvent, Location: l.Location, NewCountry: l.NewCountry, NewDevice: l.NewDevice,
		ImpossibleTravel: l.ImpossibleTravel, SpeedKMH: l.SpeedKMH}
}

func newestDeliveries(ds []data.Delivery) []data.Delivery {
	return newestFirst(ds, func(d data.Delivery) time.Time { return d.RequestedAt })
}

func newestLogins(ls []Login) []Login {
	return newestFirst(ls, func(l Login) time.Time { return l.At })
}

// newestFirst sorts a copy: the package's slices may be the caller's.
func newestFirst[T any](in []T, at func(T) time.Time) []T {
	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b T) int { return at(b).Compare(at(a)) })
	return out
}

// mdWriter accumulates Markdown.
type mdWriter struct{ bytes.Buffer }

func (w *mdWriter) line(s string) { w.WriteString(s); w.WriteByte('\n') }

func (w *mdWriter) heading(s string) { w.line(""); w.line("## " + s); w.line("") }

func (w *mdWriter) sub(s string) { w.line(""); w.line("### " + s); w.line("") }

func (w *mdWriter) table(head []string, rows [][]string) {
	w.line("| " + strings.Join(head, " | ") + " |")
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = "---"
	}
	w.line("| " + strings.Join(sep, " | ") + " |")
	for _, r := range rows {
		w.line("| " + strings.Join(r, " | ") + " |")
	}
}

func (w *mdWriter) more(total int, what string) {
	if total > markdownRows {
		w.line("")
		w.line(fmt.Sprintf("The newest %d of %d %s; the JSON package has them all.", markdownRows, total, what))
	}
}

// md escapes text for a Markdown table cell: the characters that would start
// emphasis, links, code, HTML, an entity or a new cell, and line breaks. A
// word a Markdown viewer would turn into a link (linkLike) goes into a code
// span instead, so it stays text to read.
func md(s string) string {
	s = flat(s)
	var b strings.Builder
	for s != "" {
		sp := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) })
		if sp < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:sp])
		s = s[sp:]
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 {
			end = len(s)
		}
		word := s[:end]
		s = s[end:]
		if linkLike(word) {
			b.WriteString(inert(word))
		} else {
			b.WriteString(escapeWord(word))
		}
	}
	return b.String()
}

// escapeWord backslash-escapes one word (no white space in it).
func escapeWord(w string) string {
	rs := []rune(w)
	var b strings.Builder
	for i, r := range rs {
		switch r {
		case '\\', '`', '*', '[', ']', '<', '>', '|', '~', '&':
			b.WriteByte('\\')
		case '_':
			// Inside a word (reset_password) an underscore never starts
			// emphasis; escaping it there only makes the raw text noisy.
			if i == 0 || i == len(rs)-1 || !wordRune(rs[i-1]) || !wordRune(rs[i+1]) {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Bare URLs must stay text (issue 21, point 5). Markdown links a URL in three
// ways: CommonMark's autolinks, <scheme:...>, which md's escaped '<' already
// stops; GFM's extended autolinks (www., http://, https://, email addresses,
// mailto: and xmpp:), found in text after white space or * _ ~ (; and linkify
// libraries (markdown-it, VS Code, Obsidian), which also link other schemes
// and bare domain names. None of them links inside a code span (CommonMark
// 6.1: code spans bind tighter than everything but HTML and autolinks, and
// both of those need a '<', which stays inside the span). Escaping the URL's
// punctuation instead ("http\://") is not enough: GFM finds "www." and
// "https://" in text, and backslashes there do not stop every renderer.

// linkSchemes are schemes a viewer may link without "//".
var linkSchemes = []string{"mailto:", "xmpp:", "tel:", "sms:", "javascript:", "vbscript:", "data:", "file:", "callto:", "skype:"}

// linkLike reports whether some Markdown viewer may turn word into a link.
func linkLike(word string) bool {
	w := strings.ToLower(word)
	if strings.Contains(w, "://") || strings.Contains(w, "www.") {
		return true
	}
	if at := strings.IndexByte(w, '@'); at >= 0 && strings.Contains(w[at:], ".") {
		return true // an email address: GFM links it as mailto:
	}
	t := strings.TrimLeft(w, "(*_~\"'<[&#;")
	for _, s := range linkSchemes {
		if strings.Contains(t, s) {
			return true
		}
	}
	return domainLike(strings.TrimRight(t, ".,:;!?)*_~\"'>]"))
}

// domainLike reports whether w looks like a domain name, with or without a
// path ("evil.example/reset"): labels of letters, digits and '-', the last
// of two letters or more (so "3.4.510" and "e.g" are not).
func domainLike(w string) bool {
	host, _, _ := strings.Cut(w, "/")
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.IndexFunc(l, func(r rune) bool { return !wordRune(r) && r != '-' }) >= 0 {
			return false
		}
	}
	tld := []rune(labels[len(labels)-1])
	if len(tld) < 2 {
		return false
	}
	for _, r := range tld {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// inert shows a link-like word as code spans, whole: a '|' (which would end a
// table cell even inside a span) is written between spans as "\|", and each
// span's fence is longer than any run of backticks in it.
func inert(word string) string {
	parts := strings.Split(word, "|")
	for i, p := range parts {
		parts[i] = codeSpan(p)
	}
	return strings.Join(parts, `\|`)
}

// codeSpan is s, which holds no line break, as one code span, exactly
// (CommonMark 6.1).
func codeSpan(s string) string {
	if s == "" {
		return ""
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// code is a value shown as is (ids, masked numbers, IPs) in a code span, where
// Markdown does not interpret the stars of a mask.
func code(s string) string {
	s = flat(s)
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "`", "'")
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}

func flat(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func verified(value string, ok bool) string {
	switch {
	case value == "":
		return ""
	case ok:
		return " (verified)"
	}
	return " (not verified)"
}

func timeCell(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func byWhom(id string) string {
	if id == "" {
		return ""
	}
	return " by " + code(id)
}

func stateLabel(s string) string {
	switch s {
	case StateTodo:
		return "to do"
	case StateFailed:
		return "did not help"
	}
	return md(s)
}

func categoryCell(id string) string {
	if id == "" {
		return "-"
	}
	return md(categoryTitle(id)) + " (" + code(id) + ")"
}

func evidenceCell(s Step) string {
	if s.Reason == "" {
		return ""
	}
	switch s.Finding {
	case FindingCause:
		return "Likely cause: " + s.Reason
	case FindingTried:
		return "Already tried: " + s.Reason
	}
	return s.Reason
}

func sourcesCell(ss []Source) string {
	var parts []string
	for _, s := range ss {
		p := s.Page
		if i := strings.IndexByte(p, '_'); i > 0 {
			p = p[:i] // "000": the seeds README names pages by number
		}
		if s.Section != "" {
			p += " " + s.Section
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// packageLanguage is the language the case was spoken in with the customer.
func packageLanguage(p Package) i18n.Language {
	var acct data.Account
	if p.Snapshot.Account != nil {
		acct = *p.Snapshot.Account
	}
	return CustomerLanguage(p.Case, acct)
}

// customerLanguageCell names the case's customer language and whether the
// agent chose it or the account suggested it.
func customerLanguageCell(p Package) string {
	lang := packageLanguage(p)
	how := "suggested by the account"
	if p.Case.CustomerLanguage != "" {
		how = "chosen on the case"
	}
	return fmt.Sprintf("%s (%s, %s)", lang.Name(), lang, how)
}
