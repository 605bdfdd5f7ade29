package storage

import (
	"fmt"
	"log/slog"

	"github.com/cockroachdb/pebble/v2"
)

// pebbleLogger bridges Pebble's printf-style Logger into slog.
type pebbleLogger struct{ l *slog.Logger }

// Infof logs at info level.
func (p pebbleLogger) Infof(format string, args ...any) {
	p.l.Info(fmt.Sprintf(format, args...))
}

// Errorf logs at error level.
func (p pebbleLogger) Errorf(format string, args ...any) {
	p.l.Error(fmt.Sprintf(format, args...))
}

// Fatalf logs at error level, then panics: Pebble calls it when it cannot go
// on (a failed WAL write, a broken invariant) and relies on it not
// returning. A panic, unlike Pebble's default os.Exit, leaves a stack trace
// and lets the embedder's supervision see the crash.
func (p pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.l.Error(msg, "fatal", true)
	panic("storage: pebble fatal: " + msg)
}

// eventListener reports the Pebble events an operator must see: background
// errors, data corruption, slow disks and write stalls. Flushes and
// compactions are routine and left out (they show in Stats).
func eventListener(l *slog.Logger) *pebble.EventListener {
	return &pebble.EventListener{
		BackgroundError: func(err error) {
			l.Error("pebble background error", "err", err)
		},
		DataCorruption: func(info pebble.DataCorruptionInfo) {
			l.Error("pebble data corruption", "path", info.Path, "err", info.Details)
		},
		DiskSlow: func(info pebble.DiskSlowInfo) {
			l.Warn("pebble disk slow", "path", info.Path, "op", info.OpType.String(),
				"duration", info.Duration)
		},
		WriteStallBegin: func(info pebble.WriteStallBeginInfo) {
			l.Warn("pebble write stall begin", "reason", info.Reason)
		},
		WriteStallEnd: func() {
			l.Info("pebble write stall end")
		},
	}
}
