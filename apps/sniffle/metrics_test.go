package sniffle

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// The collector counts VMs by state and exports each hypervisor's memory
// in bytes; a later scrape within the TTL serves the same read, one after
// it sees the change.
func TestCloudCollector(t *testing.T) {
	ctx := context.Background()
	st := recstore.NewMemory(record.StoreCodec{})
	clock := crdt.NewClock("test", func() int64 { return time.Now().UnixNano() })
	put := func(bucket, id string, r *record.Record, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		b, err := record.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Apply(ctx, bucket, id, b); err != nil {
			t.Fatal(err)
		}
	}
	stamp := func() record.Stamp { return record.Stamp{Actor: clock.Node(), TS: clock.Now()} }
	for i, state := range []string{"running", "running", "stopped", "failed"} {
		id := string(rune('a'+i)) + "-vm"
		r, err := record.NewVM(stamp(), record.VM{UUID: id, State: state})
		put(record.BucketVM, id, r, err)
	}
	r, err := record.NewHypervisor(stamp(), record.Hypervisor{UUID: "hv1",
		Resources: map[string]any{"total-memory": int64(4096), "provisioned-memory": int64(1024), "free-memory": int64(3072)}})
	put(record.BucketHypervisor, "hv1", r, err)

	now := time.Now()
	c := newCloudCollector(st, time.Minute, slog.New(slog.DiscardHandler))
	c.now = func() time.Time { return now }
	want := `
# HELP fifo_vms VMs by state.
# TYPE fifo_vms gauge
fifo_vms{state="failed"} 1
fifo_vms{state="running"} 2
fifo_vms{state="stopped"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "fifo_vms"); err != nil {
		t.Fatal(err)
	}
	mem := `
# HELP fifo_hypervisor_memory_bytes A hypervisor's memory as its agent last reported it: total, provisioned (to VMs and reservations), free, reserved (for the global zone).
# TYPE fifo_hypervisor_memory_bytes gauge
fifo_hypervisor_memory_bytes{hypervisor="hv1",kind="free"} 3.221225472e+09
fifo_hypervisor_memory_bytes{hypervisor="hv1",kind="provisioned"} 1.073741824e+09
fifo_hypervisor_memory_bytes{hypervisor="hv1",kind="total"} 4.294967296e+09
# HELP fifo_hypervisors Hypervisors known to the cloud.
# TYPE fifo_hypervisors gauge
fifo_hypervisors 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(mem), "fifo_hypervisor_memory_bytes", "fifo_hypervisors"); err != nil {
		t.Fatal(err)
	}

	// A new VM: not seen within the TTL, seen after it.
	r, err = record.NewVM(stamp(), record.VM{UUID: "e-vm", State: "stopped"})
	put(record.BucketVM, "e-vm", r, err)
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "fifo_vms"); err != nil {
		t.Fatalf("within the TTL: %v", err)
	}
	now = now.Add(time.Minute)
	want = strings.Replace(want, `fifo_vms{state="stopped"} 1`, `fifo_vms{state="stopped"} 2`, 1)
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "fifo_vms"); err != nil {
		t.Fatalf("after the TTL: %v", err)
	}
	if n, err := testutil.GatherAndLint(newRegistry(t, c)); err != nil || len(n) != 0 {
		t.Fatalf("lint: %v %v", n, err)
	}
}

func newRegistry(t *testing.T, c *cloudCollector) *prometheus.Registry {
	t.Helper()
	reg := prometheus.NewRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	return reg
}
