//go:build !windows && !darwin

package policy

// SystemSources are where this OS keeps the policy, first found wins.
var SystemSources = []string{"/etc/verifydesk/policy.json"}

func loadSystem() (Policy, error) { return loadFirst(SystemSources...) }
