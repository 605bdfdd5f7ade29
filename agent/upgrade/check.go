package upgrade

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// CheckBinary runs `<path> version` and checks that the binary runs on
// this host and reports version v ("chunter fifo <v> (commit …)"), so a
// binary for another platform or of another build is refused before the
// agent stops anything.
func CheckBinary(ctx context.Context, path, v string) error {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, path, "version")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s does not run here: %w: %s", ErrInvalid, path, err, strings.TrimSpace(out.String()))
	}
	if got := ReportedVersion(out.String()); got != v {
		return fmt.Errorf("%w: %s reports version %q, want %q", ErrInvalid, path, got, v)
	}
	return nil
}

// ReportedVersion finds the version in the output of `chunter version`
// (the word after "fifo"), "" when there is none.
func ReportedVersion(out string) string {
	f := strings.Fields(out)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "fifo" {
			return f[i+1]
		}
	}
	return ""
}
