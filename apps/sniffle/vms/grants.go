package vms

import (
	"context"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/placement"
)

// creatorGrants are the creator's permissions placement tests a create
// against. Placement asks them ["hypervisors", hv, "create"] (filter 5)
// and the permission of every Allowed rule that carries no grants of its
// own. Every creator grant of snarl (identity.GrantCreator) has three
// elements and starts with "vms" or "channels", so unless one of those
// rules may ask such a permission, the creator's grants without their
// creator grants (identity.EffectiveBase, one cached set) answer exactly
// as the whole set would; the whole set is rebuilt after each of the
// creator's creates, which a user creating many VMs at once cannot
// afford on every create.
func (s *Service) creatorGrants(ctx context.Context, user string, rules []placement.Rule) (*perm.Set, error) {
	if needsCreatorGrants(rules) {
		return s.id.Effective(ctx, user)
	}
	return s.id.EffectiveBase(ctx, user)
}

// needsCreatorGrants reports whether an Allowed rule of rules tests the
// request's grants with a permission a creator grant may match: three
// elements or more, the first "vms", "channels" or a placeholder.
func needsCreatorGrants(rules []placement.Rule) bool {
	for _, r := range rules {
		if r.Condition != placement.Allowed || r.Grants != nil || len(r.Permission) < 3 {
			continue
		}
		if e := r.Permission[0]; e.Attribute != "" || e.Literal == "vms" || e.Literal == "channels" {
			return true
		}
	}
	return false
}
