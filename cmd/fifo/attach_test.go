package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/term"

	"github.com/fifogo/fifo/actors/console"
)

// fakeRunner records the commands it is asked to run.
type fakeRunner struct{ ran []string }

func (f *fakeRunner) Run(_ context.Context, args []string, _ bool) (console.Reply, error) {
	f.ran = append(f.ran, strings.Join(args, "|"))
	return console.Reply{Output: fmt.Sprintf("ran %s\n", strings.Join(args, " "))}, nil
}

func (f *fakeRunner) Node() string { return "fifo@test" }

// The terminal session: Tab completes the command, the up arrow recalls
// the last command, password lines are not recalled, quit leaves.
func TestTerminalSession(t *testing.T) {
	keys := "sta\t\r" + // completed to "status "
		"\x1b[A\r" + // recalls it
		"users add bob 'p w'\r" +
		"\x1b[A\r" + // recalls status: the password line is not kept
		"quit\r" +
		"status\r" // never read
	var out bytes.Buffer
	tm := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{strings.NewReader(keys), &out}, "fifo@test> ")
	tm.History = openHistory("")
	r := &fakeRunner{}
	s := session{f: &consoleFlags{timeout: time.Second}, c: r, out: &out}
	if err := s.edit(context.Background(), tm); err != nil {
		t.Fatal(err)
	}
	want := []string{"status", "status", "users|add|bob|p w", "status"}
	if fmt.Sprint(r.ran) != fmt.Sprint(want) {
		t.Fatalf("ran %q, want %q\noutput: %q", r.ran, want, out.String())
	}
	if !strings.Contains(out.String(), "connected to fifo@test") || !strings.Contains(out.String(), "ran users add bob p w") {
		t.Fatalf("output %q", out.String())
	}
}
