package main

import (
	"fmt"
	"strings"
)

// zoneadm serves `zoneadm list -pc` (parsable, configured zones too):
// zoneid:zonename:state:zonepath:uuid:brand:ip-type, the global zone
// first; colons in fields are escaped with a backslash.
func zoneadm(e *env) error {
	if len(e.args) == 0 || e.args[0] != "list" {
		return usage("zoneadm list -pc")
	}
	fl, _ := flags(e.args[1:], "")
	if !has(fl, "p") || !has(fl, "c") {
		return usage("fake zoneadm list supports only -pc")
	}
	fmt.Fprintln(e.stdout, "0:global:running:/::liveimg:shared")
	esc := strings.NewReplacer(":", `\:`, `\`, `\\`)
	for i, id := range e.st.sortedVMs() {
		vm := e.st.VMs[id]
		zid := "-"
		if vm["zone_state"] == "running" {
			zid = fmt.Sprint(i + 1)
		}
		zs := str(vm["zone_state"])
		if zs == "" {
			zs = "configured"
		}
		fmt.Fprintf(e.stdout, "%s:%s:%s:%s:%s:%s:excl\n", zid, id, zs, esc.Replace(str(vm["zonepath"])), id, str(vm["brand"]))
	}
	return nil
}
