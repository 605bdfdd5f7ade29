package releases

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/config"
	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
)

// The crash test runs a real node (this package's Run, as `fifo start`
// does) in a child process: many goroutines write VM records through the
// store and print each acknowledged write. The parent SIGKILLs the child
// mid-load, starts a new node process on the same data directory and has
// it read back every acknowledged record.

const (
	crashModeEnv = "FIFO_TEST_CRASH_MODE" // "load" or "verify"
	crashAcksEnv = "FIFO_TEST_CRASH_ACKS" // verify: file of "id alias" lines
	crashWriters = 32
	crashAcks    = 3000 // acknowledged writes to see before the kill
)

func TestSIGKILLKeepsAcknowledgedWrites(t *testing.T) {
	if os.Getenv(crashModeEnv) != "" {
		t.Skip("inside a child")
	}
	data := filepath.Join(t.TempDir(), "data")
	env := crashEnv(t, data)

	// 1. Load, then SIGKILL once enough writes are acknowledged.
	load := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
	load.Env = append(append([]string(nil), env...), crashModeEnv+"=load")
	out, err := load.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	load.Stderr = &lockedBuilder{b: &stderr}
	if err := load.Start(); err != nil {
		t.Fatal(err)
	}
	acks := map[string]string{}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || f[0] != "ack" {
			continue
		}
		acks[f[1]] = f[2]
		if len(acks) == crashAcks && !killed {
			if err := load.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	// Lines already in the pipe when the kill landed were acknowledged
	// too: the scan above read them to EOF.
	load.Wait()
	if !killed {
		t.Fatalf("child ended after %d acks without being killed\n%s", len(acks), stderr.String())
	}
	t.Logf("%d writes acknowledged before SIGKILL", len(acks))

	// 2. Restart on the same data dir and read everything back.
	ackFile := filepath.Join(t.TempDir(), "acks")
	var lines []string
	for id, alias := range acks {
		lines = append(lines, id+" "+alias)
	}
	if err := os.WriteFile(ackFile, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	verify := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
	verify.Env = append(append([]string(nil), env...), crashModeEnv+"=verify", crashAcksEnv+"="+ackFile)
	res, err := verify.CombinedOutput()
	if err != nil {
		t.Fatalf("verify child: %v\n%s", err, res)
	}
	want := fmt.Sprintf("verified %d of %d", len(acks), len(acks))
	if !strings.Contains(string(res), want) {
		t.Fatalf("verify child did not report %q:\n%s", want, res)
	}
}

// TestCrashChild is the child process of the crash test.
func TestCrashChild(t *testing.T) {
	mode := os.Getenv(crashModeEnv)
	if mode == "" {
		t.Skip("runs only as the child of TestSIGKILLKeepsAcknowledgedWrites")
	}
	cfg, err := config.Load("", os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var result error
	err = Run(ctx, cfg, logger, Hooks{OnReady: func(env *Env) {
		switch mode {
		case "load":
			go crashLoad(ctx, env)
		case "verify":
			go func() {
				result = crashVerify(ctx, env, os.Getenv(crashAcksEnv), os.Stdout)
				cancel()
			}()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if result != nil {
		t.Fatal(result)
	}
}

// crashLoad writes VM records from many goroutines forever, printing
// "ack <id> <alias>" after each acknowledged write.
func crashLoad(ctx context.Context, env *Env) {
	var mu sync.Mutex
	for w := 0; w < crashWriters; w++ {
		go func(w int) {
			clock := crdt.NewClock(fmt.Sprintf("w%02d", w), func() int64 { return time.Now().UnixNano() })
			for i := 0; ctx.Err() == nil; i++ {
				id := fmt.Sprintf("vm-%02d-%06d", w, i)
				alias := fmt.Sprintf("alias-%d-%d", w, i)
				rec, err := record.NewVM(record.Stamp{Actor: clock.Node(), TS: clock.Now()},
					record.VM{UUID: id, Alias: alias, State: "running", Metadata: map[string]any{"n": int64(i)}})
				if err != nil {
					panic(err)
				}
				b, err := record.Marshal(rec)
				if err != nil {
					panic(err)
				}
				if _, err := env.Store.Apply(ctx, record.BucketVM, id, b); err != nil {
					continue
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "ack %s %s\n", id, alias)
				mu.Unlock()
			}
		}(w)
	}
}

// crashVerify reads every acknowledged record back.
func crashVerify(ctx context.Context, env *Env, path string, out io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	total, ok := 0, 0
	for sc.Scan() {
		id, alias, found := strings.Cut(sc.Text(), " ")
		if !found {
			continue
		}
		total++
		b, err := env.Store.Get(ctx, record.BucketVM, id)
		if err != nil {
			fmt.Fprintf(out, "missing %s: %v\n", id, err)
			continue
		}
		rec, err := record.Load(b)
		if err != nil {
			fmt.Fprintf(out, "corrupt %s: %v\n", id, err)
			continue
		}
		vm, err := record.VMFromRecord(rec)
		if err != nil || vm.Alias != alias || vm.UUID != id {
			fmt.Fprintf(out, "wrong %s: %+v %v\n", id, vm, err)
			continue
		}
		ok++
	}
	fmt.Fprintf(out, "verified %d of %d\n", ok, total)
	return sc.Err()
}

// crashEnv is a private node environment for the children.
func crashEnv(t *testing.T, data string) []string {
	port := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	}
	return append(os.Environ(),
		"FIFO_DATA_DIR="+data,
		"FIFO_HTTP_ADDR=127.0.0.1:"+port(),
		"FIFO_NODE_NAME=crash"+port()+"@127.0.0.1",
		"FIFO_DIST_PORT="+port(),
		"FIFO_EPMD_PORT="+port(),
	)
}

type lockedBuilder struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
