package main

import (
	"fmt"
	"slices"
	"strings"
)

func zfs(e *env) error {
	if len(e.args) == 0 {
		return usage("zfs <command> [options]")
	}
	sub, args := e.args[0], e.args[1:]
	switch sub {
	case "list":
		return zfsList(e, args)
	case "snapshot":
		return zfsSnapshot(e, args)
	case "destroy":
		return zfsDestroy(e, args)
	case "rollback":
		return zfsRollback(e, args)
	}
	return usage("zfs: unknown command %q", sub)
}

func splitSnap(s string) (ds, name string, ok bool) {
	ds, name, ok = strings.Cut(s, "@")
	return ds, name, ok && ds != "" && name != ""
}

func zfsList(e *env, args []string) error {
	fl, ops := flags(args, "tosd")
	if fl["t"] != "snapshot" || fl["o"] != "name,creation,used" || !has(fl, "H") || !has(fl, "p") {
		return usage("fake zfs list supports only -Hp -t snapshot -o name,creation,used [-s creation] [-d 1] <dataset>...")
	}
	all := e.st.datasets()
	for _, ds := range ops {
		if _, ok := all[ds]; !ok {
			return fail("cannot open '%s': dataset does not exist", ds)
		}
		for _, s := range e.st.Snapshots[ds] {
			fmt.Fprintf(e.stdout, "%s@%s\t%d\t%d\n", ds, s.Name, s.Creation, s.Used)
		}
	}
	return nil
}

func zfsSnapshot(e *env, args []string) error {
	_, ops := flags(args, "o")
	if len(ops) == 0 {
		return usage("zfs snapshot <dataset>@<name>...")
	}
	all := e.st.datasets()
	for _, op := range ops {
		ds, name, ok := splitSnap(op)
		if !ok {
			return fail("cannot create snapshot '%s': invalid name", op)
		}
		if _, ok := all[ds]; !ok {
			return fail("cannot open '%s': dataset does not exist", ds)
		}
		if slices.ContainsFunc(e.st.Snapshots[ds], func(s snap) bool { return s.Name == name }) {
			return fail("cannot create snapshot '%s': dataset already exists", op)
		}
	}
	now := e.st.tick()
	for _, op := range ops {
		ds, name, _ := splitSnap(op)
		e.st.Snapshots[ds] = append(e.st.Snapshots[ds], snap{Name: name, Creation: now, Used: 0})
	}
	return nil
}

func snapIndex(st *state, op string) (ds string, i int, err error) {
	ds, name, ok := splitSnap(op)
	if !ok {
		return "", 0, fail("cannot open '%s': invalid snapshot name", op)
	}
	i = slices.IndexFunc(st.Snapshots[ds], func(s snap) bool { return s.Name == name })
	return ds, i, nil
}

func zfsDestroy(e *env, args []string) error {
	_, ops := flags(args, "")
	if len(ops) != 1 {
		return usage("zfs destroy [-fr] <dataset>@<name>")
	}
	ds, i, err := snapIndex(e.st, ops[0])
	if err != nil {
		return err
	}
	if i < 0 {
		return fail("could not find any snapshots to destroy; check snapshot names.")
	}
	e.st.Snapshots[ds] = slices.Delete(e.st.Snapshots[ds], i, i+1)
	return nil
}

func zfsRollback(e *env, args []string) error {
	fl, ops := flags(args, "")
	if len(ops) != 1 {
		return usage("zfs rollback [-r] <dataset>@<name>")
	}
	ds, i, err := snapIndex(e.st, ops[0])
	if err != nil {
		return err
	}
	if i < 0 {
		return fail("cannot open '%s': dataset does not exist", ops[0])
	}
	if i < len(e.st.Snapshots[ds])-1 && !has(fl, "r") {
		return fail("cannot rollback to '%s': more recent snapshots or bookmarks exist\nuse '-r' to force deletion of the following snapshots and bookmarks:", ops[0])
	}
	e.st.Snapshots[ds] = e.st.Snapshots[ds][:i+1]
	return nil
}
