//go:build darwin

package policy

// SystemSources are where this OS keeps the policy, first found wins: a
// configuration profile's managed preferences, then a file IT placed.
var SystemSources = []string{
	"/Library/Managed Preferences/com.verifydesk.console.plist",
	"/Library/Application Support/Verifydesk/policy.json",
}

func loadSystem() (Policy, error) { return loadFirst(SystemSources...) }
