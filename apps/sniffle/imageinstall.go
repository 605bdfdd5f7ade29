package sniffle

import (
	"context"
	"fmt"
	"sync"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/record"
)

// installingAgents are the agents of the VM flows with the
// installing_dataset step of a create (reference fifo.md §5.2, §5.7): a
// host that lacks the VM's image is told to install it, by manifest, before
// the VM is created — imported from the host's image sources (a SmartOS
// host's imgadm sources; a simulated host installs it at once). The
// control plane does not stream its own copy of the file to hosts.
//
// Which images a host has is remembered after the first install, so a
// create costs one agent call; a failed create forgets it, and the next
// attempt installs again (installing is idempotent on the agent).
type installingAgents struct {
	*client.Hypervisors
	c     *client.Client
	cloud *cloud.Service

	mu        sync.Mutex
	installed map[hostImage]bool
}

type hostImage struct{ hv, image string }

func newInstallingAgents(c *client.Client, r client.Resolver, cl *cloud.Service) *installingAgents {
	return &installingAgents{Hypervisors: c.ByHV(r), c: c, cloud: cl, installed: map[hostImage]bool{}}
}

// Create installs the spec's image on hv when it may be missing, then
// creates the VM.
func (a *installingAgents) Create(ctx context.Context, hv string, spec driver.Spec) error {
	k := hostImage{hv, spec.ImageUUID}
	if spec.ImageUUID != "" && !a.known(k) {
		if err := a.install(ctx, hv, spec.ImageUUID); err != nil {
			return err
		}
		a.set(k, true)
	}
	err := a.Hypervisors.Create(ctx, hv, spec)
	if err != nil {
		a.set(k, false)
	}
	return err
}

func (a *installingAgents) known(k hostImage) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.installed[k]
}

func (a *installingAgents) set(k hostImage, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ok {
		a.installed[k] = true
	} else {
		delete(a.installed, k)
	}
}

// install asks hv's agent to install dataset id.
func (a *installingAgents) install(ctx context.Context, hv, id string) error {
	addr, err := a.Hypervisors.Addr(ctx, hv)
	if err != nil {
		return err
	}
	ds, err := a.cloud.Dataset(ctx, id)
	if err != nil {
		return fmt.Errorf("installing dataset %s: %w", id, err)
	}
	if err := a.c.ImportImage(ctx, addr, driver.ImageImport{Manifest: imageOf(ds)}); err != nil {
		return fmt.Errorf("installing dataset %s on %s: %w", id, hv, err)
	}
	return nil
}

// imageOf is the image manifest of a dataset, as a host's imgadm knows it.
func imageOf(ds record.Dataset) driver.Image {
	t := "zone-dataset"
	switch {
	case ds.DatasetType == "kvm":
		t = "zvol"
	case ds.ZoneType == "lx":
		t = "lx-dataset"
	case ds.ZoneType == "docker":
		t = "docker"
	}
	return driver.Image{UUID: ds.UUID, Name: ds.Name, Version: ds.DatasetVersion, Type: t, OS: ds.OS}
}
