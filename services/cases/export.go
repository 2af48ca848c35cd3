package cases

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"verifydesk/data"
	"verifydesk/services/geo"
	"verifydesk/services/logins"
	"verifydesk/services/phone"
)

// The escalation package's format marker and version. A tool reading the JSON
// checks both; ImportJSON refuses anything else.
const (
	PackageFormat  = "verifydesk-case-package"
	PackageVersion = 1
)

// MaxPackageSize bounds what ImportJSON reads: a case with a 10k-event snapshot
// is a few MiB; anything far larger is not a package.
const MaxPackageSize = 64 << 20

// Kinds of personal data an agent can choose to export in full (Package.Revealed).
const (
	RevealPhone = "phone"
	RevealEmail = "email"
)

// ErrBadPackage is wrapped by every ImportJSON error; the rest of the message
// says what is wrong in words for the agent.
var ErrBadPackage = errors.New("not a usable case package")

// Package is an escalation package: a case with its checklist, escalation
// fields, attachments and the snapshot of what the agent saw.
//
// ExportJSON and ExportMarkdown always write the Masked form: phone numbers and
// email addresses are masked unless Revealed names them. Revealing is the
// agent's choice, with a reason; the caller audits it before exporting.
type Package struct {
	Format     string    `json:"format"`  // PackageFormat
	Version    int       `json:"version"` // PackageVersion
	ExportedAt time.Time `json:"exported_at"`
	ExportedBy string    `json:"exported_by,omitempty"` // agent id
	// Case is the case as the backend stores it. NewPackage keeps its
	// Checklist and Escalation equal to the richer ones below.
	Case        data.Case        `json:"case"`
	Checklist   []Step           `json:"checklist"`
	Escalation  EscalationFields `json:"escalation"`
	Snapshot    Snapshot         `json:"snapshot"`
	Attachments []Attachment     `json:"attachments"`
	// Revealed lists RevealPhone and/or RevealEmail: what is exported in full.
	Revealed []string `json:"revealed"`
}

// Snapshot is the account data the agent saw, as the case keeps it.
type Snapshot struct {
	TakenAt        time.Time            `json:"taken_at"`
	Account        *data.Account        `json:"account"`
	Deliveries     []data.Delivery      `json:"deliveries"`
	RateLimits     *data.RateLimits     `json:"rate_limits"`
	Devices        []data.TrustedDevice `json:"devices"`
	Logins         []Login              `json:"logins"`
	PhoneDiagnosis *phone.Diagnosis     `json:"phone_diagnosis"`
	// DeliveryHealth is the health of the customer's SMS network the case
	// was decided on.
	DeliveryHealth *NetworkHealth `json:"delivery_health,omitempty"`
}

// Login is an analysed login event (logins.Event) with JSON names of its own:
// logins.Event has none for its analysis fields, and tools need stable ones.
type Login struct {
	data.LoginEvent
	Location         geo.Location `json:"location"`
	DistanceKM       float64      `json:"distance_km"`
	SpeedKMH         float64      `json:"speed_kmh"`
	FromPrevious     bool         `json:"from_previous"`
	NewCountry       bool         `json:"new_country"`
	NewDevice        bool         `json:"new_device"`
	ImpossibleTravel bool         `json:"impossible_travel"`
}

// NewSnapshot records the evidence as the case keeps it. Slices are shared
// with ev, not copied.
func NewSnapshot(ev Evidence) Snapshot {
	s := Snapshot{TakenAt: ev.Now, Account: ev.Account, Deliveries: ev.Deliveries, RateLimits: ev.Limits,
		Devices: ev.Devices, PhoneDiagnosis: ev.Diagnosis, DeliveryHealth: ev.Health}
	if ev.Logins != nil {
		s.Logins = make([]Login, len(ev.Logins))
		for i, e := range ev.Logins {
			s.Logins[i] = Login{LoginEvent: e.LoginEvent, Location: e.Location, DistanceKM: e.DistanceKM, SpeedKMH: e.SpeedKMH,
				FromPrevious: e.FromPrevious, NewCountry: e.NewCountry, NewDevice: e.NewDevice, ImpossibleTravel: e.ImpossibleTravel}
		}
	}
	return s
}

// Evidence turns a stored snapshot back into evidence, so a cached or imported
// case can rebuild its checklist offline.
func (s Snapshot) Evidence() Evidence {
	ev := Evidence{Account: s.Account, Deliveries: s.Deliveries, Limits: s.RateLimits, Devices: s.Devices,
		Diagnosis: s.PhoneDiagnosis, Health: s.DeliveryHealth, Now: s.TakenAt}
	if s.Logins != nil {
		ev.Logins = make([]logins.Event, len(s.Logins))
		for i, l := range s.Logins {
			ev.Logins[i] = logins.Event{LoginEvent: l.LoginEvent, Location: l.Location, DistanceKM: l.DistanceKM, SpeedKMH: l.SpeedKMH,
				FromPrevious: l.FromPrevious, NewCountry: l.NewCountry, NewDevice: l.NewDevice, ImpossibleTravel: l.ImpossibleTravel}
		}
	}
	return ev
}

// NewPackage assembles a package: the case with its checklist and escalation
// in the contract's shape, the steps with their reasons, the escalation fields
// (steps tried filled from the checklist when empty) and the snapshot. The
// caller sets ExportedAt, ExportedBy, Attachments and Revealed.
func NewPackage(c data.Case, steps []Step, esc EscalationFields, snap Snapshot) Package {
	if esc.StepsTried == "" {
		esc.StepsTried = StepsTried(steps)
	}
	c.Checklist = ContractSteps(steps)
	c.Escalation = esc.Escalation
	return Package{Format: PackageFormat, Version: PackageVersion, Case: c, Checklist: slices.Clone(steps),
		Escalation: esc, Snapshot: snap}
}

// ExportJSON writes the package's Masked form as indented JSON, for tools. The
// field names are the struct tags above and the contract's; they are stable.
func ExportJSON(pkg Package) ([]byte, error) {
	b, err := json.MarshalIndent(pkg.Masked(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export case package: %w", err)
	}
	return append(b, '\n'), nil
}

// ImportJSON reads a package ExportJSON wrote. Every error wraps ErrBadPackage
// and says what is wrong: not JSON, not a case package, a newer version, an
// unknown field, or values the console does not know (a category, a step
// state). Extra data after the package is an error too: a file holding two is
// not one package.
func ImportJSON(b []byte) (Package, error) {
	var p Package
	bad := func(format string, args ...any) (Package, error) {
		return Package{}, fmt.Errorf("%w: "+format, append([]any{ErrBadPackage}, args...)...)
	}
	switch {
	case len(bytes.TrimSpace(b)) == 0:
		return bad("the file is empty")
	case len(b) > MaxPackageSize:
		return bad("the file is %s; a case package is at most %s", sizeWords(int64(len(b))), sizeWords(MaxPackageSize))
	}
	var head struct {
		Format  any `json:"format"`
		Version any `json:"version"`
	}
	// A decoder, not Unmarshal: data after the first value is reported below
	// as what it is, not as a syntax error.
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&head); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := position(b, se.Offset-1) // Offset is just past the bad byte
			return bad("the file is not JSON (line %d, column %d: %s)", line, col, se.Error())
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return bad("the file is cut short: the JSON ends in the middle")
		}
		return bad("the file is not a JSON object")
	}
	if f, _ := head.Format.(string); f != PackageFormat {
		return bad("the file is not a Verifydesk case package (its format is %s, want %q)", describeJSON(head.Format), PackageFormat)
	}
	if v, ok := head.Version.(float64); !ok || v != PackageVersion {
		if ok && v > PackageVersion {
			return bad("the package is version %v, made by a newer Verifydesk; this console reads version %d", v, PackageVersion)
		}
		return bad("the package version is %s; this console reads version %d", describeJSON(head.Version), PackageVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a tool's misspelt key must not vanish silently
	if err := dec.Decode(&p); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return bad("the field %q holds a %s where %s is expected", te.Field, te.Value, typeWords(te.Type.String()))
		}
		return bad("%v", trimJSONPrefix(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return bad("there is more data after the package")
	}
	if err := p.validate(); err != nil {
		return Package{}, fmt.Errorf("%w: %v", ErrBadPackage, err)
	}
	return p, nil
}

// validate checks the values the console interprets.
func (p Package) validate() error {
	if !validClientID(p.Case.ID) {
		return errors.New("the case has no usable id")
	}
	if p.Case.Status != "" && !slices.Contains([]string{data.CaseOpen, data.CaseWaiting, data.CaseEscalated, data.CaseResolved}, p.Case.Status) {
		return fmt.Errorf("the case status %q is unknown", p.Case.Status)
	}
	if p.Case.Category != "" {
		if _, ok := LookupCategory(p.Case.Category); !ok {
			return fmt.Errorf("the case category %q is unknown", p.Case.Category)
		}
	}
	seen := map[string]bool{}
	for i, s := range p.Checklist {
		switch {
		case s.ID == "" || seen[s.ID]:
			return fmt.Errorf("checklist step %d has no id, or one used twice (%q)", i+1, s.ID)
		case !validStates[s.State]:
			return fmt.Errorf("checklist step %s has the unknown state %q", s.ID, s.State)
		case s.Finding != "" && findingState[s.Finding] == "":
			return fmt.Errorf("checklist step %s has the unknown finding %q", s.ID, s.Finding)
		}
		seen[s.ID] = true
	}
	for _, s := range p.Case.Checklist {
		if !validStates[s.State] {
			return fmt.Errorf("the case's checklist step %s has the unknown state %q", s.ID, s.State)
		}
	}
	for _, r := range p.Revealed {
		if r != RevealPhone && r != RevealEmail {
			return fmt.Errorf("revealed names %q; only %q and %q can be revealed", r, RevealPhone, RevealEmail)
		}
	}
	for _, a := range p.Attachments {
		if a.Kind != KindScreenshot && a.Kind != KindAppLog {
			return fmt.Errorf("attachment %q has the unknown kind %q", a.Name, a.Kind)
		}
		if a.Size < 0 || a.Size > MaxAttachmentSize {
			return fmt.Errorf("attachment %q has an impossible size %d", a.Name, a.Size)
		}
	}
	return nil
}

// validClientID is the backend's rule for client-made ids.
func validClientID(id string) bool {
	if id == "" || len(id) > 100 {
		return false
	}
	for _, r := range id {
		switch r {
		case '/', '?', '#', '%', ' ', '\t', '\r', '\n':
			return false
		}
	}
	return true
}

func position(b []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(b)); i++ {
		if b[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

func describeJSON(v any) string {
	switch x := v.(type) {
	case nil:
		return "missing"
	case string:
		return fmt.Sprintf("%q", x)
	case float64:
		return fmt.Sprint(x)
	}
	return "not a simple value"
}

func typeWords(t string) string {
	switch t {
	case "string":
		return "text"
	case "int", "int64", "float64":
		return "a number"
	case "bool":
		return "true or false"
	}
	if len(t) > 2 && t[:2] == "[]" {
		return "a list"
	}
	return "an object (" + t + ")"
}

func trimJSONPrefix(err error) string {
	s := err.Error()
	if len(s) > 6 && s[:6] == "json: " {
		return s[6:]
	}
	return s
}

func sizeWords(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
