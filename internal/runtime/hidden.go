package runtime

import (
	"context"

	ergonode "github.com/ergo-services/ergo/node"
	"github.com/ergo-services/ergo/proto/dist"
)

// ergo v1.999.224 has no hidden nodes in Erlang's sense: its DIST
// handshake always announces the node as published and its EPMD client
// always registers as a normal node. Options.Hidden gives a client node
// (fifo attach, fifo admin) what matters here instead:
//
//   - it never registers with a registrar nor serves one, so no other node
//     can find it by name, and it never takes over a stopped node's EPMD
//     port;
//   - it resolves the nodes it connects to through the registrar
//     read-only (EPMD's PORT_PLEASE2 query) or through static routes;
//   - like every ergo node it is never connected transitively to the peers
//     of its peer (ergo builds no full mesh), so it joins no cluster.
//
// The node it connects to does list it among its connected peers while
// the connection lasts. TestHiddenNode pins all of this.

// hiddenRegistrar resolves names through an EPMD without ever registering
// the node (and without starting an embedded EPMD server).
type hiddenRegistrar struct {
	ergonode.Registrar
}

// newHiddenRegistrar returns a registrar that asks the EPMD on port of the
// peer's host for its address.
func newHiddenRegistrar(port uint16) ergonode.Registrar {
	return hiddenRegistrar{Registrar: dist.CreateRegistrarWithRemoteEPMD("", port)}
}

// Register does nothing: a hidden node is known to nobody.
func (hiddenRegistrar) Register(context.Context, string, ergonode.RegisterOptions) error {
	return nil
}
