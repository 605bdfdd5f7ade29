package releases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/fifogo/fifo/actors/console"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
	"github.com/fifogo/fifo/internal/version"
	"github.com/fifogo/fifo/supervisors"
)

// consoleApp is the console application every node runs (fifo attach,
// fifo admin), built once the release's applications are: it serves
// users when the release runs snarl and hypervisors when it runs sniffle.
// level is the node's log level; nil leaves it unchangeable.
func consoleApp(env *Env, level *slog.LevelVar) supervisors.App {
	cfg := env.Config
	deps := console.Deps{
		Node:    console.NewNodeView(env.Node),
		Release: cfg.Node.Release,
		Version: env.Version,
		Commit:  version.Get().Commit,
		Config:  &cfg,
		Level:   level,
		Metrics: env.Registry,
		Logger:  env.Logger.With("app", console.AppName),
	}
	if env.DB != nil {
		deps.Store = env.DB
	}
	if env.Identity != nil {
		deps.Users = consoleUsers{id: env.Identity, st: env.Store}
	}
	if env.Cloud != nil {
		deps.Hypervisors = consoleHypervisors{c: env.Cloud}
	}
	if env.Sniffle != nil {
		deps.VMs = consoleVMs{v: env.Sniffle.VMs()}
	}
	if env.Cluster != nil {
		deps.Cluster = env.Cluster
	}
	if up, err := newConsoleUpgrades(env); err != nil {
		env.Logger.Warn("hypervisors upgrade is not available", "err", err)
	} else if up != nil {
		deps.Upgrades = up
	}
	if rel, err := newConsoleReleases(cfg, env.Logger.With("app", console.AppName)); err != nil {
		env.Logger.Warn("release status and install are not available on the console", "err", err)
	} else {
		deps.Releases = rel
	}
	return console.App(deps, env.Version, console.Options{})
}

// consoleUsers administers snarl's users for the console.
type consoleUsers struct {
	id *identity.Service
	st recstore.Store
}

// resolve turns a user's name or UUID into its UUID.
func (u consoleUsers) resolve(ctx context.Context, user string) (string, error) {
	id, err := u.st.LookupName(ctx, record.BucketUser, user)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, recstore.ErrNotFound) {
		return "", err
	}
	if _, err := u.id.Get(ctx, identity.Users, user); err != nil {
		if errors.Is(err, identity.ErrNotFound) {
			return "", fmt.Errorf("no user named or with uuid %q: %w", user, identity.ErrNotFound)
		}
		return "", err
	}
	return user, nil
}

// List implements console.Users.
func (u consoleUsers) List(ctx context.Context) ([]console.User, error) {
	ids, err := u.id.List(ctx, identity.Users)
	if err != nil {
		return nil, err
	}
	out := make([]console.User, 0, len(ids))
	for _, id := range ids {
		r, err := u.id.Get(ctx, identity.Users, id)
		if errors.Is(err, identity.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		v, err := record.UserFromRecord(r)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", id, err)
		}
		out = append(out, console.User{ID: id, Name: v.Name})
	}
	return out, nil
}

// Add implements console.Users; the user is created by no one (no org
// triggers run).
func (u consoleUsers) Add(ctx context.Context, name, password string) (string, error) {
	return u.id.CreateUser(ctx, identity.Session{}, name, password)
}

// SetPassword implements console.Users.
func (u consoleUsers) SetPassword(ctx context.Context, user, password string) error {
	id, err := u.resolve(ctx, user)
	if err != nil {
		return err
	}
	return u.id.SetPassword(ctx, id, password)
}

// Grant implements console.Users.
func (u consoleUsers) Grant(ctx context.Context, user string, p perm.Permission) error {
	id, err := u.resolve(ctx, user)
	if err != nil {
		return err
	}
	return u.id.Grant(ctx, identity.Users, id, p)
}

// consoleHypervisors lists sniffle's hypervisors for the console.
type consoleHypervisors struct{ c *cloud.Service }

// List implements console.Hypervisors.
func (h consoleHypervisors) List(ctx context.Context) ([]console.Hypervisor, error) {
	ids, err := h.c.List(ctx, cloud.Hypervisors)
	if err != nil {
		return nil, err
	}
	out := make([]console.Hypervisor, 0, len(ids))
	for _, id := range ids {
		v, err := h.c.Hypervisor(ctx, id)
		if errors.Is(err, cloud.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("hypervisor %s: %w", id, err)
		}
		hv := console.Hypervisor{ID: id, Alias: v.Alias, Host: v.Host, Port: v.Port, Version: v.ChunterVersion}
		if v.LastSeen > 0 {
			hv.LastSeen = time.Unix(v.LastSeen, 0)
		}
		out = append(out, hv)
	}
	return out, nil
}

// consoleVMs force-deletes sniffle's VMs for the console.
type consoleVMs struct{ v *vms.Service }

// Get implements console.VMs.
func (c consoleVMs) Get(ctx context.Context, id string) (console.VM, error) {
	v, err := c.v.Get(ctx, id)
	if err != nil {
		return console.VM{}, err
	}
	vm := console.VM{ID: id, Alias: v.Alias, State: v.State, Hypervisor: v.Hypervisor,
		Creating: v.Creating.Phase, Deleting: v.Deleting}
	if !v.Creating.IsZero() && vm.Creating == "" {
		vm.Creating = "creating"
	}
	vm.UnconfirmedHost, _ = v.Info["unconfirmed_host"].(string)
	return vm, nil
}

// ForceDelete implements console.VMs.
func (c consoleVMs) ForceDelete(ctx context.Context, id string) error {
	return c.v.ForceDelete(ctx, id)
}
