package vmadm

import (
	"testing"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/driver/drivertest"
)

// TestConformance runs the driver contract's suite against the driver
// over the fake SmartOS tools.
func TestConformance(t *testing.T) {
	drivertest.Run(t, func(t *testing.T, cfg drivertest.Config) driver.Driver {
		return newFake(t, cfg.MemoryMB).d
	})
}
