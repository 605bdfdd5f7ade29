// Command stamped prints its version stamp; pack's tests build it with
// -ldflags -X, as the Makefile builds fifo, and inspect the binary.
package main

import (
	"fmt"

	"github.com/fifogo/fifo/internal/version"
)

func main() { fmt.Println(version.Get()) }
