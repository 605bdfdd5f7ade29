package systest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Module is the import path of the repository's module.
const Module = "github.com/fifogo/fifo"

// TestVersion is the version stamped into binaries Build makes.
const TestVersion = "9.8.7-systest"

// Binaries are the paths of built executables.
type Binaries struct {
	Fifo    string
	Chunter string
}

// Build compiles cmd/fifo and cmd/chunter into dir, stamped with version
// (TestVersion when empty). It runs the go command of PATH from the
// current directory, which must be inside the module.
func Build(dir, version string) (Binaries, error) {
	if version == "" {
		version = TestVersion
	}
	b := Binaries{Fifo: filepath.Join(dir, "fifo"), Chunter: filepath.Join(dir, "chunter")}
	ldflags := fmt.Sprintf("-X %[1]s/internal/version.Version=%[2]s -X %[1]s/internal/version.Commit=systest", Module, version)
	for out, pkg := range map[string]string{b.Fifo: Module + "/cmd/fifo", b.Chunter: Module + "/cmd/chunter"} {
		cmd := exec.Command("go", "build", "-ldflags", ldflags, "-o", out, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			return Binaries{}, fmt.Errorf("build %s: %w\n%s", pkg, err, msg)
		}
	}
	return b, nil
}
