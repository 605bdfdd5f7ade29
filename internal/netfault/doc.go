// Package netfault breaks TCP networks on purpose, for cluster tests.
//
// A Proxy listens on a loopback port and forwards every connection to one
// target address. Partition cuts it, Heal restores it; it counts the
// connections and the bytes it carried (Stats). A Network holds one proxy
// per ordered pair of its members: member A reaches member B through the
// proxy (A→B), so that a node configured with static routes to those
// proxies (see internal/runtime Options.Routes) talks to its peers only
// through them. Network.Partition(groups...) cuts every pair whose members
// sit in different groups, both directions, and Heal restores them all.
//
// What a cut does is the Mode, chosen per proxy or network:
//
//   - Reset (the default): every live connection through the proxy is
//     closed with a TCP reset at both ends, and every new one is reset as
//     soon as it is accepted. Both peers learn of the partition at once,
//     as when a host or router answers with RST or ICMP unreachable. This
//     is what cluster tests want by default: ergo notices a reset
//     connection within milliseconds, so a test waits for the effect of
//     the partition (a node monitor firing, a fail-over), not for a
//     timeout.
//   - BlackHole: no byte moves and nothing is closed. Live connections
//     stall (what was sent waits in the proxy and the kernels' buffers),
//     new connections are accepted but not forwarded. Peers learn of the
//     partition only from their own timeouts, as when a network silently
//     drops packets; ergo v1.999.224 drops a silent connection after four
//     keep-alive periods (60 s). Heal delivers what waited, like TCP
//     retransmission after a short outage.
//
// Contract: the package is pure Go (no ergo) and safe for concurrent use;
// Close stops a proxy's goroutines and returns once they are gone. A
// connection is always between two ends of the proxy: the proxy never
// answers in a peer's name, so the only failures a peer sees are resets,
// stalls and (when the target is down) a reset after the proxy's dial
// fails.
package netfault
