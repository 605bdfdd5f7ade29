package spec

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/fifogo/fifo/agent/driver"
)

// metaString renders a metadata value as vmadm stores it: strings as
// they are, anything else as JSON.
func metaString(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("metadata value %v: %w", v, driver.ErrInvalid)
	}
	return string(b), nil
}

// ramShare is a VM's share of the host's memory scaled to 1024, the
// original's default for cpu_shares and zfs_io_priority.
func ramShare(ram, total int64) int64 {
	if total <= 0 {
		return 0
	}
	return int64(math.Round(1024 * float64(ram) / float64(total)))
}

// vcpus is ceil(cpu_cap / 100), at least 1.
func vcpus(cpuCap int64) int64 {
	return max(1, (cpuCap+99)/100)
}

func or[T comparable](v, dflt T) T {
	var zero T
	if v == zero {
		return dflt
	}
	return v
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("spec: "+format+": %w", append(args, driver.ErrInvalid)...)
}

func checkPasswords(pw map[string]string) error {
	for k := range pw {
		if !strings.HasSuffix(k, "_pw") || k == "_pw" {
			return invalid("password key %q does not end in _pw", k)
		}
	}
	return nil
}
