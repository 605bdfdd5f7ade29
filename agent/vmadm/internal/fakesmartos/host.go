package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

func defaultSysinfo() map[string]any {
	return map[string]any{
		"Live Image":         "20240418T000000Z",
		"System Type":        "SunOS",
		"Boot Time":          "1714000000",
		"Manufacturer":       "Fake",
		"Product":            "fakesmartos",
		"VM Capable":         true,
		"Bhyve Capable":      true,
		"HVM API":            true,
		"CPU Type":           "Fake CPU @ 2.40GHz",
		"CPU Virtualization": "vmx",
		"CPU Physical Cores": 1,
		"UUID":               "44454c4c-3900-1034-8052-b2c04f4d3532",
		"Hostname":           "fakehost",
		"CPU Total Cores":    8,
		"MiB of Memory":      "65536",
		"Zpool":              "zones",
		"Zpool Size in GiB":  1000,
		"Boot Parameters":    map[string]any{"console": "text", "root_shadow": "$5$fake$hash", "smartos": "true"},
		"Network Interfaces": map[string]any{
			"ixgbe0": map[string]any{"MAC Address": "00:1b:21:00:00:01", "ip4addr": "10.0.0.10", "Link Status": "up", "NIC Names": []any{"admin"}},
			"ixgbe1": map[string]any{"MAC Address": "00:1b:21:00:00:02", "ip4addr": "", "Link Status": "up", "NIC Names": []any{"external", "storage"}},
		},
		"Virtual Network Interfaces": map[string]any{},
	}
}

// hostSysinfo is the default sysinfo with the test's sysinfo.json over it.
func hostSysinfo(dir string) (map[string]any, error) {
	si := defaultSysinfo()
	b, err := os.ReadFile(filepath.Join(dir, "sysinfo.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return si, nil
	}
	if err != nil {
		return nil, err
	}
	var over map[string]any
	if err := json.Unmarshal(b, &over); err != nil {
		return nil, fmt.Errorf("sysinfo.json: %w", err)
	}
	for k, v := range over {
		si[k] = v
	}
	return si, nil
}

func sysinfo(e *env) error {
	si, err := hostSysinfo(e.dir)
	if err != nil {
		return err
	}
	return writeJSON(e.stdout, si)
}

func zpool(e *env) error {
	if len(e.args) == 0 || e.args[0] != "list" {
		return usage("zpool list -Hp -o name,size,alloc,free,dedup,health")
	}
	fl, _ := flags(e.args[1:], "o")
	if fl["o"] != "name,size,alloc,free,dedup,health" || !has(fl, "H") || !has(fl, "p") {
		return usage("fake zpool list supports only -Hp -o name,size,alloc,free,dedup,health")
	}
	si, err := hostSysinfo(e.dir)
	if err != nil {
		return err
	}
	size := num(si["Zpool Size in GiB"]) << 30
	var alloc int64
	for _, vm := range e.st.VMs {
		alloc += num(vm["quota"]) << 30
		disks, _ := vm["disks"].([]any)
		for _, d := range disks {
			if m, ok := d.(map[string]any); ok {
				alloc += num(m["size"]) << 20
			}
		}
	}
	alloc = min(alloc, size)
	fmt.Fprintf(e.stdout, "%s\t%d\t%d\t%d\t1.00x\tONLINE\n", si["Zpool"], size, alloc, size-alloc)
	return nil
}

func svcs(e *env) error {
	fl, _ := flags(e.args, "o")
	if fl["o"] != "state,fmri" || !has(fl, "H") {
		return usage("fake svcs supports only -H -o state,fmri")
	}
	for _, s := range [][2]string{
		{"online", "svc:/system/smartdc/vminfod:default"},
		{"online", "svc:/system/zones:default"},
		{"disabled", "svc:/network/telnet:default"},
		{"maintenance", "svc:/site/broken:default"},
	} {
		fmt.Fprintf(e.stdout, "%-12s %s\n", s[0], s[1])
	}
	return nil
}
