package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fifogo/fifo/releases/handoff"
	"github.com/fifogo/fifo/releases/pack"
)

// buildFifo builds this package stamped with version (and, when bump is
// set, with a schema bump of that entity type) into dir.
func buildFifo(t *testing.T, dir, version, bump string) string {
	t.Helper()
	const m = "github.com/fifogo/fifo"
	ldflags := fmt.Sprintf("-X %s/internal/version.Version=%s -X %s/internal/version.Commit=c0ffee", m, version, m)
	if bump != "" {
		ldflags += fmt.Sprintf(" -X %s/internal/record.testSchemaBump=%s", m, bump)
	}
	out := filepath.Join(dir, "fifo-"+version)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", out, ".")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build fifo %s: %v\n%s", version, err, msg)
	}
	return out
}

// packFifo packs bin with its own `fifo release build` (bin as its own
// chunter: the stamps match) and returns the tarball.
func packFifo(t *testing.T, bin, dist, version string) string {
	t.Helper()
	cmd := exec.Command(bin, "release", "build", "--out", dist, "--fifo", bin, "--chunter", bin)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pack %s: %v\n%s", version, err, msg)
	}
	return filepath.Join(dist, fmt.Sprintf("fifo-%s-%s-%s.tar.gz", version, runtime.GOOS, runtime.GOARCH))
}

// scriptRelease packs a release of version whose bin/fifo is a shell
// script, and returns the tarball.
func scriptRelease(t *testing.T, dist, version, script string) string {
	t.Helper()
	meta := pack.Meta{Version: version, Commit: "c0ffee", Date: "2026-11-25T10:00:00Z", GoVersion: runtime.Version(),
		UpgradeFrom: "0.0.0", Apps: map[string][]string{"all-in-one": {"store"}}, Schemas: map[string]uint32{"vm": 2}}
	res, err := pack.WriteFile(dist, pack.Fifo(meta, pack.Platform{OS: runtime.GOOS, Arch: runtime.GOARCH},
		pack.FromBytes([]byte(script)), pack.FromBytes([]byte(script))))
	if err != nil {
		t.Fatal(err)
	}
	return res.Path
}

// becomeSubreaper makes this test process adopt its orphaned descendants
// (Linux), so that it can wait for a node process that took over from its
// parent and read its exit status.
func becomeSubreaper(t *testing.T) {
	t.Helper()
	const prSetChildSubreaper = 36
	if runtime.GOOS != "linux" {
		t.Skip("live upgrade tests follow processes with PR_SET_CHILD_SUBREAPER (Linux)")
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		t.Skipf("prctl(PR_SET_CHILD_SUBREAPER): %v", errno)
	}
}

// liveNode follows the node process of a data dir across hand-offs.
type liveNode struct {
	t       *testing.T
	dataDir string
	// logPath collects every node process's stderr: a file, not a pipe,
	// since a successor inherits it and outlives the process started here.
	logPath string
	// exits gets the exit status of every node process this test started
	// or adopted, by pid.
	mu    sync.Mutex
	exits map[int]chan error
}

// startLive runs bin start with env and waits until the node is ready.
func startLive(t *testing.T, bin string, env []string, dataDir, addr string) *liveNode {
	t.Helper()
	n := &liveNode{t: t, dataDir: dataDir, logPath: filepath.Join(t.TempDir(), "node.log"), exits: map[int]chan error{}}
	logf, err := os.Create(n.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(bin, "start")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ch := make(chan error, 1)
	n.exits[cmd.Process.Pid] = ch
	go func() { ch <- cmd.Wait() }()
	t.Cleanup(n.kill)
	upWaitReady(t, addr, n.logs)
	return n
}

// logs returns what the node processes wrote.
func (n *liveNode) logs() string {
	b, _ := os.ReadFile(n.logPath)
	return string(b)
}

// upWaitReady polls /readyz until it answers 200.
func upWaitReady(t *testing.T, addr string, logs func() string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("node not ready: %v\n%s", err, logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// status asks the node on its control socket for its pid and version.
func (n *liveNode) status() handoff.Event {
	n.t.Helper()
	ev, err := handoff.Ask(handoff.ControlPath(n.dataDir), handoff.Request{Op: handoff.OpStatus}, nil)
	if err != nil {
		n.t.Fatalf("node status: %v\n%s", err, n.logs())
	}
	return ev
}

// adopt starts waiting for pid, a node process that took over, once its
// parent has exited (this process, its subreaper, is then its parent).
func (n *liveNode) adopt(pid int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.exits[pid]; ok {
		return
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		n.t.Fatal(err)
	}
	ch := make(chan error, 1)
	n.exits[pid] = ch
	go func() {
		st, err := p.Wait()
		if err == nil && !st.Success() {
			err = errors.New(st.String())
		}
		ch <- err
	}()
}

// exited waits for process pid to exit and returns its status (nil: 0).
func (n *liveNode) exited(pid int) error {
	n.t.Helper()
	n.mu.Lock()
	ch := n.exits[pid]
	n.mu.Unlock()
	if ch == nil {
		n.t.Fatalf("process %d is not followed", pid)
	}
	select {
	case err := <-ch:
		ch <- err // for later callers
		return err
	case <-time.After(60 * time.Second):
		n.t.Fatalf("process %d did not exit\n%s", pid, n.logs())
		return nil
	}
}

// running reports whether process pid is still followed and running.
func (n *liveNode) running(pid int) bool {
	n.mu.Lock()
	ch := n.exits[pid]
	n.mu.Unlock()
	if ch == nil {
		return false
	}
	select {
	case err := <-ch:
		ch <- err
		return false
	default:
		return true
	}
}

// kill kills every node process still running.
func (n *liveNode) kill() {
	n.mu.Lock()
	var pids []int
	for pid := range n.exits {
		pids = append(pids, pid)
	}
	n.mu.Unlock()
	for _, pid := range pids {
		if n.running(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
			n.exited(pid)
		}
	}
}

// upAPI is an authenticated REST client of a node.
type upAPI struct {
	base  string
	token string
	c     *http.Client
}

func upLogin(t *testing.T, addr, password string) *upAPI {
	t.Helper()
	base := "http://" + addr + "/api/2"
	resp, err := http.PostForm(base+"/oauth/token", url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	if resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	return &upAPI{base: base, token: tok.AccessToken, c: &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 16},
		Timeout:   2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// do sends one request and returns the status and body.
func (a *upAPI) do(method, path string, body any) (int, http.Header, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.c.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

// createUser creates a user and returns its uuid.
func (a *upAPI) createUser(name string) (string, error) {
	code, h, body, err := a.do("POST", "/users", map[string]string{"user": name, "password": "pw-" + name})
	if err != nil {
		return "", err
	}
	if code != http.StatusSeeOther {
		return "", fmt.Errorf("create user %s: %d %s", name, code, body)
	}
	return strings.TrimPrefix(h.Get("Location"), "/api/2/users/"), nil
}

// setMeta sets metadata.public.key of user to v.
func (a *upAPI) setMeta(user, key string, v int64) error {
	code, _, body, err := a.do("PUT", "/users/"+user+"/metadata", map[string]int64{key: v})
	if err != nil {
		return err
	}
	if code != http.StatusNoContent {
		return fmt.Errorf("set %s of %s: %d %s", key, user, code, body)
	}
	return nil
}

// meta returns a user's name and metadata (its public part, as the API
// shows it).
func (a *upAPI) meta(user string) (string, map[string]any, error) {
	code, _, body, err := a.do("GET", "/users/"+user, nil)
	if err != nil {
		return "", nil, err
	}
	if code != http.StatusOK {
		return "", nil, fmt.Errorf("get user %s: %d %s", user, code, body)
	}
	var u struct {
		Name     string         `json:"name"`
		Metadata map[string]any `json:"metadata"`
	}
	if err := json.Unmarshal(body, &u); err != nil {
		return "", nil, fmt.Errorf("get user %s: %w", user, err)
	}
	return u.Name, u.Metadata, nil // the user's public metadata
}

// upLoad runs a steady REST load: metadata writers, each on its own user,
// reading every write back, listing users now and then, and a creator of
// new users. Every failure is counted; refused connections apart.
type upLoad struct {
	a                   *upAPI
	ok, failed, refused atomic.Int64
	maxLatency          atomic.Int64 // nanoseconds, of a metadata write
	stop                chan struct{}
	wg                  sync.WaitGroup

	mu      sync.Mutex
	errs    []string
	want    map[string]map[string]int64 // user → key → last acknowledged value
	names   map[string]string           // user → name
	created map[string]string           // user made by the creator → phase label
	phase   string
}

func newUpLoad(a *upAPI) *upLoad {
	return &upLoad{a: a, want: map[string]map[string]int64{}, names: map[string]string{}, created: map[string]string{}}
}

// fail counts one failed request.
func (l *upLoad) fail(err error) {
	if upRefused(err) {
		l.refused.Add(1)
	} else {
		l.failed.Add(1)
	}
	l.mu.Lock()
	if len(l.errs) < 20 {
		l.errs = append(l.errs, time.Now().Format("15:04:05.000")+" "+err.Error())
	}
	l.mu.Unlock()
}

func upRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// acked records an acknowledged write.
func (l *upLoad) acked(user, key string, v int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.want[user] == nil {
		l.want[user] = map[string]int64{}
	}
	l.want[user][key] = v
}

// track records a user made outside the load, in phase, for verify.
func (l *upLoad) track(user, name, phase string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.names[user] = name
	l.created[user] = phase
}

// setPhase labels the users the creator makes from now on.
func (l *upLoad) setPhase(p string) {
	l.mu.Lock()
	l.phase = p
	l.mu.Unlock()
}

// start runs writers goroutines on the given users, and a creator.
func (l *upLoad) start(users map[string]string, prefix string) {
	l.stop = make(chan struct{})
	g := 0
	for user, name := range users {
		l.mu.Lock()
		l.names[user] = name
		l.mu.Unlock()
		key := fmt.Sprintf("%s-w%d", prefix, g)
		g++
		l.wg.Add(1)
		go l.writer(user, key)
	}
	l.wg.Add(1)
	go l.creator(prefix)
}

// writer sets key of user to 1, 2, 3, … and reads each value back.
func (l *upLoad) writer(user, key string) {
	defer l.wg.Done()
	for i := int64(1); ; i++ {
		select {
		case <-l.stop:
			return
		default:
		}
		start := time.Now()
		if err := l.a.setMeta(user, key, i); err != nil {
			l.fail(err)
			continue
		}
		if d := int64(time.Since(start)); d > l.maxLatency.Load() {
			l.maxLatency.Store(d) // one writer goroutine may lose a race to another: a lower bound
		}
		l.acked(user, key, i)
		l.ok.Add(1)
		_, pub, err := l.a.meta(user)
		switch {
		case err != nil:
			l.fail(err)
		case pub[key] != float64(i):
			l.fail(fmt.Errorf("user %s: %s reads %v after writing %d", user, key, pub[key], i))
		default:
			l.ok.Add(1)
		}
		if i%5 == 0 {
			code, _, _, err := l.a.do("GET", "/users", nil)
			if err == nil && code != 200 {
				err = fmt.Errorf("list users: %d", code)
			}
			if err != nil {
				l.fail(err)
			} else {
				l.ok.Add(1)
			}
		}
	}
}

// creator makes users and writes one metadata key on each.
func (l *upLoad) creator(prefix string) {
	defer l.wg.Done()
	for i := int64(1); ; i++ {
		select {
		case <-l.stop:
			return
		default:
		}
		l.mu.Lock()
		phase := l.phase
		l.mu.Unlock()
		name := fmt.Sprintf("%s-c%d", prefix, i)
		user, err := l.a.createUser(name)
		if err != nil {
			l.fail(err)
			continue
		}
		l.ok.Add(1)
		l.mu.Lock()
		l.names[user] = name
		l.created[user] = phase
		l.mu.Unlock()
		if err := l.a.setMeta(user, "c", i); err != nil {
			l.fail(err)
			continue
		}
		l.acked(user, "c", i)
		l.ok.Add(1)
	}
}

// waitOps waits until n more requests have succeeded.
func (l *upLoad) waitOps(t *testing.T, n int64) {
	t.Helper()
	target := l.ok.Load() + n
	deadline := time.Now().Add(2 * time.Minute)
	for l.ok.Load() < target {
		if time.Now().After(deadline) {
			t.Fatalf("load made %d of %d requests in time; %d failed: %v", l.ok.Load(), target, l.failed.Load(), l.errors())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// halt stops the load and waits for its goroutines.
func (l *upLoad) halt() {
	close(l.stop)
	l.wg.Wait()
}

func (l *upLoad) errors() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.errs...)
}

// verify reads every user the load wrote to and checks every
// acknowledged value and name.
func (l *upLoad) verify(a *upAPI) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var bad []string
	for user, keys := range l.want {
		name, pub, err := a.meta(user)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		if name != l.names[user] {
			bad = append(bad, fmt.Sprintf("user %s: name %q, want %q", user, name, l.names[user]))
		}
		for k, v := range keys {
			if pub[k] != float64(v) {
				bad = append(bad, fmt.Sprintf("user %s: %s = %v, want %d", user, k, pub[k], v))
			}
		}
	}
	return bad
}

// syscallTerm sends SIGTERM to pid.
func syscallTerm(pid int) error { return syscall.Kill(pid, syscall.SIGTERM) }
