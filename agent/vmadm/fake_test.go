package vmadm

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver/drivertest"
)

// fakeBin is the fakesmartos binary TestMain builds.
var fakeBin string

var tools = []string{"vmadm", "zoneadm", "zfs", "zpool", "imgadm", "sysinfo", "svcs"}

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "fakesmartos-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		if runtime.GOOS == "windows" {
			fmt.Fprintln(os.Stderr, "the fakes need symlinks and file locks: skipping on windows")
			return 0
		}
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		fakeBin = filepath.Join(dir, "fakesmartos")
		build := exec.Command(goTool, "build", "-o", fakeBin, "./internal/fakesmartos")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building the fakes:", err)
			return 1
		}
		return m.Run()
	}())
}

// fakeHost is a Driver over the fakes, with the fakes' state directory.
type fakeHost struct {
	t     *testing.T
	state string // FAKESMARTOS_DIR
	bin   string // symlinks named after the tools
	opts  Options
	d     *Driver
}

// newFake returns a driver over a fresh fake host of memMB memory; edit
// may change the options.
func newFake(t *testing.T, memMB int64, edit ...func(*Options)) *fakeHost {
	t.Helper()
	root := t.TempDir()
	f := &fakeHost{t: t, state: filepath.Join(root, "state"), bin: filepath.Join(root, "bin")}
	for _, dir := range []string{f.state, f.bin} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tool := range tools {
		if err := os.Symlink(fakeBin, filepath.Join(f.bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	f.writeJSON("sysinfo.json", map[string]any{"MiB of Memory": fmt.Sprint(memMB)})
	f.opts = Options{
		BinDir:         f.bin,
		Runner:         &ExecRunner{Env: []string{"FAKESMARTOS_DIR=" + f.state}},
		PollInterval:   50 * time.Millisecond,
		TempDir:        root,
		CommandTimeout: drivertest.Timeout,
	}
	for _, e := range edit {
		e(&f.opts)
	}
	d, err := New(f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.d = d
	return f
}

func (f *fakeHost) writeJSON(name string, v any) {
	f.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.state, name), b, 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// fault describes a fault of the fakes (see fakesmartos).
type fault struct {
	Cmd    string `json:"cmd"`
	Sub    string `json:"sub,omitempty"`
	Exit   int    `json:"exit,omitempty"`
	Stderr string `json:"stderr,omitempty"`
	Hang   bool   `json:"hang,omitempty"`
	Apply  bool   `json:"apply,omitempty"`
	State  string `json:"state,omitempty"`
	Times  int    `json:"times,omitempty"`
}

func (f *fakeHost) faults(fs ...fault) { f.writeJSON("faults.json", fs) }

// calls returns the argv of every invocation so far.
func (f *fakeHost) calls() [][]string {
	f.t.Helper()
	file, err := os.Open(filepath.Join(f.state, "calls.log"))
	if err != nil {
		f.t.Fatal(err)
	}
	defer file.Close()
	var out [][]string
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		var argv []string
		if err := json.Unmarshal(sc.Bytes(), &argv); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, argv)
	}
	return out
}

// tool runs a fake tool directly, behind the driver's back (a change made
// on the host by someone else).
func (f *fakeHost) tool(stdin string, argv ...string) string {
	f.t.Helper()
	r := &ExecRunner{Env: []string{"FAKESMARTOS_DIR=" + f.state}}
	res, err := r.Run(context.Background(), Command{Path: filepath.Join(f.bin, argv[0]), Args: argv[1:], Stdin: []byte(stdin)})
	if err != nil || res.ExitCode != 0 {
		f.t.Fatalf("%v: %v, exit %d: %s", argv, err, res.ExitCode, res.Stderr)
	}
	return string(res.Stdout)
}
