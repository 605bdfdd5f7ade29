package console

import (
	"fmt"
	"strings"
)

// versionAndFlags parses the arguments of a command that takes one
// version and valued flags (`--name value` or `--name=value`): set
// handles each flag and returns an error for a bad value or an unknown
// name. Errors are plain; the caller wraps them in its usage.
func versionAndFlags(args []string, set func(name, val string) error) (string, error) {
	var version string
	for i := 0; i < len(args); i++ {
		name, val, hasVal := strings.Cut(args[i], "=")
		if !strings.HasPrefix(name, "--") {
			if version != "" {
				return "", fmt.Errorf("one version, not %q and %q", version, args[i])
			}
			version = args[i]
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", name)
			}
			i++
			val = args[i]
		}
		if err := set(name, val); err != nil {
			return "", err
		}
	}
	if version == "" {
		return "", fmt.Errorf("no version")
	}
	return version, nil
}
