package crdt

import "fmt"

// SampleMap returns a realistic record-sized map for benchmarks: a VM-like
// record written by two actors, with 15 register fields, two sets, a counter
// map and nested maps. It is deterministic: every call returns an equal map.
func SampleMap() *ORMap {
	const a, b = "fifo@10.0.0.1/vnode-17", "fifo@10.0.0.2/vnode-17"
	m := &ORMap{}
	ts := Timestamp{Wall: 1_700_000_000_000_000_000, Node: a}
	tick := func() Timestamp { ts.Logical++; return ts }
	val := func(v any) []byte {
		bs, err := valueEnc.Marshal(v)
		if err != nil {
			panic(fmt.Sprintf("crdt: sample value: %v", err))
		}
		return bs
	}
	fields := []struct {
		key string
		v   any
	}{
		{"uuid", "6f1c2a3e-9d2b-4c1f-8a55-0e3b7c9d1f20"},
		{"alias", "web-01"},
		{"owner", "2b9e7c4a-1f3d-4e8b-9c6a-5d7e8f9a0b1c"},
		{"created_at", 1_700_000_000},
		{"created_by", "a4f3e2d1-c0b9-4a87-9654-3210fedcba98"},
		{"vm_type", "zone"},
		{"dataset", "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"},
		{"package", "5c4c1b2e-8f3a-4d6e-b7a9-0c1d2e3f4a5b"},
		{"hypervisor", "44454c4c-4800-1034-804a-b2c04f354d31"},
		{"state", "running"},
		{"deleting", false},
		{"creating", false},
		{"manage_fw", true},
		{"error", ""},
		{"hostname", "web-01.example.com"},
	}
	for i, f := range fields {
		actor := a
		if i%3 == 0 {
			actor = b
		}
		m.SetLWW(actor, f.key, tick(), val(f.v))
	}
	for i := range 5 {
		entry := val([]any{1_700_000_000_000_000 + i, fmt.Sprintf("step %d done", i)})
		m.UpdateSet("logs", func(s *ORSet) ORSet { return s.Add(a, string(entry)) })
	}
	for _, g := range []string{"cluster-a", "stack-b"} {
		m.UpdateSet("groupings", func(s *ORSet) ORSet { return s.Add(b, g) })
	}
	m.UpdateMap("metadata", func(md *ORMap) ORMap {
		d := md.SetLWW(a, "owner_note", tick(), val("prod"))
		d2 := md.UpdateMap("jingles", func(j *ORMap) ORMap {
			return j.SetLWW(a, "color", tick(), val("#ff8800"))
		})
		d.Merge(&d2)
		return d
	})
	m.UpdateMap("config", func(cfg *ORMap) ORMap {
		d := ORMap{}
		for _, kv := range []struct {
			k string
			v any
		}{{"ram", 2048}, {"quota", 20}, {"cpu_cap", 100}, {"autoboot", true}} {
			dk := cfg.SetLWW(b, kv.k, tick(), val(kv.v))
			d.Merge(&dk)
		}
		return d
	})
	m.UpdateMap("resources", func(r *ORMap) ORMap {
		d := r.UpdateCounter("vms", func(c *PNCounter) PNCounter { return c.Inc(a, 3) })
		d2 := r.UpdateCounter("ram", func(c *PNCounter) PNCounter { return c.Inc(b, 2048) })
		d.Merge(&d2)
		return d
	})
	return m
}
