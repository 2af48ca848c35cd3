package cases

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/deliveries"
	"verifydesk/services/i18n"
	"verifydesk/services/phone"
	"verifydesk/services/words"
)

// Step states: the values of data.ChecklistStep.State.
const (
	StateTodo    = "todo"    // not asked yet, or still to act on
	StateDone    = "done"    // answered: nothing more to do for this step
	StateSkipped = "skipped" // does not apply to this account
	StateFailed  = "failed"  // tried, did not help
)

// Findings say how the evidence bears on a pre-filled step; each maps to the
// state the step starts in.
const (
	// FindingCause: the evidence points at this step as the problem. The step
	// stays todo: it is what the agent must go through with the customer.
	FindingCause = "cause"
	// FindingRuledOut: the evidence already answers the step: done.
	FindingRuledOut = "ruled_out"
	// FindingTried: the evidence shows it was tried and did not help: failed.
	FindingTried = "tried"
	// FindingHint: the evidence gives what the step needs (a sender to look
	// for, the address on file) but cannot answer it: todo.
	FindingHint = "hint"
	// FindingNotApplicable: the step cannot apply to this account (no password
	// to sign in with): skipped.
	FindingNotApplicable = "not_applicable"
	// FindingNotTheCause: the evidence shows the problem is elsewhere (SMS
	// to the customer's network fails for everyone): skipped, the reason
	// saying why.
	FindingNotTheCause = "not_the_cause"
)

var findingState = map[string]string{
	FindingCause: StateTodo, FindingRuledOut: StateDone, FindingTried: StateFailed,
	FindingHint: StateTodo, FindingNotApplicable: StateSkipped, FindingNotTheCause: StateSkipped,
}

var validStates = map[string]bool{StateTodo: true, StateDone: true, StateSkipped: true, StateFailed: true}

// ErrUnknownCategory is returned for a category id that is not a row of SPEC
// section 3. Its words are not translated: category ids come from the catalog
// itself, so it names a defect of the code, compared with errors.Is.
var ErrUnknownCategory = errors.New("unknown case category")

// Step is one checklist step of a case: the contract's data.ChecklistStep plus
// what the contract has no field for yet (why it was pre-filled, and where the
// step comes from). Its JSON keeps the contract's names for the shared fields.
type Step struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	State string `json:"state"` // StateTodo, StateDone, StateSkipped or StateFailed
	// Finding and Reason are set when the evidence pre-filled the step: how it
	// bears on the step and, in words for the agent, what it shows.
	Finding string   `json:"finding,omitempty"`
	Reason  string   `json:"reason,omitempty"`
	Sources []Source `json:"sources"`
}

// Prefilled reports whether the evidence said something about the step.
func (s Step) Prefilled() bool { return s.Finding != "" }

// ChecklistStep is the step as the backend contract stores it.
func (s Step) ChecklistStep() data.ChecklistStep {
	return data.ChecklistStep{ID: s.ID, Text: s.Text, State: s.State}
}

// ContractSteps converts steps to the contract's shape, for data.Case and
// data.CasePatch.
func ContractSteps(steps []Step) []data.ChecklistStep {
	out := make([]data.ChecklistStep, len(steps))
	for i, s := range steps {
		out[i] = s.ChecklistStep()
	}
	return out
}

// ApplyStates carries the states a case already has (the agent's ticks, from
// the backend or the cache) onto freshly built steps, by step id: the evidence
// explains, the agent decides. Unknown ids and invalid states are ignored.
// steps is changed in place and returned.
func ApplyStates(steps []Step, stored []data.ChecklistStep) []Step {
	byID := make(map[string]string, len(stored))
	for _, s := range stored {
		if validStates[s.State] {
			byID[s.ID] = s.State
		}
	}
	for i := range steps {
		if st, ok := byID[steps[i].ID]; ok {
			steps[i].State = st
		}
	}
	return steps
}

// NewChecklist builds the checklist of a category with each step's state from
// the evidence: steps the evidence answers carry a Finding, the state it implies
// and a Reason, in the agent's language of the moment (i18n.Agent); the others
// are todo. The steps come in the help page's order.
// An unknown category is ErrUnknownCategory.
func NewChecklist(category string, ev Evidence) ([]Step, error) {
	cat, ok := LookupCategory(category)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownCategory, category)
	}
	f := newFacts(ev)
	out := make([]Step, len(cat.Steps))
	for i, def := range cat.Steps {
		s := Step{ID: def.ID, Text: def.Text, State: StateTodo, Sources: def.Sources}
		if c := checks[def.Check]; c != nil {
			if finding, reason := c(f, def); finding != "" {
				s.Finding, s.Reason, s.State = finding, reason, findingState[finding]
			}
		}
		if finding, reason, ok := f.networkDown(def.ID); ok {
			s.Finding, s.Reason, s.State = finding, reason, findingState[finding]
		}
		out[i] = s
	}
	return out, nil
}

// StepsTried is the escalation's "steps already tried": the steps done or
// failed, one per line, with what happened. It stays in English: it fills the
// escalation package (export.go), which the escalation team reads in English.
func StepsTried(steps []Step) string {
	var b strings.Builder
	for _, s := range steps {
		var what string
		switch s.State {
		case StateDone:
			what = "done"
		case StateFailed:
			what = "did not help"
		default:
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "- %s (%s)", s.Text, what)
	}
	return b.String()
}

// A check reads the facts for one step and says how they bear on it: a
// Finding and a reason, or "" when the evidence says nothing.
type check func(f *facts, def StepDef) (finding, reason string)

const checkEscalationField = "escalation_field"

// checks are the evidence checks checklists.json may name. A new check needs
// code; a new step using an existing check needs only the file.
var checks = map[string]check{
	"country_code":       checkCountryCode,
	"signal":             checkSignal,
	"send_pacing":        checkSendPacing,
	"sms_sender":         checkSMSSender,
	"line_status":        checkLineStatus,
	"carrier_block":      checkCarrierBlock,
	"ported":             checkPorted,
	"fallback":           checkFallback,
	"fallback_password":  checkFallbackPassword,
	"linked_logins":      checkLinkedLogins,
	"email_fallback":     checkEmailFallback,
	"typed_characters":   diagCheck(i18n.Mark("The customer typed digits only."), phone.CodeLetters, phone.CodeNonASCIIDigits, phone.CodeSeparators, phone.CodePlusSign),
	"typed_country_code": diagCheck(i18n.Mark("No country code was typed in front of the number."), phone.CodeCountryCodeTyped, phone.CodeOtherCountryCode, phone.CodeValidInOtherRegion),
	"typed_trunk":        diagCheck(i18n.Mark("No trunk 0 was typed in front of the number."), phone.CodeTrunkPrefix, phone.CodeTrunkAfterCountryCode),
	"number_valid":       checkNumberValid,
	"number_type":        checkNumberType,
	"trunk_forms":        checkTrunkForms,
	"email_delivery":     checkEmailDelivery,
	"email_on_file":      checkEmailOnFile,
	"email_sender":       checkEmailSender,
	"push_fallback":      checkPushFallback,
	"notifications":      checkNotifications,
	"push_resend":        checkPushResend,
	"device_online":      checkDeviceOnline,
	"app_version":        checkAppVersion,
	"code_requester":     checkCodeRequester,
	"stranger_stopped":   checkStrangerStopped,
	"password_changed":   checkPasswordChanged,
	"unknown_trusted":    checkUnknownTrusted,
	"ip_location":        checkIPLocation,
	"flagged_logins":     checkFlaggedLogins,
	"stale_devices":      checkStaleDevices,
	"twofa_on":           checkTwoFAOn,
	"twofa_feature":      checkTwoFAFeature,
	"rollout_wait":       checkRolloutWait,
	checkEscalationField: checkEscalationFieldKnown,
}

// findingsText joins the diagnosis findings with these codes: message, then
// advice, as the phone check shows them.
func findingsText(lc *i18n.Localizer, d *phone.Diagnosis, codes ...string) string {
	var parts []string
	for _, fd := range d.Findings {
		for _, c := range codes {
			if fd.Code == c {
				parts = append(parts, strings.TrimSpace(fd.MessageIn(lc)+" "+fd.AdviceIn(lc)))
			}
		}
	}
	return strings.Join(parts, " ")
}

// diagCheck is a check answered by the phone diagnosis alone: any of the codes
// is the cause; none of them, on a diagnosis, rules the step out. clear is
// marked with i18n.Mark (the checks table is built before any language is
// chosen) and said in the checklist's language.
func diagCheck(clear string, codes ...string) check {
	return func(f *facts, _ StepDef) (string, string) {
		if f.diag == nil {
			return "", ""
		}
		if t := findingsText(f.lc, f.diag, codes...); t != "" {
			return FindingCause, f.lc.L("Phone check of what the customer typed ({{.Input}}): {{.Findings}}", i18n.M{"Input": f.diag.Input, "Findings": t})
		}
		return FindingRuledOut, f.lc.L("Phone check of what the customer typed: {{.Result}}", i18n.M{"Result": f.lc.T(clear)})
	}
}

// phoneCheck is a reason quoting the phone check's findings.
func phoneCheck(lc *i18n.Localizer, findings string) string {
	return lc.L("Phone check: {{.Findings}}", i18n.M{"Findings": findings})
}

func checkCountryCode(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if d := f.diag; d != nil {
		if t := findingsText(f.lc, d, phone.CodeCountryCodeTyped, phone.CodeOtherCountryCode, phone.CodeValidInOtherRegion); t != "" {
			return FindingCause, phoneCheck(lc, t)
		}
		if !d.Valid {
			return FindingCause, lc.L("Phone check: what the customer typed is not a valid number for {{.Region}}. {{.Findings}}", i18n.M{
				"Region":   regionWordsIn(lc, d.InputRegion),
				"Findings": findingsText(f.lc, d, phone.CodeTooShort, phone.CodeTooLong, phone.CodeInvalidNumber, phone.CodeLetters)})
		}
		return FindingRuledOut, lc.L("Phone check: a valid {{.Region}} number; the country code is right.", i18n.M{"Region": regionWordsIn(lc, d.Region)})
	}
	if d := f.lastSMS; d != nil && d.ProviderError == data.ProviderUnknownNumber && d.DestinationForm != data.FormTrunk0 {
		return FindingCause, lc.L("The carrier says the number does not exist ({{.Error}}, last SMS {{.When}}): check the country code and the number with the customer.",
			i18n.M{"Error": d.ProviderError, "When": whenIn(lc, d.RequestedAt)})
	}
	if s := f.e164; s != nil && s.Delivered > 0 {
		return FindingRuledOut, lc.L("{{.Delivered}} of {{.Sent}} SMS to the number on file ({{.To}}) arrived in the last 30 days: the number and its country code are right.",
			i18n.M{"Delivered": s.Delivered, "Sent": s.Sent, "To": s.To})
	}
	return "", ""
}

// lastSMS is the subject of an outcome sentence about the newest SMS.
func lastSMS(lc *i18n.Localizer) string { return lc.X("evidence.the_last_sms", "The last SMS") }

func checkSignal(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	d := f.lastSMS
	switch {
	case d == nil:
		return "", ""
	case d.ProviderError == data.ProviderUnreachable:
		return FindingCause, outcomeIn(lc, lastSMS(lc), d)
	case d.Status == data.StatusDelivered:
		return FindingRuledOut, lc.L("The last SMS ({{.When}}) was delivered: the phone had signal then.", i18n.M{"When": whenIn(lc, d.RequestedAt)})
	}
	return "", ""
}

func checkSendPacing(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if len(f.blocked) > 0 {
		l := f.blocked[0]
		var full []string
		for _, w := range l.Windows {
			if w.Used >= w.Limit && w.Limit > 0 {
				full = append(full, deliveries.WindowUse(lc, w))
			}
		}
		used := ""
		if len(full) > 0 {
			used = lc.X("evidence.limits_full", " ({{.Limits}})", i18n.M{"Limits": joinAndIn(lc, full)})
		}
		m := i18n.M{"Destination": l.DestinationMasked, "Full": used}
		if l.NextAllowedAt != nil {
			m["When"] = whenIn(lc, *l.NextAllowedAt)
			return FindingCause, lc.L("The send limit for {{.Destination}} is reached{{.Full}}: the next code can go at {{.When}}. Ask the customer to wait and not to request again before then.", m)
		}
		return FindingCause, lc.L("The send limit for {{.Destination}} is reached{{.Full}}: the next code can go later. Ask the customer to wait and not to request again before then.", m)
	}
	// The codes of one channel: SMS when there are any, the channel of the
	// newest code otherwise.
	var codes []*data.Delivery
	ch := data.ChannelSMS
	if f.lastSMS == nil && len(f.recent) > 0 {
		ch = f.recent[0].Channel
	}
	for _, d := range f.recent {
		if d.Channel == ch && d.RequestedBy == data.RequesterUser {
			codes = append(codes, d)
		}
	}
	if len(codes) == 0 {
		return "", ""
	}
	newest := codes[0]
	// The burst: codes within an hour of the newest, the help page's
	// time scale for "repeatedly".
	burst := codes[:1]
	for _, c := range codes[1:] {
		if newest.RequestedAt.Sub(c.RequestedAt) > time.Hour {
			break
		}
		burst = append(burst, c)
	}
	if len(burst) == 1 {
		if newest.Status == data.StatusQueued || newest.Status == data.StatusSent && newest.ProviderError == "" {
			if age := f.now.Sub(newest.RequestedAt); age < pendingFor {
				return FindingHint, lc.L("The last code went {{.Ago}} ago ({{.When}}): give it up to 10 minutes before asking for another.",
					i18n.M{"Ago": minutesIn(lc, age), "When": whenIn(lc, newest.RequestedAt)})
			}
		}
		return "", ""
	}
	shortest, allFailed := time.Hour, true
	var gaps []string
	for i := 0; i+1 < len(burst); i++ {
		g := burst[i].RequestedAt.Sub(burst[i+1].RequestedAt)
		shortest = min(shortest, g)
		gaps = append(gaps, minutesIn(lc, g))
	}
	for _, c := range burst {
		if !c.Failed() {
			allFailed = false
		}
	}
	span := newest.RequestedAt.Sub(burst[len(burst)-1].RequestedAt)
	if shortest < minWait {
		return FindingCause, lc.N("{{.Count}} codes were requested within {{.Span}} (the closest {{.Shortest}} apart): ask the customer to wait 5-10 minutes for a code before asking again, or the limits block sending.",
			len(burst), i18n.M{"Span": minutesIn(lc, span), "Shortest": minutesIn(lc, shortest)})
	}
	if allFailed {
		return FindingTried, lc.N("The customer already waited between requests: {{.Count}} codes, {{.Gaps}} apart, and none arrived.",
			len(burst), i18n.M{"Gaps": joinAndIn(lc, gaps)})
	}
	return "", ""
}

func checkSMSSender(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	d := f.lastSMS
	if d == nil {
		d = f.lastSMSEver
	}
	if d == nil || d.Sender == "" {
		return "", ""
	}
	if d.ProviderError == data.ProviderCarrierFiltered {
		return FindingCause, lc.L("The carrier filtered the last SMS ({{.When}}) as spam: ask the customer to look for messages from {{.Sender}} in the spam and block lists and to unblock it.",
			i18n.M{"When": whenIn(lc, d.RequestedAt), "Sender": senderWords(lc, d)})
	}
	return FindingHint, lc.L("Codes come from {{.Sender}}: that is the sender to look for and unblock.", i18n.M{"Sender": senderWords(lc, d)})
}

func checkLineStatus(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	d := f.lastSMS
	if d == nil {
		return "", ""
	}
	if d.ProviderError == data.ProviderUnreachable {
		if e := f.roamingLogin(); e != nil {
			return FindingCause, lc.L("The last SMS ({{.When}}) was undelivered: the handset could not be reached. The newest sign-in ({{.SignIn}}) came from {{.Place}} while the account is in {{.Region}}: the customer is probably roaming, and their plan may not pass SMS abroad.",
				i18n.M{"When": whenIn(lc, d.RequestedAt), "SignIn": whenIn(lc, e.At), "Place": placeIn(lc, e.Location), "Region": regionWordsIn(lc, f.acct.Region)})
		}
		return FindingCause, lc.L("The last SMS ({{.When}}) was undelivered: the handset could not be reached, so the line may be off, suspended or roaming.",
			i18n.M{"When": whenIn(lc, d.RequestedAt)})
	}
	if d.Status == data.StatusDelivered {
		return FindingRuledOut, lc.L("The last SMS ({{.When}}) was delivered: the line was working then.", i18n.M{"When": whenIn(lc, d.RequestedAt)})
	}
	return "", ""
}

func checkCarrierBlock(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	d := f.lastSMS
	if d == nil {
		return "", ""
	}
	switch {
	case d.ProviderError == data.ProviderCarrierFiltered || d.ProviderError == data.ProviderUnknownError:
		what := lastSMS(lc)
		if d.NetworkReached != "" {
			what = lc.L("The last SMS on {{.Network}}", i18n.M{"Network": d.NetworkReached})
		}
		return FindingCause, lc.L("{{.Outcome}} The carrier is the one who can tell why.", i18n.M{"Outcome": outcomeIn(lc, what, d)})
	case d.Status == data.StatusDelivered:
		return FindingRuledOut, lc.L("The last SMS ({{.When}}) was delivered: the carrier passes the messages.", i18n.M{"When": whenIn(lc, d.RequestedAt)})
	case d.SenderKind == "short_code":
		return FindingHint, lc.L("Codes come from {{.Sender}}: the customer can ask the carrier to allow short numbers and enterprise senders.",
			i18n.M{"Sender": senderWords(lc, d)})
	}
	return "", ""
}

func checkPorted(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if f.network == "" {
		return "", ""
	}
	if carrier := f.plannedCarrier(); carrier != "" {
		if p := f.porting(carrier); p.Ported {
			return FindingCause, lc.L("The SMS provider reached {{.Network}} ({{.When}}), but the number was first given to {{.Carrier}}: the number was ported. A recently ported number can take a day to receive SMS again.",
				i18n.M{"Network": p.Reached, "When": whenIn(lc, f.networkAt), "Carrier": carrier})
		}
		if f.prevNetwork == nil {
			return FindingRuledOut, lc.L("The SMS provider reaches {{.Network}}, the carrier the number was first given to: not ported.", i18n.M{"Network": f.network})
		}
	}
	if p := f.prevNetwork; p != nil {
		return FindingCause, lc.L("The SMS provider reached {{.Before}} until {{.Until}} and {{.Network}} since {{.Since}}: the number moved to another network. A recently ported number can take a day to receive SMS again.",
			i18n.M{"Before": p.NetworkReached, "Until": whenIn(lc, p.RequestedAt), "Network": f.network, "Since": whenIn(lc, f.networkAt)})
	}
	return "", ""
}

// ways lists the ways in the account has besides a code, for the fallbacks.
func (f *facts) ways() (password, linked, email string) {
	lc := f.lc
	a := f.acct
	if a == nil {
		return "", "", ""
	}
	if a.PasswordSet {
		password = lc.X("evidence.way.password", "a password")
	}
	if len(a.LinkedLogins) > 0 {
		linked = lc.L("a linked {{.Logins}} sign-in", i18n.M{"Logins": joinAndIn(lc, titleAll(a.LinkedLogins))})
	}
	if a.EmailMasked != "" {
		email = lc.L("the email {{.Email}}", i18n.M{"Email": a.EmailMasked})
		if !a.EmailVerified {
			email = lc.L("the email {{.Email}} (not verified)", i18n.M{"Email": a.EmailMasked})
		}
	}
	return password, linked, email
}

func titleAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		switch strings.ToLower(s) {
		case "wechat":
			out[i] = "WeChat"
		case "":
			out[i] = s
		default:
			out[i] = strings.ToUpper(s[:1]) + s[1:]
		}
	}
	return out
}

func checkFallback(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if f.acct == nil {
		return "", ""
	}
	var have []string
	p, l, e := f.ways()
	for _, w := range []string{p, l, e} {
		if w != "" {
			have = append(have, w)
		}
	}
	if len(have) == 0 {
		return FindingNotApplicable, lc.L("The account has no password, linked sign-in or email: a code is its only way in.")
	}
	return FindingHint, lc.L("The account has {{.Ways}}.", i18n.M{"Ways": joinAndIn(lc, have)})
}

func checkFallbackPassword(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if f.acct == nil {
		return "", ""
	}
	if f.acct.PasswordSet {
		return FindingHint, lc.L("A password is set on the account: the customer can sign in with it.")
	}
	return FindingNotApplicable, lc.L("No password is set on the account.")
}

func checkLinkedLogins(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if f.acct == nil {
		return "", ""
	}
	if len(f.acct.LinkedLogins) > 0 {
		return FindingHint, lc.L("Linked sign-in: {{.Logins}}.", i18n.M{"Logins": joinAndIn(lc, titleAll(f.acct.LinkedLogins))})
	}
	return FindingNotApplicable, lc.L("No third-party sign-in is linked to the account.")
}

// lastEmailOne is the subject of an outcome sentence about the newest email,
// after a sentence about emails.
func lastEmailOne(lc *i18n.Localizer) string {
	return lc.X("evidence.the_last_email_one", "The last one")
}

func checkEmailFallback(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if f.acct == nil {
		return "", ""
	}
	if f.acct.EmailMasked == "" {
		return FindingNotApplicable, lc.L("No email address is on file.")
	}
	if d := f.lastEmail; d != nil && d.Failed() {
		return FindingTried, lc.L("Email codes do not arrive either. {{.Outcome}}", i18n.M{"Outcome": outcomeIn(lc, lastEmailOne(lc), d)})
	}
	_, _, e := f.ways()
	return FindingHint, lc.L("On file: {{.Email}}.", i18n.M{"Email": e})
}

func checkNumberValid(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	d := f.diag
	if d == nil {
		return "", ""
	}
	if t := findingsText(f.lc, d, phone.CodeTooShort, phone.CodeTooLong, phone.CodeInvalidNumber, phone.CodeLetters, phone.CodeValidInOtherRegion); t != "" {
		return FindingCause, phoneCheck(lc, t)
	}
	if d.Valid {
		return FindingRuledOut, lc.L("Phone check: a complete, valid {{.Region}} number.", i18n.M{"Region": regionWordsIn(lc, d.Region)})
	}
	return "", ""
}

func checkNumberType(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if d := f.diag; d != nil {
		if t := findingsText(f.lc, d, phone.CodeVoIP, phone.CodeLandline, phone.CodeNotMobile); t != "" {
			return FindingCause, phoneCheck(lc, t)
		}
	}
	if d := f.lastSMSEver; d != nil && (d.ProviderError == data.ProviderVoIPRefused || d.ProviderError == data.ProviderLandline) {
		return FindingCause, outcomeIn(lc, lc.X("evidence.the_sms", "The SMS"), d)
	}
	if d := f.diag; d != nil {
		switch {
		case d.Type == phone.TypeMobile:
			if d.Carrier != "" {
				return FindingRuledOut, lc.L("Phone check: a mobile number, first given to {{.Carrier}}.", i18n.M{"Carrier": d.Carrier})
			}
			return FindingRuledOut, lc.L("Phone check: a mobile number.")
		case d.Has(phone.CodeMobileOrLandline):
			return FindingHint, phoneCheck(lc, findingsText(f.lc, d, phone.CodeMobileOrLandline))
		}
	}
	return "", ""
}

// formWords is a number in a form, as services/words names the form.
func formWords(lc *i18n.Localizer, form string) string {
	return lc.L("the number {{.Form}}", i18n.M{"Form": words.FormIn(lc.Language(), form)})
}

func checkTrunkForms(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	e, t := f.e164, f.trunk0
	stored := ""
	if f.acct != nil && f.acct.PhoneStoredForm == data.FormTrunk0 {
		stored = lc.X("evidence.stored_with_0", " The number is stored with the 0 after the country code.")
	}
	counts := func(s *deliveries.FormStats) string {
		return lc.L("codes to {{.Number}} ({{.To}}) arrived {{.Delivered}} of {{.Sent}} times",
			i18n.M{"Number": formWords(lc, s.Form), "To": s.To, "Delivered": s.Delivered, "Sent": s.Sent})
	}
	switch {
	case t != nil && e != nil && t.Delivered == 0 && t.Failed > 0 && e.Delivered > 0:
		return FindingCause, lc.L("In the last 30 days {{.Failing}}, while {{.Working}}: send to the number without the 0.{{.Stored}}",
			i18n.M{"Failing": counts(t), "Working": counts(e), "Stored": stored})
	case t != nil && e != nil && e.Delivered == 0 && e.Failed > 0 && t.Delivered > 0:
		return FindingCause, lc.L("In the last 30 days {{.Failing}}, while {{.Working}}: this network needs the 0.{{.Stored}}",
			i18n.M{"Failing": counts(e), "Working": counts(t), "Stored": stored})
	case t != nil && t.Delivered == 0 && t.Failed > 0:
		return FindingCause, lc.L("In the last 30 days {{.Failing}}: try the number without the 0.{{.Stored}}",
			i18n.M{"Failing": counts(t), "Stored": stored})
	}
	if d := f.diag; d != nil && d.Valid && d.AppEntryWithTrunk != "" {
		return FindingHint, lc.L("The two forms to try in the app: {{.Without}} (without the 0) and {{.With}} (with the 0).{{.Stored}}",
			i18n.M{"Without": d.AppEntry, "With": d.AppEntryWithTrunk, "Stored": stored})
	}
	if stored != "" {
		return FindingHint, strings.TrimSpace(stored)
	}
	return "", ""
}

func checkEmailDelivery(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	d := f.lastEmail
	if d == nil {
		return "", ""
	}
	last := func() string { return outcomeIn(lc, lc.X("evidence.the_last_email", "The last email"), d) }
	switch {
	case d.Status == data.StatusBounced || d.Status == data.StatusFailed:
		return FindingNotApplicable, lc.L("{{.Outcome}} It is not in Spam either; check the address instead.", i18n.M{"Outcome": last()})
	case d.ProviderError == data.ProviderEmailDeferred:
		return FindingCause, lc.L("{{.Outcome}} Ask the customer to check Spam/Junk and to make room in the mailbox.", i18n.M{"Outcome": last()})
	case d.Status == data.StatusDelivered:
		return FindingHint, lc.L("The last code email ({{.When}}) was delivered to {{.To}}: if it is not in the inbox, it is in Spam/Junk.",
			i18n.M{"When": whenIn(lc, d.RequestedAt), "To": d.DestinationMasked})
	}
	return "", ""
}

func checkEmailOnFile(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if f.acct == nil {
		return "", ""
	}
	a := f.acct
	if a.EmailMasked == "" {
		return FindingCause, lc.L("No email address is on file.")
	}
	if d := f.lastEmail; d != nil && d.ProviderError == data.ProviderEmailBounced {
		return FindingCause, lc.L("Emails to {{.Email}} bounce. {{.Outcome}} Confirm the address with the customer; it may be mistyped or closed.",
			i18n.M{"Email": a.EmailMasked, "Outcome": outcomeIn(lc, lastEmailOne(lc), d)})
	}
	if !a.EmailVerified {
		return FindingHint, lc.L("The address on file is {{.Email}} (not verified).", i18n.M{"Email": a.EmailMasked})
	}
	return FindingHint, lc.L("The address on file is {{.Email}} (verified).", i18n.M{"Email": a.EmailMasked})
}

func checkEmailSender(f *facts, _ StepDef) (string, string) {
	if d := f.lastEmail; d != nil && d.Sender != "" {
		return FindingHint, f.lc.L("Code emails come from {{.Sender}}.", i18n.M{"Sender": d.Sender})
	}
	return "", ""
}

func checkPushFallback(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if len(f.devices) == 0 {
		if f.acct == nil {
			return "", ""
		}
		return FindingNotApplicable, lc.L("The account has no trusted device to notify.")
	}
	var on, off []string
	for _, d := range f.devices {
		if d.NotificationsAllowed {
			on = append(on, d.Name)
		} else {
			off = append(off, d.Name)
		}
	}
	if len(on) == 0 {
		return FindingNotApplicable, lc.L("No trusted device allows notifications ({{.Devices}} has them off).", i18n.M{"Devices": joinAndIn(lc, off)})
	}
	return FindingHint, lc.L("Trusted devices that allow notifications: {{.Devices}}.", i18n.M{"Devices": joinAndIn(lc, on)})
}

func checkNotifications(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if len(f.devices) == 0 {
		if f.acct == nil {
			return "", ""
		}
		return FindingCause, lc.L("The account has no trusted device to notify: send the code by email.")
	}
	var off, on []string
	for _, d := range f.devices {
		if d.NotificationsAllowed {
			on = append(on, d.Name)
		} else {
			off = append(off, d.Name)
		}
	}
	if len(off) > 0 {
		m := i18n.M{"Devices": joinAndIn(lc, off)}
		if d := f.lastPush; d != nil && d.ProviderError == data.ProviderPushNotifDisabled {
			m["When"], m["To"] = whenIn(lc, d.RequestedAt), d.DestinationMasked
			return FindingCause, lc.L("Notifications are off for the app on {{.Devices}}. The last notification ({{.When}}, to {{.To}}) was refused for that reason.", m)
		}
		return FindingCause, lc.L("Notifications are off for the app on {{.Devices}}.", m)
	}
	return FindingRuledOut, lc.L("Notifications are allowed on every trusted device ({{.Devices}}).", i18n.M{"Devices": joinAndIn(lc, on)})
}

func checkPushResend(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	var failed []*data.Delivery
	for _, d := range f.recent {
		if d.Channel == data.ChannelAppPush && d.Failed() {
			failed = append(failed, d)
		}
	}
	if len(failed) < 2 {
		return "", ""
	}
	return FindingTried, lc.N("{{.Count}} notifications were already sent and failed. {{.Outcome}} Resending will not help until that is fixed.",
		len(failed), i18n.M{"Outcome": outcomeIn(lc, lc.X("evidence.the_last_notification_one", "The last one"), failed[0])})
}

func checkDeviceOnline(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if len(f.devices) == 0 {
		return "", ""
	}
	d := f.devices[0]
	if f.now.Sub(d.LastSeenAt) <= onlineWindow {
		return FindingRuledOut, lc.L("{{.Device}} was online {{.Ago}} ago ({{.When}}).",
			i18n.M{"Device": d.Name, "Ago": minutesIn(lc, f.now.Sub(d.LastSeenAt)), "When": whenIn(lc, d.LastSeenAt)})
	}
	return FindingHint, lc.L("The trusted device seen last, {{.Device}}, was last online {{.Ago}} ({{.When}}): ask the customer to check it is connected.",
		i18n.M{"Device": d.Name, "Ago": daysAgoIn(lc, d.LastSeenAt, f.now), "When": whenIn(lc, d.LastSeenAt)})
}

func checkAppVersion(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if len(f.devices) == 0 || f.latestVersion == "" {
		return "", ""
	}
	var old []string
	for _, d := range f.devices {
		if compareVersions(d.AppVersion, f.latestVersion) < 0 {
			old = append(old, lc.L("{{.Device}} runs {{.Version}}", i18n.M{"Device": d.Name, "Version": d.AppVersion}))
		}
	}
	if len(old) > 0 {
		return FindingCause, lc.L("{{.Old}}; {{.Latest}} is in use on this account ({{.Where}}): ask the customer to update the app.",
			i18n.M{"Old": joinAndIn(lc, old), "Latest": f.latestVersion, "Where": f.latestWhere})
	}
	return FindingRuledOut, lc.L("Every trusted device runs {{.Version}}, the newest version seen on this account.", i18n.M{"Version": f.latestVersion})
}

func checkCodeRequester(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if len(f.suspectCodes) == 0 {
		if len(f.events) == 0 {
			return "", ""
		}
		return FindingHint, lc.L("No code of the last 7 days was asked for by an unknown device from a new country: go through the login activity with the customer.")
	}
	// One sentence per device, oldest device first.
	var parts []string
	for _, dev := range f.suspectOrder {
		var times []string
		var first *suspectCode
		for i := range f.suspectCodes {
			c := &f.suspectCodes[i]
			if deviceKey(c.ev) == dev {
				times = append(times, whenIn(lc, c.d.RequestedAt))
				if first == nil {
					first = c
				}
			}
		}
		if first == nil {
			continue
		}
		flag := f.suspects[dev]
		parts = append(parts, lc.N("{{.Count}} code(s) reached the customer ({{.To}}) for sign-ins from {{.Device}} in {{.Place}} ({{.Flags}}), which is not a trusted device: {{.Times}}.",
			len(times), i18n.M{"To": first.d.DestinationMasked, "Device": deviceWordsIn(lc, first.ev), "Place": placeIn(lc, first.ev.Location),
				"Flags": flagWordsIn(lc, flag), "Times": joinAndIn(lc, times)}))
	}
	return FindingCause, strings.Join(parts, " ")
}

func checkStrangerStopped(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if len(f.suspectOrder) == 0 {
		return "", ""
	}
	var in, stopped, past []string
	for _, dev := range f.suspectOrder {
		e, o := f.suspects[dev], f.outcomes[dev]
		name := deviceWordsIn(lc, e)
		switch {
		case o[data.Outcome2FAPassed] > 0 || o[data.Outcome2FASkipped] > 0:
			in = append(in, name)
		case o[data.Outcome2FAFailed] > 0 || o[data.OutcomeBlocked] > 0:
			var how []string
			if n := o[data.Outcome2FAFailed]; n > 0 {
				how = append(how, lc.L("failed the second step {{.Times}}", i18n.M{"Times": times(lc, n)}))
			}
			if n := o[data.OutcomeBlocked]; n > 0 {
				how = append(how, lc.L("was blocked {{.Times}}", i18n.M{"Times": times(lc, n)}))
			}
			stopped = append(stopped, lc.L("{{.Device}} {{.What}} and never passed", i18n.M{"Device": name, "What": joinAndIn(lc, how)}))
		case o[data.OutcomePasswordOK] > 0:
			past = append(past, name)
		}
	}
	switch {
	case len(in) > 0:
		return FindingCause, lc.L("{{.Devices}} got past the second step: it is signed in. Sign out all sessions, and have the customer change the password now.",
			i18n.M{"Devices": joinAndIn(lc, in)})
	case len(past) > 0:
		return FindingCause, lc.L("{{.Devices}} signed in with the right password: someone else knows it. Have the customer change it now.",
			i18n.M{"Devices": joinAndIn(lc, past)})
	case len(stopped) > 0:
		return FindingRuledOut, lc.L("{{.Devices}}: the stranger did not get in.", i18n.M{"Devices": strings.Join(stopped, lc.X("evidence.list_semicolon", "; "))})
	}
	return "", ""
}

func times(lc *i18n.Localizer, n int) string {
	switch n {
	case 1:
		return lc.X("evidence.once", "once")
	case 2:
		return lc.X("evidence.twice", "twice")
	}
	return lc.XN("evidence.times", "{{.Count}} times", n)
}

func checkPasswordChanged(f *facts, _ StepDef) (string, string) {
	if len(f.suspectOrder) == 0 || len(f.resetAfter) == 0 {
		return "", ""
	}
	d := f.resetAfter[0]
	return FindingRuledOut, f.lc.L("A password-reset code reached the customer at {{.When}}, after the unknown sign-in.", i18n.M{"When": whenIn(f.lc, d.RequestedAt)})
}

func checkUnknownTrusted(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if len(f.devices) == 0 {
		return "", ""
	}
	var names []string
	for _, d := range f.devices {
		names = append(names, lc.L("{{.Name}} ({{.Model}}, seen {{.When}})", i18n.M{"Name": d.Name, "Model": d.Model, "When": whenIn(lc, d.LastSeenAt)}))
	}
	list := lc.L("Trusted devices: {{.Devices}}.", i18n.M{"Devices": strings.Join(names, lc.X("evidence.list_semicolon", "; "))})
	var unknown []string
	for _, dev := range f.suspectOrder {
		unknown = append(unknown, deviceWordsIn(lc, f.suspects[dev]))
	}
	if len(unknown) > 0 {
		return FindingHint, lc.L("{{.Devices}} is not among them: nothing of the stranger's to remove. {{.List}}", i18n.M{"Devices": joinAndIn(lc, unknown), "List": list})
	}
	return FindingHint, list
}

func checkIPLocation(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	var e = f.farMobile
	if len(f.flagged) > 0 && (e == nil || f.flagged[0].At.After(e.At)) {
		e = f.flagged[0]
	}
	if e == nil {
		return "", ""
	}
	l := e.Location
	net := l.ASOrg
	if net == "" {
		net = lc.X("evidence.network_unknown", "network unknown")
	}
	m := i18n.M{"When": whenIn(lc, e.At), "Network": net, "Place": placeIn(lc, l)}
	switch l.NetworkKind {
	case "hosting":
		return FindingCause, lc.L("The sign-in of {{.When}} came through a hosting or VPN network ({{.Network}}) placed in {{.Place}}: not a home or mobile provider, so the place says little and the device deserves a look.", m)
	case "mobile":
		m["Far"] = ""
		if e.FromPrevious {
			m["Far"] = lc.X("evidence.km_from_before", ", {{.Distance}} km from the sign-in before", i18n.M{"Distance": i18n.Number(lc.Language(), e.DistanceKM)})
		}
		return FindingHint, lc.L("The sign-in of {{.When}} was on mobile data ({{.Network}}) and is placed in {{.Place}}{{.Far}}: mobile data is often located far from the phone.", m)
	}
	m["Accuracy"] = ""
	if l.AccuracyKM > 0 {
		m["Accuracy"] = lc.X("evidence.within_km", " within about {{.Distance}} km", i18n.M{"Distance": l.AccuracyKM})
	}
	m["IP"] = e.IP
	return FindingHint, lc.L("The sign-in of {{.When}} is placed in {{.Place}}{{.Accuracy}} ({{.Network}}), from its IP address {{.IP}}.", m)
}

func checkFlaggedLogins(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if len(f.flagged) == 0 {
		if e := f.farMobile; e != nil {
			return FindingHint, lc.L("The far-away sign-in: {{.Device}} at {{.When}}, placed in {{.Place}}.",
				i18n.M{"Device": deviceWordsIn(lc, e), "When": whenIn(lc, e.At), "Place": placeIn(lc, e.Location)})
		}
		if len(f.events) == 0 {
			return "", ""
		}
		return FindingHint, lc.L("No sign-in of the last 30 days is from a new country or impossibly far from the one before.")
	}
	var parts []string
	for i, e := range f.flagged {
		if i == 3 {
			parts = append(parts, lc.XN("evidence.and_more", "and {{.Count}} more", len(f.flagged)-3))
			break
		}
		parts = append(parts, lc.L("{{.Device}} at {{.When}} in {{.Place}} ({{.Flags}})",
			i18n.M{"Device": deviceWordsIn(lc, e), "When": whenIn(lc, e.At), "Place": placeIn(lc, e.Location), "Flags": flagWordsIn(lc, e)}))
	}
	return FindingHint, lc.L("Flagged sign-ins: {{.SignIns}}.", i18n.M{"SignIns": strings.Join(parts, lc.X("evidence.list_semicolon", "; "))})
}

func checkStaleDevices(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if len(f.devices) == 0 {
		if f.acct == nil {
			return "", ""
		}
		return FindingNotApplicable, lc.L("The account has no trusted device.")
	}
	var stale, all []string
	for _, d := range f.devices {
		s := lc.L("{{.Name}} ({{.Model}}) last seen {{.Ago}} ({{.When}}) from {{.IP}}",
			i18n.M{"Name": d.Name, "Model": d.Model, "Ago": daysAgoIn(lc, d.LastSeenAt, f.now), "When": whenIn(lc, d.LastSeenAt), "IP": d.LastIP})
		all = append(all, s)
		if f.now.Sub(d.LastSeenAt) >= staleDevice {
			stale = append(stale, s)
		}
	}
	semi := lc.X("evidence.list_semicolon", "; ")
	if len(stale) > 0 {
		return FindingHint, lc.L("Not seen for a month or more: {{.Devices}}.", i18n.M{"Devices": strings.Join(stale, semi)})
	}
	return FindingHint, lc.L("Trusted devices: {{.Devices}}.", i18n.M{"Devices": strings.Join(all, semi)})
}

func checkTwoFAOn(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if f.acct == nil {
		return "", ""
	}
	t := f.acct.TwoFactor
	switch {
	case t.Enabled:
		return FindingRuledOut, lc.L("Two-step verification is on (by {{.Method}}).", i18n.M{"Method": words.MethodIn(lc.Language(), t.Method)})
	case !t.FeatureAvailable:
		return FindingNotApplicable, lc.L("Two-step verification has not reached this account yet.")
	}
	return FindingCause, lc.L("Two-step verification is off: suggest turning it on (Me > Account > Login Security).")
}

func checkTwoFAFeature(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if f.acct == nil {
		return "", ""
	}
	t := f.acct.TwoFactor
	if !t.FeatureAvailable {
		return FindingCause, lc.L("Two-step verification has not been rolled out to this account yet.")
	}
	if t.Enabled {
		return FindingRuledOut, lc.L("Two-step verification is available on this account (now on, by {{.Method}}).", i18n.M{"Method": words.MethodIn(lc.Language(), t.Method)})
	}
	return FindingRuledOut, lc.L("Two-step verification is available on this account (now off).")
}

func checkRolloutWait(f *facts, _ StepDef) (string, string) {
	lc := f.lc
	if f.acct == nil {
		return "", ""
	}
	if f.acct.TwoFactor.FeatureAvailable {
		return FindingNotApplicable, lc.L("The feature is already available: nothing to wait for.")
	}
	return FindingHint, lc.L("Not rolled out yet: nothing to install; it arrives with no app update.")
}

func checkEscalationFieldKnown(f *facts, def StepDef) (string, string) {
	v := escalationOf(f).Get(def.Field)
	if v == "" {
		return "", ""
	}
	return FindingRuledOut, f.lc.L("Known to the console: {{.Value}}.", i18n.M{"Value": v})
}
