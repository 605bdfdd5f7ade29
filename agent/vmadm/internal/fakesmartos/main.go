// Command fakesmartos stands in for the SmartOS tools the vmadm driver
// runs (vmadm, zoneadm, zfs, zpool, imgadm, sysinfo, svcs) in tests on hosts that
// are not SmartOS. One binary serves them all: it acts as the tool named
// by the base name of its argv[0] (tests symlink it under each name), or
// by its first argument.
//
// State lives in JSON files in the directory named by FAKESMARTOS_DIR,
// shared by every invocation under a file lock:
//
//   - state.json: VMs (as `vmadm get` shows them), images, snapshots;
//   - sysinfo.json (optional, written by tests): keys merged over the
//     default sysinfo document, e.g. {"MiB of Memory": "4096"};
//   - faults.json (optional, written by tests): a list of
//     {"cmd", "sub", "exit", "stderr", "hang", "apply", "state", "times"}
//     that make the next matching invocations fail with that exit code and
//     message, hang until killed, or (apply) do their work and fail anyway,
//     leaving the VM they worked on in state (e.g. "failed") if given;
//   - calls.log: one JSON array per invocation, its argv.
//
// It honours the tools' contracts as the driver relies on them: JSON on
// stdin for vmadm create and update, "Successfully created VM <uuid>" on
// stderr, JSON from get, lookup -j and imgadm list -j, colon-separated
// zoneadm list -pc, tab-separated
// parsable output from zfs list -Hp and zpool list -Hp, exit 1 with a
// message on failure and 2 on a usage error.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// exitError ends the invocation with a code and a message on stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func fail(format string, args ...any) error {
	return &exitError{code: 1, msg: fmt.Sprintf(format, args...)}
}

func usage(format string, args ...any) error {
	return &exitError{code: 2, msg: "usage: " + fmt.Sprintf(format, args...)}
}

// env is one invocation.
type env struct {
	dir     string
	args    []string // after the tool's name
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	st      *state
	touched string // the VM the command created or changed
}

var tools = map[string]func(*env) error{
	"vmadm":   vmadm,
	"zfs":     zfs,
	"zpool":   zpool,
	"imgadm":  imgadm,
	"sysinfo": sysinfo,
	"svcs":    svcs,
	"zoneadm": zoneadm,
}

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

func run(argv []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name, args := filepath.Base(argv[0]), argv[1:]
	if _, ok := tools[name]; !ok && len(args) > 0 {
		name, args = args[0], args[1:]
	}
	tool, ok := tools[name]
	if !ok {
		fmt.Fprintf(stderr, "fakesmartos: unknown tool %q\n", name)
		return 2
	}
	dir := os.Getenv("FAKESMARTOS_DIR")
	if dir == "" {
		fmt.Fprintln(stderr, "fakesmartos: FAKESMARTOS_DIR is not set")
		return 2
	}
	unlock, err := lockDir(dir)
	if err != nil {
		fmt.Fprintf(stderr, "fakesmartos: lock: %v\n", err)
		return 1
	}
	logCall(dir, append([]string{name}, args...))
	f, err := takeFault(dir, name, args)
	if err != nil {
		unlock()
		fmt.Fprintf(stderr, "fakesmartos: faults: %v\n", err)
		return 1
	}
	if f != nil && f.Hang {
		unlock()
		for { // until the caller kills us
			time.Sleep(time.Hour)
		}
	}
	st, err := load(dir)
	if err != nil {
		unlock()
		fmt.Fprintf(stderr, "fakesmartos: state: %v\n", err)
		return 1
	}
	e := &env{dir: dir, args: args, stdin: stdin, stdout: stdout, stderr: stderr, st: st}
	if f != nil && !f.Apply {
		unlock()
		fmt.Fprintln(stderr, f.Stderr)
		return f.Exit
	}
	err = tool(e)
	if f != nil && f.State != "" && e.st.VMs[e.touched] != nil {
		e.st.VMs[e.touched]["state"] = f.State // a fault that leaves the VM in a state
	}
	if err == nil || f != nil {
		if serr := st.save(dir); serr != nil && err == nil {
			err = serr
		}
	}
	unlock()
	if f != nil {
		fmt.Fprintln(stderr, f.Stderr)
		return f.Exit
	}
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		fmt.Fprintln(stderr, ee.msg)
		return ee.code
	default:
		fmt.Fprintln(stderr, err)
		return 1
	}
}

func logCall(dir string, argv []string) {
	b, _ := json.Marshal(argv)
	f, err := os.OpenFile(filepath.Join(dir, "calls.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	f.Write(append(b, '\n'))
}

// flags splits args into flags (with the values of those in valued) and
// operands.
func flags(args []string, valued string) (map[string]string, []string) {
	fl := map[string]string{}
	var ops []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			ops = append(ops, a)
			continue
		}
		name := a[1:]
		if strings.Contains(valued, name) && i+1 < len(args) {
			fl[name] = args[i+1]
			i++
			continue
		}
		for _, c := range name { // combined flags: -Hp
			fl[string(c)] = ""
		}
	}
	return fl, ops
}

func has(fl map[string]string, name string) bool { _, ok := fl[name]; return ok }
