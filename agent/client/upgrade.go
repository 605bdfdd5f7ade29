package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/agent/upgrade"
)

// UpgradeInfo asks the agent what it runs: version, platform, process,
// and where its upgrades stand.
func (c *Client) UpgradeInfo(ctx context.Context, a Addr) (proto.UpgradeState, error) {
	var out proto.UpgradeState
	err := c.query(ctx, a, "upgrade info", proto.UpgradeInfo{HV: a.HV}, &out)
	return out, err
}

// PushOptions tune PushBinary; zero fields take upgrade.Send's defaults.
type PushOptions struct {
	// ChunkSize is the data of one chunk (at most proto.MaxChunk).
	ChunkSize int
	// Retries is how many attempts in a row may make no progress.
	Retries int
	// CallTimeout bounds each call (a lost chunk costs that long).
	// Default: the client's Timeout.
	CallTimeout time.Duration
	// Progress is told the agent's offset after each answer.
	Progress func(offset int64)
}

// PushBinary sends the agent binary of version (size bytes of src, SHA-256
// sum) to the agent in chunks (upgrade.Send): each chunk is a call bounded
// by ctx's deadline or the client's timeout; a call that gets no answer
// (ErrUnavailable: dropped, timed out) is made again, and the agent's
// answers say where to go on, so the transfer survives lost messages and
// resumes after an interruption. The agent checks the whole file; a
// mismatch is driver.ErrInvalid (upgrade.ErrChecksum on its side).
func (c *Client) PushBinary(ctx context.Context, a Addr, version string, size int64, sum string, src io.ReaderAt, o PushOptions) (upgrade.SendResult, error) {
	if o.ChunkSize > proto.MaxChunk {
		o.ChunkSize = proto.MaxChunk
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = c.opts.Timeout
	}
	// call makes one call under its own deadline.
	call := func(ctx context.Context, what string, req proto.Request) (proto.Reply, error) {
		ctx, cancel := context.WithTimeout(ctx, o.CallTimeout)
		defer cancel()
		return c.call(ctx, a, what, false, req)
	}
	progress := func(rep proto.Reply, err error) (upgrade.Progress, error) {
		if err != nil {
			return upgrade.Progress{}, err
		}
		var p proto.UpgradeProgress
		if err := rep.Decode(&p); err != nil {
			return upgrade.Progress{}, fmt.Errorf("agent %s: upgrade progress: %w", a, err)
		}
		return upgrade.Progress{Offset: p.Offset, Refused: p.Refused}, nil
	}
	return upgrade.Send(ctx, upgrade.SendOptions{
		Version: version, Size: size, SHA256: sum, Src: src, ChunkSize: o.ChunkSize, Retries: o.Retries,
		Begin: func(ctx context.Context) (upgrade.Progress, error) {
			return progress(call(ctx, "upgrade begin "+version,
				proto.UpgradeBegin{HV: a.HV, Version: version, Size: size, SHA256: sum}))
		},
		Chunk: func(ctx context.Context, ch upgrade.Chunk) (upgrade.Progress, error) {
			return progress(call(ctx, fmt.Sprintf("upgrade chunk %s@%d", version, ch.Offset),
				proto.UpgradeChunk{HV: a.HV, Version: version, Size: size, SHA256: sum, Offset: ch.Offset, Data: ch.Data, ChunkSHA256: ch.ChunkSHA256}))
		},
		Retryable: func(err error) bool { return errors.Is(err, ErrUnavailable) && ctx.Err() == nil },
		Progress:  o.Progress,
	})
}

// SwitchBinary tells the agent to run the binary of version it holds
// (SHA-256 sum). The agent answers, then stops and executes it; the new
// agent registers again. A binary it does not hold, or that does not
// match or run, is driver.ErrInvalid and the agent stays as it is. An
// ErrUnavailable answer may hide a switch that happened (the answer was
// lost as the agent stopped): watch for the registration.
func (c *Client) SwitchBinary(ctx context.Context, a Addr, version, sum string) error {
	return c.do(ctx, a, "upgrade switch "+version, false, proto.UpgradeSwitch{HV: a.HV, Version: version, SHA256: sum})
}
