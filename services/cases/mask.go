package cases

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"verifydesk/data"
	"verifydesk/services/i18n"
)

// Masked returns the package as it is exported: phone numbers and email
// addresses masked unless Revealed names them, Format and Version set. What the
// backend already masked stays as it is; what the console holds in full (the
// number the customer typed, an address the agent revealed, a number written in
// a note or quoted in a reason) is masked the backend's way, keeping the
// country code, the first digit and the last three. Masking an already masked
// package changes nothing. p itself is not changed; slices Masked does not
// change are shared.
func (p Package) Masked() Package {
	m := newMasker(p)
	p.Format, p.Version = PackageFormat, PackageVersion
	p.Case = m.caseOf(p.Case)
	p.Checklist = slices.Clone(p.Checklist)
	for i := range p.Checklist {
		p.Checklist[i].Reason = m.text(p.Checklist[i].Reason)
	}
	p.Escalation = m.escalation(p.Escalation)
	if a := p.Snapshot.Account; a != nil {
		c := *a
		c.PhoneMasked, c.EmailMasked = m.phoneValue(c.PhoneMasked), m.emailValue(c.EmailMasked)
		p.Snapshot.Account = &c
	}
	if d := p.Snapshot.PhoneDiagnosis; d != nil {
		c := *d
		for _, f := range []*string{&c.Input, &c.E164, &c.National, &c.International, &c.AppEntry, &c.AppEntryWithTrunk} {
			*f = m.phoneValue(*f)
		}
		c.Findings = slices.Clone(c.Findings)
		for i := range c.Findings {
			c.Findings[i].Message, c.Findings[i].Advice = m.text(c.Findings[i].Message), m.text(c.Findings[i].Advice)
			// The texts' data holds the digits typed: only the masked
			// English is left (MessageIn and AdviceIn fall back to it).
			c.Findings[i].MessageText, c.Findings[i].AdviceText = i18n.Text{}, i18n.Text{}
		}
		p.Snapshot.PhoneDiagnosis = &c
	}
	p.Attachments = slices.Clone(p.Attachments)
	for i := range p.Attachments {
		p.Attachments[i].Name = m.text(p.Attachments[i].Name)
	}
	return p
}

// masker masks one package's personal data.
type masker struct {
	phones, emails bool     // mask them
	keys           []string // digit strings of the full numbers the package holds
	public         map[string]bool
}

func newMasker(p Package) *masker {
	m := &masker{phones: !slices.Contains(p.Revealed, RevealPhone), emails: !slices.Contains(p.Revealed, RevealEmail),
		public: map[string]bool{}}
	var values []string
	if d := p.Snapshot.PhoneDiagnosis; d != nil {
		values = append(values, d.Input, d.E164, d.National, d.International, d.AppEntry, d.AppEntryWithTrunk)
	}
	values = append(values, p.Escalation.Phone, p.Case.Escalation.Phone)
	if looksLikePhone(p.Case.CustomerContact) {
		values = append(values, p.Case.CustomerContact)
	}
	for _, v := range values {
		m.addKey(v)
	}
	// Senders are the company's, not the customer's: the help pages tell
	// customers to allow-list them, and the export must still say which.
	for _, d := range p.Snapshot.Deliveries {
		if strings.Contains(d.Sender, "@") {
			m.public[strings.ToLower(d.Sender)] = true
		}
	}
	for _, c := range builtin.Categories {
		for _, s := range c.Steps {
			for _, e := range emailPattern.FindAllString(s.Text, -1) {
				m.public[strings.ToLower(e)] = true
			}
		}
	}
	return m
}

// minKey is the shortest digit string taken as a phone number: shorter runs
// (years, counts, short codes like 87022) are not personal.
const minKey = 6

func (m *masker) addKey(v string) {
	if strings.Contains(v, "*") {
		return // already masked
	}
	d := digitsOf(v)
	if len(d) >= minKey {
		m.keys = append(m.keys, d)
	}
	if strings.HasPrefix(strings.TrimSpace(v), "+") {
		if n, err := phonenumbers.Parse(v, ""); err == nil {
			if nsn := phonenumbers.GetNationalSignificantNumber(n); len(nsn) >= minKey {
				m.keys = append(m.keys, nsn)
			}
		}
	}
	if t := strings.TrimLeft(d, "0"); len(t) >= minKey && t != d {
		m.keys = append(m.keys, t)
	}
}

var (
	// phoneRun is a number as people write it: digits with single separators.
	phoneRun     = regexp.MustCompile(`\+?\(?\d(?:[ \-.()/]{0,2}\d)*`)
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)
	emailExact   = regexp.MustCompile(`^` + emailPattern.String() + `$`)
)

// text masks the package's numbers wherever they appear in free text, and
// every email address but the company's senders.
func (m *masker) text(s string) string {
	if m.phones && len(m.keys) > 0 {
		s = phoneRun.ReplaceAllStringFunc(s, func(run string) string {
			d := digitsOf(run)
			for _, k := range m.keys {
				if strings.Contains(d, k) {
					return maskDigits(run)
				}
			}
			return run
		})
	}
	if m.emails {
		s = emailPattern.ReplaceAllStringFunc(s, m.emailValue)
	}
	return s
}

// phoneValue masks a field that holds a phone number and nothing else.
func (m *masker) phoneValue(s string) string {
	if !m.phones || s == "" || strings.Contains(s, "*") {
		return s
	}
	if looksLikePhone(s) {
		return maskPhone(strings.TrimSpace(s))
	}
	return maskDigits(s)
}

// emailValue masks an address as the backend does: m***@example.com.
func (m *masker) emailValue(s string) string {
	at := strings.LastIndexByte(s, '@')
	if !m.emails || at < 1 || strings.Contains(s[:at], "*") || m.public[strings.ToLower(s)] {
		return s
	}
	if !emailExact.MatchString(s) {
		return m.text(s) // a field that holds more than an address
	}
	return s[:1] + "***" + s[at:] // the pattern makes s[0] ASCII
}

func (m *masker) contact(s string) string {
	if looksLikePhone(s) {
		return m.phoneValue(strings.TrimSpace(s))
	}
	return m.text(s)
}

func (m *masker) caseOf(c data.Case) data.Case {
	c.CustomerContact = m.contact(c.CustomerContact)
	c.Notes = slices.Clone(c.Notes)
	for i := range c.Notes {
		c.Notes[i].Text = m.text(c.Notes[i].Text)
	}
	c.Escalation = m.escalation(EscalationFields{Escalation: c.Escalation}).Escalation
	return c
}

func (m *masker) escalation(e EscalationFields) EscalationFields {
	for _, id := range knownFields {
		v := e.Get(id)
		switch id {
		case FieldPhone:
			v = m.contact(v)
		case FieldAccount:
			v = m.emailValue(v)
		default:
			v = m.text(v)
		}
		e.Set(id, v)
	}
	return e
}

// looksLikePhone: at least minKey digits and only what people write numbers
// with.
func looksLikePhone(s string) bool {
	s = strings.TrimSpace(s)
	return len(digitsOf(s)) >= minKey && strings.Trim(s, "0123456789+ -.()/") == ""
}

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// maskDigits keeps the last three digits and stars the others, leaving
// everything else in place: "0936 123 456" -> "**** *** 456". A short number
// keeps at most a third of its digits, so something is always hidden.
func maskDigits(s string) string {
	n := len(digitsOf(s))
	keep := min(3, n/3)
	b := []byte(s)
	seen := 0
	for i := range b {
		if b[i] >= '0' && b[i] <= '9' {
			seen++
			if seen <= n-keep {
				b[i] = '*'
			}
		}
	}
	return string(b)
}

// maskE164 is the backend's mask: the country code, the first national digit
// and the last three, in groups of three: "+44 7*** *** 456".
func maskE164(cc int32, nat string) string {
	prefix := "+" + strconv.Itoa(int(cc)) + " "
	if len(nat) < 5 {
		return prefix + strings.Repeat("*", len(nat))
	}
	m := nat[:1] + strings.Repeat("*", len(nat)-4) + nat[len(nat)-3:]
	var groups []string
	for len(m) > 3 {
		groups = append([]string{m[len(m)-3:]}, groups...)
		m = m[:len(m)-3]
	}
	if len(m) == 1 && len(groups) > 0 {
		groups[0] = m + groups[0]
	} else {
		groups = append([]string{m}, groups...)
	}
	return prefix + strings.Join(groups, " ")
}
