package vms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/placement"
	"github.com/fifogo/fifo/internal/record"
)

// Register is the synchronous part of a create (fifo.md §5.1): it checks
// the request, stores the VM in state "pooled", grants the creator
// vms/<uuid>/... and channels/<uuid>/join, and returns the VM's uuid. Run
// does the rest. Requirements are kept only when advanced is set (the
// creator has cloud/vms/advanced_create).
func (s *Service) Register(ctx context.Context, creator string, req CreateRequest, advanced bool) (string, error) {
	if err := req.Validate(); err != nil {
		return "", err
	}
	if !advanced {
		req.Config.Requirements = nil
	}
	if err := s.repo.Exists(ctx, record.BucketPackage, req.Package); err != nil {
		return "", fmt.Errorf("package %s: %w", req.Package, err)
	}
	ds, err := s.cloud.Dataset(ctx, req.Dataset)
	if err != nil {
		return "", fmt.Errorf("dataset %s: %w", req.Dataset, err)
	}
	for _, n := range ds.Networks {
		if _, ok := req.Config.Networks[n.Name]; !ok {
			return "", fmt.Errorf("vm: dataset needs network %q in config.networks: %w", n.Name, cloud.ErrInvalid)
		}
	}
	for _, net := range req.Config.Networks {
		if err := s.repo.Exists(ctx, record.BucketNetwork, net); err != nil {
			return "", fmt.Errorf("network %s: %w", net, err)
		}
	}
	cfg, err := configMap(req.Config)
	if err != nil {
		return "", err
	}
	id, err := s.repo.NewID()
	if err != nil {
		return "", err
	}
	now := s.now()
	vmType := "zone"
	if ds.ZoneType == "docker" {
		vmType = "docker"
	}
	r, err := record.NewVM(s.repo.Stamp(), record.VM{UUID: id, Alias: req.Config.Alias, CreatedAt: now.Unix(),
		CreatedBy: creator, VMType: vmType, Dataset: req.Dataset, Package: req.Package, Hypervisor: "pooled",
		State: StatePooled, Creating: record.Creating{Phase: StatePooled, Secs: now.Unix()}, Config: cfg,
		Metadata: req.Config.Metadata, Info: map[string]any{infoCreateNode: s.opts.Node}})
	if err != nil {
		return "", fmt.Errorf("vm: %w: %w", cloud.ErrInvalid, err)
	}
	if err := s.repo.Put(ctx, record.BucketVM, id, r); err != nil {
		return "", err
	}
	if creator != "" {
		if err := s.id.GrantCreator(ctx, creator, id); err != nil {
			return id, fmt.Errorf("vm %s: %w", id, err)
		}
	}
	s.events.Publish(id, "update", map[string]any{"config": cfg})
	return id, nil
}

// configMap is a config as the VM record's config map (JSON shapes).
func configMap(c Config) (map[string]any, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("vm config: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("vm config: %w", err)
	}
	return jsonToRecord(m).(map[string]any), nil
}

// jsonToRecord turns decoded JSON into values records store: float64
// integers become int64, empty maps are dropped.
func jsonToRecord(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if m, ok := e.(map[string]any); ok && len(m) == 0 {
				continue
			}
			out[k] = jsonToRecord(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonToRecord(e)
		}
		return out
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
	}
	return v
}

// failure ends a create: the reason goes to the VM log and the state to
// failed. With keepOn the VM stays bound to that hypervisor, its
// addresses reserved: the host may have it (hostwait.go).
type failure struct {
	reason string
	keepOn string
}

func (f failure) Error() string { return f.reason }

func failf(format string, args ...any) error { return failure{reason: fmt.Sprintf(format, args...)} }

// flow is the state of one create while it runs.
type flow struct {
	vm       record.VM
	cfg      Config
	owner    string
	pkg      record.Package
	ds       record.Dataset
	claimed  map[string]int64 // org resources taken
	leases   []cloud.Lease
	reserved string         // hypervisor holding a memory reservation
	awaited  bool           // the create waited for its host (hostwait.go)
	pending  map[string]any // VM fields for the next write (flowwrite.go)
}

// Run is the create flow of a registered VM (fifo.md §5.2). Every failure
// ends with the VM in state failed and the reason in its log; Run then
// returns nil (the failure is the VM's, not the caller's). A VM that is no
// longer pooled, or whose flow already runs, is left alone, so Run may be
// repeated.
func (s *Service) Run(ctx context.Context, id string) error {
	if _, dup := s.running.LoadOrStore(id, struct{}{}); dup {
		return nil
	}
	defer s.running.Delete(id)
	vm, err := s.vm(ctx, id)
	if err != nil {
		return err
	}
	if vm.State != StatePooled {
		return nil
	}
	if err := s.takeCreate(ctx, vm); err != nil {
		return err
	}
	f := &flow{vm: vm, claimed: map[string]int64{}}
	if f.cfg, err = configOf(vm); err != nil {
		return s.fail(ctx, f, err)
	}
	if err := s.create(ctx, f); err != nil {
		if errors.Is(err, errStillAwaiting) {
			return nil // sniffle stops: the VM waits for its host; recovery takes it up (Settle)
		}
		return s.fail(ctx, f, err)
	}
	return nil
}

// errStillAwaiting: the flow stopped while its VM waits for its host.
var errStillAwaiting = errors.New("vm: still waiting for its host")

// configOf reads a VM's create config back from its record.
func configOf(vm record.VM) (Config, error) {
	var c Config
	b, err := json.Marshal(vm.Config)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return c, failf("stored config unreadable: %v", err)
	}
	return c, nil
}

// fail undoes what a failed create holds and marks the VM failed.
func (s *Service) fail(ctx context.Context, f *flow, cause error) error {
	ctx = context.WithoutCancel(ctx)
	id := f.vm.UUID
	reason := cause.Error()
	var fl failure
	if !errors.As(cause, &fl) {
		reason = "create failed: " + reason
	}
	hv := ""
	if fl.keepOn != "" {
		// The host may run the VM: its addresses and reservation stay
		// until the host confirms it absent (confirmAbsent).
		hv = fl.keepOn
	} else {
		s.releaseLeases(ctx, f)
		if f.reserved != "" {
			if err := s.agents.Release(ctx, f.reserved, id); err != nil {
				s.logger.Warn("memory reservation not released", "vm", id, "hypervisor", f.reserved, "err", err)
			}
		}
	}
	for res, n := range f.claimed {
		if err := s.id.ChangeResource(ctx, f.owner, res, n); err != nil {
			s.logger.Warn("org resource not returned", "vm", id, "org", f.owner, "resource", res, "err", err)
		}
	}
	err := s.write(ctx, f, map[string]any{"state": StateFailed, "creating": record.Creating{}, "error": reason,
		"hypervisor": hv}, reason)
	s.dropByHV()
	s.events.Publish(id, "state", StateFailed)
	return err
}

func (s *Service) releaseLeases(ctx context.Context, f *flow) {
	for _, l := range f.leases {
		if err := s.cloud.ReleaseIP(ctx, l.IPRange, l.IP, f.vm.UUID); err != nil {
			s.logger.Warn("ip not released", "vm", f.vm.UUID, "ip", l.IP, "err", err)
		}
	}
	f.leases = nil
}

// create runs the steps up to the hand-off to the agent.
func (s *Service) create(ctx context.Context, f *flow) error {
	if err := s.phase(ctx, f, StatePlacing); err != nil {
		return err
	}
	if f.vm.CreatedBy != "" {
		org, err := s.id.ActiveOrg(ctx, f.vm.CreatedBy)
		if err != nil {
			return failf("creator %s: %v", f.vm.CreatedBy, err)
		}
		f.owner = org
	}
	if f.owner == "" {
		s.logFlow(ctx, f, "No owner: the creator has no active org")
	}
	if err := s.phase(ctx, f, StateFetchingPackage); err != nil {
		return err
	}
	r, err := s.repo.Load(ctx, record.BucketPackage, f.vm.Package)
	if err != nil {
		return failf("package %s: %v", f.vm.Package, err)
	}
	if f.pkg, err = record.PackageFromRecord(r); err != nil {
		return failf("package %s: %v", f.vm.Package, err)
	}
	f.pkg.UUID = f.vm.Package
	if err := s.claimOrgResources(ctx, f); err != nil {
		return err
	}
	if err := s.ownerSteps(ctx, f); err != nil {
		return err
	}
	if err := s.phase(ctx, f, StateFetchingDataset); err != nil {
		return err
	}
	if f.ds, err = s.cloud.Dataset(ctx, f.vm.Dataset); err != nil {
		return failf("dataset %s: %v", f.vm.Dataset, err)
	}
	if f.ds.Status != cloud.DatasetImported {
		return failf("dataset %s is %s, not imported", f.vm.Dataset, f.ds.Status)
	}
	req, err := s.request(ctx, f)
	if err != nil {
		return err
	}
	if err := s.phase(ctx, f, StateFetchingServer); err != nil {
		return err
	}
	return s.place(ctx, f, req)
}

// claimOrgResources checks and takes what the package needs of the
// owner's resources (steps 4–5).
func (s *Service) claimOrgResources(ctx context.Context, f *flow) error {
	if len(f.pkg.OrgResources) == 0 {
		return nil
	}
	if f.owner == "" {
		return failf("package %s needs org resources and the VM has no owner", f.pkg.Name)
	}
	have, err := s.id.OrgResources(ctx, f.owner)
	if err != nil {
		return failf("org %s: %v", f.owner, err)
	}
	for _, res := range sortedKeys(f.pkg.OrgResources) {
		need := f.pkg.OrgResources[res]
		if need > 0 && have[res] < need {
			return failf("Org cant provide resource %s: needs %d, has %d", res, need, have[res])
		}
	}
	for _, res := range sortedKeys(f.pkg.OrgResources) {
		need := f.pkg.OrgResources[res]
		if need <= 0 {
			continue
		}
		if err := s.id.ChangeResource(ctx, f.owner, res, -need); err != nil {
			return failf("org %s resource %s: %v", f.owner, res, err)
		}
		f.claimed[res] += need
	}
	return nil
}

// ownerSteps sets the owner, runs the org's vm_create triggers and writes
// the accounting entry (steps 6–7).
func (s *Service) ownerSteps(ctx context.Context, f *flow) error {
	if f.owner == "" {
		return nil
	}
	id := f.vm.UUID
	if err := s.write(ctx, f, map[string]any{"owner": f.owner}, ""); err != nil {
		return err
	}
	s.events.Publish(id, "update", map[string]any{"owner": f.owner})
	if err := s.id.RunTriggers(ctx, f.owner, identity.EventVMCreate, id); err != nil {
		return failf("org %s triggers: %v", f.owner, err)
	}
	err := s.id.AddAccounting(ctx, f.owner, identity.AccountingEntry{Timestamp: s.now().UnixMicro(), Action: "create",
		Resource: id, Metadata: map[string]any{"user": f.vm.CreatedBy, "package": f.vm.Package, "dataset": f.vm.Dataset}})
	if err != nil {
		return failf("org %s accounting: %v", f.owner, err)
	}
	return nil
}

// request builds the placement request (steps 9–11).
func (s *Service) request(ctx context.Context, f *flow) (placement.Request, error) {
	req, err := placement.NewRequest(f.pkg, f.ds)
	if err != nil {
		return req, failf("%v", err)
	}
	for _, raw := range f.cfg.Requirements {
		rule, err := placement.ParseRule(raw)
		if err != nil {
			return req, failf("requirement: %v", err)
		}
		req.Rules = append(req.Rules, rule)
	}
	if f.vm.CreatedBy != "" {
		if req.Grants, err = s.creatorGrants(ctx, f.vm.CreatedBy, req.Rules); err != nil {
			return req, failf("creator permissions: %v", err)
		}
	}
	if f.cfg.Grouping != "" {
		g, err := s.groupingRequest(ctx, f)
		if err != nil {
			return req, err
		}
		req.Groupings = g
	}
	for _, nic := range f.cfg.nics() {
		tags, err := s.networkTags(ctx, f.cfg.Networks[nic])
		if err != nil {
			return req, err
		}
		req.Networks = append(req.Networks, placement.Network{Name: nic, Tags: tags})
	}
	return req, nil
}

// networkTags lists the nic tags of a network's IP ranges that have free
// addresses.
func (s *Service) networkTags(ctx context.Context, network string) ([]string, error) {
	ranges, err := s.usableRanges(ctx, network)
	if err != nil {
		return nil, err
	}
	var tags []string
	for _, r := range ranges {
		if !slices.Contains(tags, r.Tag) {
			tags = append(tags, r.Tag)
		}
	}
	return tags, nil
}

// usableRanges are a network's IP ranges with free addresses, by uuid.
func (s *Service) usableRanges(ctx context.Context, network string) ([]cloud.RangeInfo, error) {
	all, err := s.cloud.NetworkRanges(ctx, network)
	if err != nil {
		return nil, failf("network %s: %v", network, err)
	}
	return slices.DeleteFunc(all, func(r cloud.RangeInfo) bool { return !r.HasFree }), nil
}

// groupingRequest adds the VM to its grouping and describes the grouping
// (and the stacks it belongs to) for placement (step 10).
func (s *Service) groupingRequest(ctx context.Context, f *flow) ([]placement.Grouping, error) {
	g, err := s.cloud.Grouping(ctx, f.cfg.Grouping)
	if err != nil {
		return nil, failf("grouping %s: %v", f.cfg.Grouping, err)
	}
	if g.GroupingType != cloud.GroupingCluster {
		return nil, failf("grouping %s is a %s: VMs join clusters", g.Name, g.GroupingType)
	}
	out := []placement.Grouping{{Name: g.Name, Type: placement.Cluster, Hypervisors: s.hypervisorsOf(ctx, g.Elements)}}
	for _, stackID := range g.Groupings {
		st, err := s.cloud.Grouping(ctx, stackID)
		if err != nil || st.GroupingType != cloud.GroupingStack {
			continue
		}
		var vms []string
		for _, c := range st.Elements {
			if cl, err := s.cloud.Grouping(ctx, c); err == nil {
				vms = append(vms, cl.Elements...)
			}
		}
		out = append(out, placement.Grouping{Name: st.Name, Type: placement.Stack, Hypervisors: s.hypervisorsOf(ctx, vms)})
	}
	if err := s.cloud.AddGroupingElement(ctx, g.UUID, f.vm.UUID); err != nil {
		return nil, failf("grouping %s: %v", g.Name, err)
	}
	return out, nil
}

// hypervisorsOf lists the hypervisors the given VMs run on.
func (s *Service) hypervisorsOf(ctx context.Context, vms []string) []string {
	var out []string
	for _, id := range vms {
		if vm, err := s.vm(ctx, id); err == nil && vm.Hypervisor != "" && vm.Hypervisor != "pooled" {
			out = append(out, vm.Hypervisor)
		}
	}
	return out
}

// hypervisors returns the placement snapshot: every hypervisor, read at
// most SnapshotTTL ago unless fresh is set. Placement only proposes (the
// agents admit), so a snapshot a moment old is as good as a new one, and
// creates running together share one read instead of one each.
func (s *Service) hypervisors(ctx context.Context, fresh bool) ([]record.Hypervisor, error) {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	if !fresh && s.snap != nil && s.now().Sub(s.snapAt) < s.opts.SnapshotTTL {
		return s.snap, nil
	}
	hvs, err := s.readHypervisors(ctx)
	if err != nil {
		return nil, err
	}
	s.snap, s.snapAt = hvs, s.now()
	return hvs, nil
}

// readHypervisors reads every hypervisor record.
func (s *Service) readHypervisors(ctx context.Context) ([]record.Hypervisor, error) {
	var out []record.Hypervisor
	err := s.repo.Store().Fold(ctx, record.BucketHypervisor, func(id string, v []byte) error {
		r, err := record.Load(v)
		if err != nil {
			return nil
		}
		h, err := record.HypervisorFromRecord(r)
		if err != nil {
			return nil
		}
		h.UUID = id
		out = append(out, h)
		return nil
	})
	return out, err
}

// place tries candidates until one admits the VM, retrying placement
// (steps 12–17).
func (s *Service) place(ctx context.Context, f *flow, req placement.Request) error {
	p, err := placement.New(req)
	if err != nil {
		return failf("placement rules: %v", err)
	}
	var last string
	for attempt := 1; attempt <= s.opts.MaxRetries; attempt++ {
		if attempt > 1 {
			if err := s.opts.Sleep(ctx, s.opts.RetryDelay); err != nil {
				return err
			}
		}
		hvs, err := s.hypervisors(ctx, attempt > 1)
		if err != nil {
			return err
		}
		res := p.Rank(hvs, s.seed())
		if err := res.Err(); err != nil {
			last = "no hypervisor: " + res.Summary()
			s.logFlow(ctx, f, fmt.Sprintf("attempt %d: %s", attempt, last))
			continue
		}
		for _, c := range res.Candidates {
			ok, why, err := s.tryHypervisor(ctx, f, hvs[c.Index])
			if err != nil {
				return err
			}
			if ok {
				return nil
			}
			last = why
		}
		s.logFlow(ctx, f, fmt.Sprintf("attempt %d: every candidate refused (last: %s)", attempt, last))
	}
	return failf("no hypervisor after %d attempts: %s", s.opts.MaxRetries, last)
}

// tryHypervisor reserves memory on hv, leases the IPs and hands the VM to
// the agent. A refusal (ok false) has undone everything it took.
func (s *Service) tryHypervisor(ctx context.Context, f *flow, hv record.Hypervisor) (ok bool, why string, err error) {
	id := f.vm.UUID
	if err := s.agents.Reserve(ctx, hv.UUID, id, reservation(f.pkg, f.ds)); err != nil {
		return false, fmt.Sprintf("%s: %v", hv.UUID, err), nil
	}
	f.reserved = hv.UUID
	undo := func(why string) (bool, string, error) {
		s.releaseLeases(ctx, f)
		if err := s.agents.Release(context.WithoutCancel(ctx), hv.UUID, id); err != nil {
			s.logger.Warn("memory reservation not released", "vm", id, "hypervisor", hv.UUID, "err", err)
		}
		f.reserved = ""
		return false, why, nil
	}
	nics, err := s.leaseIPs(ctx, f, hv)
	if err != nil {
		return undo(fmt.Sprintf("%s: %v", hv.UUID, err))
	}
	keys, err := s.creatorKeys(ctx, f)
	if err != nil {
		return undo(err.Error())
	}
	cfg := f.cfg
	if len(cfg.Resolvers) == 0 {
		cfg.Resolvers = s.resolvers(ctx, f.cfg)
	}
	spec, err := s.build(SpecInput{VM: id, Owner: f.owner, Package: f.pkg, Dataset: f.ds, Config: cfg, NICs: nics,
		SSHKeys: keys, Hypervisor: hv, Now: s.now()})
	if err != nil {
		undo("spec")
		return false, "", failf("spec: %v", err)
	}
	if err := s.recordPlacement(ctx, id, f, hv.UUID, nics); err != nil {
		return undo(err.Error())
	}
	line := "created on hypervisor " + hv.UUID
	var got driver.VM // the VM as its host has it, when the create waited for the host
	if err := s.agents.Create(ctx, hv.UUID, spec); err != nil {
		present, werr := false, error(nil)
		if ambiguous(err) {
			got, present, werr = s.awaitCreate(ctx, f, hv.UUID, err)
			if werr != nil {
				return false, "", werr
			}
		}
		if !present {
			_ = s.write(ctx, f, map[string]any{"hypervisor": "pooled"}, fmt.Sprintf("create on %s failed: %v", hv.UUID, err))
			return undo(fmt.Sprintf("%s: %v", hv.UUID, err))
		}
		line = "hypervisor " + hv.UUID + " has the VM: created there"
	}
	// The agent's VM holds the memory now; its state reports take over.
	f.reserved = ""
	defer s.dropByHV()
	now := s.now().UnixMicro()
	err = s.repo.Update(ctx, record.BucketVM, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		if _, err := r.SetField(st, "creating", record.Creating{}); err != nil {
			return nil, err
		}
		if f.awaited {
			if _, err := r.RemoveMapEntry("info", []string{infoUnconfirmed}); err != nil {
				return nil, err
			}
			if got.State != "" {
				if _, err := r.SetField(st, "state", string(got.State)); err != nil {
					return nil, err
				}
			}
		}
		if _, err := r.AddToSet(st, "logs", record.LogEntry{Date: now, Log: line}); err != nil {
			return nil, err
		}
		return r, nil
	})
	if err != nil {
		return false, "", err
	}
	s.events.Publish(id, "update", map[string]any{"hypervisor": hv.UUID})
	if f.awaited && got.State != "" {
		s.events.Publish(id, "state", string(got.State))
	}
	s.events.Publish(id, "log", map[string]any{"log": line, "date": now})
	return true, "", nil
}

// leaseIPs claims one address per interface from a range of the
// interface's network whose nic tag hv has.
func (s *Service) leaseIPs(ctx context.Context, f *flow, hv record.Hypervisor) ([]driver.NIC, error) {
	var nics []driver.NIC
	for i, nic := range f.cfg.nics() {
		network := f.cfg.Networks[nic]
		ranges, err := s.usableRanges(ctx, network)
		if err != nil {
			return nil, err
		}
		var lease cloud.Lease
		var lerr error = fmt.Errorf("network %s: no range with a free address and a nic tag of the hypervisor", network)
		for _, r := range ranges {
			if !slices.Contains(hv.Networks, r.Tag) {
				continue
			}
			if lease, lerr = s.cloud.ClaimIP(ctx, r.UUID, f.vm.UUID); lerr == nil {
				break
			}
		}
		if lerr != nil {
			return nil, lerr
		}
		f.leases = append(f.leases, lease)
		nics = append(nics, driver.NIC{Interface: nic, NICTag: lease.Tag, IP: lease.IP, Netmask: lease.Netmask,
			Gateway: lease.Gateway, VLANID: lease.VLAN, NetworkUUID: network, Primary: i == 0})
	}
	return nics, nil
}

// creatorKeys are the creator's SSH keys (step 15).
func (s *Service) creatorKeys(ctx context.Context, f *flow) ([]string, error) {
	if f.vm.CreatedBy == "" {
		return nil, nil
	}
	keys, err := s.id.SSHKeys(ctx, f.vm.CreatedBy)
	if err != nil {
		return nil, fmt.Errorf("creator ssh keys: %w", err)
	}
	return keys, nil
}

// resolvers are the resolvers of the VM's networks, when the config names
// none.
func (s *Service) resolvers(ctx context.Context, cfg Config) []string {
	var out []string
	for _, nic := range cfg.nics() {
		r, err := s.repo.Load(ctx, record.BucketNetwork, cfg.Networks[nic])
		if err != nil {
			continue
		}
		if n, err := record.NetworkFromRecord(r); err == nil {
			for _, res := range n.Resolvers {
				if !slices.Contains(out, res) {
					out = append(out, res)
				}
			}
		}
	}
	return out
}

// recordPlacement stores, in one write, where the VM goes: its
// hypervisor and create phase, and its leases in the VM's maps and config.
func (s *Service) recordPlacement(ctx context.Context, id string, f *flow, hv string, nics []driver.NIC) error {
	nm, rm, hm := map[string]any{}, map[string]any{}, map[string]any{}
	var cfgNICs []any
	for i, n := range nics {
		nm[n.IP] = n.NetworkUUID
		rm[n.IP] = f.leases[i].IPRange
		if h := f.cfg.Hostnames[n.Interface]; h != "" {
			hm[n.IP] = h
		}
		cfgNICs = append(cfgNICs, map[string]any{"interface": n.Interface, "ip": n.IP, "netmask": n.Netmask,
			"gateway": n.Gateway, "nic_tag": n.NICTag, "network_uuid": n.NetworkUUID, "primary": n.Primary, "vlan_id": n.VLANID})
	}
	maps := map[string]map[string]any{"network_map": nm, "iprange_map": rm, "hostname_map": hm}
	if len(cfgNICs) > 0 {
		maps["config"] = map[string]any{"networks": cfgNICs}
	}
	fields := f.withPending(map[string]any{"hypervisor": hv, "state": StateCreating,
		"creating": record.Creating{Phase: "hypervisor", Secs: s.now().Unix()}})
	return s.repo.Update(ctx, record.BucketVM, id, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		for _, k := range sortedKeys(fields) {
			if _, err := r.SetField(st, k, fields[k]); err != nil {
				return nil, fmt.Errorf("vm %s: %w", k, err)
			}
		}
		for _, field := range sortedKeys(maps) {
			for _, k := range sortedKeys(maps[field]) {
				if _, err := r.SetMapEntry(st, field, []string{k}, maps[field][k]); err != nil {
					return nil, fmt.Errorf("vm %s.%s: %w", field, k, err)
				}
			}
		}
		return r, nil
	})
}
