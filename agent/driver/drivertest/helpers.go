package drivertest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/fifogo/fifo/agent/driver"
)

// Config describes the host a suite test needs.
type Config struct {
	// MemoryMB is the host's memory, none of it reserved for the global
	// zone.
	MemoryMB int64
}

// Timeout bounds each wait of the suite (a state to show up on a watch).
const Timeout = 20 * time.Second

// UUID returns the nth test uuid.
func UUID(n int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", n, n) }

// Image is the nth test image manifest (a zone dataset).
func Image(n int) driver.Image {
	return driver.Image{UUID: fmt.Sprintf("%08x-1111-4000-8000-%012x", n, n),
		Name: fmt.Sprintf("base-%d", n), Version: "1.0.0", Type: "zone-dataset", OS: "smartos"}
}

// ZoneSpec is a joyent-brand spec of the given memory on image img.
func ZoneSpec(uuid, img string, ramMB int64) driver.Spec {
	return driver.Spec{
		UUID: uuid, Brand: "joyent", Alias: "vm-" + uuid[:8], Autoboot: true,
		ImageUUID: img, MaxPhysicalMemory: ramMB, MaxLockedMemory: ramMB, MaxSwap: max(256, 2*ramMB),
		Quota: 10, CPUCap: 100, OwnerUUID: UUID(999),
		NICs:             []driver.NIC{{NICTag: "admin", IP: "10.0.0.5", Netmask: "255.255.255.0", Gateway: "10.0.0.1", Primary: true}},
		CustomerMetadata: driver.Metadata{"k": "v"},
	}
}

// HVMSpec is a kvm-brand spec with a boot disk from img and a data disk.
func HVMSpec(uuid, img string, ramMB int64) driver.Spec {
	return driver.Spec{
		UUID: uuid, Brand: "kvm", Alias: "hvm-" + uuid[:8], Autoboot: true,
		RAM: ramMB, VCPUs: 1, MaxPhysicalMemory: ramMB + 256, MaxLockedMemory: ramMB + 256, MaxSwap: 2 * ramMB,
		CPUCap: 100, OwnerUUID: UUID(999),
		Disks: []driver.Disk{
			{Boot: true, ImageUUID: img, ImageSize: 1024, Model: "virtio"},
			{Boot: false, Size: 2048, Model: "virtio"},
		},
	}
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*Timeout)
	t.Cleanup(cancel)
	return ctx
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got %v, want %v", what, err, want)
	}
}

func state(t *testing.T, d driver.Driver, uuid string) driver.State {
	t.Helper()
	vm, err := d.Get(ctxT(t), uuid)
	must(t, "get "+uuid, err)
	return vm.State
}

func wantState(t *testing.T, d driver.Driver, uuid string, want driver.State) {
	t.Helper()
	if got := state(t, d, uuid); got != want {
		t.Fatalf("vm %s: state %s, want %s", uuid, got, want)
	}
}

// WaitState reads changes from ch until VM uuid is reported in state
// want, failing the test after Timeout or when ch closes.
func WaitState(t *testing.T, ch <-chan driver.StateChange, uuid string, want driver.State) {
	t.Helper()
	deadline := time.After(Timeout)
	var seen []driver.State
	for {
		select {
		case c, ok := <-ch:
			if !ok {
				t.Fatalf("watch closed before vm %s was %s (saw %v)", uuid, want, seen)
			}
			if c.UUID != uuid {
				continue
			}
			seen = append(seen, c.State)
			if c.State == want {
				return
			}
		case <-deadline:
			t.Fatalf("vm %s not %s within %s (saw %v)", uuid, want, Timeout, seen)
		}
	}
}

func importImage(t *testing.T, d driver.Driver, n int) string {
	t.Helper()
	img := Image(n)
	must(t, "import image", d.ImportImage(ctxT(t), driver.ImageImport{Manifest: img}))
	return img.UUID
}

func create(t *testing.T, d driver.Driver, s driver.Spec) {
	t.Helper()
	must(t, "create "+s.UUID, d.Create(ctxT(t), s))
}

func provisioned(t *testing.T, d driver.Driver) int64 {
	t.Helper()
	h, err := d.Sysinfo(ctxT(t))
	must(t, "sysinfo", err)
	return h.Memory.ProvisionedMB
}
