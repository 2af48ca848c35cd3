// Package policy reads the settings an organisation pins for every agent on a
// computer (managed settings): the backend, the SSO provider, the cache's
// retention, the geolocation databases, whether demo mode is allowed, the idle
// lock and whether an agent may change the backend.
//
// Where the policy comes from (Load):
//
//	Linux    /etc/verifydesk/policy.json
//	macOS    /Library/Managed Preferences/com.verifydesk.console.plist (a
//	         configuration profile), else
//	         /Library/Application Support/Verifydesk/policy.json
//	Windows  the registry key HKLM\SOFTWARE\Policies\Verifydesk
//	tests    the file $VERIFYDESK_POLICY_FILE names (a .plist or JSON)
//
// A policy that cannot be read, a key that is not a policy key and a value of
// the wrong type or out of range are errors naming the source and the key:
// never ignored, so that a mistyped backend address never leaves the console
// on demo data. Keys starting with "_" are comments.
package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"howett.net/plist"

	"verifydesk/services/client"
)

// EnvFile names the variable that points the policy at a file instead of the
// system's place (tests, and IT trying a policy out).
const EnvFile = "VERIFYDESK_POLICY_FILE"

// The policy's keys: JSON and plist keys, and registry value names (matched
// without regard to case there, as Windows does).
const (
	KeyBackendURL         = "backendUrl"         // string: the auth backend's base URL
	KeySSOIssuer          = "ssoIssuer"          // string: the SSO provider's issuer URL (https)
	KeySSOClientID        = "ssoClientId"        // string: the console's client id at the SSO provider
	KeyRetentionDays      = "retentionDays"      // integer 1-3650: resolved cases kept on the computer
	KeyGeoDatabases       = "geoDatabases"       // list of file paths (a string with one per line too)
	KeyAllowDemo          = "allowDemo"          // boolean: whether the console may run on demo data
	KeyIdleLockMinutes    = "idleLockMinutes"    // integer 1-1440: minutes without input before the console locks
	KeyAllowBackendChange = "allowBackendChange" // boolean: whether an agent may change the backend
)

// Keys are all the policy's keys, in the order `verifydesk policy` lists them.
var Keys = []string{KeyBackendURL, KeyAllowBackendChange, KeyAllowDemo, KeySSOIssuer, KeySSOClientID,
	KeyRetentionDays, KeyGeoDatabases, KeyIdleLockMinutes}

// Bounds of the values.
const (
	MaxRetentionDays   = 3650
	MaxIdleLockMinutes = 1440
	maxGeoDatabases    = 16
	maxPathLen         = 4096
	maxClientID        = 200
	// maxFile bounds a policy file: a policy is a few hundred bytes.
	maxFile = 1 << 20
)

// Policy is what an organisation pins. A field is only meaningful when
// Pinned(its key); the zero Policy pins nothing.
type Policy struct {
	// Source is where the policy was read: a file path or the registry key;
	// "" when there is none.
	Source             string
	BackendURL         string
	SSOIssuer          string
	SSOClientID        string
	RetentionDays      int
	GeoDatabases       []string
	AllowDemo          bool
	IdleLockMinutes    int
	AllowBackendChange bool
	pinned             map[string]bool
}

// Pinned reports whether the policy sets key.
func (p Policy) Pinned(key string) bool { return p.pinned[key] }

// DemoAllowed: demo mode is allowed unless the policy says no.
func (p Policy) DemoAllowed() bool { return !p.Pinned(KeyAllowDemo) || p.AllowDemo }

// BackendChangeAllowed: an agent may change the backend unless the policy
// pins it or says no.
func (p Policy) BackendChangeAllowed() bool {
	return !p.Pinned(KeyBackendURL) && (!p.Pinned(KeyAllowBackendChange) || p.AllowBackendChange)
}

// Error is a policy that cannot be used: its source, the key at fault ("" for
// the whole policy) and why.
type Error struct {
	Source, Key string
	Err         error
}

func (e *Error) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("policy %s: %v", e.Source, e.Err)
	}
	return fmt.Sprintf("policy %s: %s: %v", e.Source, e.Key, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Load reads this computer's policy: the file $VERIFYDESK_POLICY_FILE names
// when set, else the system's place. No policy there gives the zero Policy and
// no error.
func Load() (Policy, error) {
	if f := os.Getenv(EnvFile); f != "" {
		return LoadFile(f)
	}
	return loadSystem()
}

// LoadFile reads a policy file: a property list when its name ends in .plist,
// else JSON. A missing file is an error here (loadSystem skips one).
func LoadFile(path string) (Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return Policy{}, &Error{Source: path, Err: readError(err)}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return Policy{}, &Error{Source: path, Err: readError(err)}
	}
	if len(b) > maxFile {
		return Policy{}, &Error{Source: path, Err: fmt.Errorf("larger than %d bytes: not a policy", maxFile)}
	}
	if strings.EqualFold(filepath.Ext(path), ".plist") {
		return ParsePlist(path, b)
	}
	return ParseJSON(path, b)
}

// loadFirst reads the first of paths that exists; none gives the zero Policy.
func loadFirst(paths ...string) (Policy, error) {
	for _, p := range paths {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		return LoadFile(p)
	}
	return Policy{}, nil
}

func readError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the source already names the file
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("not readable by this account (permission denied)")
	}
	return fmt.Errorf("cannot be read: %v", err)
}

// ParseJSON reads a JSON policy: one object of keys, each once (a key given
// twice is an error: which one IT meant cannot be known).
func ParseJSON(source string, b []byte) (Policy, error) {
	notObject := func(why any) (Policy, error) {
		return Policy{}, &Error{Source: source, Err: fmt.Errorf("not a JSON object of settings: %v", why)}
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if t, err := d.Token(); err != nil {
		return notObject(err)
	} else if t == nil {
		return notObject("null")
	} else if t != json.Delim('{') {
		return notObject(fmt.Sprintf("it starts with %v", t))
	}
	values := map[string]any{}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return notObject(err)
		}
		key, _ := t.(string) // inside an object, the decoder gives keys as strings
		var v any
		if err := d.Decode(&v); err != nil {
			return notObject(err)
		}
		if _, twice := values[key]; twice && !strings.HasPrefix(key, "_") {
			return Policy{}, &Error{Source: source, Key: key, Err: errors.New("given twice: keep one")}
		}
		values[key] = v
	}
	if _, err := d.Token(); err != nil {
		return notObject(err)
	}
	if _, err := d.Token(); err != io.EOF {
		return Policy{}, &Error{Source: source, Err: errors.New("text after the JSON object")}
	}
	return FromValues(source, values)
}

// ParsePlist reads a property list policy (XML, binary or OpenStep): one
// dictionary of keys, as a configuration profile leaves in
// /Library/Managed Preferences.
func ParsePlist(source string, b []byte) (Policy, error) {
	var values map[string]any
	if _, err := plist.Unmarshal(b, &values); err != nil {
		return Policy{}, &Error{Source: source, Err: fmt.Errorf("not a property list dictionary: %v", err)}
	}
	return FromValues(source, values)
}

// FromValues checks and takes the values read from a source: strings,
// numbers (float64, json.Number, int64, uint64), booleans, lists of strings.
// Every bad key is reported, one error each, in key order.
func FromValues(source string, values map[string]any) (Policy, error) {
	p := Policy{Source: source, pinned: map[string]bool{}}
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	var errs []error
	for _, k := range names {
		if strings.HasPrefix(k, "_") {
			continue // a comment
		}
		if err := p.set(k, values[k]); err != nil {
			errs = append(errs, &Error{Source: source, Key: k, Err: err})
			continue
		}
	}
	if len(errs) > 0 {
		return Policy{}, errors.Join(errs...)
	}
	if len(p.pinned) == 0 {
		p.pinned = nil
	}
	return p, nil
}

func (p *Policy) set(key string, v any) error {
	var err error
	switch key {
	case KeyBackendURL:
		p.BackendURL, err = stringValue(v)
		if err == nil {
			err = client.CheckBaseURL(p.BackendURL)
		}
	case KeySSOIssuer:
		p.SSOIssuer, err = stringValue(v)
		if err == nil {
			err = checkIssuer(p.SSOIssuer)
		}
	case KeySSOClientID:
		p.SSOClientID, err = stringValue(v)
		if err == nil {
			err = checkClientID(p.SSOClientID)
		}
	case KeyRetentionDays:
		p.RetentionDays, err = intValue(v, 1, MaxRetentionDays)
	case KeyIdleLockMinutes:
		p.IdleLockMinutes, err = intValue(v, 1, MaxIdleLockMinutes)
	case KeyAllowDemo:
		p.AllowDemo, err = boolValue(v)
	case KeyAllowBackendChange:
		p.AllowBackendChange, err = boolValue(v)
	case KeyGeoDatabases:
		p.GeoDatabases, err = pathsValue(v)
	default:
		return fmt.Errorf("not a policy key (the keys are %s; a key starting with _ is a comment)", strings.Join(Keys, ", "))
	}
	if err != nil {
		return err
	}
	p.pinned[key] = true
	return nil
}

// describe names a value's type as IT would write it.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, float32, json.Number, int, int64, uint64, int32, uint32:
		return "a number"
	case []any, []string:
		return "a list"
	case map[string]any:
		return "a dictionary"
	}
	return fmt.Sprintf("a value of type %T", v)
}

func stringValue(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("must be a string, not %s", describe(v))
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("is empty: remove the key to leave the setting to the agent")
	}
	return s, nil
}

// intValue takes a whole number from min to max.
func intValue(v any, min, max int) (int, error) {
	var f float64
	switch n := v.(type) {
	case json.Number:
		var err error
		if f, err = n.Float64(); err != nil {
			return 0, fmt.Errorf("%q is not a number", n.String())
		}
	case float64:
		f = n
	case int64:
		f = float64(n)
	case uint64:
		f = float64(n)
	default:
		return 0, fmt.Errorf("must be a whole number from %d to %d, not %s", min, max, describe(v))
	}
	if math.IsNaN(f) || f != math.Trunc(f) || f < float64(min) || f > float64(max) {
		return 0, fmt.Errorf("must be a whole number from %d to %d, not %v", min, max, v)
	}
	return int(f), nil
}

// boolValue takes true or false, or the registry's DWORD 1 or 0.
func boolValue(v any) (bool, error) {
	switch b := v.(type) {
	case bool:
		return b, nil
	case uint64:
		if b <= 1 {
			return b == 1, nil
		}
	}
	return false, fmt.Errorf("must be true or false (1 or 0 in the registry), not %s %v", describe(v), v)
}

// pathsValue takes a list of file paths, or one string of them a line each
// (a registry REG_SZ). An empty list pins the demo database.
func pathsValue(v any) ([]string, error) {
	var raw []string
	switch l := v.(type) {
	case string:
		raw = strings.FieldsFunc(l, func(r rune) bool { return r == '\n' || r == '\r' })
	case []string:
		raw = l
	case []any:
		for i, e := range l {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("item %d must be a file path (a string), not %s", i+1, describe(e))
			}
			raw = append(raw, s)
		}
	default:
		return nil, fmt.Errorf("must be a list of file paths, not %s", describe(v))
	}
	out := []string{}
	for i, s := range raw {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			if _, one := v.(string); one {
				continue // a blank line
			}
			return nil, fmt.Errorf("item %d is empty", i+1)
		case len(s) > maxPathLen || !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl):
			return nil, fmt.Errorf("item %d is not a file path (too long, not UTF-8 or with control characters)", i+1)
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) > maxGeoDatabases {
		return nil, fmt.Errorf("more than %d files", maxGeoDatabases)
	}
	return out, nil
}

// checkIssuer: an SSO issuer is an https URL with a host and no query,
// fragment or credentials.
func checkIssuer(s string) error {
	if err := client.CheckBaseURL(s); err != nil {
		return err
	}
	if u, _ := url.Parse(s); u.Scheme != "https" {
		return fmt.Errorf("%q is not an https:// address", s)
	}
	return nil
}

// checkClientID: printable ASCII without spaces, as providers issue them.
func checkClientID(s string) error {
	if len(s) > maxClientID {
		return fmt.Errorf("longer than %d characters", maxClientID)
	}
	for _, r := range s {
		if r <= ' ' || r > '~' {
			return fmt.Errorf("%q has spaces or characters other than printable ASCII", s)
		}
	}
	return nil
}
