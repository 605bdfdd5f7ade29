package console

import (
	"context"
	"fmt"
	"strings"

	"github.com/fifogo/fifo/internal/logging"
)

func logCommands() []command {
	return []command{
		{path: []string{"log", "level"}, args: "[debug|info|warn|error]", max: 1,
			help: "show or change the node's log level (until it restarts)", run: runLogLevel},
	}
}

// levelData is the structured result of log level.
type levelData struct {
	Level    string `json:"level"`
	Previous string `json:"previous,omitempty"`
}

func runLogLevel(_ context.Context, s *Shell, args []string) (result, error) {
	if err := need(s.deps.Level != nil, "log level"); err != nil {
		return result{}, err
	}
	cur := levelName(s)
	if len(args) == 0 {
		return result{text: "log level " + cur, data: levelData{Level: cur}}, nil
	}
	if err := setLevel(s, args[0]); err != nil {
		return result{}, err
	}
	now := levelName(s)
	return result{text: fmt.Sprintf("log level %s (was %s)", now, cur), data: levelData{Level: now, Previous: cur}}, nil
}

// setLevel changes the node's log level.
func setLevel(s *Shell, name string) error {
	if err := need(s.deps.Level != nil, "log level"); err != nil {
		return err
	}
	lv, err := logging.ParseLevel(name)
	if err != nil || name == "" {
		return usagef("log level %q: want debug, info, warn or error", name)
	}
	s.deps.Level.Set(lv)
	s.deps.Logger.Warn("log level changed by the console", "level", levelName(s))
	return nil
}

// levelName is the current level in the configuration's words.
func levelName(s *Shell) string { return strings.ToLower(s.deps.Level.Level().String()) }
