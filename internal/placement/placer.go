package placement

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fifogo/fifo/internal/perm"
)

// Placer is a compiled Request. It is immutable: Rank may be called
// concurrently, on any number of hypervisor snapshots.
type Placer struct {
	ram       int64
	virt      string
	networks  []Network
	grants    *perm.Set
	filters   []filter // Must and Cant rules, in request order
	points    []*compiledRule
	scales    []*compiledRule
	randoms   []*compiledRule
	groupings []compiledGrouping
	// hosts maps the hypervisor uuids that run grouping members to the
	// groupings they matter to.
	hosts   map[string][]hostRef
	permLen int // the longest permission an Allowed rule builds

	// reasons holds the exclusion reasons; index 0 means "not excluded".
	reasons  []string
	rVirt    uint16
	rNoMem   uint16
	rMem     uint16
	rPerm    uint16
	rNetwork []uint16
}

// filter is a Must or Cant rule with its exclusion reason.
type filter struct {
	rule   *compiledRule
	reason uint16
}

// compiledGrouping is a Cluster or Stack of the request.
type compiledGrouping struct {
	stack  bool
	weight int64
	reason uint16 // Cluster
}

// hostRef says that a hypervisor runs count members of grouping g.
type hostRef struct {
	g     int
	count int
}

// New validates and compiles req. Errors wrap ErrInvalidRule and name the
// rule, network or grouping at fault.
func New(req Request) (*Placer, error) {
	if err := checkRequest(req); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidRule, err)
	}
	p := &Placer{
		ram: req.RAM, virt: req.Virtualisation, grants: req.Grants,
		networks: make([]Network, len(req.Networks)),
		reasons:  []string{""},
		permLen:  3,
	}
	if p.virt != "" {
		p.rVirt = p.reason(fmt.Sprintf("does not support %s", p.virt))
	}
	if p.ram > 0 {
		p.rNoMem = p.reason("reports no free memory")
		p.rMem = p.reason(fmt.Sprintf("not enough free memory (needs %d MB)", p.ram))
	}
	for i, n := range req.Networks {
		p.networks[i] = Network{Name: n.Name, Tags: slices.Clone(n.Tags)}
		p.rNetwork = append(p.rNetwork, p.reason(networkReason(n)))
	}
	p.compileGroupings(req.Groupings)
	if p.grants != nil {
		p.rPerm = p.reason("no permission hypervisors/<uuid>/create")
	}
	for i, r := range req.Rules {
		c, err := compileRule(r)
		if err != nil {
			return nil, fmt.Errorf("rule %d (%s): %w", i, r, err)
		}
		cr := &c
		if len(cr.tmpl.elems) > p.permLen {
			p.permLen = len(cr.tmpl.elems)
		}
		switch r.Kind {
		case Must:
			p.filters = append(p.filters, filter{cr, p.reason("fails " + cr.text)})
		case Cant:
			p.filters = append(p.filters, filter{cr, p.reason("matches " + cr.text)})
		case Points:
			p.points = append(p.points, cr)
		case Scale:
			p.scales = append(p.scales, cr)
		case Random:
			p.randoms = append(p.randoms, cr)
		}
	}
	return p, nil
}

// checkRequest validates the parts of req that are not rules.
func checkRequest(req Request) error {
	switch {
	case req.RAM < 0:
		return fmt.Errorf("negative ram %d", req.RAM)
	case len(req.Rules) > MaxRules:
		return fmt.Errorf("%d rules (max %d)", len(req.Rules), MaxRules)
	case len(req.Networks) > MaxNetworks:
		return fmt.Errorf("%d networks (max %d)", len(req.Networks), MaxNetworks)
	case len(req.Groupings) > MaxGroupings:
		return fmt.Errorf("%d groupings (max %d)", len(req.Groupings), MaxGroupings)
	case len(req.Virtualisation) > 64:
		return fmt.Errorf("virtualisation %q is too long", req.Virtualisation)
	}
	for i, g := range req.Groupings {
		switch g.Type {
		case Cluster, Stack, None:
		default:
			return fmt.Errorf("grouping %d (%s): unknown type %q (cluster, stack or none)", i, g.Name, g.Type)
		}
		if g.Weight < 0 || g.Weight > MaxWeight {
			return fmt.Errorf("grouping %d (%s): weight %d out of range (0..%d)", i, g.Name, g.Weight, MaxWeight)
		}
	}
	return nil
}

// networkReason is the exclusion reason of a network.
func networkReason(n Network) string {
	switch len(n.Tags) {
	case 0:
		return fmt.Sprintf("network %s has no usable ip range", n.Name)
	case 1:
		return "missing nic tag " + n.Tags[0]
	}
	return fmt.Sprintf("missing a nic tag of network %s (%s)", n.Name, strings.Join(n.Tags, ", "))
}

// compileGroupings indexes the member hypervisors of clusters and stacks.
func (p *Placer) compileGroupings(gs []Grouping) {
	for _, g := range gs {
		if g.Type == None || len(g.Hypervisors) == 0 {
			continue
		}
		cg := compiledGrouping{stack: g.Type == Stack, weight: g.Weight}
		if cg.weight == 0 {
			cg.weight = DefaultStackWeight
		}
		if !cg.stack {
			cg.reason = p.reason(fmt.Sprintf("already hosts a member of cluster %s", g.Name))
		}
		idx := len(p.groupings)
		p.groupings = append(p.groupings, cg)
		if p.hosts == nil {
			p.hosts = map[string][]hostRef{}
		}
		for _, h := range g.Hypervisors {
			refs := p.hosts[h]
			if n := len(refs); n > 0 && refs[n-1].g == idx {
				refs[n-1].count++
				continue
			}
			p.hosts[h] = append(refs, hostRef{g: idx, count: 1})
		}
	}
}

// reason adds an exclusion reason and returns its index. The limits on a
// request keep the count far below 65536.
func (p *Placer) reason(s string) uint16 {
	p.reasons = append(p.reasons, s)
	return uint16(len(p.reasons) - 1)
}
