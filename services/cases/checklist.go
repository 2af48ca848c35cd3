package cases

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/deliveries"
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
// section 3.
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
// and a Reason; the others are todo. The steps come in the help page's order.
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
// failed, one per line, with what happened.
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
	"typed_characters":   diagCheck("The customer typed digits only.", phone.CodeLetters, phone.CodeNonASCIIDigits, phone.CodeSeparators, phone.CodePlusSign),
	"typed_country_code": diagCheck("No country code was typed in front of the number.", phone.CodeCountryCodeTyped, phone.CodeOtherCountryCode, phone.CodeValidInOtherRegion),
	"typed_trunk":        diagCheck("No trunk 0 was typed in front of the number.", phone.CodeTrunkPrefix, phone.CodeTrunkAfterCountryCode),
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
func findingsText(d *phone.Diagnosis, codes ...string) string {
	var parts []string
	for _, fd := range d.Findings {
		for _, c := range codes {
			if fd.Code == c {
				parts = append(parts, strings.TrimSpace(fd.Message+" "+fd.Advice))
			}
		}
	}
	return strings.Join(parts, " ")
}

// diagCheck is a check answered by the phone diagnosis alone: any of the codes
// is the cause; none of them, on a diagnosis, rules the step out.
func diagCheck(clear string, codes ...string) check {
	return func(f *facts, _ StepDef) (string, string) {
		if f.diag == nil {
			return "", ""
		}
		if t := findingsText(f.diag, codes...); t != "" {
			return FindingCause, "Phone check of what the customer typed (" + f.diag.Input + "): " + t
		}
		return FindingRuledOut, "Phone check of what the customer typed: " + clear
	}
}

func checkCountryCode(f *facts, _ StepDef) (string, string) {
	if d := f.diag; d != nil {
		if t := findingsText(d, phone.CodeCountryCodeTyped, phone.CodeOtherCountryCode, phone.CodeValidInOtherRegion); t != "" {
			return FindingCause, "Phone check: " + t
		}
		if !d.Valid {
			return FindingCause, "Phone check: what the customer typed is not a valid number for " + regionWords(d.InputRegion) + ". " +
				findingsText(d, phone.CodeTooShort, phone.CodeTooLong, phone.CodeInvalidNumber, phone.CodeLetters)
		}
		return FindingRuledOut, fmt.Sprintf("Phone check: a valid %s number; the country code is right.", regionWords(d.Region))
	}
	if d := f.lastSMS; d != nil && d.ProviderError == data.ProviderUnknownNumber && d.DestinationForm != data.FormTrunk0 {
		return FindingCause, fmt.Sprintf("The carrier says the number does not exist (%s, last SMS %s): check the country code and the number with the customer.", d.ProviderError, when(d.RequestedAt))
	}
	if s := f.e164; s != nil && s.Delivered > 0 {
		return FindingRuledOut, fmt.Sprintf("%d of %d SMS to the number on file (%s) arrived in the last 30 days: the number and its country code are right.",
			s.Delivered, s.Sent, s.To)
	}
	return "", ""
}

func checkSignal(f *facts, _ StepDef) (string, string) {
	d := f.lastSMS
	switch {
	case d == nil:
		return "", ""
	case d.ProviderError == data.ProviderUnreachable:
		return FindingCause, outcome("The last SMS", d)
	case d.Status == data.StatusDelivered:
		return FindingRuledOut, fmt.Sprintf("The last SMS (%s) was delivered: the phone had signal then.", when(d.RequestedAt))
	}
	return "", ""
}

func checkSendPacing(f *facts, _ StepDef) (string, string) {
	if len(f.blocked) > 0 {
		l := f.blocked[0]
		var full []string
		for _, w := range l.Windows {
			if w.Used >= w.Limit && w.Limit > 0 {
				full = append(full, fmt.Sprintf("%d of %d this %s", w.Used, w.Limit, w.Window))
			}
		}
		next := "later"
		if l.NextAllowedAt != nil {
			next = "at " + when(*l.NextAllowedAt)
		}
		used := ""
		if len(full) > 0 {
			used = " (" + joinAnd(full) + ")"
		}
		return FindingCause, fmt.Sprintf("The send limit for %s is reached%s: the next code can go %s. Ask the customer to wait and not to request again before then.",
			l.DestinationMasked, used, next)
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
				return FindingHint, fmt.Sprintf("The last code went %s ago (%s): give it up to 10 minutes before asking for another.", minutes(age), when(newest.RequestedAt))
			}
		}
		return "", ""
	}
	shortest, allFailed := time.Hour, true
	var gaps []string
	for i := 0; i+1 < len(burst); i++ {
		g := burst[i].RequestedAt.Sub(burst[i+1].RequestedAt)
		shortest = min(shortest, g)
		gaps = append(gaps, minutes(g))
	}
	for _, c := range burst {
		if !c.Failed() {
			allFailed = false
		}
	}
	span := newest.RequestedAt.Sub(burst[len(burst)-1].RequestedAt)
	if shortest < minWait {
		return FindingCause, fmt.Sprintf("%d codes were requested within %s (the closest %s apart): ask the customer to wait 5-10 minutes for a code before asking again, or the limits block sending.",
			len(burst), minutes(span), minutes(shortest))
	}
	if allFailed {
		return FindingTried, fmt.Sprintf("The customer already waited between requests: %d codes, %s apart, and none arrived.", len(burst), joinAnd(gaps))
	}
	return "", ""
}

func checkSMSSender(f *facts, _ StepDef) (string, string) {
	d := f.lastSMS
	if d == nil {
		d = f.lastSMSEver
	}
	if d == nil || d.Sender == "" {
		return "", ""
	}
	if d.ProviderError == data.ProviderCarrierFiltered {
		return FindingCause, fmt.Sprintf("The carrier filtered the last SMS (%s) as spam: ask the customer to look for messages from %s in the spam and block lists and to unblock it.",
			when(d.RequestedAt), senderWords(d))
	}
	return FindingHint, fmt.Sprintf("Codes come from %s: that is the sender to look for and unblock.", senderWords(d))
}

func checkLineStatus(f *facts, _ StepDef) (string, string) {
	d := f.lastSMS
	if d == nil {
		return "", ""
	}
	if d.ProviderError == data.ProviderUnreachable {
		if e := f.roamingLogin(); e != nil {
			return FindingCause, fmt.Sprintf("The last SMS (%s) was undelivered: the handset could not be reached. The newest sign-in (%s) came from %s while the account is in %s: the customer is probably roaming, and their plan may not pass SMS abroad.",
				when(d.RequestedAt), when(e.At), place(e.Location), regionWords(f.acct.Region))
		}
		return FindingCause, fmt.Sprintf("The last SMS (%s) was undelivered: the handset could not be reached, so the line may be off, suspended or roaming.", when(d.RequestedAt))
	}
	if d.Status == data.StatusDelivered {
		return FindingRuledOut, fmt.Sprintf("The last SMS (%s) was delivered: the line was working then.", when(d.RequestedAt))
	}
	return "", ""
}

func checkCarrierBlock(f *facts, _ StepDef) (string, string) {
	d := f.lastSMS
	if d == nil {
		return "", ""
	}
	switch {
	case d.ProviderError == data.ProviderCarrierFiltered || d.ProviderError == data.ProviderUnknownError:
		net := ""
		if d.NetworkReached != "" {
			net = " on " + d.NetworkReached
		}
		return FindingCause, outcome("The last SMS"+net, d) + " The carrier is the one who can tell why."
	case d.Status == data.StatusDelivered:
		return FindingRuledOut, fmt.Sprintf("The last SMS (%s) was delivered: the carrier passes the messages.", when(d.RequestedAt))
	case d.SenderKind == "short_code":
		return FindingHint, fmt.Sprintf("Codes come from %s: the customer can ask the carrier to allow short numbers and enterprise senders.", senderWords(d))
	}
	return "", ""
}

func checkPorted(f *facts, _ StepDef) (string, string) {
	if f.network == "" {
		return "", ""
	}
	if carrier := f.plannedCarrier(); carrier != "" {
		if p := f.porting(carrier); p.Ported {
			return FindingCause, fmt.Sprintf("The SMS provider reached %s (%s), but the number was first given to %s: the number was ported. A recently ported number can take a day to receive SMS again.",
				p.Reached, when(f.networkAt), carrier)
		}
		if f.prevNetwork == nil {
			return FindingRuledOut, fmt.Sprintf("The SMS provider reaches %s, the carrier the number was first given to: not ported.", f.network)
		}
	}
	if p := f.prevNetwork; p != nil {
		return FindingCause, fmt.Sprintf("The SMS provider reached %s until %s and %s since %s: the number moved to another network. A recently ported number can take a day to receive SMS again.",
			p.NetworkReached, when(p.RequestedAt), f.network, when(f.networkAt))
	}
	return "", ""
}

// ways lists the ways in the account has besides a code, for the fallbacks.
func (f *facts) ways() (password, linked, email string) {
	a := f.acct
	if a == nil {
		return "", "", ""
	}
	if a.PasswordSet {
		password = "a password"
	}
	if len(a.LinkedLogins) > 0 {
		linked = "a linked " + joinAnd(titleAll(a.LinkedLogins)) + " sign-in"
	}
	if a.EmailMasked != "" {
		email = "the email " + a.EmailMasked
		if !a.EmailVerified {
			email += " (not verified)"
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
		return FindingNotApplicable, "The account has no password, linked sign-in or email: a code is its only way in."
	}
	return FindingHint, "The account has " + joinAnd(have) + "."
}

func checkFallbackPassword(f *facts, _ StepDef) (string, string) {
	if f.acct == nil {
		return "", ""
	}
	if f.acct.PasswordSet {
		return FindingHint, "A password is set on the account: the customer can sign in with it."
	}
	return FindingNotApplicable, "No password is set on the account."
}

func checkLinkedLogins(f *facts, _ StepDef) (string, string) {
	if f.acct == nil {
		return "", ""
	}
	if len(f.acct.LinkedLogins) > 0 {
		return FindingHint, "Linked sign-in: " + joinAnd(titleAll(f.acct.LinkedLogins)) + "."
	}
	return FindingNotApplicable, "No third-party sign-in is linked to the account."
}

func checkEmailFallback(f *facts, _ StepDef) (string, string) {
	if f.acct == nil {
		return "", ""
	}
	if f.acct.EmailMasked == "" {
		return FindingNotApplicable, "No email address is on file."
	}
	if d := f.lastEmail; d != nil && d.Failed() {
		return FindingTried, "Email codes do not arrive either. " + outcome("The last one", d)
	}
	_, _, e := f.ways()
	return FindingHint, "On file: " + e + "."
}

func checkNumberValid(f *facts, _ StepDef) (string, string) {
	d := f.diag
	if d == nil {
		return "", ""
	}
	if t := findingsText(d, phone.CodeTooShort, phone.CodeTooLong, phone.CodeInvalidNumber, phone.CodeLetters, phone.CodeValidInOtherRegion); t != "" {
		return FindingCause, "Phone check: " + t
	}
	if d.Valid {
		return FindingRuledOut, fmt.Sprintf("Phone check: a complete, valid %s number.", regionWords(d.Region))
	}
	return "", ""
}

func checkNumberType(f *facts, _ StepDef) (string, string) {
	if d := f.diag; d != nil {
		if t := findingsText(d, phone.CodeVoIP, phone.CodeLandline, phone.CodeNotMobile); t != "" {
			return FindingCause, "Phone check: " + t
		}
	}
	if d := f.lastSMSEver; d != nil && (d.ProviderError == data.ProviderVoIPRefused || d.ProviderError == data.ProviderLandline) {
		return FindingCause, outcome("The SMS", d)
	}
	if d := f.diag; d != nil {
		switch {
		case d.Type == phone.TypeMobile:
			carrier := ""
			if d.Carrier != "" {
				carrier = ", first given to " + d.Carrier
			}
			return FindingRuledOut, "Phone check: a mobile number" + carrier + "."
		case d.Has(phone.CodeMobileOrLandline):
			return FindingHint, "Phone check: " + findingsText(d, phone.CodeMobileOrLandline)
		}
	}
	return "", ""
}

func formWords(form string) string { return "the number " + words.Form(form) }

func checkTrunkForms(f *facts, _ StepDef) (string, string) {
	e, t := f.e164, f.trunk0
	stored := ""
	if f.acct != nil && f.acct.PhoneStoredForm == data.FormTrunk0 {
		stored = " The number is stored with the 0 after the country code."
	}
	counts := func(s *deliveries.FormStats) string {
		return fmt.Sprintf("codes to %s (%s) arrived %d of %d times", formWords(s.Form), s.To, s.Delivered, s.Sent)
	}
	switch {
	case t != nil && e != nil && t.Delivered == 0 && t.Failed > 0 && e.Delivered > 0:
		return FindingCause, "In the last 30 days " + counts(t) + ", while " + counts(e) + ": send to the number without the 0." + stored
	case t != nil && e != nil && e.Delivered == 0 && e.Failed > 0 && t.Delivered > 0:
		return FindingCause, "In the last 30 days " + counts(e) + ", while " + counts(t) + ": this network needs the 0." + stored
	case t != nil && t.Delivered == 0 && t.Failed > 0:
		return FindingCause, "In the last 30 days " + counts(t) + ": try the number without the 0." + stored
	}
	if d := f.diag; d != nil && d.Valid && d.AppEntryWithTrunk != "" {
		return FindingHint, fmt.Sprintf("The two forms to try in the app: %s (without the 0) and %s (with the 0).%s", d.AppEntry, d.AppEntryWithTrunk, stored)
	}
	if stored != "" {
		return FindingHint, strings.TrimSpace(stored)
	}
	return "", ""
}

func checkEmailDelivery(f *facts, _ StepDef) (string, string) {
	d := f.lastEmail
	switch {
	case d == nil:
		return "", ""
	case d.Status == data.StatusBounced || d.Status == data.StatusFailed:
		return FindingNotApplicable, outcome("The last email", d) + " It is not in Spam either; check the address instead."
	case d.ProviderError == data.ProviderEmailDeferred:
		return FindingCause, outcome("The last email", d) + " Ask the customer to check Spam/Junk and to make room in the mailbox."
	case d.Status == data.StatusDelivered:
		return FindingHint, fmt.Sprintf("The last code email (%s) was delivered to %s: if it is not in the inbox, it is in Spam/Junk.", when(d.RequestedAt), d.DestinationMasked)
	}
	return "", ""
}

func checkEmailOnFile(f *facts, _ StepDef) (string, string) {
	if f.acct == nil {
		return "", ""
	}
	a := f.acct
	if a.EmailMasked == "" {
		return FindingCause, "No email address is on file."
	}
	if d := f.lastEmail; d != nil && d.ProviderError == data.ProviderEmailBounced {
		return FindingCause, "Emails to " + a.EmailMasked + " bounce. " + outcome("The last one", d) + " Confirm the address with the customer; it may be mistyped or closed."
	}
	v := "verified"
	if !a.EmailVerified {
		v = "not verified"
	}
	return FindingHint, fmt.Sprintf("The address on file is %s (%s).", a.EmailMasked, v)
}

func checkEmailSender(f *facts, _ StepDef) (string, string) {
	if d := f.lastEmail; d != nil && d.Sender != "" {
		return FindingHint, "Code emails come from " + d.Sender + "."
	}
	return "", ""
}

func checkPushFallback(f *facts, _ StepDef) (string, string) {
	if len(f.devices) == 0 {
		if f.acct == nil {
			return "", ""
		}
		return FindingNotApplicable, "The account has no trusted device to notify."
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
		return FindingNotApplicable, "No trusted device allows notifications (" + joinAnd(off) + " has them off)."
	}
	return FindingHint, "Trusted devices that allow notifications: " + joinAnd(on) + "."
}

func checkNotifications(f *facts, _ StepDef) (string, string) {
	if len(f.devices) == 0 {
		if f.acct == nil {
			return "", ""
		}
		return FindingCause, "The account has no trusted device to notify: send the code by email."
	}
	var off, on []string
	for _, d := range f.devices {
		if d.NotificationsAllowed {
			on = append(on, d.Name)
		} else {
			off = append(off, d.Name)
		}
	}
	refused := ""
	if d := f.lastPush; d != nil && d.ProviderError == data.ProviderPushNotifDisabled {
		refused = fmt.Sprintf(" The last notification (%s, to %s) was refused for that reason.", when(d.RequestedAt), d.DestinationMasked)
	}
	if len(off) > 0 {
		return FindingCause, "Notifications are off for the app on " + joinAnd(off) + "." + refused
	}
	return FindingRuledOut, "Notifications are allowed on every trusted device (" + joinAnd(on) + ")."
}

func checkPushResend(f *facts, _ StepDef) (string, string) {
	var failed []*data.Delivery
	for _, d := range f.recent {
		if d.Channel == data.ChannelAppPush && d.Failed() {
			failed = append(failed, d)
		}
	}
	if len(failed) < 2 {
		return "", ""
	}
	return FindingTried, fmt.Sprintf("%d notifications were already sent and failed. %s Resending will not help until that is fixed.",
		len(failed), outcome("The last one", failed[0]))
}

func checkDeviceOnline(f *facts, _ StepDef) (string, string) {
	if len(f.devices) == 0 {
		return "", ""
	}
	d := f.devices[0]
	if f.now.Sub(d.LastSeenAt) <= onlineWindow {
		return FindingRuledOut, fmt.Sprintf("%s was online %s ago (%s).", d.Name, minutes(f.now.Sub(d.LastSeenAt)), when(d.LastSeenAt))
	}
	return FindingHint, fmt.Sprintf("The trusted device seen last, %s, was last online %s (%s): ask the customer to check it is connected.", d.Name, daysAgo(d.LastSeenAt, f.now), when(d.LastSeenAt))
}

func checkAppVersion(f *facts, _ StepDef) (string, string) {
	if len(f.devices) == 0 || f.latestVersion == "" {
		return "", ""
	}
	var old []string
	for _, d := range f.devices {
		if compareVersions(d.AppVersion, f.latestVersion) < 0 {
			old = append(old, fmt.Sprintf("%s runs %s", d.Name, d.AppVersion))
		}
	}
	if len(old) > 0 {
		return FindingCause, fmt.Sprintf("%s; %s is in use on this account (%s): ask the customer to update the app.", joinAnd(old), f.latestVersion, f.latestWhere)
	}
	return FindingRuledOut, fmt.Sprintf("Every trusted device runs %s, the newest version seen on this account.", f.latestVersion)
}

func checkCodeRequester(f *facts, _ StepDef) (string, string) {
	if len(f.suspectCodes) == 0 {
		if len(f.events) == 0 {
			return "", ""
		}
		return FindingHint, "No code of the last 7 days was asked for by an unknown device from a new country: go through the login activity with the customer."
	}
	// One sentence per device, oldest device first.
	var parts []string
	for _, dev := range f.suspectOrder {
		var times []string
		var first *suspectCode
		for i := range f.suspectCodes {
			c := &f.suspectCodes[i]
			if deviceKey(c.ev) == dev {
				times = append(times, when(c.d.RequestedAt))
				if first == nil {
					first = c
				}
			}
		}
		if first == nil {
			continue
		}
		flag := f.suspects[dev]
		parts = append(parts, fmt.Sprintf("%d code(s) reached the customer (%s) for sign-ins from %s in %s (%s), which is not a trusted device: %s.",
			len(times), first.d.DestinationMasked, deviceWords(first.ev), place(first.ev.Location), flagWords(flag), joinAnd(times)))
	}
	return FindingCause, strings.Join(parts, " ")
}

func checkStrangerStopped(f *facts, _ StepDef) (string, string) {
	if len(f.suspectOrder) == 0 {
		return "", ""
	}
	var in, stopped, past []string
	for _, dev := range f.suspectOrder {
		e, o := f.suspects[dev], f.outcomes[dev]
		name := deviceWords(e)
		switch {
		case o[data.Outcome2FAPassed] > 0 || o[data.Outcome2FASkipped] > 0:
			in = append(in, name)
		case o[data.Outcome2FAFailed] > 0 || o[data.OutcomeBlocked] > 0:
			var how []string
			if n := o[data.Outcome2FAFailed]; n > 0 {
				how = append(how, "failed the second step "+times(n))
			}
			if n := o[data.OutcomeBlocked]; n > 0 {
				how = append(how, "was blocked "+times(n))
			}
			stopped = append(stopped, name+" "+joinAnd(how)+" and never passed")
		case o[data.OutcomePasswordOK] > 0:
			past = append(past, name)
		}
	}
	switch {
	case len(in) > 0:
		return FindingCause, joinAnd(in) + " got past the second step: it is signed in. Sign out all sessions, and have the customer change the password now."
	case len(past) > 0:
		return FindingCause, joinAnd(past) + " signed in with the right password: someone else knows it. Have the customer change it now."
	case len(stopped) > 0:
		return FindingRuledOut, strings.Join(stopped, "; ") + ": the stranger did not get in."
	}
	return "", ""
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func checkPasswordChanged(f *facts, _ StepDef) (string, string) {
	if len(f.suspectOrder) == 0 || len(f.resetAfter) == 0 {
		return "", ""
	}
	d := f.resetAfter[0]
	return FindingRuledOut, fmt.Sprintf("A password-reset code reached the customer at %s, after the unknown sign-in.", when(d.RequestedAt))
}

func checkUnknownTrusted(f *facts, _ StepDef) (string, string) {
	if len(f.devices) == 0 {
		return "", ""
	}
	var names []string
	for _, d := range f.devices {
		names = append(names, fmt.Sprintf("%s (%s, seen %s)", d.Name, d.Model, when(d.LastSeenAt)))
	}
	list := "Trusted devices: " + strings.Join(names, "; ") + "."
	var unknown []string
	for _, dev := range f.suspectOrder {
		unknown = append(unknown, deviceWords(f.suspects[dev]))
	}
	if len(unknown) > 0 {
		return FindingHint, joinAnd(unknown) + " is not among them: nothing of the stranger's to remove. " + list
	}
	return FindingHint, list
}

func checkIPLocation(f *facts, _ StepDef) (string, string) {
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
		net = "network unknown"
	}
	switch l.NetworkKind {
	case "hosting":
		return FindingCause, fmt.Sprintf("The sign-in of %s came through a hosting or VPN network (%s) placed in %s: not a home or mobile provider, so the place says little and the device deserves a look.",
			when(e.At), net, place(l))
	case "mobile":
		dist := ""
		if e.FromPrevious {
			dist = fmt.Sprintf(", %s km from the sign-in before", words.Thousands(e.DistanceKM))
		}
		return FindingHint, fmt.Sprintf("The sign-in of %s was on mobile data (%s) and is placed in %s%s: mobile data is often located far from the phone.",
			when(e.At), net, place(l), dist)
	}
	acc := ""
	if l.AccuracyKM > 0 {
		acc = fmt.Sprintf(" within about %d km", l.AccuracyKM)
	}
	return FindingHint, fmt.Sprintf("The sign-in of %s is placed in %s%s (%s), from its IP address %s.", when(e.At), place(l), acc, net, e.IP)
}

func checkFlaggedLogins(f *facts, _ StepDef) (string, string) {
	if len(f.flagged) == 0 {
		if e := f.farMobile; e != nil {
			return FindingHint, fmt.Sprintf("The far-away sign-in: %s at %s, placed in %s.", deviceWords(e), when(e.At), place(e.Location))
		}
		if len(f.events) == 0 {
			return "", ""
		}
		return FindingHint, "No sign-in of the last 30 days is from a new country or impossibly far from the one before."
	}
	var parts []string
	for i, e := range f.flagged {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(f.flagged)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s at %s in %s (%s)", deviceWords(e), when(e.At), place(e.Location), flagWords(e)))
	}
	return FindingHint, "Flagged sign-ins: " + strings.Join(parts, "; ") + "."
}

func checkStaleDevices(f *facts, _ StepDef) (string, string) {
	if len(f.devices) == 0 {
		if f.acct == nil {
			return "", ""
		}
		return FindingNotApplicable, "The account has no trusted device."
	}
	var stale, all []string
	for _, d := range f.devices {
		s := fmt.Sprintf("%s (%s) last seen %s (%s) from %s", d.Name, d.Model, daysAgo(d.LastSeenAt, f.now), when(d.LastSeenAt), d.LastIP)
		all = append(all, s)
		if f.now.Sub(d.LastSeenAt) >= staleDevice {
			stale = append(stale, s)
		}
	}
	if len(stale) > 0 {
		return FindingHint, "Not seen for a month or more: " + strings.Join(stale, "; ") + "."
	}
	return FindingHint, "Trusted devices: " + strings.Join(all, "; ") + "."
}

func checkTwoFAOn(f *facts, _ StepDef) (string, string) {
	if f.acct == nil {
		return "", ""
	}
	t := f.acct.TwoFactor
	switch {
	case t.Enabled:
		return FindingRuledOut, "Two-step verification is on (by " + words.Method(t.Method) + ")."
	case !t.FeatureAvailable:
		return FindingNotApplicable, "Two-step verification has not reached this account yet."
	}
	return FindingCause, "Two-step verification is off: suggest turning it on (Me > Account > Login Security)."
}

func checkTwoFAFeature(f *facts, _ StepDef) (string, string) {
	if f.acct == nil {
		return "", ""
	}
	t := f.acct.TwoFactor
	if !t.FeatureAvailable {
		return FindingCause, "Two-step verification has not been rolled out to this account yet."
	}
	state := "off"
	if t.Enabled {
		state = "on, by " + words.Method(t.Method)
	}
	return FindingRuledOut, "Two-step verification is available on this account (now " + state + ")."
}

func checkRolloutWait(f *facts, _ StepDef) (string, string) {
	if f.acct == nil {
		return "", ""
	}
	if f.acct.TwoFactor.FeatureAvailable {
		return FindingNotApplicable, "The feature is already available: nothing to wait for."
	}
	return FindingHint, "Not rolled out yet: nothing to install; it arrives with no app update."
}

func checkEscalationFieldKnown(f *facts, def StepDef) (string, string) {
	v := escalationOf(f).Get(def.Field)
	if v == "" {
		return "", ""
	}
	return FindingRuledOut, "Known to the console: " + v + "."
}
