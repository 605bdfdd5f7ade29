package manifest

import "fmt"

// AnyVersion is the UpgradeFrom floor that admits every version a node
// may run, ordered or not.
const AnyVersion = "0.0.0"

// CheckUpgrade reports whether a node running version current may unpack
// the release m. A node that runs nothing yet (current "") may unpack any
// release, as may every node when m.UpgradeFrom is AnyVersion. Otherwise
// current must be an ordered version at least m.UpgradeFrom. The error
// wraps ErrUpgradeBase and says what to do.
func CheckUpgrade(current string, m Manifest) error {
	if current == "" {
		return nil
	}
	floor, ok := parseVersion(m.UpgradeFrom)
	if !ok {
		return fmt.Errorf("%w: release %s: upgrade_from %q is not a version", ErrInvalid, m.Version, m.UpgradeFrom)
	}
	if compare(floor, version{}) == 0 {
		return nil
	}
	cur, ok := parseVersion(current)
	if !ok {
		return fmt.Errorf("%w: release %s upgrades only from %s or later, and this node runs %q, which is not an ordered version: install a release that upgrades from any version first",
			ErrUpgradeBase, m.Version, m.UpgradeFrom, current)
	}
	if compare(cur, floor) < 0 {
		return fmt.Errorf("%w: release %s upgrades only from %s or later, and this node runs %s: install a release in between first",
			ErrUpgradeBase, m.Version, m.UpgradeFrom, current)
	}
	return nil
}
