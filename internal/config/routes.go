package config

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Route sends a node's distribution connections to peer Node to
// Host:Port instead of the address the node registrar (EPMD) knows. It is
// written "name=host:port", e.g. "fifo@ctl2=10.0.0.2:4370".
type Route struct {
	// Node is the peer's ergo node name, short@host.
	Node string
	// Host and Port are where the node dials for it.
	Host string
	Port int
}

// String writes r as "name=host:port".
func (r Route) String() string {
	return r.Node + "=" + net.JoinHostPort(r.Host, strconv.Itoa(r.Port))
}

// Addr is the route's host:port.
func (r Route) Addr() string { return net.JoinHostPort(r.Host, strconv.Itoa(r.Port)) }

// ParseRoute reads "name=host:port". It checks the shape only; Validate
// (or CheckRoute) checks the name and the port range.
func ParseRoute(s string) (Route, error) {
	node, addr, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok {
		return Route{}, fmt.Errorf("route %q: want name=host:port", s)
	}
	host, port, err := net.SplitHostPort(strings.TrimSpace(addr))
	if err != nil {
		return Route{}, fmt.Errorf("route %q: want name=host:port", s)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return Route{}, fmt.Errorf("route %q: port %q is not a number", s, port)
	}
	return Route{Node: strings.TrimSpace(node), Host: host, Port: n}, nil
}

// ParseRoutes reads a comma-separated list of routes, the form of
// FIFO_DIST_ROUTES; empty items are skipped and no item gives nil.
func ParseRoutes(s string) ([]Route, error) {
	var out []Route
	for _, item := range strings.Split(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		r, err := ParseRoute(item)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// FormatRoutes writes routes as ParseRoutes reads them.
func FormatRoutes(routes []Route) string {
	s := make([]string, len(routes))
	for i, r := range routes {
		s[i] = r.String()
	}
	return strings.Join(s, ",")
}

// RouteMap returns routes as peer name to host:port, the form the
// runtime's node options take; nil when there are none.
func RouteMap(routes []Route) map[string]string {
	if len(routes) == 0 {
		return nil
	}
	m := make(map[string]string, len(routes))
	for _, r := range routes {
		m[r.Node] = r.Addr()
	}
	return m
}

// CheckRoutes reports the first bad route: a node name that is not
// short@host, a host that is not a host name or IP address, a port
// outside 1..65535, or a node routed twice.
func CheckRoutes(routes []Route) error {
	var p problems
	checkRoutes(&p, "routes", routes)
	if len(p) > 0 {
		return fmt.Errorf("%s", p[0])
	}
	return nil
}

// checkRoutes records the problems of routes under key.
func checkRoutes(p *problems, key string, routes []Route) {
	seen := map[string]bool{}
	for _, r := range routes {
		want := ""
		switch {
		case validNodeName(r.Node) != "":
			want = "want a node name short@host"
		case validHost(r.Host) != "":
			want = "want a host name or IP address"
		case inRange(r.Port, 1, 65535) != "":
			want = "want a port in 1..65535"
		case seen[r.Node]:
			want = "want one route per node"
		}
		seen[r.Node] = true
		p.check(want, key, r.String())
	}
}
