package handoff

import (
	"fmt"
	"net"
)

// NotifySocketEnv is the variable systemd names its notification socket
// in (Type=notify services).
const NotifySocketEnv = "NOTIFY_SOCKET"

// Notify sends state ("READY=1", "MAINPID=123\nREADY=1", "STOPPING=1") to
// systemd's notification socket; an empty socket (not run by systemd)
// does nothing. A name starting with '@' is an abstract socket.
func Notify(socket, state string) error {
	if socket == "" {
		return nil
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: socket, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("sd_notify %s: %w", socket, err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(state)); err != nil {
		return fmt.Errorf("sd_notify %s: %w", socket, err)
	}
	return nil
}
