package casework

import (
	"context"
	"strings"
	"time"

	"verifydesk/data"
	"verifydesk/services/cases"
	"verifydesk/services/client"
	"verifydesk/services/geo"
	"verifydesk/services/logins"
	"verifydesk/services/phone"
)

// EvidenceLogins bounds the login history a case's evidence and snapshot
// hold: the recent months an agent reasons about.
const EvidenceLogins = 2000

// Contacts are what found an account: the cache finds its case by them later
// (a caller's number, an address).
type Contacts struct {
	Phone string // E.164
	Email string
}

// OpenRequest is what Open needs to know of the account on screen.
type OpenRequest struct {
	Account data.Account
	// AgentID is the agent at the console: their own open case comes first.
	AgentID string
	// FoundBy is the search that found the account.
	FoundBy Contacts
	// Diagnosis is the phone diagnosis of what the customer typed, when it is
	// evidence about this account; nil otherwise.
	Diagnosis *phone.Diagnosis
	// Locator places login IPs; nil leaves them unplaced.
	Locator *geo.Locator
	// Now is the evidence's clock.
	Now time.Time
}

// Opened is what Open found.
type Opened struct {
	// Evidence is what the checklist is pre-filled from: fetched now, or,
	// cached, the snapshot kept with the case.
	Evidence cases.Evidence
	// Record is the account's open case; nil when it has none.
	Record *Record
	// Steps and Escalation are the case's checklist and escalation fields (of
	// the case the evidence suggests, when there is none yet): Content.
	Steps      []cases.Step
	Escalation cases.EscalationFields
	// Cached is true when the backend could not be reached and what is here
	// comes from the cache; BackendErr is then why.
	Cached     bool
	BackendErr error
	// Conflicts are the case's offline changes that the backend's copy
	// overtook, for the agent to settle.
	Conflicts []OutboxItem
}

// Open finds the account's open case on the backend and gathers the evidence
// its checklist is pre-filled from, then writes both through into the cache
// (the case found by req.FoundBy too). When the backend cannot be reached it
// answers the cache's newest unresolved case of the account and its snapshot,
// Cached set; other backend errors are returned. I/O.
func (s *Service) Open(ctx context.Context, req OpenRequest) (Opened, error) {
	acct := req.Account
	base := cases.Evidence{Account: &acct, Diagnosis: req.Diagnosis, Now: req.Now}
	out := Opened{Evidence: base}
	err := func() error {
		list, err := s.api.Cases(ctx, client.CaseQuery{AccountID: acct.ID})
		if err != nil {
			return err
		}
		if c := openCase(list, req.AgentID); c != nil {
			out.Record = &Record{Case: *c}
		}
		return gatherEvidence(ctx, s.api, req.Locator, &out.Evidence)
	}()
	store := s.store
	switch {
	case err != nil && client.Unreachable(err) && store != nil:
		// The cached copy: read-only for the account, writable into the
		// outbox for notes and ticks.
		rec, cerr := s.cachedCaseFor(acct.ID)
		if cerr != nil {
			return Opened{}, err
		}
		out = Opened{Evidence: base, Record: rec, Cached: true, BackendErr: err}
		if rec != nil {
			if snap, serr := store.Snapshot(rec.Case.ID); serr == nil {
				out.Evidence = DecodeSnapshot(snap, base)
			}
		}
	case err != nil:
		return Opened{}, err
	case out.Record != nil && store != nil:
		addContacts(out.Record, req.FoundBy)
		_ = store.PutCase(*out.Record)
		_ = store.PutSnapshot(out.Record.Case.ID, EncodeSnapshot(cases.NewSnapshot(out.Evidence)))
		if r, err := store.Case(out.Record.Case.ID); err == nil {
			out.Record = &r // with the notes still queued offline
		}
	}
	if out.Record != nil {
		out.Conflicts = s.Conflicts(out.Record.Case.ID)
	}
	out.Steps, out.Escalation = Content(out.Record, out.Evidence)
	return out, nil
}

// CreateRequest is a case to start.
type CreateRequest struct {
	// ID is the case's client-made id: a retry with the same id after a lost
	// answer gets the case made the first time, not a second one.
	ID                 string
	AccountID, AgentID string
	Channel, Contact   string // how the customer called, how to reach them
	Category           string // one of cases.Categories
	// Evidence pre-fills the checklist and the escalation fields, and is kept
	// as the case's snapshot.
	Evidence cases.Evidence
	FoundBy  Contacts
}

// Create starts a case on the backend, its checklist pre-filled from the
// evidence, and writes it through into the cache with the evidence's
// snapshot. An unknown category is an error before the backend is asked. I/O.
func (s *Service) Create(ctx context.Context, req CreateRequest) (Record, error) {
	steps, err := cases.NewChecklist(req.Category, req.Evidence)
	if err != nil {
		return Record{}, err
	}
	esc := cases.Escalation(req.Evidence)
	cs := data.Case{ID: req.ID, AccountID: req.AccountID, AgentID: req.AgentID, Channel: req.Channel,
		CustomerContact: req.Contact, Category: req.Category, Status: data.CaseOpen,
		Checklist: cases.ContractSteps(steps), Escalation: esc.Escalation}
	created, err := s.api.CreateCase(ctx, cs)
	if err != nil {
		return Record{}, err
	}
	rec := Record{Case: created}
	addContacts(&rec, req.FoundBy)
	if s.store != nil {
		_ = s.store.PutCase(rec)
		_ = s.store.PutSnapshot(created.ID, EncodeSnapshot(cases.NewSnapshot(req.Evidence)))
	}
	return rec, nil
}

// addContacts adds what found the account, so the cache finds the case by it.
func addContacts(rec *Record, c Contacts) {
	if c.Phone != "" {
		rec.Phones = append(rec.Phones, c.Phone)
	}
	if c.Email != "" {
		rec.Emails = append(rec.Emails, c.Email)
	}
}

// Content is the checklist and escalation fields of rec (or of the case the
// evidence suggests, before one is started): the agent's ticks and words over
// the evidence's pre-fill. Pure.
func Content(rec *Record, ev cases.Evidence) ([]cases.Step, cases.EscalationFields) {
	category, _ := cases.SuggestCategory(ev)
	esc := cases.Escalation(ev)
	if rec != nil {
		category = rec.Case.Category
		esc.Escalation = mergeEscalation(rec.Case.Escalation, esc.Escalation)
	}
	if category == "" {
		return nil, esc
	}
	steps, err := cases.NewChecklist(category, ev)
	if err != nil {
		return nil, esc
	}
	if rec != nil {
		steps = cases.ApplyStates(steps, rec.Case.Checklist)
	}
	return steps, esc
}

// mergeEscalation keeps what the agent wrote and fills the rest from what the
// console knows.
func mergeEscalation(stored, known data.Escalation) data.Escalation {
	pick := func(a, b string) string {
		if strings.TrimSpace(a) != "" {
			return a
		}
		return b
	}
	return data.Escalation{Region: pick(stored.Region, known.Region), Phone: pick(stored.Phone, known.Phone),
		App: pick(stored.App, known.App), AppVersion: pick(stored.AppVersion, known.AppVersion),
		PhoneModel: pick(stored.PhoneModel, known.PhoneModel), OSVersion: pick(stored.OSVersion, known.OSVersion),
		StepsTried: pick(stored.StepsTried, known.StepsTried), AppLogs: pick(stored.AppLogs, known.AppLogs)}
}

// openCase is the agent's most recent case of the list that is not resolved,
// else anyone's.
func openCase(list []data.Case, me string) *data.Case {
	var best *data.Case
	for i := range list {
		c := &list[i]
		if c.Status == data.CaseResolved {
			continue
		}
		if best == nil || (c.AgentID == me && best.AgentID != me) ||
			(c.AgentID == me) == (best.AgentID == me) && c.UpdatedAt.After(best.UpdatedAt) {
			best = c
		}
	}
	return best
}

// cachedCaseFor is the cache's newest unresolved case of an account; nil when
// it has none.
func (s *Service) cachedCaseFor(accountID string) (*Record, error) {
	hits, err := s.store.Search(accountID)
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		if h.AccountID == accountID && h.Status != data.CaseResolved {
			rec, err := s.store.Case(h.ID)
			if err != nil {
				return nil, err
			}
			return &rec, nil
		}
	}
	return nil, nil
}

// gatherEvidence fetches what the checklist is pre-filled from. I/O.
func gatherEvidence(ctx context.Context, api EvidenceAPI, loc *geo.Locator, ev *cases.Evidence) error {
	id := ev.Account.ID
	var err error
	if ev.Deliveries, err = api.Deliveries(ctx, id); err != nil {
		return err
	}
	rl, err := api.RateLimits(ctx, id)
	if err != nil {
		return err
	}
	ev.Limits = &rl
	if ev.Devices, err = api.TrustedDevices(ctx, id); err != nil {
		return err
	}
	events, err := api.AllLoginActivity(ctx, id, EvidenceLogins)
	if err != nil {
		return err
	}
	ev.Logins = logins.Analyze(events, loc, logins.Options{Now: ev.Now})
	ev.Health = networkHealth(ctx, api, ev)
	return nil
}

// HealthAPI reads delivery health; *client.Client has it. An EvidenceAPI
// without it leaves the evidence's Health nil.
type HealthAPI interface {
	DeliveryHealth(ctx context.Context, q client.HealthQuery) (data.DeliveryHealth, error)
}

// networkHealth is how SMS to the customer's network delivers for everyone
// now: one request; nil when the backend cannot say (the case is decided on
// the account's own evidence then). I/O.
func networkHealth(ctx context.Context, api EvidenceAPI, ev *cases.Evidence) *cases.NetworkHealth {
	hp, ok := api.(HealthAPI)
	if !ok || ev.Account == nil || ev.Account.PhoneRegion == "" {
		return nil
	}
	h, err := hp.DeliveryHealth(ctx, client.HealthQuery{Channel: data.ChannelSMS, Country: ev.Account.PhoneRegion})
	if err != nil {
		return nil
	}
	return cases.NewNetworkHealth(h, cases.SMSNetwork(ev.Deliveries))
}
