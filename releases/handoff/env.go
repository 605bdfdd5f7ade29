package handoff

import (
	"fmt"
	"strconv"
	"strings"
)

// The environment of a child started by Upgrade.
const (
	// EnvFDs names the inherited listening sockets: "http=3,control=4".
	EnvFDs = "FIFO_HANDOFF_FDS"
	// EnvConn is the descriptor of the child's end of the step channel.
	EnvConn = "FIFO_HANDOFF_CONN"
)

// firstExtraFD is the descriptor of os/exec's first ExtraFiles entry.
const firstExtraFD = 3

// fdEntry is one inherited socket: its name and descriptor.
type fdEntry struct {
	name string
	fd   int
}

// formatFDs renders entries as EnvFDs' value.
func formatFDs(es []fdEntry) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.name + "=" + strconv.Itoa(e.fd)
	}
	return strings.Join(parts, ",")
}

// parseFDs reads EnvFDs' value: name=fd pairs, names unique and made of
// letters, digits and '-', descriptors from 3.
func parseFDs(v string) ([]fdEntry, error) {
	var out []fdEntry
	seen := map[string]bool{}
	for part := range strings.SplitSeq(v, ",") {
		name, num, ok := strings.Cut(part, "=")
		fd, err := strconv.Atoi(num)
		if !ok || err != nil || fd < firstExtraFD || !validName(name) || seen[name] {
			return nil, fmt.Errorf("%s: bad entry %q", EnvFDs, part)
		}
		seen[name] = true
		out = append(out, fdEntry{name: name, fd: fd})
	}
	return out, nil
}

// validName reports whether a socket name fits EnvFDs.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// childEnv returns base without any hand-off variable, plus those of a
// new child.
func childEnv(base []string, fds []fdEntry, conn int) []string {
	out := make([]string, 0, len(base)+2)
	for _, kv := range base {
		if strings.HasPrefix(kv, EnvFDs+"=") || strings.HasPrefix(kv, EnvConn+"=") {
			continue
		}
		out = append(out, kv)
	}
	return append(out, EnvFDs+"="+formatFDs(fds), EnvConn+"="+strconv.Itoa(conn))
}
