package placement

import (
	"fmt"

	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
)

// Request is what a VM create asks of placement: the built-in
// requirements of reference §5.2 steps 9–13 and the rules of the package,
// the dataset and the create's config.
type Request struct {
	// RAM is the package's memory in MB: a hypervisor must report a
	// resources.free-memory of at least RAM. 0 skips the check. This only
	// filters on a possibly stale copy; the hypervisor's agent admits or
	// refuses the real reservation.
	RAM int64
	// Virtualisation, when set, must be in the hypervisor's virtualisation
	// list: "zone", "kvm", "lx", "docker", "jail", "ipkg" (see
	// VirtualisationOf).
	Virtualisation string
	// Networks are the networks the VM asks for: each needs a hypervisor
	// with one of its nic tags.
	Networks []Network
	// Rules are the package's, the dataset's and the create's rules, in
	// that order (the order only decides which reason an exclusion gets).
	Rules []Rule
	// Groupings are the cluster and stack groupings the VM joins.
	Groupings []Grouping
	// Grants are the creator's effective permissions. When set, a
	// hypervisor must allow ["hypervisors", <uuid>, "create"] (FiFo's
	// finish_rules); Allowed rules without grants of their own test
	// against them. Nil skips the built-in check, and Allowed rules
	// without grants then never hold. The Placer reads the set at every
	// Rank: it must not change while a Rank runs.
	Grants *perm.Set
}

// Network is a network a VM asks for, by the nic tags of its usable IP
// ranges: a hypervisor qualifies if it has any one of them. The caller
// leaves out ranges without free addresses; a network without tags
// excludes every hypervisor.
type Network struct {
	// Name names the network in exclusion reasons.
	Name string
	// Tags are the nic tags of the network's usable IP ranges.
	Tags []string
}

// GroupingType is the type of a grouping (record.Grouping.GroupingType).
type GroupingType string

// The grouping types of reference §4.2.
const (
	// Cluster is anti-affinity: never two members on one hypervisor.
	Cluster GroupingType = "cluster"
	// Stack is affinity: prefer hypervisors close to the members.
	Stack GroupingType = "stack"
	// None is a grouping without placement effect.
	None GroupingType = "none"
)

// DefaultStackWeight is the score a stack adds to the closest candidate
// when Grouping.Weight is 0 (FiFo's scale-distance 10..0).
const DefaultStackWeight = 10

// Grouping is a grouping the new VM joins, with where its other members
// run. The caller flattens the topology: for a cluster that belongs to
// stacks, it passes the cluster and one Stack grouping per stack, with the
// hypervisors of the stack's members.
type Grouping struct {
	// Name names the grouping in exclusion reasons (its name or uuid).
	Name string
	// Type is Cluster, Stack or None.
	Type GroupingType
	// Hypervisors are the hypervisor uuids of the existing members, one
	// entry per member VM (repeats weigh a stack's pull).
	Hypervisors []string
	// Weight is the score a Stack adds to the closest candidate, falling
	// linearly to 0 for the farthest; 0 means DefaultStackWeight. Cluster
	// and None ignore it.
	Weight int64
}

// Limits on the non-rule parts of a request.
const (
	// MaxNetworks is the most networks a Request may hold.
	MaxNetworks = 64
	// MaxGroupings is the most groupings a Request may hold.
	MaxGroupings = 64
)

// NewRequest returns the request of a create with pkg and ds: RAM from the
// package, Virtualisation from the dataset, and the package's then the
// dataset's requirements as Rules. The caller adds networks, groupings,
// grants and the create's own rules.
func NewRequest(pkg record.Package, ds record.Dataset) (Request, error) {
	pr, err := RulesFromValues(pkg.Requirements)
	if err != nil {
		return Request{}, fmt.Errorf("package %s requirements: %w", pkg.UUID, err)
	}
	dr, err := RulesFromValues(ds.Requirements)
	if err != nil {
		return Request{}, fmt.Errorf("dataset %s requirements: %w", ds.UUID, err)
	}
	return Request{
		RAM:            pkg.RAM,
		Virtualisation: VirtualisationOf(ds),
		Rules:          append(pr, dr...),
	}, nil
}

// VirtualisationOf returns the virtualisation a dataset needs: "kvm" and
// "jail" by dataset type; for zones "lx" or "docker" by zone type, "ipkg"
// for ipkg and lipkg, otherwise "zone". The hypervisor's agent lists what
// its platform can run.
func VirtualisationOf(ds record.Dataset) string {
	switch ds.DatasetType {
	case "kvm":
		return "kvm"
	case "jail":
		return "jail"
	}
	switch ds.ZoneType {
	case "lx":
		return "lx"
	case "docker":
		return "docker"
	case "ipkg", "lipkg":
		return "ipkg"
	}
	return "zone"
}
