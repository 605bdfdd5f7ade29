package releases

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/actors/aae"
	"github.com/fifogo/fifo/actors/handoff"
	"github.com/fifogo/fifo/actors/replica"
	actorring "github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/apps/howl"
	"github.com/fifogo/fifo/apps/snarl"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle"
	"github.com/fifogo/fifo/apps/sniffle/cloud"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/apps/wiggle"
	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/internal/perm"
	"github.com/fifogo/fifo/internal/ring"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/supervisors"
)

// Env is what a release's applications are built from: the node and the
// services every application may use.
type Env struct {
	Config   config.Config
	Node     *runtime.Node
	DB       *storage.DB
	Store    store.Store
	Logger   *slog.Logger
	Registry *prometheus.Registry
	// Mux is the node's HTTP mux; applications that serve HTTP (wiggle,
	// howl) mount their handlers on it.
	Mux *http.ServeMux
	// Version is the node's release version.
	Version string
	// Codec gives records their meaning to the store.
	Codec store.Codec
	// StoreMetrics are the store's metrics, registered in Registry.
	StoreMetrics *store.Metrics
	// StoreService is the node's store (its App runs in the release).
	StoreService *store.Service
	// Cluster is the node's record store over the ring, which Store is
	// (its App runs in the release, after the store's).
	Cluster *replica.Cluster
	// Identity is snarl's service, when the release runs snarl.
	Identity *identity.Service
	// Howl is the event hub, when the release runs howl.
	Howl *howl.Service
	// Cloud is sniffle's non-VM service, when the release runs sniffle.
	Cloud *cloud.Service
	// Sniffle is sniffle, when the release runs it.
	Sniffle *sniffle.Service
	// Out receives the few lines meant for the operator's terminal rather
	// than the log (the generated admin password). Default os.Stdout.
	Out io.Writer
}

// Release is a named set of applications, started in order and stopped in
// reverse order.
type Release struct {
	Name        string
	Description string
	// AppNames names the applications Apps always builds, in start order,
	// for release manifests and listings that cannot build them (those a
	// configuration adds, such as simulated hypervisors, are not listed).
	AppNames []string
	Apps     func(env *Env) ([]supervisors.App, error)
	// Start, when set, runs once every application has started and before
	// the node reports ready (first-start initialisation); an error stops
	// the node.
	Start func(ctx context.Context, env *Env) error
}

// AllInOneName names the default release.
const AllInOneName = "all-in-one"

// AllInOne runs every control-plane application on one node: the record
// store, snarl, howl and wiggle (sniffle and a simulated chunter join as
// they are built). The first start of an empty data dir creates the admin
// user.
func AllInOne() Release {
	return Release{
		Name:        AllInOneName,
		Description: "every application on one node, with a simulated hypervisor",
		AppNames:    []string{store.AppName, replica.AppName, snarl.AppName, howl.AppName, sniffle.AppName, wiggle.AppName},
		Apps: func(env *Env) ([]supervisors.App, error) {
			id, err := identity.New(env.Store, identity.Options{Actor: env.Config.Node.Name,
				Logger: env.Logger.With("app", snarl.AppName)})
			if err != nil {
				return nil, err
			}
			env.Identity = id
			hs, err := howl.NewService(howl.Options{Auth: howlAuth(id), Logger: env.Logger.With("app", howl.AppName),
				Registerer: env.Registry, Peers: howlPeers(env.Node)})
			if err != nil {
				return nil, err
			}
			hs.Mount(env.Mux)
			env.Howl = hs
			env.Cloud = cloud.New(env.Store, cloud.Options{Actor: env.Config.Node.Name, Logger: env.Logger.With("app", sniffle.AppName)})
			sn, err := sniffle.Build(sniffle.Deps{Node: env.Node, Cloud: env.Cloud, Identity: id, Registerer: env.Registry, Store: env.Store,
				Events: howlEvents(env)}, sniffle.Options{Logger: env.Logger.With("app", sniffle.AppName),
				CreateRetries: env.Config.Sniffle.CreateRetries, CreateRetryDelay: env.Config.Sniffle.CreateRetryDelay,
				Node: env.Config.Node.Name, NodeAlive: ringMember(env.Node)})
			if err != nil {
				return nil, err
			}
			env.Sniffle = sn
			imgs, err := imageImporter(env, sn)
			if err != nil {
				return nil, err
			}
			ws, err := wiggle.New(id, wiggle.Options{Logger: env.Logger, Registry: env.Registry, Version: env.Version,
				Sniffle: sn, Images: imgs})
			if err != nil {
				return nil, err
			}
			env.Mux.Handle("/api/", ws.Handler())
			capp, err := clusterApp(env)
			if err != nil {
				return nil, err
			}
			apps := []supervisors.App{
				env.StoreService.App(env.Version),
				capp,
				snarl.App(id, env.Version, snarl.Options{Logger: env.Logger.With("app", snarl.AppName)}),
				hs.App(env.Version),
				sn.App(env.Version),
				ws.App(env.Version),
			}
			if agents, ok, err := simAgents(env); err != nil {
				return nil, err
			} else if ok {
				apps = append(apps, agents)
			}
			return apps, nil
		},
		Start: func(ctx context.Context, env *Env) error {
			if env.Cluster != nil {
				waitForPeers(ctx, env.Cluster, env.Logger, peerWait)
			}
			err := snarl.FirstStart(ctx, env.Identity, env.Config.Node.DataDir, env.Config.Snarl.AdminPassword, env.Out)
			if err == nil && env.Config.Sim.Hypervisors > 0 {
				err = seedSampleCloud(ctx, env.Store, env.Cloud)
			}
			if err == nil {
				err = recoverImports(ctx, env)
			}
			if err == nil && env.Cluster != nil {
				// What a later join may drop without --force.
				err = env.Cluster.MarkBaseline()
			}
			return err
		},
	}
}

// clusterApp is the membership and replication application of env's
// Cluster: the ring of the node's data dir, partitions and n_val, then
// anti-entropy and handoff over the node's store ([store] aae_interval
// and handoff_interval).
func clusterApp(env *Env) (supervisors.App, error) {
	st := env.Config.Store
	a, err := aae.New(aae.Options{Store: env.StoreService, Metrics: aae.NewMetrics(env.Registry),
		N: st.NVal, Interval: st.AAEInterval})
	if err != nil {
		return supervisors.App{}, fmt.Errorf("anti-entropy: %w", err)
	}
	h, err := handoff.New(handoff.Options{Store: env.StoreService, Metrics: handoff.NewMetrics(env.Registry),
		N: st.NVal, Interval: st.HandoffInterval})
	if err != nil {
		return supervisors.App{}, fmt.Errorf("handoff: %w", err)
	}
	return env.Cluster.App(env.Version, actorring.Options{DataDir: env.Config.Node.DataDir,
		Partitions: st.Partitions, N: st.NVal},
		supervisors.ActorChild(a.Spec()), supervisors.ActorChild(h.Spec())), nil
}

// newCluster builds the replicated store of env's node over its store
// service (the [store] n_val, r and w of the configuration).
func newCluster(env *Env) (*replica.Cluster, error) {
	codec, ok := env.Codec.(replica.Codec)
	if !ok {
		return nil, fmt.Errorf("codec %T has no tombstones: it cannot replicate", env.Codec)
	}
	st := env.Config.Store
	return replica.New(env.Node, env.StoreService, codec, replica.Options{DataDir: env.Config.Node.DataDir,
		N: st.NVal, R: st.R, W: st.W, Logger: env.Logger}, env.Registry)
}

// known lists the releases this binary can run.
func known() map[string]Release {
	return map[string]Release{AllInOneName: AllInOne()}
}

// Names lists the releases this binary can run, sorted.
func Names() []string {
	var out []string
	for n := range known() {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the release called name.
func Lookup(name string) (Release, error) {
	r, ok := known()[name]
	if !ok {
		return Release{}, fmt.Errorf("release %q: unknown (known: %v)", name, Names())
	}
	return r, nil
}

// appNames lists the application names of a release.
func appNames(apps []supervisors.App) []string {
	out := make([]string, 0, len(apps))
	for _, a := range apps {
		out = append(out, a.Name)
	}
	return out
}

// howlAuth lets howl authenticate websockets with snarl's one-time tokens
// and check joins against the token's session.
func howlAuth(id *identity.Service) howl.Auth {
	return howl.AuthFunc(func(ctx context.Context, ott string) (howl.Principal, error) {
		s, err := id.ConsumeOTT(ctx, ott)
		if err != nil {
			return nil, err
		}
		return howl.PrincipalFunc(func(ctx context.Context, p []string) (bool, error) {
			return id.Allowed(ctx, s, perm.Permission(p))
		}), nil
	})
}

// howlEvents publishes sniffle's VM events to the node's howl.
func howlEvents(env *Env) vms.Events {
	return vms.EventsFunc(func(channel, event string, data any) {
		if err := howl.Publish(env.Node, channel, event, data); err != nil {
			env.Logger.Debug("event not published", "channel", channel, "event", event, "err", err)
		}
	})
}

// howlPeers gives howl the other live members of the node's ring (its
// own view: unreachable ones left out), for the cluster fan-out of
// events; none while the node runs no ring actor.
func howlPeers(n *runtime.Node) howl.Peers {
	return howl.NewPolledPeers(func(ctx context.Context) ([]string, error) {
		st, err := actorring.GetStatus(ctx, n)
		if errors.Is(err, runtime.ErrNoProc) {
			return nil, nil
		}
		if err != nil || st.Ring == nil {
			return nil, err
		}
		return howl.LivePeers(st.Self, st.Ring.WithStatus(ring.Joining, ring.Valid, ring.Leaving), st.Unreachable), nil
	}, howl.PolledPeersOptions{})
}
