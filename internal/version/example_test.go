package version_test

import (
	"fmt"

	"github.com/fifogo/fifo/internal/version"
)

func ExampleInfo_String() {
	info := version.Info{Version: "1.2.3", Commit: "abc123", Date: "2026-11-25", GoVersion: "go1.26.8"}
	fmt.Println(info)
	// Output: fifo 1.2.3 (commit abc123, built 2026-11-25, go1.26.8)
}
