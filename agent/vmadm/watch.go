package vmadm

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/internal/watchq"
)

// states polls every VM's zone state with zoneadm, a small C program:
// vmadm is a Node.js program, too heavy to start every second in the
// global zone.
func (d *Driver) states(ctx context.Context) (map[string]driver.State, error) {
	out, err := d.cmd(ctx, "zoneadm", "list", "-pc")
	if err != nil {
		return nil, fmt.Errorf("poll zone states: %w", err)
	}
	return ParseZones(out)
}

// Watch implements driver.Watcher by polling (see the package doc). The
// first poll runs before Watch returns, so a host that cannot be polled
// is an error here rather than a silent stream.
func (d *Driver) Watch(ctx context.Context) (<-chan driver.StateChange, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	kicked := d.kicked()
	cur, err := d.states(ctx)
	if err != nil {
		return nil, err
	}
	q := watchq.New(ctx)
	push(q, nil, cur)
	go d.poll(ctx, q, cur, kicked)
	return q.C(), nil
}

func (d *Driver) poll(ctx context.Context, q *watchq.Queue, last map[string]driver.State, kicked <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.opts.Clock.After(d.opts.PollInterval):
		case <-kicked:
		}
		kicked = d.kicked()
		cur, err := d.states(ctx)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				d.opts.Logger.Warn("poll of vm states failed", "err", err)
			}
			continue
		}
		push(q, last, cur)
		last = cur
	}
}

// push queues what changed from last to cur, in uuid order.
func push(q *watchq.Queue, last, cur map[string]driver.State) {
	var changes []driver.StateChange
	for id, st := range cur {
		if prev, ok := last[id]; !ok || prev != st {
			changes = append(changes, driver.StateChange{UUID: id, State: st})
		}
	}
	for id := range last {
		if _, ok := cur[id]; !ok {
			changes = append(changes, driver.StateChange{UUID: id, State: driver.StateDeleted})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].UUID < changes[j].UUID })
	for _, c := range changes {
		q.Push(c)
	}
}

// isNotFound reports a driver.ErrNotFound.
func isNotFound(err error) bool { return errors.Is(err, driver.ErrNotFound) }
