// Package placement decides on which hypervisor a VM goes: FiFo's
// rankmatcher (reference §5.3) and the built-in requirements of a create
// (§5.2 steps 9–13, §5.5), as a pure ranker over a snapshot of the
// hypervisors. sniffle proposes; the hypervisor's agent admits or refuses
// the memory reservation, and a refusal sends sniffle to the next
// candidate (DESIGN §6, "consistency islands").
//
// # Use
//
//	req, err := placement.NewRequest(pkg, ds)      // RAM, virtualisation, requirements
//	req.Networks = []placement.Network{{Name: "public", Tags: []string{"external"}}}
//	req.Groupings = …                               // clusters and stacks with their members' hypervisors
//	req.Grants = creatorGrants                      // *perm.Set
//	req.Rules = append(req.Rules, configRules...)
//	p, err := placement.New(req)                   // validates and compiles, once per create
//	res := p.Rank(hypervisors, rng.Uint64())        // per attempt, on a fresh snapshot
//	if err := res.Err(); err != nil { … log res.Summary() … }
//	for _, c := range res.Candidates { … try hypervisors[c.Index] … }
//
// # Filters, in the order that names an exclusion
//
//  1. Request.Virtualisation must be in the hypervisor's virtualisation.
//  2. resources.free-memory must be a number ≥ Request.RAM (when RAM > 0).
//  3. For every Request.Networks entry the hypervisor has one of its tags.
//  4. It runs no member of a Cluster grouping (anti-affinity per
//     hypervisor, whatever the paths say).
//  5. With Request.Grants, ["hypervisors", <uuid>, "create"] is allowed.
//  6. Every Must rule holds and no Cant rule holds, in request order.
//
// An excluded hypervisor is counted once, under the first check it fails;
// Result.Summary turns the counts into one line for the VM log.
//
// # Scores
//
// A candidate's score is the sum of: Points of every integer-weight rule
// whose condition holds; for every Scale rule, its attribute mapped
// linearly from the [min, max] over all candidates onto [Low, High] and
// rounded (all equal: Low; a candidate without a numeric value gets the
// lower of Low and High); for every Stack grouping, the candidate's summed
// distance to the members' hypervisors mapped from [closest, farthest] onto
// [Weight, 0]; for every Random rule, an integer in [Low, High) (Low when
// they are equal) drawn from the seed and the hypervisor's uuid. Candidates are sorted by descending
// score, then by uuid, so a result depends only on the set of hypervisors,
// the request and the seed.
//
// Distance follows the hypervisors' path [{name, cost}] (rack, room, …):
// 0 to itself; otherwise the common prefix of both paths (by name) is
// stripped and the remaining costs of both are summed, plus 1 for each
// hypervisor's own hop, so two hypervisors under the same path are 2 apart.
//
// # Rules
//
// A Rule's JSON form (ParseRule, Rule.MarshalJSON) is the REST shape of
// reference §4.2: {"weight": "must"|"cant"|<int>|"scale"|"random",
// "condition": …, "attribute": …, "value": …, "low": …, "high": …}.
// Attributes are dotted paths into the hypervisor: uuid, alias, host,
// port, version (or chunter_version), architecture, last_seen, networks,
// etherstubs, virtualisation, path (its hop names), and below the map
// fields resources, characteristics, pools, sysinfo, services and
// metadata ("resources.free-memory", "pools.zones.free",
// "sysinfo.Live Image"). A map key that itself holds dots is found too.
// Values are null, booleans, numbers, strings and lists of those.
//
// Conditions compare numbers with numbers (by value: 1 equals 1.0) and
// strings with strings (bytewise). Any other pairing — a string against
// ">", a set condition on a number, an absent attribute — is simply false,
// except that "=/=" is always the negation of "=:=" and that in set
// conditions an absent attribute is the empty set and a map attribute is
// the set of its keys ("element pools zones": the hypervisor has a pool
// named zones). "allowed" fills the permission's {"res": attribute}
// placeholders from the hypervisor and tests it with the rule's grants,
// else the request's (FiFo gives such rules the creator's).
//
// # Contract
//
// The package does no I/O, never reads the clock, draws no randomness of
// its own and keeps no mutable global state. A Placer is immutable and
// safe for concurrent use; Rank never modifies the snapshot. Rank's cost
// is one pass over the hypervisors and one over the candidates plus a sort
// of the candidates, with a constant number of allocations whatever the
// snapshot's size.
package placement
