package handoff

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A child takes the socket over while clients keep asking on kept-alive
// connections: every request is answered (by the parent, then by the
// child), none is refused or dropped, and
// the parent's services are released exactly once, after the child is set
// up.
func TestUpgradeHandsOver(t *testing.T) {
	s, srv, addr := parentHTTP(t)
	var released atomic.Int32
	p := plan(t, s, "serve", func(ctx context.Context) error {
		released.Add(1)
		return srv.Drain(ctx) // closes the duplicate only
	})
	var progress []string
	p.Progress = func(m string) { progress = append(progress, m) }
	p.Version = "2.0.0"

	client := &http.Client{Transport: &http.Transport{}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var ok, failed atomic.Int64
	var firstErr atomic.Value
	seenChild := make(chan struct{})
	var once sync.Once
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get("http://" + addr + "/")
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				ok.Add(1)
				if string(body) == "child" {
					once.Do(func() { close(seenChild) })
				}
			}
		}()
	}
	out, err := Upgrade(context.Background(), p)
	t.Cleanup(func() { stopChild(t, out) })
	if err != nil {
		t.Fatalf("Upgrade: %v", err)
	}
	select {
	case <-seenChild:
	case <-time.After(30 * time.Second):
		t.Fatal("no request answered by the child")
	}
	close(stop)
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d of %d requests failed, first: %v", failed.Load(), failed.Load()+ok.Load(), firstErr.Load())
	}
	if released.Load() != 1 || out.PID <= 0 || out.PID == os.Getpid() || out.Version != "2.0.0" || !out.Released {
		t.Fatalf("released %d times, outcome %+v", released.Load(), out)
	}
	if len(progress) < 3 || !strings.Contains(progress[len(progress)-1], "serves") {
		t.Fatalf("progress %q", progress)
	}
	t.Logf("%d requests across the hand-off, none failed", ok.Load())
}

// Children that fail: the upgrade is aborted with the reason, the child is
// gone, and Released says whether the parent must start its services
// again.
func TestUpgradeAborts(t *testing.T) {
	notExec := filepath.Join(t.TempDir(), "fifo")
	os.WriteFile(notExec, []byte("not a program"), 0o644)
	cases := []struct {
		name, mode string
		binary     string
		version    string
		released   bool
		want       string
	}{
		{"not executable", "serve", notExec, "", false, "permission denied"},
		{"missing", "serve", filepath.Join(t.TempDir(), "nope"), "", false, "no such file"},
		{"exits at once", "exit", "", "", false, "exit status 3"},
		{"wrong version", "wrong-version", "", "2.0.0", false, "is version 9.9.9, not 2.0.0"},
		{"fails after go", "fail", "", "", true, "store is locked"},
		{"never ready", "hang", "", "", true, "did not report ready"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _, _ := parentHTTP(t)
			calls := 0
			p := plan(t, s, c.mode, func(context.Context) error { calls++; return nil })
			if c.binary != "" {
				p.Binary = c.binary
			}
			p.Version = c.version
			if c.mode == "hang" {
				p.ReadyTimeout = 100 * time.Millisecond
			}
			out, err := Upgrade(context.Background(), p)
			if !errors.Is(err, ErrAborted) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Upgrade = %v, want ErrAborted mentioning %q", err, c.want)
			}
			if out.Released != c.released || calls != map[bool]int{false: 0, true: 1}[c.released] {
				t.Fatalf("released %v after %d Release calls, want %v", out.Released, calls, c.released)
			}
			if out.Exited != nil {
				select {
				case <-out.Exited:
				default:
					t.Fatal("Upgrade returned with the child still running")
				}
			}
		})
	}
}

// A Release that fails aborts the upgrade and kills the child.
func TestUpgradeReleaseFails(t *testing.T) {
	s, _, _ := parentHTTP(t)
	p := plan(t, s, "serve", func(context.Context) error { return errors.New("apps would not stop") })
	out, err := Upgrade(context.Background(), p)
	if !errors.Is(err, ErrAborted) || !strings.Contains(err.Error(), "apps would not stop") || !out.Released {
		t.Fatalf("Upgrade = %v, %+v", err, out)
	}
	<-out.Exited
}
