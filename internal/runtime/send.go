package runtime

import (
	"fmt"

	"github.com/ergo-services/ergo/etf"
	"github.com/ergo-services/ergo/gen"
)

// ergoTarget converts our addressing (local name, ProcessID, pid) into
// ergo's.
func (n *Node) ergoTarget(to any) any {
	switch t := to.(type) {
	case ProcessID:
		return n.target(t)
	case string, etf.Pid, gen.ProcessID:
		return t
	}
	return to
}

// remote reports whether an address is on another node.
func (n *Node) remote(to any) bool {
	switch t := to.(type) {
	case ProcessID:
		return t.Node != "" && t.Node != n.Name()
	case gen.ProcessID:
		return t.Node != "" && t.Node != n.Name()
	case etf.Pid:
		return string(t.Node) != n.Name()
	}
	return false
}

// send is the one send path: wire check for remote targets, error mapping.
func (n *Node) send(from gen.Process, to any, msg any) error {
	if n.remote(to) {
		if err := CheckWire(msg); err != nil {
			return err
		}
	}
	if err := from.Send(n.ergoTarget(to), msg); err != nil {
		return fmt.Errorf("send to %v: %w", to, mapErgoError(err))
	}
	return nil
}

// Send sends msg from the node's gateway process to a process. It is the
// way plain Go code (not an actor) sends a message.
func (n *Node) Send(to any, msg any) error {
	return n.send(n.gateway, to, msg)
}
