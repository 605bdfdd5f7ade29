package vms

import (
	"context"
	"errors"
	"fmt"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/placement"
	"github.com/fifogo/fifo/internal/record"
)

// ErrNoPlacement: a dry run found no hypervisor for the request (PUT
// /vms/dry_run answers 400). It wraps cloud.ErrInvalid.
var ErrNoPlacement = fmt.Errorf("vm dry run: no hypervisor: %w", cloud.ErrInvalid)

// DryRun checks that a create request would be placed now (PUT
// /vms/dry_run, fifo.md §5.2 "Dry run"): the request is well formed, its
// package and dataset exist (the dataset imported), the creator's org
// can provide the package's resources, and placement over the current
// hypervisors finds a candidate. It changes nothing: no VM, no lease, no
// reservation, no grouping membership. A request that would not be
// placed is ErrNoPlacement with the reason.
func (s *Service) DryRun(ctx context.Context, creator string, req CreateRequest, advanced bool) error {
	if err := req.Validate(); err != nil {
		return err
	}
	if !advanced {
		req.Config.Requirements = nil
	}
	f := &flow{vm: record.VM{UUID: "dry-run", CreatedBy: creator, Package: req.Package, Dataset: req.Dataset},
		cfg: req.Config, claimed: map[string]int64{}}
	r, err := s.repo.Load(ctx, record.BucketPackage, req.Package)
	if err != nil {
		return fmt.Errorf("package %s: %w", req.Package, err)
	}
	if f.pkg, err = record.PackageFromRecord(r); err != nil {
		return fmt.Errorf("package %s: %w", req.Package, err)
	}
	f.pkg.UUID = req.Package
	if f.ds, err = s.cloud.Dataset(ctx, req.Dataset); err != nil {
		return fmt.Errorf("dataset %s: %w", req.Dataset, err)
	}
	if f.ds.Status != cloud.DatasetImported {
		return fmt.Errorf("%w: dataset %s is %s, not imported", ErrNoPlacement, req.Dataset, f.ds.Status)
	}
	for _, n := range f.ds.Networks {
		if _, ok := req.Config.Networks[n.Name]; !ok {
			return fmt.Errorf("vm: dataset needs network %q in config.networks: %w", n.Name, cloud.ErrInvalid)
		}
	}
	for _, net := range req.Config.Networks {
		if err := s.repo.Exists(ctx, record.BucketNetwork, net); err != nil {
			return fmt.Errorf("network %s: %w", net, err)
		}
	}
	if err := s.checkOrgResources(ctx, f); err != nil {
		return err
	}
	preq, err := s.dryRequest(ctx, f)
	if err != nil {
		return err
	}
	p, err := placement.New(preq)
	if err != nil {
		return fmt.Errorf("%w: placement rules: %v", ErrNoPlacement, err)
	}
	hvs, err := s.hypervisors(ctx, true)
	if err != nil {
		return err
	}
	if err := p.Rank(hvs, s.seed()).Err(); err != nil {
		return fmt.Errorf("%w: %v", ErrNoPlacement, err)
	}
	return nil
}

// checkOrgResources checks, without taking anything, that the creator's
// active org has what the package needs.
func (s *Service) checkOrgResources(ctx context.Context, f *flow) error {
	if len(f.pkg.OrgResources) == 0 {
		return nil
	}
	if f.vm.CreatedBy != "" {
		org, err := s.id.ActiveOrg(ctx, f.vm.CreatedBy)
		if err != nil {
			return fmt.Errorf("creator %s: %w", f.vm.CreatedBy, err)
		}
		f.owner = org
	}
	if f.owner == "" {
		return fmt.Errorf("%w: package %s needs org resources and the creator has no active org", ErrNoPlacement, f.pkg.Name)
	}
	have, err := s.id.OrgResources(ctx, f.owner)
	if err != nil {
		return fmt.Errorf("org %s: %w", f.owner, err)
	}
	for _, res := range sortedKeys(f.pkg.OrgResources) {
		if need := f.pkg.OrgResources[res]; need > 0 && have[res] < need {
			return fmt.Errorf("%w: org cant provide resource %s: needs %d, has %d", ErrNoPlacement, res, need, have[res])
		}
	}
	return nil
}

// dryRequest is the create's placement request, with the grouping
// described but not joined.
func (s *Service) dryRequest(ctx context.Context, f *flow) (placement.Request, error) {
	grouping := f.cfg.Grouping
	f.cfg.Grouping = ""
	req, err := s.request(ctx, f)
	f.cfg.Grouping = grouping
	if err != nil {
		var fl failure
		if errors.As(err, &fl) {
			return req, fmt.Errorf("%w: %s", ErrNoPlacement, fl.reason)
		}
		return req, err
	}
	if grouping == "" {
		return req, nil
	}
	g, err := s.cloud.Grouping(ctx, grouping)
	if err != nil {
		return req, fmt.Errorf("grouping %s: %w", grouping, err)
	}
	if g.GroupingType != cloud.GroupingCluster {
		return req, fmt.Errorf("grouping %s is a %s: VMs join clusters: %w", g.Name, g.GroupingType, cloud.ErrInvalid)
	}
	req.Groupings = append(req.Groupings, placement.Grouping{Name: g.Name, Type: placement.Cluster,
		Hypervisors: s.hypervisorsOf(ctx, g.Elements)})
	for _, stackID := range g.Groupings {
		st, err := s.cloud.Grouping(ctx, stackID)
		if err != nil || st.GroupingType != cloud.GroupingStack {
			continue
		}
		var members []string
		for _, c := range st.Elements {
			if cl, err := s.cloud.Grouping(ctx, c); err == nil {
				members = append(members, cl.Elements...)
			}
		}
		req.Groupings = append(req.Groupings, placement.Grouping{Name: st.Name, Type: placement.Stack,
			Hypervisors: s.hypervisorsOf(ctx, members)})
	}
	return req, nil
}
