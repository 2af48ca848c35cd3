package cases

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Categories: the rows of SPEC section 3. They are stable: cases stored on the
// backend and in the cache key on them.
const (
	CategorySMSNotArriving         = "sms_not_arriving"
	CategoryNumberInvalid          = "number_invalid"
	CategoryTrunkZero              = "trunk_zero"
	CategoryPortedOrRoaming        = "ported_or_roaming"
	CategoryEmailCodeMissing       = "email_code_missing"
	CategoryAppNotificationMissing = "app_notification_missing"
	CategoryCodeNotRequested       = "code_not_requested"
	CategoryStrangeLocation        = "strange_location"
	CategoryLostDevice             = "lost_device"
	CategoryTwoFANotAvailable      = "twofa_not_available"
	CategoryNoCodeWorks            = "no_code_works"
	CategoryEscalation             = "escalation"
)

// knownCategories is SPEC section 3 in its order; the file must hold exactly
// these, in this order, so the category picker reads like the spec.
var knownCategories = []string{
	CategorySMSNotArriving, CategoryNumberInvalid, CategoryTrunkZero, CategoryPortedOrRoaming,
	CategoryEmailCodeMissing, CategoryAppNotificationMissing, CategoryCodeNotRequested,
	CategoryStrangeLocation, CategoryLostDevice, CategoryTwoFANotAvailable, CategoryNoCodeWorks,
	CategoryEscalation,
}

// Escalation field ids, as checklists.json and the JSON export name them.
const (
	FieldRegion         = "region"
	FieldPhone          = "phone"
	FieldAccount        = "account"
	FieldApp            = "app"
	FieldAppVersion     = "app_version"
	FieldPhoneModel     = "phone_model"
	FieldOSVersion      = "os_version"
	FieldStepsTried     = "steps_tried"
	FieldAppLogs        = "app_logs"
	FieldSettingsPhotos = "settings_photos"
)

var knownFields = []string{
	FieldRegion, FieldPhone, FieldAccount, FieldApp, FieldAppVersion, FieldPhoneModel,
	FieldOSVersion, FieldStepsTried, FieldAppLogs, FieldSettingsPhotos,
}

// ErrCatalog is wrapped by every error of a malformed checklists file. Its
// words are not translated: a malformed embedded file stops the program at
// start (mustParse) and fails TestBuiltinCatalog, for the developers.
var ErrCatalog = errors.New("checklists file is malformed")

const catalogFormat, catalogVersion = "verifydesk-checklists", 1

// Source is where a step or field comes from: a help page of ../shared/seeds and
// the question or section of it.
type Source struct {
	Page    string `json:"page"`              // file name, e.g. 000_7b85076c0b62ddef.txt
	Section string `json:"section,omitempty"` // "Scenario 1, Step 2: Check Mobile Signal"
}

// Page is one help page the checklists come from.
type Page struct {
	File  string `json:"file"`
	Title string `json:"title"`
}

// FieldDef is one escalation field the pages ask support to collect.
type FieldDef struct {
	ID      string   `json:"id"`
	Label   string   `json:"label"`
	Sources []Source `json:"sources"`
}

// StepDef is one troubleshooting step as checklists.json defines it.
type StepDef struct {
	ID   string `json:"id"`   // stable, unique across all categories: "sms.signal"
	Text string `json:"text"` // what the agent reads out or asks
	// Check names the evidence check that can pre-fill the step ("" for none,
	// e.g. "restart your phone", which no evidence answers).
	Check string `json:"check,omitempty"`
	// Field is the escalation field an "escalation_field" check looks at.
	Field   string   `json:"field,omitempty"`
	Sources []Source `json:"sources"`
}

// Category is one row of SPEC section 3 with its checklist.
type Category struct {
	ID           string `json:"id"`
	Title        string `json:"title"`         // what the customer's problem is called
	CustomerSays string `json:"customer_says"` // how the customer puts it
	// Escalation lists the field ids the matching page asks support to collect.
	Escalation []string  `json:"escalation"`
	Steps      []StepDef `json:"steps"`
}

// catalog is the parsed checklists file.
type catalog struct {
	Format     string     `json:"format"`
	Version    int        `json:"version"`
	Pages      []Page     `json:"pages"`
	Fields     []FieldDef `json:"escalation_fields"`
	Categories []Category `json:"categories"`

	byID map[string]int
}

//go:embed checklists.json
var checklistsJSON []byte

// builtin is the embedded catalog. A malformed embedded file is a build defect,
// like a bad regexp.MustCompile pattern: TestBuiltinCatalog names the problem,
// and the program refuses to start rather than show agents a wrong checklist.
var builtin = mustParse(checklistsJSON)

func mustParse(b []byte) *catalog {
	c, err := parseCatalog(b)
	if err != nil {
		panic("cases: embedded checklists.json: " + err.Error())
	}
	return c
}

var (
	stepIDPattern = regexp.MustCompile(`^[a-z0-9]+(\.[a-z0-9_]+)+$`)
	pagePattern   = regexp.MustCompile(`^[0-9]{3}_[0-9a-f]{16}\.txt$`)
)

// parseCatalog decodes and validates a checklists file: the format marker, known
// pages, fields and categories (all of SPEC 3, in order), unique step ids, known
// checks, non-empty texts, and sources that name a listed page.
func parseCatalog(b []byte) (*catalog, error) {
	var c catalog
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a misspelt key would silently drop a check
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCatalog, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the top-level object", ErrCatalog)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrCatalog}, args...)...)
	}
	if c.Format != catalogFormat || c.Version != catalogVersion {
		return nil, bad("format %q version %d, want %q version %d", c.Format, c.Version, catalogFormat, catalogVersion)
	}
	pages := map[string]bool{}
	for _, p := range c.Pages {
		if !pagePattern.MatchString(p.File) || strings.TrimSpace(p.Title) == "" || pages[p.File] {
			return nil, bad("page %q: needs a seed file name (NNN_<16 hex>.txt), a title, and to be listed once", p.File)
		}
		pages[p.File] = true
	}
	checkSources := func(what string, ss []Source) error {
		if len(ss) == 0 {
			return bad("%s: no source page", what)
		}
		for _, s := range ss {
			if !pages[s.Page] {
				return bad("%s: source page %q is not in pages", what, s.Page)
			}
		}
		return nil
	}
	fields := map[string]bool{}
	for _, f := range c.Fields {
		if !slices.Contains(knownFields, f.ID) || fields[f.ID] || strings.TrimSpace(f.Label) == "" {
			return nil, bad("escalation field %q: unknown, repeated or without a label", f.ID)
		}
		if err := checkSources("escalation field "+f.ID, f.Sources); err != nil {
			return nil, err
		}
		fields[f.ID] = true
	}
	for _, id := range knownFields {
		if !fields[id] {
			return nil, bad("escalation field %q is missing", id)
		}
	}
	if len(c.Categories) != len(knownCategories) {
		return nil, bad("%d categories, want the %d rows of SPEC section 3", len(c.Categories), len(knownCategories))
	}
	c.byID = make(map[string]int, len(c.Categories))
	steps := map[string]bool{}
	for i, cat := range c.Categories {
		if cat.ID != knownCategories[i] {
			return nil, bad("category %d is %q, want %q (SPEC section 3 order)", i+1, cat.ID, knownCategories[i])
		}
		if strings.TrimSpace(cat.Title) == "" || strings.TrimSpace(cat.CustomerSays) == "" {
			return nil, bad("category %s: title and customer_says are required", cat.ID)
		}
		if len(cat.Steps) == 0 {
			return nil, bad("category %s: no steps", cat.ID)
		}
		seenField := map[string]bool{}
		for _, f := range cat.Escalation {
			if !fields[f] || seenField[f] {
				return nil, bad("category %s: escalation field %q unknown or repeated", cat.ID, f)
			}
			seenField[f] = true
		}
		for _, s := range cat.Steps {
			what := "step " + s.ID
			if !stepIDPattern.MatchString(s.ID) || steps[s.ID] {
				return nil, bad("category %s: step id %q is malformed or used twice (ids are unique across categories)", cat.ID, s.ID)
			}
			steps[s.ID] = true
			if strings.TrimSpace(s.Text) == "" {
				return nil, bad("%s: no text", what)
			}
			if s.Check != "" {
				if _, ok := checks[s.Check]; !ok {
					return nil, bad("%s: unknown check %q", what, s.Check)
				}
			}
			if (s.Check == checkEscalationField) != (s.Field != "") {
				return nil, bad("%s: a field goes with the %q check, and only with it", what, checkEscalationField)
			}
			if s.Field != "" && !fields[s.Field] {
				return nil, bad("%s: unknown escalation field %q", what, s.Field)
			}
			if err := checkSources(what, s.Sources); err != nil {
				return nil, err
			}
		}
		c.byID[cat.ID] = i
	}
	return &c, nil
}

// Categories lists the rows of SPEC section 3 with their checklists, in the
// spec's order. The slice is a copy; the steps inside are shared and must not be
// changed.
func Categories() []Category { return slices.Clone(builtin.Categories) }

// LookupCategory returns the category with this id.
func LookupCategory(id string) (Category, bool) {
	i, ok := builtin.byID[id]
	if !ok {
		return Category{}, false
	}
	return builtin.Categories[i], true
}

// Pages lists the help pages the checklists come from.
func Pages() []Page { return slices.Clone(builtin.Pages) }

// EscalationFieldDefs lists every escalation field the pages ask for, with its
// label and sources.
func EscalationFieldDefs() []FieldDef { return slices.Clone(builtin.Fields) }

// categoryTitle is the title of a category id, or the id itself. It stays in
// English: the escalation export (markdown.go) is read by the escalation team
// in English; screens say a category in a language with CategoryIn.
func categoryTitle(id string) string {
	if c, ok := LookupCategory(id); ok {
		return c.Title
	}
	return id
}
