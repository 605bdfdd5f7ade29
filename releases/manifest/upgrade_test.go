package manifest

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckUpgrade(t *testing.T) {
	cases := []struct {
		current, floor string
		ok             bool
	}{
		{"", "2.0.0", true},               // a fresh node takes anything
		{"0b5fd05-dirty", "0.0.0", true},  // the floor 0.0.0 admits unordered versions
		{"1.5.0", "0.0.0", true},          //
		{"1.5.0", "1.5.0", true},          // the floor itself
		{"1.6.0-2-gabcd", "1.5.0", true},  // after the floor
		{"1.4.9", "1.5.0", false},         // too old
		{"1.5.0-rc.1", "1.5.0", false},    // a pre-release of the floor is older
		{"0b5fd05-dirty", "1.0.0", false}, // cannot tell
	}
	for _, c := range cases {
		m := sample()
		m.UpgradeFrom = c.floor
		err := CheckUpgrade(c.current, m)
		if c.ok != (err == nil) {
			t.Errorf("CheckUpgrade(%q, floor %q) = %v, want ok=%v", c.current, c.floor, err, c.ok)
		}
		if err != nil && (!errors.Is(err, ErrUpgradeBase) || !strings.Contains(err.Error(), c.floor) || !strings.Contains(err.Error(), c.current)) {
			t.Errorf("CheckUpgrade(%q, %q): unclear error %v", c.current, c.floor, err)
		}
	}
}
