package console

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/fifogo/fifo/internal/runtime"
)

// DialOptions say how a client reaches a node's console.
type DialOptions struct {
	// Node is the node's name, "short@host". Required.
	Node string
	// Host is where the node's distribution port is. Default: the host
	// part of Node.
	Host string
	// Port is the node's distribution port. Zero asks the registrar
	// (EPMD) on Host for it.
	Port uint16
	// EPMDPort is the registrar's port when Port is zero. Default 4369.
	EPMDPort uint16
	// Cookie is the cluster cookie. Required.
	Cookie string
	// ListenHost is the interface of the client's own node, which no
	// other node connects to. Default "127.0.0.1".
	ListenHost string
	// Logger receives the client node's log lines. Default: discarded.
	Logger *slog.Logger
}

// Client is a console client: a hidden node connected to one node.
type Client struct {
	node   *runtime.Node
	target string
}

// Dial starts a hidden client node (named ClientPrefix plus random hex) and
// connects it to o.Node. A refused cookie fails with an error matching
// runtime.ErrHandshake, a node that is not there with
// runtime.ErrUnreachable.
func Dial(ctx context.Context, o DialOptions) (*Client, error) {
	_, host, ok := strings.Cut(o.Node, "@")
	if !ok || host == "" {
		return nil, fmt.Errorf("node name %q: want short@host", o.Node)
	}
	if o.Host == "" {
		o.Host = host
	}
	if o.ListenHost == "" {
		o.ListenHost = "127.0.0.1"
	}
	name, err := clientName()
	if err != nil {
		return nil, err
	}
	n, err := runtime.Start(context.WithoutCancel(ctx), runtime.Options{
		Name: name, Cookie: o.Cookie, ListenHost: o.ListenHost, EPMDPort: o.EPMDPort,
		Hidden: true, StaticRoutesOnly: o.Port != 0, Logger: o.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("console client: %w", err)
	}
	if o.Port != 0 {
		if err := n.AddStaticRoute(o.Node, o.Host, o.Port); err != nil {
			n.Stop()
			return nil, fmt.Errorf("console client: %w", err)
		}
	}
	if err := n.Connect(o.Node); err != nil {
		n.Stop()
		return nil, err
	}
	return &Client{node: n, target: o.Node}, nil
}

// clientName is a fresh, unique client node name.
func clientName() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("console client name: %w", err)
	}
	host, err := os.Hostname()
	if err != nil || host == "" || strings.ContainsAny(host, "@ ") {
		host = "localhost"
	}
	return ClientPrefix + hex.EncodeToString(b) + "@" + host, nil
}

// Node returns the name of the node the client talks to.
func (c *Client) Node() string { return c.target }

// Run runs one command on the node. The error is for a call that got no
// answer (the node went away, timed out, has no console); a command that
// failed is a Reply with a non-zero Status.
func (c *Client) Run(ctx context.Context, args []string, json bool) (Reply, error) {
	if len(args) == 0 {
		return Reply{}, errors.New("console: empty command")
	}
	v, err := c.node.Call(ctx, runtime.ProcessID{Name: Name, Node: c.target}, Request{Args: args, JSON: json})
	if err != nil {
		if errors.Is(err, runtime.ErrNoProc) {
			return Reply{}, fmt.Errorf("node %s runs no console: %w", c.target, err)
		}
		return Reply{}, fmt.Errorf("console of %s: %w", c.target, err)
	}
	r, ok := v.(Reply)
	if !ok {
		return Reply{}, fmt.Errorf("console of %s: unexpected answer %T", c.target, v)
	}
	return r, nil
}

// Close stops the client node.
func (c *Client) Close() error { return c.node.Stop() }
