package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"
)

// ErrUnavailable: the command needs something this node does not run (no
// snarl, no store, no ring yet). Its status is StatusFailed.
var ErrUnavailable = errors.New("console: not available on this node")

// usageError is a malformed command line (StatusUsage).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef returns a usageError.
func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// result is what a command produced: text for the operator and, when it
// has one, a structured value for Reply.Data.
type result struct {
	text string
	data any
}

// command is one console command.
type command struct {
	// path is the command's words, e.g. {"users", "add"}.
	path []string
	// args describes the arguments for help, e.g. "<name> <password>".
	args string
	// help says what it does, in one line.
	help string
	// min and max bound the argument count (max -1: unbounded).
	min, max int
	// run does it.
	run func(ctx context.Context, s *Shell, args []string) (result, error)
}

// usage is the command's synopsis.
func (c command) usage() string {
	u := strings.Join(c.path, " ")
	if c.args != "" {
		u += " " + c.args
	}
	return u
}

// Shell runs console commands against Deps. It is the console's logic,
// without the actor: safe for concurrent use when Deps are.
type Shell struct {
	deps     Deps
	commands []command
}

// NewShell returns a shell over deps.
func NewShell(deps Deps) *Shell {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	s := &Shell{deps: deps}
	s.commands = commands()
	return s
}

// commands is the command table, in the order help lists it.
func commands() []command {
	var cs []command
	for _, group := range [][]command{nodeCommands(), clusterCommands(), storeCommands(), logCommands(),
		metricsCommands(), traceCommands(), userCommands(), hypervisorCommands(), vmCommands(), releaseCommands(), configCommands()} {
		cs = append(cs, group...)
	}
	return append(cs, command{path: []string{"help"}, args: "[command]", help: "list the commands, or describe one",
		max: -1, run: runHelp})
}

// Run runs one command line and always answers: a failed command is a
// Reply with a non-zero Status, never an error.
func (s *Shell) Run(ctx context.Context, req Request) Reply {
	c, args, err := s.lookup(req.Args)
	if err == nil && (len(args) < c.min || (c.max >= 0 && len(args) > c.max)) {
		err = usagef("usage: %s", c.usage())
	}
	var res result
	if err == nil {
		start := time.Now()
		res, err = c.run(ctx, s, args)
		// Arguments are never logged: they may hold passwords.
		s.deps.Logger.Info("console command", "command", strings.Join(c.path, " "),
			"ok", err == nil, "seconds", time.Since(start).Seconds())
	}
	return reply(res, err, req.JSON)
}

// reply turns a command's outcome into a Reply.
func reply(res result, err error, withData bool) Reply {
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return Reply{Output: line(ue.msg), Status: StatusUsage}
	case err != nil:
		return Reply{Output: line("error: " + err.Error()), Status: StatusFailed}
	}
	r := Reply{Output: line(res.text), Status: StatusOK}
	if withData && res.data != nil {
		b, jerr := json.Marshal(res.data)
		if jerr != nil {
			return Reply{Output: line("error: encode result: " + jerr.Error()), Status: StatusFailed}
		}
		r.Data = b
	}
	return r
}

// line ends non-empty text with exactly one newline.
func line(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return s + "\n"
}

// lookup finds the command whose path is the longest prefix of words and
// returns it with the remaining words.
func (s *Shell) lookup(words []string) (command, []string, error) {
	if len(words) == 0 {
		return command{}, nil, usagef("empty command: try help")
	}
	best := -1
	for i, c := range s.commands {
		if len(c.path) <= len(words) && equalFold(c.path, words[:len(c.path)]) &&
			(best < 0 || len(c.path) > len(s.commands[best].path)) {
			best = i
		}
	}
	if best >= 0 {
		c := s.commands[best]
		return c, words[len(c.path):], nil
	}
	if subs := s.group(words[0]); len(subs) > 0 {
		return command{}, nil, usagef("usage:\n  %s", strings.Join(subs, "\n  "))
	}
	return command{}, nil, usagef("unknown command %q: try help", words[0])
}

// group lists the synopses of the commands under a first word.
func (s *Shell) group(word string) []string {
	var out []string
	for _, c := range s.commands {
		if strings.EqualFold(c.path[0], word) {
			out = append(out, c.usage())
		}
	}
	return out
}

// equalFold compares words case-insensitively.
func equalFold(a, b []string) bool {
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// runHelp lists every command, or the commands under the given words.
func runHelp(_ context.Context, s *Shell, args []string) (result, error) {
	var b strings.Builder
	width := 0
	var shown []command
	for _, c := range s.commands {
		if len(args) > 0 && !strings.EqualFold(c.path[0], args[0]) {
			continue
		}
		shown = append(shown, c)
		width = max(width, len(c.usage()))
	}
	if len(shown) == 0 {
		return result{}, usagef("unknown command %q: try help", args[0])
	}
	names := make([]string, 0, len(shown))
	for _, c := range shown {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, c.usage(), c.help)
		names = append(names, c.usage())
	}
	sort.Strings(names)
	if len(args) == 0 {
		b.WriteString("\nExit status: 0 ok, 1 the command failed, 2 usage (or cannot connect).\n")
	}
	return result{text: b.String(), data: names}, nil
}

// CommandNames lists the first words of the console's commands (for
// completion in fifo attach).
func CommandNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range commands() {
		if !seen[c.path[0]] {
			seen[c.path[0]] = true
			out = append(out, c.path[0])
		}
	}
	sort.Strings(out)
	return out
}

// unavailable is ErrUnavailable worded for the operator.
type unavailable struct{ msg string }

func (u unavailable) Error() string        { return u.msg }
func (u unavailable) Is(target error) bool { return target == ErrUnavailable }

// need returns an error matching ErrUnavailable, naming what is missing,
// when ok is false.
func need(ok bool, what string) error {
	if ok {
		return nil
	}
	return unavailable{what + ": not available on this node"}
}
