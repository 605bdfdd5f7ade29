package config

import "fmt"

// applyEnv overlays the FIFO_* variables that lookup reports onto c, in
// schema order. A variable that is set but empty counts as unset.
func applyEnv(lookup func(string) (string, bool), c *Config) error {
	for _, f := range fields(c) {
		s, ok := lookup(f.env)
		if !ok || s == "" {
			continue
		}
		if err := f.val.setEnv(s); err != nil {
			return invalid(fmt.Sprintf("env %s: %v", f.env, err))
		}
	}
	return nil
}
