package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// historyLimit bounds the lines kept.
const historyLimit = 500

// history is the attach console's command history (term.History), kept
// in a file across sessions. Lines that carry a password are never kept.
type history struct {
	path  string
	lines []string // oldest first
}

// historyPath is FIFO_HISTORY, or ~/.fifo_history; "" keeps no file.
func historyPath(env func(string) (string, bool)) string {
	if p, ok := env("FIFO_HISTORY"); ok {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".fifo_history")
}

// openHistory loads the history file (a missing or unreadable one is an
// empty history).
func openHistory(path string) *history {
	h := &history{path: path}
	if path == "" {
		return h
	}
	f, err := os.Open(path)
	if err != nil {
		return h
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !secret(l) {
			h.lines = append(h.lines, l)
		}
	}
	if len(h.lines) > historyLimit {
		h.lines = h.lines[len(h.lines)-historyLimit:]
	}
	return h
}

// secret reports a line that carries a password.
func secret(line string) bool {
	f := strings.Fields(strings.ToLower(line))
	return len(f) >= 2 && f[0] == "users" && (f[1] == "add" || f[1] == "passwd")
}

// Add implements term.History; the line is appended to the file too.
func (h *history) Add(line string) {
	if line == "" || secret(line) {
		return
	}
	if n := len(h.lines); n > 0 && h.lines[n-1] == line {
		return
	}
	h.lines = append(h.lines, line)
	if len(h.lines) > historyLimit {
		h.lines = h.lines[1:]
	}
	if h.path == "" {
		return
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return // history is a convenience: never fail a command for it
	}
	f.WriteString(line + "\n")
	f.Close()
}

// Len implements term.History.
func (h *history) Len() int { return len(h.lines) }

// At implements term.History: 0 is the newest line.
func (h *history) At(i int) string { return h.lines[len(h.lines)-1-i] }
