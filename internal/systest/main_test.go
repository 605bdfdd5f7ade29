package systest

import (
	"fmt"
	"os"
	"testing"
)

// bins are the binaries every test of this package runs, built once.
var bins Binaries

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "systest-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bins, err = Build(dir, "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
