package console

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/fifogo/fifo/internal/config"
)

// runtimeKey returns how to apply key on a running node, or nil for the
// keys (all but log.level) that are read only when the node starts.
func runtimeKey(key string) func(s *Shell, v string) error {
	switch key {
	case "log.level":
		return setLevel
	}
	return nil
}

func configCommands() []command {
	return []command{
		{path: []string{"config", "get"}, args: "[key]", max: 1,
			help: "the node's configuration, or one key (secrets not shown)", run: runConfigGet},
		{path: []string{"config", "set"}, args: "<key> <value>", min: 2, max: 2,
			help: "change a key on the running node (only log.level; others need a restart)", run: runConfigSet},
	}
}

// settings is the node's configuration with the values changed at run time.
func settings(s *Shell) []config.Setting {
	out := s.deps.Config.Settings()
	for i := range out {
		if out[i].Key == "log.level" && s.deps.Level != nil {
			out[i].Value = levelName(s)
		}
	}
	return out
}

func runConfigGet(_ context.Context, s *Shell, args []string) (result, error) {
	if err := need(s.deps.Config != nil, "config"); err != nil {
		return result{}, err
	}
	all := settings(s)
	if len(args) == 1 {
		for _, st := range all {
			if strings.EqualFold(st.Key, args[0]) {
				return result{text: st.Value, data: st}, nil
			}
		}
		return result{}, usagef("config get: unknown key %q (config get lists them)", args[0])
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "KEY\tVALUE\tENV\tAT RUN TIME")
	for _, st := range all {
		rt := ""
		if runtimeKey(st.Key) != nil {
			rt = "changeable"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", st.Key, st.Value, st.Env, rt)
	}
	w.Flush()
	return result{text: b.String(), data: all}, nil
}

func runConfigSet(_ context.Context, s *Shell, args []string) (result, error) {
	if err := need(s.deps.Config != nil, "config"); err != nil {
		return result{}, err
	}
	key := strings.ToLower(args[0])
	if _, ok := s.deps.Config.Setting(key); !ok {
		return result{}, usagef("config set: unknown key %q (config get lists them)", args[0])
	}
	apply := runtimeKey(key)
	if apply == nil {
		return result{}, fmt.Errorf("config set %s: not changeable at run time (only log.level is); "+
			"change it in the configuration file or environment and restart the node", key)
	}
	if err := apply(s, args[1]); err != nil {
		return result{}, err
	}
	st, _ := s.deps.Config.Setting(key)
	for _, cur := range settings(s) {
		if cur.Key == key {
			st = cur
		}
	}
	return result{text: fmt.Sprintf("%s = %s (until the node restarts)", key, st.Value), data: st}, nil
}
