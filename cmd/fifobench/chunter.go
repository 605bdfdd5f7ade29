package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/supervisors"
)

// benchChunter measures the resident memory of an idle `chunter start
// --driver sim` process holding N simulated VMs, against the same process
// holding none (the baseline, measured first in the same run). The
// control node is this process.
func benchChunter(w io.Writer, dir string, quick bool) error {
	vms := 100
	if quick {
		vms = 20
	}
	sn, err := startStore(filepath.Join(dir, "chunter-ctl"))
	if err != nil {
		return err
	}
	defer sn.stop()
	ctx := context.Background()
	rcv, err := client.NewReceiver(client.ReceiverOptions{Control: nopControl{}})
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	app := rcv.App("bench")
	if err := supervisors.StartApp(sctx, sn.node, app); err != nil {
		return err
	}
	defer supervisors.StopApp(ctx, sn.node, app)

	bin := filepath.Join(dir, "chunter")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/chunter")
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // as `make build` builds it
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build chunter: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "chunter-data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(data, "cookie"), []byte("bench\n"), 0o600); err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, "start", "--driver", "sim", "--join", sn.node.Name(), "--data-dir", data,
		"--node-name", fmt.Sprintf("chunterbench%d@127.0.0.1", port), "--dist-port", fmt.Sprint(port),
		"--epmd-port", fmt.Sprint(sn.epmd), "--sim-memory-mb", "1048576", "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()

	var addr client.Addr
	for deadline := time.Now().Add(time.Minute); ; {
		if as := rcv.Agents(); len(as) == 1 {
			addr = as[0].Addr
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("chunter bench: the agent never registered")
		}
		time.Sleep(20 * time.Millisecond)
	}
	settle := func() (int64, error) {
		time.Sleep(3 * time.Second) // idle: let the agent's GC run down
		return rssKB(cmd.Process.Pid)
	}
	empty, err := settle()
	if err != nil {
		return err
	}
	c := client.New(sn.node)
	img := "99999999-9999-4999-8999-999999999999"
	if err := c.ImportImage(ctx, addr, driver.ImageImport{Manifest: driver.Image{UUID: img}}); err != nil {
		return err
	}
	for i := range vms {
		spec := driver.Spec{UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Brand: "joyent", ImageUUID: img,
			Alias: fmt.Sprint("vm", i), MaxPhysicalMemory: 1024, Quota: 10, Autoboot: true,
			NICs: []driver.NIC{{Interface: "net0", NICTag: "admin", IP: fmt.Sprintf("10.0.%d.%d", i/250, i%250+2), Netmask: "255.255.0.0"}}}
		if err := c.Create(ctx, addr, spec); err != nil {
			return fmt.Errorf("chunter bench: create %d: %w", i, err)
		}
	}
	full, err := settle()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nchunter resident memory, idle (`chunter start --driver sim`, registered with this process)\n")
	fmt.Fprintf(w, "VMs\tRSS\tbaseline RSS (0 VMs)\tratio\t\n")
	fmt.Fprintf(w, "%d\t%.1f MB\t%.1f MB\t%.2f\t\n", vms, float64(full)/1024, float64(empty)/1024, float64(full)/float64(empty))
	return nil
}

// rssKB reads a process's resident set size from /proc.
func rssKB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}

// nopControl accepts every agent report.
type nopControl struct{}

func (nopControl) OnRegister(context.Context, client.Registration) error { return nil }
func (nopControl) OnHeartbeat(context.Context, client.Heartbeat) error   { return nil }
func (nopControl) OnVMState(context.Context, client.VMState) error       { return nil }
func (nopControl) OnVMList(context.Context, client.VMList) error         { return nil }
