package illumos

import (
	"os/exec"
	"strings"
	"testing"
)

// TestErgoStillLacksIllumos pins the reason for build.sh: without our
// overlay, ergo's lib/osdep has no file for illumos. When an ergo release
// adds one, this fails and the overlay can go.
func TestErgoStillLacksIllumos(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "github.com/fifogo/fifo/internal/runtime")
	cmd.Env = append(cmd.Environ(), "GOOS=illumos", "GOARCH=amd64", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "lib/osdep") || !strings.Contains(string(out), "build constraints exclude all Go files") {
		t.Fatalf("go list for illumos: err %v, output:\n%s\nergo may now support illumos: drop releases/illumos", err, out)
	}
}
