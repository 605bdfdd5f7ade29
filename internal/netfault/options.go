package netfault

import (
	"fmt"
	"time"
)

// Mode is what a partitioned proxy does with its traffic (see the package
// comment).
type Mode int

const (
	// Reset closes live connections with a TCP reset and resets new ones
	// on arrival.
	Reset Mode = iota
	// BlackHole stalls live connections and holds new ones unforwarded
	// until Heal.
	BlackHole
)

// String names the mode.
func (m Mode) String() string {
	switch m {
	case Reset:
		return "reset"
	case BlackHole:
		return "black-hole"
	}
	return fmt.Sprintf("mode(%d)", int(m))
}

// Options configure a Proxy or every proxy of a Network. The zero value
// is usable.
type Options struct {
	// Host is the interface proxies listen on, each on a port the kernel
	// picks. Default "127.0.0.1".
	Host string
	// Mode is what Partition does. Default Reset.
	Mode Mode
	// DialTimeout bounds the proxy's connect to its target; when it
	// fails the accepted connection is reset. Default 5 s.
	DialTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 5 * time.Second
	}
	return o
}

// Validate reports an unknown mode.
func (o Options) Validate() error {
	if o.Mode != Reset && o.Mode != BlackHole {
		return fmt.Errorf("netfault: unknown %v", o.Mode)
	}
	return nil
}
