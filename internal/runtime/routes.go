package runtime

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/ergo-services/ergo/lib"
)

// Static routes. ergo resolves a peer's name to an address through a
// static route when one exists and through the registrar (EPMD)
// otherwise, so a route overrides what the peer registered: cluster tests
// route every peer through a proxy they can cut (internal/netfault), and
// an operator can reach nodes whose registrar is out of reach. Options.Routes
// are added when the node starts, SetRoute and RemoveRoute change them
// while it runs. A route is used by the next connection to the peer; an
// open connection stays until it breaks or Disconnect closes it.

// validateRoutes checks Options.Routes: peer names short@host, addresses
// host:port with a port in 1..65535.
func validateRoutes(routes map[string]string) error {
	for _, peer := range slices.Sorted(maps.Keys(routes)) {
		if _, _, err := splitRoute(peer, routes[peer]); err != nil {
			return err
		}
	}
	return nil
}

// splitRoute checks one route and splits its address.
func splitRoute(peer, addr string) (string, uint16, error) {
	short, host, ok := strings.Cut(peer, "@")
	if !ok || short == "" || host == "" || strings.Contains(host, "@") {
		return "", 0, fmt.Errorf("route %q: node name: want short@host", peer)
	}
	h, p, err := net.SplitHostPort(addr)
	if err != nil || h == "" {
		return "", 0, fmt.Errorf("route %s=%q: want host:port", peer, addr)
	}
	port, err := strconv.ParseUint(p, 10, 16)
	if err != nil || port == 0 {
		return "", 0, fmt.Errorf("route %s=%q: want a port in 1..65535", peer, addr)
	}
	return h, uint16(port), nil
}

// applyRoutes adds the routes of Options.Routes at start.
func (n *Node) applyRoutes(routes map[string]string) error {
	for _, peer := range slices.Sorted(maps.Keys(routes)) {
		if err := n.SetRoute(peer, routes[peer]); err != nil {
			return err
		}
	}
	return nil
}

// SetRoute routes the node's next connection to peer to addr
// (host:port), replacing the peer's route if it has one.
func (n *Node) SetRoute(peer, addr string) error {
	host, port, err := splitRoute(peer, addr)
	if err != nil {
		return err
	}
	n.ergo.RemoveStaticRoute(peer)
	return n.AddStaticRoute(peer, host, port)
}

// RemoveRoute drops the route to peer, which is then resolved through the
// registrar again; it reports whether there was one.
func (n *Node) RemoveRoute(peer string) bool {
	return n.ergo.RemoveStaticRoute(peer)
}

// Routes returns the node's static routes: peer name to host:port.
func (n *Node) Routes() map[string]string {
	out := map[string]string{}
	for _, r := range n.ergo.StaticRoutes() {
		out[r.Node] = net.JoinHostPort(r.Host, strconv.Itoa(int(r.Port)))
	}
	return out
}

// Disconnect closes the node's connection to peer, if any; the next
// message to peer connects again (through its route, if it has one).
func (n *Node) Disconnect(peer string) error {
	if err := n.ergo.Disconnect(peer); err != nil && !errors.Is(err, lib.ErrNoRoute) {
		return fmt.Errorf("disconnect %s: %w", peer, err)
	}
	return nil
}
