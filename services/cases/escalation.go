package cases

import "verifydesk/data"

// EscalationFields is what the help pages ask support to collect before
// escalating (000 QA Q1; 001 Troubleshooting 1, 4): the contract's
// data.Escalation plus the two fields it lacks so far. The JSON is flat, the
// contract's names first.
type EscalationFields struct {
	data.Escalation
	// Account is the TP-Link ID or email account (001 Troubleshooting 1, 4a);
	// masked unless the agent revealed it.
	Account string `json:"account,omitempty"`
	// SettingsPhotos names the attached photos of the two-step verification
	// setup (001 Troubleshooting 1, 4c).
	SettingsPhotos string `json:"settings_photos,omitempty"`
}

// Get returns a field by its id (FieldRegion, ...), "" for an unknown id.
func (e EscalationFields) Get(field string) string {
	if p := e.field(field); p != nil {
		return *p
	}
	return ""
}

// Set changes a field by its id and reports whether the id is known.
func (e *EscalationFields) Set(field, value string) bool {
	p := e.field(field)
	if p != nil {
		*p = value
	}
	return p != nil
}

func (e *EscalationFields) field(id string) *string {
	switch id {
	case FieldRegion:
		return &e.Region
	case FieldPhone:
		return &e.Phone
	case FieldAccount:
		return &e.Account
	case FieldApp:
		return &e.App
	case FieldAppVersion:
		return &e.AppVersion
	case FieldPhoneModel:
		return &e.PhoneModel
	case FieldOSVersion:
		return &e.OSVersion
	case FieldStepsTried:
		return &e.StepsTried
	case FieldAppLogs:
		return &e.AppLogs
	case FieldSettingsPhotos:
		return &e.SettingsPhotos
	}
	return nil
}

// Missing lists the ids of the fields a category asks for that are still empty.
func (e EscalationFields) Missing(category string) []string {
	c, ok := LookupCategory(category)
	if !ok {
		return nil
	}
	var out []string
	for _, id := range c.Escalation {
		if e.Get(id) == "" {
			out = append(out, id)
		}
	}
	return out
}

// Escalation fills in what the console already knows: the customer's region,
// the masked phone and email, the app, and the app version, phone model and OS
// of the trusted device seen most recently (the phone the customer most likely
// uses). Steps tried, app logs and settings photos are the agent's and the
// attachments' to fill (StepsTried gives the first from a checklist).
func Escalation(ev Evidence) EscalationFields {
	return escalationOf(newFacts(ev))
}

func escalationOf(f *facts) EscalationFields {
	var e EscalationFields
	if a := f.acct; a != nil {
		e.Region, e.Phone, e.App, e.Account = a.Region, a.PhoneMasked, a.App, a.EmailMasked
	}
	if len(f.devices) > 0 {
		d := f.devices[0]
		e.AppVersion, e.PhoneModel, e.OSVersion = d.AppVersion, d.Model, d.OS
	}
	return e
}
