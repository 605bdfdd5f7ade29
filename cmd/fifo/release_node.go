package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/releases/install"
)

// reportSwitch tells the operator what a switch of the current release
// did, and what is left to do for a node that is running.
func reportSwitch(w io.Writer, r *install.Root, cfg config.Config, sw install.Switch) {
	if !sw.Changed {
		fmt.Fprintf(w, "%s is already the current release\n", sw.To)
		return
	}
	from := sw.From
	if from == "" {
		from = "none"
	}
	fmt.Fprintf(w, "current release: %s -> %s (%s/current)\n", from, sw.To, r.Dir())
	addr, running := nodeRunning(cfg.HTTP.Addr)
	switch {
	case running:
		fmt.Fprintf(w, "a node is running at %s and still runs its old binary: restart it to run %s\n"+
			"(systemctl restart fifo, or svcadm restart application/fifo); clients see its ports close\n"+
			"briefly, since handing the listening sockets to the new binary is not implemented yet\n", addr, sw.To)
	case addr != "":
		fmt.Fprintf(w, "no node answers at %s: the node runs %s when it next starts\n", addr, sw.To)
	default:
		fmt.Fprintf(w, "the node runs %s when it next (re)starts\n", sw.To)
	}
}

// nodeRunning reports whether a node answers /healthz at the configured
// HTTP address, and the address it asked ("" when it cannot tell: port 0).
func nodeRunning(httpAddr string) (string, bool) {
	host, port, err := net.SplitHostPort(httpAddr)
	if err != nil || port == "0" {
		return "", false
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	addr := net.JoinHostPort(host, port)
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + addr + "/healthz")
	if err != nil {
		return addr, false
	}
	resp.Body.Close()
	return addr, resp.StatusCode == http.StatusOK
}
