package systest

import (
	"net/http"
	"testing"
	"time"
)

// TestClusterIPClaimsOneUser: two nodes joined in one ring, one IP range;
// the same user leases the lowest address through b and frees it, then
// leases through a (the lowest again), then through b, with no release
// between the last two. The two claims must answer two addresses:
// each PUT /ipranges/:id is a new lease, whichever node serves it and
// whatever that node's view of the range says.
func TestClusterIPClaimsOneUser(t *testing.T) {
	c := StartCluster(t, bins, ClusterConfig{Nodes: 2})
	joinRing(t, c, false)
	a, b := c.Nodes[0].API(), c.Nodes[1].API()
	rng := a.Create("/ipranges", `{"name":"one-user","network":"10.41.0.0","netmask":"255.255.255.0",`+
		`"gateway":"10.41.0.1","first":"10.41.0.10","last":"10.41.0.13","tag":"external"}`)
	claim := func(api *API) string {
		t.Helper()
		var l struct {
			IP string `json:"ip"`
		}
		if err := api.Expect(http.StatusOK, "PUT", "/ipranges/"+rng, "").Decode(&l); err != nil {
			t.Fatal(err)
		}
		return l.IP
	}
	// b leases the lowest address and frees it: b's view of the range
	// has it free; once the range's record says so too, a leases it.
	lowest := claim(b)
	b.Expect(http.StatusNoContent, "DELETE", "/ipranges/"+rng+"/"+lowest, "")
	WaitFor(t, 30*time.Second, "the range's record with no address used", func() bool {
		var r struct {
			Used []string `json:"used"`
		}
		a.Get("/ipranges/"+rng, &r)
		return len(r.Used) == 0
	})
	first, second := claim(a), claim(b)
	t.Logf("through b %s (freed), then through a %s, then through b %s", lowest, first, second)
	if first == second {
		strictf(t, "one user's two claims (through a, then b) both leased %s: the lease's holder is the user, and "+
			"claiming a name its holder already holds succeeds (apps/wiggle/rest/ipranges.go claimHolder)", first)
	}
}
