package systest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/crdt"
	"github.com/fifogo/fifo/internal/record"
)

// TestClusterPartitionConverges (issue 5): three nodes in one ring, N=3
// with W=1 and R=1 (FIFO_W, FIFO_R): with the default W=2 the side {a}
// could not acknowledge a write, so nothing would diverge; with W=1 both
// sides of {a} | {b, c} accept writes to the same records and really
// diverge. Through a on one side and b and c on the other, writers add
// permissions to one role (a set), increment one org's resource (a
// counter) and write one role's metadata entry (a register) for the
// partition's duration (FIFO_SYSTEST_LOAD, default 6 s; `make
// cluster-test`: 30 s). After healing, once anti-entropy finds every
// pair of replicas equal, the nodes stop and each one's own store holds
// the same bytes for the role and the org, with every acknowledged
// permission and at least every acknowledged increment (an increment
// that failed may still have landed), never more than were sent.
func TestClusterPartitionConverges(t *testing.T) {
	d := loadDuration(t, 6*time.Second)
	c := startRing(t, 3, 3, "FIFO_W=1", "FIFO_R=1")
	a, b, cn := c.Nodes[0], c.Nodes[1], c.Nodes[2]
	admin := a.API()
	role := admin.Create("/roles", `{"name":"diverging"}`)
	org := admin.Create("/orgs", `{"name":"diverging"}`)
	apis := map[string]*API{"a": admin, "b": b.API(), "c": cn.API()}
	waitAAEQuiet(t, c.Nodes, 8)

	c.Partition([]string{a.Name}, []string{b.Name, cn.Name})
	var (
		mu            sync.Mutex
		perms         [][]string
		incs, tried   int
		wg            sync.WaitGroup
		end           = time.Now().Add(d)
		sideFailures  = map[string]int{}
		sideSuccesses = map[string]int{}
	)
	for side, api := range apis {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(end); i++ {
				tag := fmt.Sprintf("%s%d", side, i)
				ok := 0
				if r, err := api.Send("PUT", "/roles/"+role+"/permissions/users/"+tag+"/get", ""); err == nil && r.Status == 204 {
					ok++
					mu.Lock()
					perms = append(perms, []string{"users", tag, "get"})
					mu.Unlock()
				}
				mu.Lock()
				tried++
				mu.Unlock()
				if r, err := api.Send("PUT", "/orgs/"+org+"/resources/ram", `{"inc":1}`); err == nil && r.Status == 204 {
					ok++
					mu.Lock()
					incs++
					mu.Unlock()
				}
				if r, err := api.Send("PUT", "/roles/"+role+"/metadata", fmt.Sprintf(`{"writer":%q}`, tag)); err == nil && r.Status == 204 {
					ok++
				}
				mu.Lock()
				sideSuccesses[side] += ok
				sideFailures[side] += 3 - ok
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	c.Heal()
	t.Logf("partition of %v: %d permissions and %d increments acknowledged of %d rounds; acknowledged %v, failed %v",
		d, len(perms), incs, tried, sideSuccesses, sideFailures)
	for side := range apis {
		if sideSuccesses[side] == 0 {
			t.Fatalf("side %s acknowledged no write: nothing diverged", side)
		}
	}
	waitAAEQuiet(t, c.Nodes, 8)
	stopAll(t, c)

	var roleBytes, orgBytes []byte
	for i, n := range c.Nodes {
		r := replicaOf(t, n, 8)
		rv, ov := r[record.BucketRole][role], r[record.BucketOrg][org]
		if rv == nil || ov == nil {
			t.Fatalf("%s lacks the role (%d bytes) or the org (%d bytes)", n.Name, len(rv), len(ov))
		}
		if i == 0 {
			roleBytes, orgBytes = rv, ov
			continue
		}
		if !bytes.Equal(rv, roleBytes) || !bytes.Equal(ov, orgBytes) {
			t.Fatalf("%s holds other bytes than %s: role %v, org %v", n.Name, a.Name, bytes.Equal(rv, roleBytes), bytes.Equal(ov, orgBytes))
		}
	}
	rec, err := record.Load(roleBytes)
	if err != nil {
		t.Fatal(err)
	}
	set, ok := rec.Fields.Get("permissions")
	if !ok || set.Set == nil {
		t.Fatal("the role has no permission set")
	}
	for _, p := range perms {
		elem, err := crdt.EncMode().Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if !set.Set.Contains(string(elem)) {
			t.Errorf("acknowledged permission %v lost", p)
		}
	}
	orec, err := record.Load(orgBytes)
	if err != nil {
		t.Fatal(err)
	}
	o, err := record.OrgFromRecord(orec)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Resources["ram"]; got < int64(incs) || got > int64(tried) {
		t.Errorf("ram counter %d, want %d acknowledged increments at least, %d sent at most", got, incs, tried)
	}
	if _, ok := rec.Fields.Get("metadata"); !ok {
		t.Error("the role lost its metadata register")
	}
}
