package runtime

import (
	"testing"

	"github.com/ergo-services/ergo/lib"
)

// logBridgeLine emits one warning through ergo's own logging function.
func logBridgeLine(t *testing.T) {
	t.Helper()
	lib.Warning("probe line %d", 1)
}
