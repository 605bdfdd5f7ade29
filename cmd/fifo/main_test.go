package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests build the real binary (stamped like `make build`) and run it
// as a process, on loopback with private ports and a temporary data dir.

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fifo-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "fifo")
	build := exec.Command("go", "build", "-ldflags",
		"-X github.com/fifogo/fifo/internal/version.Version=9.8.7-test -X github.com/fifogo/fifo/internal/version.Commit=c0ffee",
		"-o", binPath, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build fifo:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// nodeEnv is a private environment for one node process.
func nodeEnv(t *testing.T, dataDir string) (env []string, httpAddr string) {
	t.Helper()
	httpAddr = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	env = append(os.Environ(),
		"FIFO_DATA_DIR="+dataDir,
		"FIFO_HTTP_ADDR="+httpAddr,
		fmt.Sprintf("FIFO_NODE_NAME=fifot%d@127.0.0.1", freePort(t)),
		fmt.Sprintf("FIFO_DIST_PORT=%d", freePort(t)),
		fmt.Sprintf("FIFO_EPMD_PORT=%d", freePort(t)),
		"FIFO_PARTITIONS=8",
	)
	return env, httpAddr
}

func runFifo(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// with returns a copy of env with extra variables (never appending into
// env's backing array, which other cases share).
func with(env []string, kv ...string) []string {
	return append(append([]string(nil), env...), kv...)
}

func TestVersionStamped(t *testing.T) {
	out, _, code := runFifo(t, os.Environ(), "version")
	if code != 0 || !strings.Contains(out, "9.8.7-test") || !strings.Contains(out, "c0ffee") {
		t.Fatalf("version: code %d, %q", code, out)
	}
}

// Bad configuration: one clear line on stderr, exit 2, nothing written.
func TestBadConfigExit2NothingWritten(t *testing.T) {
	base := t.TempDir()
	data := filepath.Join(base, "data")
	env, _ := nodeEnv(t, data)

	badFile := filepath.Join(base, "bad.toml")
	os.WriteFile(badFile, []byte("[http]\nadress = \"x\"\n"), 0o644)
	typeFile := filepath.Join(base, "type.toml")
	os.WriteFile(typeFile, []byte("[dist]\nlisten_port = \"high\"\n"), 0o644)
	fileInTheWay := filepath.Join(base, "file")
	os.WriteFile(fileInTheWay, []byte("x"), 0o644)

	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()

	cases := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"unknown key", env, []string{"start", "--config", badFile}, "adress"},
		{"wrong type", env, []string{"start", "--config", typeFile}, "listen_port"},
		{"missing file", env, []string{"start", "--config", filepath.Join(base, "nope.toml")}, "nope.toml"},
		{"bad env", with(env, "FIFO_DIST_PORT=abc"), []string{"start"}, "FIFO_DIST_PORT"},
		{"bad node name", with(env, "FIFO_NODE_NAME=nohost"), []string{"start"}, "nohost"},
		{"data dir is a file", with(env, "FIFO_DATA_DIR="+fileInTheWay), []string{"start"}, fileInTheWay},
		{"http port taken", with(env, "FIFO_HTTP_ADDR="+taken.Addr().String()), []string{"start"}, taken.Addr().String()},
		{"unknown flag", env, []string{"start", "--bogus"}, "bogus"},
		{"extra argument", env, []string{"start", "extra"}, "extra"},
		{"unknown release", with(env, "FIFO_RELEASE=nope"), []string{"start"}, "nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := runFifo(t, c.env, c.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], c.want) {
				t.Fatalf("stderr %q: want one line mentioning %q", stderr, c.want)
			}
			if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("data dir written: %v", err)
			}
		})
	}
}

// startNode runs `fifo start` and waits until /readyz answers 200.
func startNode(t *testing.T, env []string, httpAddr string) (*exec.Cmd, *logBuf) {
	t.Helper()
	cmd, _, stderr := startNodeIO(t, env, httpAddr)
	return cmd, stderr
}

// startNodeIO is startNode that also returns the node's stdout.
func startNodeIO(t *testing.T, env []string, httpAddr string) (*exec.Cmd, *logBuf, *logBuf) {
	t.Helper()
	cmd := exec.Command(binPath, "start")
	cmd.Env = env
	stdout, stderr := &logBuf{}, &logBuf{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + httpAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd, stdout, stderr
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("node not ready: %v\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// logBuf collects a process's output; safe for the copying goroutine and
// the test to use at once.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The node serves health, readiness and metrics, creates its cookie 0600,
// and stops gracefully on SIGTERM with exit 0 within 10 s.
func TestStartServeStop(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	env, addr := nodeEnv(t, data)
	cmd, stderr := startNode(t, env, addr)

	if code, body := get(t, "http://"+addr+"/healthz"); code != 200 {
		t.Fatalf("healthz %d %q", code, body)
	}
	code, body := get(t, "http://"+addr+"/metrics")
	if code != 200 {
		t.Fatalf("metrics %d", code)
	}
	for _, want := range []string{`fifo_build_info{`, `version="9.8.7-test"`, "fifo_runtime_processes", "fifo_runtime_mailbox_messages", "process_resident_memory_bytes", "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	st, err := os.Stat(filepath.Join(data, "cookie"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cookie: %v %v", st, err)
	}

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no exit within 10 s of SIGTERM\n%s", stderr.String())
	}
	t.Logf("stopped in %v", time.Since(start))
	// An orderly stop: applications stopped in reverse order, no warnings.
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
			t.Errorf("stop logged a problem: %s", line)
		}
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Fatal("http port still open after stop")
	}

	// A second start on the same data dir reuses cookie and store.
	cmd2, _ := startNode(t, env, addr)
	cmd2.Process.Signal(syscall.SIGTERM)
	if err := cmd2.Wait(); err != nil {
		t.Fatalf("second run: %v", err)
	}
}

// Logs are structured: the ready line is there, in JSON when asked.
func TestJSONLogs(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	env, addr := nodeEnv(t, data)
	env = with(env, "FIFO_LOG_FORMAT=json")
	cmd, stderr := startNode(t, env, addr)
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	sc := bufio.NewScanner(strings.NewReader(stderr.String()))
	ready := false
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "{") {
			t.Fatalf("non-JSON log line %q", line)
		}
		if strings.Contains(line, `"msg":"node ready"`) {
			ready = true
		}
	}
	if !ready {
		t.Fatalf("no ready line in %q", stderr.String())
	}
}
