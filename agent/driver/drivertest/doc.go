// Package drivertest holds what tests of driver.Driver implementations
// share: the conformance suite (Run), which proves a driver honours the
// contract of package driver (idempotency, errors, memory admission,
// watching), and a manual clock for deterministic timing.
//
// Each implementation runs the same suite from its own tests:
//
//	func TestConformance(t *testing.T) {
//		drivertest.Run(t, func(t *testing.T, cfg drivertest.Config) driver.Driver {
//			return newDriverFor(t, cfg)
//		})
//	}
package drivertest
