package howl

import (
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/apps/howl/hub"
)

// Defaults of Options.
const (
	DefaultBufferSize   = hub.DefaultBufferSize
	DefaultMaxChannels  = hub.DefaultMaxChannels
	DefaultWriteTimeout = 10 * time.Second
	DefaultAuthTimeout  = 5 * time.Second
	DefaultCloseGrace   = time.Second
	DefaultReadLimit    = 16 << 10
	DefaultMailboxSize  = 8192
	DefaultRelayBuffer  = 1024
)

// Options configure a Service. Auth is required; every other field has a
// default.
type Options struct {
	// Auth resolves the one-time tokens of connecting clients. Required.
	Auth Auth
	// Logger receives howl's logs. Default: discard.
	Logger *slog.Logger
	// Registerer receives howl's metrics. Default: a private registry.
	Registerer prometheus.Registerer
	// BufferSize bounds each connection's queue of outbound frames; a
	// client whose queue is full is disconnected as a slow consumer.
	// Default DefaultBufferSize (256).
	BufferSize int
	// MaxChannels bounds the channels one connection may join. Default
	// DefaultMaxChannels (1024).
	MaxChannels int
	// WriteTimeout bounds the write of one frame; a client that takes
	// longer is disconnected. Default DefaultWriteTimeout (10 s).
	WriteTimeout time.Duration
	// AuthTimeout bounds each call to Auth and Principal. Default
	// DefaultAuthTimeout (5 s).
	AuthTimeout time.Duration
	// CloseGrace is how long a disconnected slow consumer's pending write
	// may still take, so the close frame can follow it, before the
	// connection is cut. Default DefaultCloseGrace (1 s).
	CloseGrace time.Duration
	// ReadLimit bounds a client frame in bytes. Default DefaultReadLimit
	// (16 KiB).
	ReadLimit int64
	// OriginPatterns lists the browser origins allowed besides the
	// request's own host (see websocket.AcceptOptions.OriginPatterns).
	OriginPatterns []string
	// MailboxSize bounds the howl actor's mailbox of published events;
	// beyond it events are dropped and counted by the runtime. Default
	// DefaultMailboxSize (8192).
	MailboxSize uint16
	// Peers lists the other control nodes whose howl receives the events
	// published on this node (the cluster's live members; see
	// NewPolledPeers, LivePeers). Nil: events stay on this node.
	Peers Peers
	// RelayBuffer bounds, per peer, the events waiting to be sent to it;
	// beyond it events for that peer are dropped and counted
	// (Metrics.Relay{outcome="dropped"}). Default DefaultRelayBuffer
	// (1024).
	RelayBuffer int
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
	if o.BufferSize <= 0 {
		o.BufferSize = DefaultBufferSize
	}
	if o.MaxChannels <= 0 {
		o.MaxChannels = DefaultMaxChannels
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.AuthTimeout <= 0 {
		o.AuthTimeout = DefaultAuthTimeout
	}
	if o.CloseGrace <= 0 {
		o.CloseGrace = DefaultCloseGrace
	}
	if o.ReadLimit <= 0 {
		o.ReadLimit = DefaultReadLimit
	}
	if o.MailboxSize == 0 {
		o.MailboxSize = DefaultMailboxSize
	}
	if o.RelayBuffer <= 0 {
		o.RelayBuffer = DefaultRelayBuffer
	}
	return o
}

// Validate reports the first problem with the options.
func (o Options) Validate() error {
	if o.Auth == nil {
		return errors.New("howl options: Auth is required")
	}
	return nil
}
