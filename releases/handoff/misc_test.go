package handoff

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestFDsRoundTrip(t *testing.T) {
	es := []fdEntry{{"http", 3}, {"control", 4}}
	got, err := parseFDs(formatFDs(es))
	if err != nil || !reflect.DeepEqual(got, es) {
		t.Fatalf("round trip: %v %v", got, err)
	}
	for _, bad := range []string{"", "http", "http=2", "http=x", "=3", "a b=3", "http=3,http=4"} {
		if _, err := parseFDs(bad); err == nil {
			t.Errorf("parseFDs(%q) accepted", bad)
		}
	}
	env := childEnv([]string{"A=1", EnvFDs + "=old=3", EnvConn + "=9", "B=2"}, es, 5)
	want := []string{"A=1", "B=2", EnvFDs + "=http=3,control=4", EnvConn + "=5"}
	if !reflect.DeepEqual(env, want) {
		t.Fatalf("childEnv = %q", env)
	}
}

func TestInheritWithoutHandoff(t *testing.T) {
	none := func(string) (string, bool) { return "", false }
	if s, c, err := Inherit(none); s != nil || c != nil || err != nil {
		t.Fatalf("Inherit of a plain start: %v %v %v", s, c, err)
	}
	half := func(k string) (string, bool) { return "http=3", k == EnvFDs }
	if _, _, err := Inherit(half); err == nil {
		t.Fatal("half a hand-off environment accepted")
	}
}

// fakeNode answers control requests.
type fakeNode struct{}

func (fakeNode) Status() Event { return Event{PID: 42, Version: "1.0.0"} }

func (fakeNode) Upgrade(_ context.Context, req Request, progress func(string), answer func(Event)) {
	progress("starting " + req.Binary)
	if req.Version == "bad" {
		answer(Event{Error: "it exited", PID: 42, Version: "1.0.0", Resumed: true})
		return
	}
	answer(Event{PID: 43, Version: req.Version})
}

func TestControlSocket(t *testing.T) {
	dir := t.TempDir()
	path := ControlPath(dir)
	if _, err := Ask(path, Request{Op: OpStatus}, nil); !errors.Is(err, ErrNoNode) {
		t.Fatalf("Ask with no node: %v", err)
	}
	// A socket file left by a dead node is replaced.
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	ln, err := ListenControl(path)
	if err != nil {
		t.Fatalf("over a stale socket: %v", err)
	}
	defer ln.Close()
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("control socket mode: %v %v", st, err)
	}
	go ServeControl(context.Background(), ln, fakeNode{})
	if _, err := ListenControl(path); !errors.Is(err, ErrNodeRunning) {
		t.Fatalf("a second node: %v", err)
	}

	ev, err := Ask(path, Request{Op: OpStatus}, nil)
	if err != nil || ev.PID != 42 || ev.Version != "1.0.0" || !ev.Done {
		t.Fatalf("status: %+v %v", ev, err)
	}
	var lines []string
	ev, err = Ask(path, Request{Op: OpUpgrade, Binary: "/x/fifo", Version: "2.0.0"}, func(m string) { lines = append(lines, m) })
	if err != nil || ev.Error != "" || ev.PID != 43 || len(lines) != 1 || lines[0] != "starting /x/fifo" {
		t.Fatalf("upgrade: %+v %v %q", ev, err, lines)
	}
	ev, err = Ask(path, Request{Op: OpUpgrade, Version: "bad"}, nil)
	if err != nil || ev.Error != "it exited" || !ev.Resumed {
		t.Fatalf("failed upgrade: %+v %v", ev, err)
	}
	ev, err = Ask(path, Request{Op: "dance"}, nil)
	if err != nil || !strings.Contains(ev.Error, "unknown op") {
		t.Fatalf("unknown op: %+v %v", ev, err)
	}
}

func TestNotify(t *testing.T) {
	if err := Notify("", "READY=1"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "notify")
	l, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := Notify(path, "MAINPID=7\nREADY=1"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, err := l.Read(buf)
	if err != nil || string(buf[:n]) != "MAINPID=7\nREADY=1" {
		t.Fatalf("datagram %q %v", buf[:n], err)
	}
}

func TestPIDFile(t *testing.T) {
	path := PIDFilePath(t.TempDir())
	if err := WritePIDFile(path, 10); err != nil {
		t.Fatal(err)
	}
	if pid, err := ReadPIDFile(path); err != nil || pid != 10 {
		t.Fatalf("read %d %v", pid, err)
	}
	if err := WritePIDFile(path, 11); err != nil { // the successor's
		t.Fatal(err)
	}
	RemovePIDFile(path, 10)
	if pid, _ := ReadPIDFile(path); pid != 11 {
		t.Fatalf("a predecessor removed its successor's pid file (%d)", pid)
	}
	RemovePIDFile(path, 11)
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("pid file left: %v", err)
	}
}
