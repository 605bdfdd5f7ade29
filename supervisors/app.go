package supervisors

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"time"

	"github.com/ergo-services/ergo/etf"
	"github.com/ergo-services/ergo/gen"

	"github.com/fifogo/fifo/internal/runtime"
)

// App is an ergo application: a named, versioned supervision tree that a
// release starts on a node.
type App struct {
	Name        string
	Description string
	Version     string
	// Deps are applications that must run first (started by the release).
	Deps []string
	// Env is visible to every process of the application.
	Env map[string]any
	// Top is the application's one top supervisor.
	Top Supervisor
}

// ErrStartTimeout: an application did not start within its deadline.
var ErrStartTimeout = errors.New("supervisors: application start timed out")

// appBehavior adapts App to gen.ApplicationBehavior.
type appBehavior struct {
	gen.Application
	n   *runtime.Node
	app App
}

// Load implements gen.ApplicationBehavior.
func (a *appBehavior) Load(...etf.Term) (gen.ApplicationSpec, error) {
	env := make(map[gen.EnvKey]interface{}, len(a.app.Env))
	for k, v := range a.app.Env {
		env[gen.EnvKey(k)] = v
	}
	return gen.ApplicationSpec{
		Name:         a.app.Name,
		Description:  a.app.Description,
		Version:      a.app.Version,
		Applications: a.app.Deps,
		Env:          env,
		Children: []gen.ApplicationChildSpec{{
			Name:  a.app.Top.Name,
			Child: &behavior{n: a.n, spec: a.app.Top},
		}},
		StartType: gen.ApplicationStartPermanent,
	}, nil
}

// Start implements gen.ApplicationBehavior.
func (a *appBehavior) Start(gen.Process, ...etf.Term) {}

// StartApp loads and starts app on n. It first waits (until ctx ends) for
// every name of the app's tree to be free, then starts it; if ergo does
// not return in time the start is reported as ErrStartTimeout instead of
// hanging the caller.
func StartApp(ctx context.Context, n *runtime.Node, app App) error {
	if app.Name == "" {
		return errors.New("application: empty name")
	}
	if err := app.Top.Validate(); err != nil {
		return fmt.Errorf("application %s: %w", app.Name, err)
	}
	if err := waitNamesFree(ctx, n, app.Top.Names()); err != nil {
		return fmt.Errorf("application %s: %w", app.Name, err)
	}
	if _, err := n.Ergo().ApplicationLoad(&appBehavior{n: n, app: app}); err != nil {
		return fmt.Errorf("application %s: load: %w", app.Name, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := n.Ergo().ApplicationStartPermanent(app.Name)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			n.Ergo().ApplicationUnload(app.Name)
			return fmt.Errorf("application %s: start: %w", app.Name, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("application %s: %w", app.Name, ErrStartTimeout)
	}
}

// StopApp stops a running application and waits (until ctx ends) until
// its processes are gone and their names are free again, so it can be
// started again at once.
func StopApp(ctx context.Context, n *runtime.Node, app App) error {
	if err := applicationStop(n, app.Name); err != nil {
		return fmt.Errorf("application %s: stop: %w", app.Name, err)
	}
	if err := waitNamesFree(ctx, n, app.Top.Names()); err != nil {
		return fmt.Errorf("application %s: %w", app.Name, err)
	}
	if err := n.Ergo().ApplicationUnload(app.Name); err != nil {
		return fmt.Errorf("application %s: unload: %w", app.Name, err)
	}
	return nil
}

// waitNamesFree polls until no process holds any of names.
func waitNamesFree(ctx context.Context, n *runtime.Node, names []string) error {
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		taken := ""
		for _, name := range names {
			if !n.NameFree(name) {
				taken = name
				break
			}
		}
		if taken == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("name %q still taken: %w", taken, ctx.Err())
		case <-tick.C:
		}
	}
}

// applicationStop is ergo's ApplicationStop made safe: ergo tells the
// application process to exit, then waits on spec.Process — which the
// exiting process may already have cleared, so the wait dereferences nil
// and panics in the caller (seen under load when the application stops
// fast). The process has exited by then, which is what a stop wants, so
// that panic is a stop; the caller then waits for the tree's names.
func applicationStop(n *runtime.Node, name string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if re, ok := r.(goruntime.Error); ok && strings.Contains(re.Error(), "nil pointer") {
				err = nil
				return
			}
			panic(r)
		}
	}()
	return n.Ergo().ApplicationStop(name)
}
