package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

func imgadm(e *env) error {
	if len(e.args) == 0 {
		return usage("imgadm <command> [options]")
	}
	sub, args := e.args[0], e.args[1:]
	switch sub {
	case "get":
		_, ops := flags(args, "P")
		if len(ops) != 1 {
			return usage("imgadm get <uuid>")
		}
		m := e.st.Images[ops[0]]
		if m == nil {
			return fail(`imgadm get: error (ImageNotInstalled): image "%s" was not found on zpool "zones"`, ops[0])
		}
		return writeJSON(e.stdout, map[string]any{"manifest": m, "zpool": "zones"})
	case "list":
		fl, _ := flags(args, "o")
		if !has(fl, "j") {
			return usage("fake imgadm list supports only -j")
		}
		ids := make([]string, 0, len(e.st.Images))
		for id := range e.st.Images {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		out := []any{}
		for _, id := range ids {
			out = append(out, map[string]any{"manifest": e.st.Images[id], "zpool": "zones"})
		}
		return writeJSON(e.stdout, out)
	case "import":
		fl, ops := flags(args, "SP")
		if len(ops) != 1 {
			return usage("imgadm import [-q] [-S <source>] <uuid>")
		}
		id := ops[0]
		if e.st.Images[id] != nil {
			fmt.Fprintf(e.stdout, "Image %s is already installed, skipping\n", id)
			return nil
		}
		e.st.Images[id] = map[string]any{
			"v": 2, "uuid": id, "name": "image-" + id[:min(8, len(id))], "version": "1.0.0",
			"type": "zone-dataset", "os": "smartos", "state": "active", "source": fl["S"],
		}
		fmt.Fprintf(e.stdout, "Imported image %s\n", id)
		return nil
	case "install":
		fl, _ := flags(args, "mfP")
		if fl["m"] == "" || fl["f"] == "" {
			return usage("imgadm install -m <manifest> -f <file>")
		}
		b, err := os.ReadFile(fl["m"])
		if err != nil {
			return fail("imgadm install: error: cannot read manifest: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil || str(m["uuid"]) == "" {
			return fail("imgadm install: error: invalid manifest %s", fl["m"])
		}
		if _, err := os.Stat(fl["f"]); err != nil {
			return fail("imgadm install: error: cannot read file: %v", err)
		}
		e.st.Images[str(m["uuid"])] = m
		fmt.Fprintf(e.stdout, "Installed image %s\n", str(m["uuid"]))
		return nil
	}
	return usage("imgadm: unknown command %q", sub)
}
