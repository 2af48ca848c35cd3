//go:build windows

package policy

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// RegistryKey is the policy's key under HKEY_LOCAL_MACHINE (group policy, Intune
// and the MSI's BACKENDURL property write there).
const RegistryKey = `SOFTWARE\Policies\Verifydesk`

// SystemSources are where this OS keeps the policy.
var SystemSources = []string{`HKLM\` + RegistryKey}

func loadSystem() (Policy, error) { return LoadRegistry(registry.LOCAL_MACHINE, RegistryKey) }

// LoadRegistry reads the policy from the values of a registry key: REG_SZ and
// REG_EXPAND_SZ strings, REG_DWORD and REG_QWORD numbers (booleans as 1 or 0),
// REG_MULTI_SZ lists. Value names match the keys without regard to case. A
// missing key is no policy.
func LoadRegistry(root registry.Key, path string) (Policy, error) {
	source := rootName(root) + `\` + path
	k, err := registry.OpenKey(root, path, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return Policy{}, nil
	}
	if err != nil {
		return Policy{}, &Error{Source: source, Err: fmt.Errorf("cannot be opened: %v", err)}
	}
	defer k.Close()
	names, err := k.ReadValueNames(0)
	if err != nil {
		return Policy{}, &Error{Source: source, Err: fmt.Errorf("cannot be read: %v", err)}
	}
	values := map[string]any{}
	for _, name := range names {
		key := name
		for _, known := range Keys {
			if strings.EqualFold(name, known) {
				key = known
			}
		}
		if name == "" {
			continue // the key's default value: not a setting
		}
		_, typ, err := k.GetValue(name, nil)
		if err != nil {
			return Policy{}, &Error{Source: source, Key: name, Err: fmt.Errorf("cannot be read: %v", err)}
		}
		switch typ {
		case registry.SZ, registry.EXPAND_SZ:
			values[key], _, err = k.GetStringValue(name)
		case registry.DWORD, registry.QWORD:
			values[key], _, err = k.GetIntegerValue(name)
		case registry.MULTI_SZ:
			values[key], _, err = k.GetStringsValue(name)
		default:
			err = fmt.Errorf("has registry type %d: use REG_SZ, REG_DWORD or REG_MULTI_SZ", typ)
		}
		if err != nil {
			return Policy{}, &Error{Source: source, Key: name, Err: err}
		}
	}
	return FromValues(source, values)
}

func rootName(root registry.Key) string {
	switch root {
	case registry.LOCAL_MACHINE:
		return "HKLM"
	case registry.CURRENT_USER:
		return "HKCU"
	}
	return "HK?"
}
