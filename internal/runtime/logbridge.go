package runtime

import (
	"bytes"
	"context"
	"log"
	"log/slog"
	"regexp"
	"strings"
)

// BridgeLogs sends ergo's log output to logger and counts the drops it
// reports in m. ergo v1.999.224 writes through the standard library's
// global logger (log.Printf), so this changes process-wide state: call it
// once, from main (tests that need it call it too and restore with the
// returned function).
func BridgeLogs(logger *slog.Logger, m *Metrics) (restore func()) {
	prevOut, prevFlags, prevPrefix := log.Writer(), log.Flags(), log.Prefix()
	log.SetFlags(0)
	log.SetPrefix("")
	log.SetOutput(&logBridge{log: logger.With("component", "ergo"), m: m})
	return func() {
		log.SetOutput(prevOut)
		log.SetFlags(prevFlags)
		log.SetPrefix(prevPrefix)
	}
}

// dropLine matches ergo's mailbox-full warnings and captures the name of
// the process whose mailbox overflowed.
var dropLine = regexp.MustCompile(`(?:deferred )?mailbox of <[^>]*>\[\"([^"]*)\"\] is full`)

type logBridge struct {
	log *slog.Logger
	m   *Metrics
}

// Write implements io.Writer for the standard logger; each call is one line.
func (b *logBridge) Write(p []byte) (int, error) {
	line := strings.TrimSpace(string(bytes.TrimRight(p, "\n")))
	level := slog.LevelInfo
	if rest, ok := strings.CutPrefix(line, "WARNING! "); ok {
		line = rest
		level = slog.LevelWarn
		if b.m != nil {
			b.m.ErgoWarnings.Inc()
		}
	}
	if sub := dropLine.FindStringSubmatch(line); sub != nil && b.m != nil {
		actor := sub[1]
		if actor == "" {
			actor = "unnamed"
		}
		b.m.MailboxDrops.WithLabelValues(actor).Inc()
	}
	b.log.Log(context.Background(), level, line)
	return len(p), nil
}
