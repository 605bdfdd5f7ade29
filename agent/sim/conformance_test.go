package sim

import (
	"testing"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/driver/drivertest"
)

func TestConformance(t *testing.T) {
	drivertest.Run(t, func(t *testing.T, cfg drivertest.Config) driver.Driver {
		d, err := New(Options{MemoryMB: cfg.MemoryMB})
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}
