package config

import (
	"strconv"
	"strings"
)

// Setting is one key of the configuration with its value, as an operator
// sees it (`fifo admin config get`).
type Setting struct {
	// Key is the dotted TOML key, e.g. "dist.listen_port".
	Key string
	// Env is the environment variable that overrides it.
	Env string
	// Value is the value as it would be written in the environment; a
	// secret's value is Redacted when set.
	Value string
	// Secret marks keys whose value is never shown.
	Secret bool
}

// Redacted stands for the value of a secret that is set.
const Redacted = "(set, not shown)"

// secretKey reports whether the value of key is never shown.
func secretKey(key string) bool { return key == "snarl.admin_password" }

// Settings lists c's keys in schema order with their values; secrets
// are redacted.
func (c Config) Settings() []Setting {
	fs := fields(&c)
	out := make([]Setting, 0, len(fs))
	for _, f := range fs {
		s := Setting{Key: f.key(), Env: f.env, Value: show(f.val), Secret: secretKey(f.key())}
		if s.Secret && s.Value != "" {
			s.Value = Redacted
		}
		out = append(out, s)
	}
	return out
}

// Setting returns the setting named by key, or false when no key has that
// name. Keys are matched case-insensitively.
func (c Config) Setting(key string) (Setting, bool) {
	for _, s := range c.Settings() {
		if strings.EqualFold(s.Key, key) {
			return s, true
		}
	}
	return Setting{}, false
}

// show renders a value as it would be written in the environment.
func show(v value) string {
	switch v := v.(type) {
	case stringValue:
		return *v.p
	case intValue:
		return strconv.Itoa(*v.p)
	case durationValue:
		return v.p.String()
	case routesValue:
		return FormatRoutes(*v.p)
	}
	return "?"
}
