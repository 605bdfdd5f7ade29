package config

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Validate checks every setting and reports all problems in one error that
// matches ErrInvalid, e.g.
// `invalid config: node.name "fifo": want short@host; log.level "loud": want one of debug, info, warn, error`.
// It touches nothing outside c; see CheckDataDir for the data directory.
func (c Config) Validate() error {
	var p problems
	p.check(validNodeName(c.Node.Name), "node.name", c.Node.Name)
	p.check(nonEmpty(c.Node.DataDir), "node.data_dir", c.Node.DataDir)
	p.check(validReleaseName(c.Node.Release), "node.release", c.Node.Release)
	p.check(validHostPort(c.HTTP.Addr), "http.addr", c.HTTP.Addr)
	p.check(validHost(c.Dist.ListenHost), "dist.listen_host", c.Dist.ListenHost)
	p.check(inRange(c.Dist.ListenPort, 1, 65535), "dist.listen_port", c.Dist.ListenPort)
	p.check(inRange(c.Dist.EPMDPort, 1, 65535), "dist.epmd_port", c.Dist.EPMDPort)
	if c.Dist.ListenPort == c.Dist.EPMDPort {
		p.check("want a port other than dist.epmd_port", "dist.listen_port", c.Dist.ListenPort)
	}
	checkRoutes(&p, "dist.routes", c.Dist.Routes)
	p.check(oneOf(c.Log.Level, "debug", "info", "warn", "error"), "log.level", c.Log.Level)
	p.check(oneOf(c.Log.Format, "text", "json"), "log.format", c.Log.Format)
	p.check(inRange(c.Store.Partitions, 1, 4096), "store.partitions", c.Store.Partitions)
	p.check(inRange(c.Store.NVal, 1, 9), "store.n_val", c.Store.NVal)
	p.check(inRange(c.Store.R, 1, max(c.Store.NVal, 1)), "store.r", c.Store.R)
	p.check(inRange(c.Store.W, 1, max(c.Store.NVal, 1)), "store.w", c.Store.W)
	for _, d := range []struct {
		key string
		val time.Duration
	}{{"store.aae_interval", c.Store.AAEInterval}, {"store.handoff_interval", c.Store.HandoffInterval}} {
		if d.val < time.Millisecond || d.val > time.Hour {
			p.check("want a duration from 1ms to 1h", d.key, d.val.String())
		}
	}
	p.check(inRange(c.Sim.Hypervisors, 0, 100), "sim.hypervisors", c.Sim.Hypervisors)
	p.check(inRange(c.Sim.MemoryMB, 1024, 16777216), "sim.memory_mb", c.Sim.MemoryMB)
	p.check(inRange(c.Sniffle.CreateRetries, 1, 100), "sniffle.create_retries", c.Sniffle.CreateRetries)
	if d := c.Sniffle.CreateRetryDelay; d < time.Millisecond || d > 10*time.Minute {
		p.check("want a duration from 1ms to 10m", "sniffle.create_retry_delay", d.String())
	}
	if c.Shutdown.Timeout <= 0 {
		p.check("want a positive duration", "shutdown.timeout", c.Shutdown.Timeout.String())
	}
	return p.err()
}

// problems collects Validate's findings.
type problems []string

// check records a problem with key unless want is empty. want says what a
// good value looks like; got is the value found.
func (p *problems) check(want, key string, got any) {
	if want == "" {
		return
	}
	*p = append(*p, fmt.Sprintf("%s %s: %s", key, quote(got), want))
}

// err returns nil or one error listing every problem.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return invalid("invalid config: " + strings.Join(p, "; "))
}

// quote renders a string value quoted and anything else as is.
func quote(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// The checks below return "" for a good value, or what a good value is.

func nonEmpty(s string) string {
	if s == "" {
		return "want a non-empty value"
	}
	return ""
}

func inRange(n, lo, hi int) string {
	if n < lo || n > hi {
		return fmt.Sprintf("want %d..%d", lo, hi)
	}
	return ""
}

func oneOf(s string, allowed ...string) string {
	for _, a := range allowed {
		if s == a {
			return ""
		}
	}
	return "want one of " + strings.Join(allowed, ", ")
}

// validNodeName accepts ergo node names "short@host": short made of letters,
// digits, '_' and '-'; host a host name or IPv4 address (ergo cannot use an
// IPv6 literal there).
func validNodeName(s string) string {
	short, host, ok := strings.Cut(s, "@")
	if !ok || short == "" || !allOf(short, isNameChar) || !isHostName(host) {
		return "want short@host, short of letters, digits, '_' or '-', host a host name"
	}
	return ""
}

// validReleaseName accepts a release name: letters, digits, '.', '_', '-'.
func validReleaseName(s string) string {
	if s == "" || !allOf(s, func(r rune) bool { return isNameChar(r) || r == '.' }) {
		return "want a release name (letters, digits, '.', '_', '-')"
	}
	return ""
}

// validHostPort accepts "host:port" with a numeric port 0..65535; an empty
// host means every interface and port 0 picks a free port.
func validHostPort(s string) string {
	const want = "want host:port with a port in 0..65535"
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return want
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return want
	}
	if host != "" && validHost(host) != "" {
		return want
	}
	return ""
}

// validHost accepts an IP address or a host name.
func validHost(s string) string {
	if net.ParseIP(s) == nil && !isHostName(s) {
		return "want a host name or IP address"
	}
	return ""
}

// isHostName reports whether s is a host name (or an IPv4 address): letters,
// digits, '-' and '.', at most 253 bytes, not starting or ending with '.' or
// '-'.
func isHostName(s string) bool {
	isHostChar := func(r rune) bool { return isAlnum(r) || r == '-' || r == '.' }
	return s != "" && len(s) <= 253 && allOf(s, isHostChar) &&
		!strings.ContainsAny(s[:1], ".-") && !strings.ContainsAny(s[len(s)-1:], ".-")
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func isNameChar(r rune) bool { return isAlnum(r) || r == '_' || r == '-' }

func allOf(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}
