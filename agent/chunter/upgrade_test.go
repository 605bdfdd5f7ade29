package chunter_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/fifogo/fifo/agent/chunter"
	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/client/clienttest"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/proto"
	"github.com/fifogo/fifo/agent/sim"
	"github.com/fifogo/fifo/agent/upgrade"
)

// fakeBinary is a shell script that reports version v, padded to span
// several chunks.
func fakeBinary(v string) []byte {
	var b bytes.Buffer
	b.WriteString("#!/bin/sh\necho \"chunter fifo " + v + " (commit test)\"\nexit 0\n")
	for b.Len() < 300<<10 {
		b.WriteString("# padding padding padding padding padding padding padding\n")
	}
	return b.Bytes()
}

func hexSum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// Over ergo distribution: the control node asks what the agent runs,
// pushes a binary in chunks (a wrong checksum is refused with
// ErrInvalid and leaves nothing), and switches: the agent checks the
// binary runs and reports its version, records the trial, answers, and
// only then executes it. A switch to a binary it does not hold, or to the
// version it runs, is refused; an agent without an Upgrader (inside a
// fifo node) refuses binaries as unsupported.
func TestUpgradeRemote(t *testing.T) {
	if goruntime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	registrar(t)
	ctl := node(t)
	agentNode := node(t)
	_, rec := clienttest.StartReceiver(t, ctl)
	store, err := upgrade.NewStore(upgrade.StoreOptions{Dir: filepath.Join(t.TempDir(), "releases")})
	if err != nil {
		t.Fatal(err)
	}
	execs := make(chan string, 1)
	up, err := chunter.NewUpgrader(chunter.UpgraderOptions{Store: store, Version: "test", Exe: "/old/chunter",
		Exec: func(p string) { execs <- p }})
	if err != nil {
		t.Fatal(err)
	}
	o := fastOptions(hv1, newSim(t, hv1, sim.Options{}), ctl.Name())
	o.Upgrader = up
	a, err := chunter.New(o)
	if err != nil {
		t.Fatal(err)
	}
	inNode := newAgent(t, hv2, newSim(t, hv2, sim.Options{}), ctl.Name())
	startApp(t, agentNode, a, inNode)
	waitSessions(t, rec, hv1, 1)

	ctx := ctx30(t)
	c := client.New(ctl)
	addr := client.Addr{Node: agentNode.Name(), HV: hv1}
	st, err := c.UpgradeInfo(ctx, addr)
	if err != nil || st.Version != "test" || !st.Upgradable || st.OS != goruntime.GOOS || st.Arch != goruntime.GOARCH ||
		st.PID != int64(os.Getpid()) || st.Exe != "/old/chunter" || st.Trial != "" || st.Last != nil {
		t.Fatalf("info %+v %v", st, err)
	}

	bin := fakeBinary("2.0.0")
	wrong := hexSum([]byte("another binary"))
	_, err = c.PushBinary(ctx, addr, "2.0.0", int64(len(bin)), wrong, bytes.NewReader(bin), client.PushOptions{ChunkSize: 64 << 10})
	if !errors.Is(err, driver.ErrInvalid) || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("wrong checksum: %v", err)
	}
	if _, err := os.Stat(store.BinaryPath("2.0.0")); !os.IsNotExist(err) {
		t.Fatalf("refused binary kept: %v", err)
	}
	if err := c.SwitchBinary(ctx, addr, "2.0.0", hexSum(bin)); !errors.Is(err, driver.ErrInvalid) {
		t.Fatalf("switch to a binary not received: %v", err)
	}

	res, err := c.PushBinary(ctx, addr, "2.0.0", int64(len(bin)), hexSum(bin), bytes.NewReader(bin), client.PushOptions{ChunkSize: 64 << 10})
	if err != nil || res.Chunks != 5 || res.Retries != 0 {
		t.Fatalf("push: %+v %v", res, err)
	}
	if got, _ := os.ReadFile(store.BinaryPath("2.0.0")); !bytes.Equal(got, bin) {
		t.Fatal("binary differs")
	}
	if err := c.SwitchBinary(ctx, addr, "test", hexSum(bin)); !errors.Is(err, driver.ErrInvalid) {
		t.Fatalf("switch to the running version: %v", err)
	}
	if err := c.SwitchBinary(ctx, addr, "2.0.0", hexSum(bin)); err != nil {
		t.Fatalf("switch: %v", err)
	}
	if p := <-execs; p != store.BinaryPath("2.0.0") {
		t.Fatalf("executed %q", p)
	}
	tr, err := store.Trial()
	if err != nil || tr == nil || tr.From != "test" || tr.FromExe != "/old/chunter" || tr.To != "2.0.0" {
		t.Fatalf("trial %+v %v", tr, err)
	}
	if err := c.SwitchBinary(ctx, addr, "2.0.0", hexSum(bin)); !errors.Is(err, driver.ErrInvalid) {
		t.Fatalf("second switch during a trial: %v", err)
	}

	inAddr := client.Addr{Node: agentNode.Name(), HV: hv2}
	if st, err := c.UpgradeInfo(ctx, inAddr); err != nil || st.Upgradable {
		t.Fatalf("in-node agent info %+v %v", st, err)
	}
	if _, err := c.PushBinary(ctx, inAddr, "2.0.0", int64(len(bin)), hexSum(bin), bytes.NewReader(bin), client.PushOptions{}); !errors.Is(err, proto.ErrUnsupported) {
		t.Fatalf("in-node agent took a binary: %v", err)
	}
}
