package vms

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/internal/placement"
)

// CreateRequest is the body of POST /vms (fifo.md §2.4).
type CreateRequest struct {
	Package string `json:"package"`
	Dataset string `json:"dataset"`
	Config  Config `json:"config"`
}

// Config is a create request's VM configuration.
type Config struct {
	Alias           string              `json:"alias"`
	Hostname        string              `json:"hostname,omitempty"`
	Autoboot        *bool               `json:"autoboot,omitempty"`
	Networks        map[string]string   `json:"networks,omitempty"`  // net0 → network uuid
	Hostnames       map[string]string   `json:"hostnames,omitempty"` // net0 → hostname
	Resolvers       []string            `json:"resolvers,omitempty"`
	Routes          []map[string]string `json:"routes,omitempty"` // [{"10.0.0.0/8": "10.1.1.1"}]
	SSHKeys         []string            `json:"ssh_keys,omitempty"`
	Metadata        map[string]any      `json:"metadata,omitempty"`
	Grouping        string              `json:"grouping,omitempty"`
	Requirements    []json.RawMessage   `json:"requirements,omitempty"`
	DelegateDataset bool                `json:"delegate_dataset,omitempty"`
	Note            string              `json:"note,omitempty"`
}

var nicName = regexp.MustCompile(`^net[0-9]+$`)

// MaxNICs bounds a VM's interfaces.
const MaxNICs = 32

// Validate checks the request's shape (what exists is checked on create).
func (r CreateRequest) Validate() error {
	if r.Package == "" || r.Dataset == "" {
		return fmt.Errorf("vm: package and dataset required: %w", cloud.ErrInvalid)
	}
	c := r.Config
	if c.Alias == "" || len(c.Alias) > 255 {
		return fmt.Errorf("vm: config.alias required (≤ 255 bytes): %w", cloud.ErrInvalid)
	}
	if len(c.Networks) > MaxNICs {
		return fmt.Errorf("vm: %d networks, at most %d: %w", len(c.Networks), MaxNICs, cloud.ErrInvalid)
	}
	for nic, net := range c.Networks {
		if !nicName.MatchString(nic) || net == "" {
			return fmt.Errorf("vm: network %q → %q: keys net<N>, values network uuids: %w", nic, net, cloud.ErrInvalid)
		}
	}
	for nic := range c.Hostnames {
		if _, ok := c.Networks[nic]; !ok {
			return fmt.Errorf("vm: hostname for %q, which has no network: %w", nic, cloud.ErrInvalid)
		}
	}
	for _, raw := range c.Requirements {
		if _, err := placement.ParseRule(raw); err != nil {
			return fmt.Errorf("vm: requirement: %w: %w", cloud.ErrInvalid, err)
		}
	}
	return nil
}

// nics returns the request's interface names, in order (net0, net1, …).
func (c Config) nics() []string {
	out := make([]string, 0, len(c.Networks))
	for n := range c.Networks {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	return out
}

// autoboot is the config's autoboot, default true.
func (c Config) autoboot() bool { return c.Autoboot == nil || *c.Autoboot }
