package app

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"verifydesk/services/i18n"
	"verifydesk/services/policy"
)

// managedSettings are the agent's settings under the organisation's policy
// (services/policy): a pinned value wins over the agent's.
type managedSettings struct {
	Settings
	pol policy.Policy
}

// BackendURL is the pinned backend, else the agent's.
func (s managedSettings) BackendURL() string {
	if s.pol.Pinned(policy.KeyBackendURL) {
		return s.pol.BackendURL
	}
	return s.Settings.BackendURL()
}

// GeoDatabases are the pinned databases, else the agent's.
func (s managedSettings) GeoDatabases() []string {
	if s.pol.Pinned(policy.KeyGeoDatabases) {
		return s.pol.GeoDatabases
	}
	return s.Settings.GeoDatabases()
}

// RetentionDays is the pinned retention, else the agent's.
func (s managedSettings) RetentionDays() int {
	if s.pol.Pinned(policy.KeyRetentionDays) {
		return s.pol.RetentionDays
	}
	return s.Settings.RetentionDays()
}

// IdleLockMinutes is the pinned idle lock, else the agent's.
func (s managedSettings) IdleLockMinutes() int {
	if s.pol.Pinned(policy.KeyIdleLockMinutes) {
		return s.pol.IdleLockMinutes
	}
	return s.Settings.IdleLockMinutes()
}

// policyError: the organisation's policy cannot be used; the console starts,
// says why and connects to nothing (never to demo data instead).
type policyError struct{ err error }

func (e *policyError) Error() string { return e.err.Error() }
func (e *policyError) Unwrap() error { return e.err }

// demoOffError: the policy turns demo mode off and no backend is set;
// locked: nor may the agent set one.
type demoOffError struct {
	source string
	locked bool
}

func (e *demoOffError) Error() string { return "demo mode is turned off by the policy " + e.source }

// policyProblem words a policy error on one line: every bad key, each naming
// the source and the key.
func policyProblem(err error) string {
	return i18n.L("Your organisation's policy cannot be used: {{.Why}}. Verifydesk connects to nothing until it is corrected: ask your IT department.",
		i18n.M{"Why": strings.ReplaceAll(err.Error(), "\n", "; ")})
}

// applyPolicy loads the policy into the console's settings and drops the
// flags it overrides, with a note on stderr for each.
func (c *console) applyPolicy(pol policy.Policy, err error) {
	c.settings.pol, c.policyErr = pol, err
	if err != nil {
		fmt.Fprintln(c.std.Err, "verifydesk: "+policyProblem(err))
		return
	}
	if c.opts.backendURL != "" && !pol.BackendChangeAllowed() {
		fmt.Fprintf(c.std.Err, "verifydesk: --backend is ignored: the backend is set by your organisation (policy %s)\n", pol.Source)
		c.opts.backendURL = ""
	}
	if c.opts.demo && pol.Pinned(policy.KeyBackendURL) {
		fmt.Fprintf(c.std.Err, "verifydesk: --demo is ignored: the backend is set by your organisation (policy %s)\n", pol.Source)
		c.opts.demo = false
	}
}

// filePrefs are the settings file read as it is, without starting Fyne:
// Fyne's preferences.json, one JSON object. Nothing is written.
type filePrefs map[string]any

func readFilePrefs(path string) (filePrefs, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return filePrefs{}, nil
	}
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s is not a settings file: %v", path, err)
	}
	return filePrefs(m), nil
}

func (p filePrefs) String(key string) string { return p.StringWithFallback(key, "") }
func (p filePrefs) StringWithFallback(key, fallback string) string {
	if s, ok := p[key].(string); ok {
		return s
	}
	return fallback
}
func (p filePrefs) StringList(key string) []string {
	l, _ := p[key].([]any)
	var out []string
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
func (p filePrefs) IntWithFallback(key string, fallback int) int {
	if f, ok := p[key].(float64); ok && f == float64(int(f)) {
		return int(f)
	}
	return fallback
}
func (p filePrefs) FloatWithFallback(key string, fallback float64) float64 {
	if f, ok := p[key].(float64); ok {
		return f
	}
	return fallback
}
func (filePrefs) SetString(string, string)       {}
func (filePrefs) SetStringList(string, []string) {}
func (filePrefs) SetInt(string, int)             {}
func (filePrefs) SetFloat(string, float64)       {}

// policyRow is one line of `verifydesk policy`: a setting, its effective
// value and where it came from.
type policyRow struct{ name, value, from string }

// effectiveRows are the settings the policy can pin, as this computer's
// console would use them: the policy's value, else the agent's, else the
// default. settings is "" when the agent's settings could not be read.
func effectiveRows(pol policy.Policy, s Settings, settingsFile string) []policyRow {
	fromPolicy := "policy " + pol.Source
	agent := func(key string, set bool) string {
		switch {
		case pol.Pinned(key):
			return fromPolicy
		case set:
			return "settings " + settingsFile
		}
		return "default"
	}
	_, backendSet := s.p.(filePrefs)[keyBackendURL]
	backend := s.BackendURL()
	if pol.Pinned(policy.KeyBackendURL) {
		backend = pol.BackendURL
	}
	if backend == "" {
		backend = "(none: demo mode)"
	}
	geoList := s.GeoDatabases()
	if pol.Pinned(policy.KeyGeoDatabases) {
		geoList = pol.GeoDatabases
	}
	geoValue := strings.Join(geoList, ", ")
	if geoValue == "" {
		geoValue = "(none: demo locations)"
	}
	_, geoSet := s.p.(filePrefs)[keyGeoDBs]
	changeFrom := agent(policy.KeyAllowBackendChange, false)
	if pol.Pinned(policy.KeyBackendURL) {
		changeFrom = fromPolicy + " (" + policy.KeyBackendURL + ")"
	}
	retention := managedSettings{s, pol}.RetentionDays()
	_, retentionSet := s.p.(filePrefs)[keyRetention]
	_, idleSet := s.p.(filePrefs)[keyIdleLock]
	orgOnly := func(key, value, fallback string) policyRow {
		if pol.Pinned(key) {
			return policyRow{key, value, fromPolicy}
		}
		return policyRow{key, fallback, "default"}
	}
	return []policyRow{
		{policy.KeyBackendURL, backend, agent(policy.KeyBackendURL, backendSet && s.BackendURL() != "")},
		{policy.KeyAllowBackendChange, strconv.FormatBool(pol.BackendChangeAllowed()), changeFrom},
		{policy.KeyAllowDemo, strconv.FormatBool(pol.DemoAllowed()), agent(policy.KeyAllowDemo, false)},
		orgOnly(policy.KeySSOIssuer, pol.SSOIssuer, "(none)"),
		orgOnly(policy.KeySSOClientID, pol.SSOClientID, "(none)"),
		{policy.KeyRetentionDays, strconv.Itoa(retention), agent(policy.KeyRetentionDays, retentionSet)},
		{policy.KeyGeoDatabases, geoValue, agent(policy.KeyGeoDatabases, geoSet && len(s.GeoDatabases()) > 0)},
		{policy.KeyIdleLockMinutes, strconv.Itoa(managedSettings{s, pol}.IdleLockMinutes()), agent(policy.KeyIdleLockMinutes, idleSet)},
	}
}

func runPolicy(args []string, std Stdio) int {
	fs := flag.NewFlagSet("verifydesk policy", flag.ContinueOnError)
	if status, ok := parseFlags(fs, args, std, policyUsage); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(std.Err, "verifydesk policy: unexpected argument %q\n", fs.Arg(0))
		policyUsage(fs, std.Err)
		return exitUsage
	}
	pol, err := policy.Load()
	if err != nil {
		fmt.Fprintln(std.Err, "verifydesk policy: the organisation's policy cannot be used (the console starts connected to nothing):")
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(std.Err, "  "+line)
		}
		return exitFail
	}
	settingsFile, prefs := "", filePrefs{}
	if ID != "" {
		if paths, err := appPaths(ID); err == nil {
			settingsFile = paths["settings"]
		}
	}
	if settingsFile != "" {
		if prefs, err = readFilePrefs(settingsFile); err != nil {
			fmt.Fprintln(std.Err, "verifydesk policy: the agent's settings cannot be read:", err)
			return exitFail
		}
	}
	source := pol.Source
	if source == "" {
		source = "none (looked in " + strings.Join(policySources(), ", ") + ")"
	}
	if env := os.Getenv(policy.EnvFile); env != "" {
		source += " (from $" + policy.EnvFile + ")"
	}
	fmt.Fprintf(std.Out, "%-19s %s\n", "policy", source)
	for _, r := range effectiveRows(pol, Settings{prefs}, settingsFile) {
		fmt.Fprintf(std.Out, "%-19s %-40s %s\n", r.name, r.value, r.from)
	}
	return exitOK
}

// policySources are where this OS's policy is looked for.
func policySources() []string {
	if env := os.Getenv(policy.EnvFile); env != "" {
		return []string{env}
	}
	return policy.SystemSources
}

func policyUsage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "Usage: verifydesk policy")
	fmt.Fprintln(w, "\nPrint the settings an organisation can pin, as the console would use them on this")
	fmt.Fprintln(w, "computer, and where each comes from: the policy, the agent's settings, or the default.")
	fmt.Fprintln(w, "The policy is read from "+strings.Join(policy.SystemSources, ", then ")+"; $"+policy.EnvFile+" names a file instead.")
	fmt.Fprintln(w, "A policy that cannot be used is printed key by key, and the command exits 1.")
}
