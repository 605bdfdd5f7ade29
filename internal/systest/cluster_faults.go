package systest

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

// Partition splits the cluster's network into groups of member names:
// members of different groups cannot talk, members of one group can, a
// member named in no group talks to everyone (netfault.Network.Partition).
// It replaces the previous partition.
func (c *Cluster) Partition(groups ...[]string) {
	c.t.Helper()
	if err := c.Net.Partition(groups...); err != nil {
		c.t.Fatal(err)
	}
}

// Heal restores every pair of members.
func (c *Cluster) Heal() { c.Net.Heal() }

// Node returns the control node named name.
func (c *Cluster) Node(name string) *Node {
	c.t.Helper()
	for _, n := range c.Nodes {
		if n.Name == name {
			return n
		}
	}
	c.t.Fatalf("systest: no control node %s", name)
	return nil
}

// proc returns the current process of member name.
func (c *Cluster) proc(name string) *Proc {
	c.t.Helper()
	for _, n := range c.Nodes {
		if n.Name == name {
			return n.Proc
		}
	}
	for _, a := range c.Chunters {
		if a.Name == name {
			return a.Proc
		}
	}
	c.t.Fatalf("systest: no member %s", name)
	return nil
}

// Stop freezes member name with SIGSTOP and waits until it is stopped:
// its sockets stay open but it answers nothing, like a hung host.
func (c *Cluster) Stop(name string) {
	c.t.Helper()
	p := c.proc(name)
	if err := p.Cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		c.t.Fatalf("systest: stop %s: %v", name, err)
	}
	WaitFor(c.t, StartTimeout, name+" stopped", func() bool { return p.state() == 'T' })
}

// Cont resumes member name with SIGCONT and waits until it runs again.
func (c *Cluster) Cont(name string) {
	c.t.Helper()
	p := c.proc(name)
	if err := p.Cmd.Process.Signal(syscall.SIGCONT); err != nil {
		c.t.Fatalf("systest: cont %s: %v", name, err)
	}
	WaitFor(c.t, StartTimeout, name+" running", func() bool { s := p.state(); return s != 'T' && s != 't' })
}

// Stopped reports whether member name is stopped by a signal.
func (c *Cluster) Stopped(name string) bool { return c.proc(name).state() == 'T' }

// Kill kills member name with SIGKILL and waits for the process to end.
func (c *Cluster) Kill(name string) {
	c.t.Helper()
	c.proc(name).Kill()
}

// Restart starts member name again (after killing it if it still runs)
// with its name, ports, data directory and routes, and waits until it is
// ready.
func (c *Cluster) Restart(name string) {
	c.t.Helper()
	c.proc(name).Kill()
	for _, n := range c.Nodes {
		if n.Name == name {
			n.Start()
			return
		}
	}
	for _, a := range c.Chunters {
		if a.Name == name {
			a.Start()
			return
		}
	}
}

// state is the process's state letter in /proc/<pid>/stat (R, S, D, T,
// Z, …); 0 once the process has ended or the state cannot be read.
func (p *Proc) state() byte {
	if p.Exited() {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.Cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// "pid (comm) S ...": comm may hold spaces and parentheses.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return 0
	}
	return s[i+2]
}
