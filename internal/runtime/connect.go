package runtime

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"github.com/ergo-services/ergo/lib"
	ergonode "github.com/ergo-services/ergo/node"
)

// handshakeProbe wraps a node's handshake to count the outgoing handshakes
// that failed. ergo's Connect reports every failure (no registrar, nothing
// listening, a refused cookie) as the same "no route to node", so Connect
// tells a reached node that refused us from an unreachable one by whether
// a handshake failed meanwhile.
type handshakeProbe struct {
	ergonode.HandshakeInterface
	failures atomic.Uint64
	mu       sync.Mutex
	last     error
}

// Start implements ergonode.HandshakeInterface.
func (h *handshakeProbe) Start(remote net.Addr, conn lib.NetReadWriter, tls bool, cookie string) (ergonode.HandshakeDetails, error) {
	d, err := h.HandshakeInterface.Start(remote, conn, tls, cookie)
	if err != nil {
		h.mu.Lock()
		h.last = err
		h.mu.Unlock()
		h.failures.Add(1)
	}
	return d, err
}

// lastErr returns the last handshake failure.
func (h *handshakeProbe) lastErr() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// Connect connects to a peer node through the registrar or a static route.
// It fails with ErrHandshake when the peer was reached but refused the
// handshake (in practice: a different cookie) and with ErrUnreachable
// otherwise. Concurrent failing connects to several peers may be told
// apart wrongly; the console client makes one.
func (n *Node) Connect(peer string) error {
	before := n.handshakes.failures.Load()
	if err := n.ergo.Connect(peer); err != nil {
		if n.handshakes.failures.Load() != before {
			return fmt.Errorf("connect %s: %w (%v)", peer, ErrHandshake, n.handshakes.lastErr())
		}
		return fmt.Errorf("connect %s: %w", peer, ErrUnreachable)
	}
	return nil
}
