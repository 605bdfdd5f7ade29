package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/fifogo/fifo/actors/console"
	"github.com/fifogo/fifo/internal/runtime"
)

func newAttachCmd(env func(string) (string, bool)) *cobra.Command {
	var f consoleFlags
	cmd := &cobra.Command{
		Use:   "attach [node]",
		Short: "Open an interactive console on a running node",
		Long: "Open an interactive console on a running node (default: the configuration's node.name),\n" +
			"over ergo distribution with the cluster cookie. help lists the commands, quit leaves.\n" +
			"On a terminal: line editing, history (~/.fifo_history, FIFO_HISTORY; password commands are\n" +
			"not kept) and Tab completion; otherwise commands are read line by line from standard input.",
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			node := ""
			if len(args) == 1 {
				node = args[0]
			}
			t, err := f.resolve(node, env)
			if err != nil {
				return err
			}
			c, err := f.dial(cmd.Context(), t, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer c.Close()
			s := session{f: &f, c: c, out: cmd.OutOrStdout()}
			if in, ok := cmd.InOrStdin().(*os.File); ok && term.IsTerminal(int(in.Fd())) {
				return s.interactive(cmd.Context(), in, env)
			}
			return s.lines(cmd.Context(), cmd.InOrStdin())
		},
	}
	f.register(cmd.Flags())
	return cmd
}

// runner runs console commands on a node; *console.Client is one.
type runner interface {
	Run(ctx context.Context, args []string, json bool) (console.Reply, error)
	Node() string
}

// session is one attached console.
type session struct {
	f   *consoleFlags
	c   runner
	out io.Writer
}

// errQuit ends a session normally.
var errQuit = errors.New("quit")

// exec runs one line. It returns errQuit for quit and an error when the
// node can no longer be reached.
func (s *session) exec(ctx context.Context, line string, out io.Writer) error {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	args, err := console.Split(line)
	if err != nil {
		fmt.Fprintf(out, "%v\n", err)
		return nil
	}
	switch strings.ToLower(args[0]) {
	case "quit", "exit", "q":
		return errQuit
	}
	r, err := s.f.runOne(ctx, s.c, args, false)
	if err != nil {
		fmt.Fprintf(out, "error: %v\n", err)
		if errors.Is(err, runtime.ErrNodeDown) || errors.Is(err, runtime.ErrNoProc) {
			return err
		}
		return nil
	}
	io.WriteString(out, r.Output)
	if strings.EqualFold(args[0], "help") && len(args) == 1 {
		io.WriteString(out, "  quit                        leave the console (also exit, Ctrl-D)\n")
	}
	return nil
}

// lines runs commands read from r, one per line (a pipe, a script).
func (s *session) lines(ctx context.Context, r io.Reader) error {
	fmt.Fprintf(s.out, "connected to %s\n", s.c.Node())
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		switch err := s.exec(ctx, sc.Text(), s.out); {
		case errors.Is(err, errQuit):
			return nil
		case err != nil:
			return exitCode(exitFailure)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read commands: %w", err)
	}
	return nil
}

// interactive runs a line-editing session on the terminal in.
func (s *session) interactive(ctx context.Context, in *os.File, env func(string) (string, bool)) error {
	fd := int(in.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return s.lines(ctx, in)
	}
	defer term.Restore(fd, old)
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{in, s.out}, s.c.Node()+"> ")
	if w, h, err := term.GetSize(fd); err == nil {
		t.SetSize(w, h)
	}
	t.History = openHistory(historyPath(env))
	return s.edit(ctx, t)
}

// edit reads commands from a line-editing terminal until quit or end of
// input.
func (s *session) edit(ctx context.Context, t *term.Terminal) error {
	t.AutoCompleteCallback = complete
	fmt.Fprintf(t, "connected to %s; help lists the commands, quit leaves\n", s.c.Node())
	for {
		line, err := t.ReadLine()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && !errors.Is(err, term.ErrPasteIndicator) {
			return fmt.Errorf("read command: %w", err)
		}
		switch err := s.exec(ctx, line, t); {
		case errors.Is(err, errQuit):
			return nil
		case err != nil:
			return exitCode(exitFailure)
		}
	}
}

// complete completes the first word of a line with Tab.
func complete(line string, pos int, key rune) (string, int, bool) {
	if key != '\t' || strings.ContainsAny(line[:pos], " \t") {
		return "", 0, false
	}
	var match []string
	for _, name := range append(console.CommandNames(), "quit") {
		if strings.HasPrefix(name, line[:pos]) {
			match = append(match, name)
		}
	}
	if len(match) != 1 {
		return "", 0, false
	}
	return match[0] + " " + line[pos:], len(match[0]) + 1, true
}
