package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

var brands = map[string]bool{"joyent": true, "joyent-minimal": true, "lx": true, "kvm": true, "bhyve": true}

func hvm(vm map[string]any) bool { b := str(vm["brand"]); return b == "kvm" || b == "bhyve" }

func vmadm(e *env) error {
	if len(e.args) == 0 {
		return usage("vmadm <command> [options]")
	}
	sub, args := e.args[0], e.args[1:]
	switch sub {
	case "create":
		return vmCreate(e, args)
	case "get":
		vm, err := e.vm("get", args)
		if err != nil {
			return err
		}
		return writeJSON(e.stdout, vm)
	case "lookup":
		return vmLookup(e, args)
	case "start":
		return e.power("start", args, "running")
	case "stop":
		return e.power("stop", args, "stopped")
	case "reboot":
		return e.power("reboot", args, "running")
	case "delete":
		return vmDelete(e, args)
	case "update":
		return vmUpdate(e, args)
	}
	return usage("vmadm: unknown command %q", sub)
}

// vm returns the VM named by the first operand.
func (e *env) vm(cmd string, args []string) (map[string]any, error) {
	_, ops := flags(args, "")
	if len(ops) != 1 {
		return nil, usage("vmadm %s <uuid>", cmd)
	}
	vm, ok := e.st.VMs[ops[0]]
	if !ok {
		return nil, fail("Unable to %s VM %s: VM does not exist", cmd, ops[0])
	}
	return vm, nil
}

func readPayload(e *env, args []string) (map[string]any, error) {
	fl, _ := flags(args, "f")
	var in io.Reader = e.stdin
	if f, ok := fl["f"]; ok {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fail("Unable to read %s: %v", f, err)
		}
		in = bytes.NewReader(b)
	}
	dec := json.NewDecoder(in)
	dec.UseNumber()
	var p map[string]any
	if err := dec.Decode(&p); err != nil {
		return nil, fail("Invalid JSON payload: %v", err)
	}
	return normalize(p).(map[string]any), nil
}

// normalize turns json.Numbers into float64, as state.json reads back.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	}
	return v
}

func newUUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (st *state) mac() string {
	st.Counter++
	return fmt.Sprintf("90:b8:d0:%02x:%02x:%02x", byte(st.Counter>>16), byte(st.Counter>>8), byte(st.Counter))
}

func vmCreate(e *env, args []string) error {
	p, err := readPayload(e, args)
	if err != nil {
		return err
	}
	id := str(p["uuid"])
	if id == "" {
		id = newUUID()
		p["uuid"] = id
	}
	brand := str(p["brand"])
	switch {
	case !brands[brand]:
		return fail("Failed to create VM: invalid brand %q", brand)
	case e.st.VMs[id] != nil:
		return fail("Failed to create VM: VM with uuid %s already exists", id)
	}
	var images []string
	if img := str(p["image_uuid"]); img != "" {
		images = append(images, img)
	}
	disks, _ := p["disks"].([]any)
	for _, d := range disks {
		if m, ok := d.(map[string]any); ok && str(m["image_uuid"]) != "" {
			images = append(images, str(m["image_uuid"]))
		}
	}
	if len(images) == 0 {
		return fail("Failed to create VM: no image_uuid")
	}
	for _, img := range images {
		if e.st.Images[img] == nil {
			return fail("Failed to create VM: image %s does not exist", img)
		}
	}
	p["zonename"] = id
	p["zonepath"] = "/zones/" + id
	p["zfs_filesystem"] = "zones/" + id
	p["zpool"] = "zones"
	p["create_timestamp"] = time.Unix(e.st.tick(), 0).UTC().Format("2006-01-02T15:04:05.000Z")
	if _, ok := p["autoboot"]; !ok {
		p["autoboot"] = true
	}
	for _, key := range []string{"customer_metadata", "internal_metadata", "tags"} {
		if _, ok := p[key]; !ok {
			p[key] = map[string]any{}
		}
	}
	nics, _ := p["nics"].([]any)
	for i, n := range nics {
		m, _ := n.(map[string]any)
		if m == nil {
			continue
		}
		if str(m["interface"]) == "" {
			m["interface"] = fmt.Sprintf("net%d", i)
		}
		if str(m["mac"]) == "" {
			m["mac"] = e.st.mac()
		}
	}
	for i, d := range disks {
		m, _ := d.(map[string]any)
		if m == nil {
			continue
		}
		ds := fmt.Sprintf("zones/%s-disk%d", id, i)
		m["zfs_filesystem"] = ds
		m["path"] = "/dev/zvol/rdsk/" + ds
		m["zpool"] = "zones"
		if str(m["media"]) == "" {
			m["media"] = "disk"
		}
		if num(m["size"]) == 0 {
			m["size"] = float64(num(m["image_size"]))
		}
	}
	setState(p, "stopped")
	if p["autoboot"] == true {
		setState(p, "running")
	}
	e.st.VMs[id] = p
	e.touched = id
	fmt.Fprintf(e.stderr, "Successfully created VM %s\n", id)
	return nil
}

func setState(vm map[string]any, s string) {
	vm["state"] = s
	vm["zone_state"] = map[string]string{"running": "running", "stopped": "installed"}[s]
}

func vmLookup(e *env, args []string) error {
	fl, ops := flags(args, "o")
	var fields []string
	if o, ok := fl["o"]; ok {
		fields = strings.Split(o, ",")
	}
	var out []any
	var ids []string
	for _, id := range e.st.sortedVMs() {
		vm := e.st.VMs[id]
		match := true
		for _, f := range ops {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				return usage("vmadm lookup [-j] [-o field,...] [field=value ...]")
			}
			match = match && fmt.Sprint(vm[k]) == v
		}
		if !match {
			continue
		}
		ids = append(ids, id)
		if fields == nil {
			out = append(out, vm)
			continue
		}
		sel := map[string]any{}
		for _, f := range fields {
			if v, ok := vm[f]; ok {
				sel[f] = v
			}
		}
		out = append(out, sel)
	}
	if !has(fl, "j") {
		for _, id := range ids {
			fmt.Fprintln(e.stdout, id)
		}
		return nil
	}
	if out == nil {
		out = []any{}
	}
	return writeJSON(e.stdout, out)
}

func (e *env) power(cmd string, args []string, to string) error {
	vm, err := e.vm(cmd, args)
	if err != nil {
		return err
	}
	id := str(vm["uuid"])
	switch {
	case cmd == "start" && vm["state"] == "running":
		return fail("Unable to start VM %s: VM is already running", id)
	case cmd == "stop" && vm["state"] != "running":
		return fail("Unable to stop VM %s: VM is already not 'running' (currently: %s)", id, vm["state"])
	case cmd == "reboot" && vm["state"] != "running":
		return fail("Unable to reboot VM %s: VM is not running", id)
	}
	setState(vm, to)
	e.touched = id
	fmt.Fprintf(e.stderr, "Successfully completed %s for VM %s\n", cmd, id)
	return nil
}

func vmDelete(e *env, args []string) error {
	vm, err := e.vm("delete", args)
	if err != nil {
		return err
	}
	id := str(vm["uuid"])
	for _, ds := range vmDatasets(vm) {
		delete(e.st.Snapshots, ds)
	}
	delete(e.st.VMs, id)
	fmt.Fprintf(e.stderr, "Successfully deleted VM %s\n", id)
	return nil
}

var scalarUpdates = []string{
	"alias", "hostname", "autoboot", "resolvers", "ram", "vcpus", "max_physical_memory", "max_locked_memory",
	"max_swap", "quota", "cpu_cap", "cpu_shares", "zfs_io_priority", "owner_uuid", "package_name",
}

func vmUpdate(e *env, args []string) error {
	_, ops := flags(args, "f")
	if len(ops) < 1 {
		return usage("vmadm update <uuid> [-f <filename>]")
	}
	vm, err := e.vm("update", ops[:1])
	if err != nil {
		return err
	}
	p, err := readPayload(e, args)
	if err != nil {
		return err
	}
	for _, k := range scalarUpdates {
		if v, ok := p[k]; ok {
			vm[k] = v
		}
	}
	for _, kind := range []string{"customer_metadata", "internal_metadata"} {
		m, _ := vm[kind].(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		set, _ := p["set_"+kind].(map[string]any)
		for k, v := range set {
			m[k] = v
		}
		rm, _ := p["remove_"+kind].([]any)
		for _, k := range rm {
			delete(m, str(k))
		}
		vm[kind] = m
	}
	updateNICs(e.st, vm, p)
	routes, _ := vm["routes"].(map[string]any)
	if routes == nil {
		routes = map[string]any{}
	}
	set, _ := p["set_routes"].(map[string]any)
	for k, v := range set {
		routes[k] = v
	}
	rm, _ := p["remove_routes"].([]any)
	for _, k := range rm {
		delete(routes, str(k))
	}
	if len(routes) > 0 {
		vm["routes"] = routes
	}
	ups, _ := p["update_disks"].([]any)
	disks, _ := vm["disks"].([]any)
	for _, u := range ups {
		um, _ := u.(map[string]any)
		for _, d := range disks {
			if dm, _ := d.(map[string]any); dm != nil && um != nil && str(dm["path"]) == str(um["path"]) {
				dm["size"] = um["size"]
			}
		}
	}
	fmt.Fprintf(e.stderr, "Successfully updated VM %s\n", str(vm["uuid"]))
	return nil
}

func updateNICs(st *state, vm, p map[string]any) {
	nics, _ := vm["nics"].([]any)
	rm, _ := p["remove_nics"].([]any)
	kept := []any{}
	for _, n := range nics {
		m, _ := n.(map[string]any)
		drop := false
		for _, mac := range rm {
			drop = drop || (m != nil && str(m["mac"]) == str(mac))
		}
		if !drop {
			kept = append(kept, n)
		}
	}
	ups, _ := p["update_nics"].([]any)
	for _, u := range ups {
		um, _ := u.(map[string]any)
		for _, n := range kept {
			if m, _ := n.(map[string]any); m != nil && um != nil && str(m["mac"]) == str(um["mac"]) {
				for k, v := range um {
					m[k] = v
				}
			}
		}
	}
	adds, _ := p["add_nics"].([]any)
	for _, a := range adds {
		m, _ := a.(map[string]any)
		if m == nil {
			continue
		}
		if str(m["mac"]) == "" {
			m["mac"] = st.mac()
		}
		if str(m["interface"]) == "" {
			m["interface"] = fmt.Sprintf("net%d", len(kept))
		}
		kept = append(kept, m)
	}
	if len(kept) > 0 || nics != nil {
		vm["nics"] = kept
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
