package systest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// The IP claim load's shape: ranges of ipRangeSize addresses, clients per
// node, each pacing its claim/release pairs at ipPace, and the phases.
const (
	ipRanges       = 6
	ipRangeSize    = 16
	ipClientsNode  = 2
	ipPace         = 150 * time.Millisecond
	ipWarm         = 3 * time.Second
	ipPartitioned  = 12 * time.Second
	ipHealed       = 4 * time.Second
	ipCallTimeout  = 20 * time.Second
	ipCheckTimeout = 60 * time.Second
)

// The load's phases, as an operation saw them at its call and return.
const (
	phaseWarm int32 = iota
	phasePartitioned
	phaseHealed
)

// ipRange is a range of the test: its uuid and first address.
type ipRange struct {
	id    string
	first netip.Addr
}

// index is ip's index in the range (-1 outside it).
func (r ipRange) index(ip string) int {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is4() {
		return -1
	}
	x, f := a.As4(), r.first.As4()
	if x[0] != f[0] || x[1] != f[1] || x[2] != f[2] || int(x[3])-int(f[3]) < 0 || int(x[3])-int(f[3]) >= ipRangeSize {
		return -1
	}
	return int(x[3]) - int(f[3])
}

// ip is the address of index i.
func (r ipRange) ip(i int) string {
	f := r.first.As4()
	f[3] += byte(i)
	return netip.AddrFrom4(f).String()
}

// ipOp is one recorded operation with what the test needs besides the
// model's view: who, where, when (phases), the answer.
type ipOp struct {
	op                  porcupine.Operation
	node                *Node
	minority            bool
	callPhase, retPhase int32
	status              int // 0: transport error
	body                string
}

// ipHistory collects the operations of every client.
type ipHistory struct {
	origin time.Time
	phase  atomic.Int32
	mu     sync.Mutex
	ops    []ipOp
}

func (h *ipHistory) now() int64 { return int64(time.Since(h.origin)) }

func (h *ipHistory) add(o ipOp) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops = append(h.ops, o)
}

// ipClient is one client of the load: a user of its own, logged in on one
// node, with a deadline on every call.
type ipClient struct {
	id       int
	node     *Node
	minority bool
	api      *API
	h        *ipHistory
}

// call sends one request and records it as an operation of range r.
func (c *ipClient) call(r ipRange, kind IPOpKind, idx int) ipOp {
	method, path := "PUT", "/ipranges/"+r.id
	if kind == IPRelease {
		method, path = "DELETE", "/ipranges/"+r.id+"/"+r.ip(idx)
	}
	o := ipOp{node: c.node, minority: c.minority, callPhase: c.h.phase.Load()}
	o.op = porcupine.Operation{ClientId: c.id, Input: IPInput{Range: r.id, Kind: kind, Index: idx}, Call: c.h.now()}
	resp, err := c.api.Send(method, path, "")
	o.op.Return, o.retPhase = c.h.now(), c.h.phase.Load()
	o.status, o.body = resp.Status, string(resp.Body)
	out := IPOutput{Outcome: IPUnknown}
	switch {
	case err != nil:
		o.body = err.Error()
	case kind == IPClaim && resp.Status == http.StatusOK:
		var l struct {
			IP string `json:"ip"`
		}
		if err := resp.Decode(&l); err == nil && r.index(l.IP) >= 0 {
			out = IPOutput{Outcome: IPOK, Index: r.index(l.IP)}
		}
	case kind == IPRelease && resp.Status == http.StatusNoContent:
		out.Outcome = IPOK
	case resp.Status >= 400 && resp.Status < 500:
		out.Outcome = IPRefused
	}
	if out.Outcome == IPUnknown {
		o.op.Return = UnknownReturn
	}
	o.op.Output = out
	c.h.add(o)
	return o
}

// pair claims an address of r and, if it got one, releases it; it
// reports whether the claim succeeded.
func (c *ipClient) pair(r ipRange) bool {
	o := c.call(r, IPClaim, 0)
	out := o.op.Output.(IPOutput)
	if out.Outcome != IPOK {
		return false
	}
	c.call(r, IPRelease, out.Index)
	return true
}

// TestClusterIPClaimsPartition: three nodes joined with `fifo cluster
// join` (the ring settled: partitions spread, no handoff pending), six IP
// ranges made through REST, and two clients per node (each a user of its
// own, with edit on the ranges) claiming an address (PUT /ipranges/:id)
// and releasing it (DELETE /ipranges/:id/:ip) in a loop, before, during
// and after a partition {a} | {b, c}. Every call is recorded with its
// invocation and return times, and the history is checked with porcupine
// against a pool of addresses: no address is ever held by two clients at
// once. During the partition the addresses the two sides leased are
// disjoint (each belongs to one partition, which has one owner), every
// refused call is a 503 with an error body (never a 500 or a wrong
// answer), and {b, c}, which own most partitions, go on leasing in the
// second half of the partition. After healing every client leases again
// through its node, and each range's free and used lists, alike on every
// node, split the range, with nothing used that a call of unknown outcome
// did not possibly leave leased.
//
// Every range must keep leasing on {b, c}: a claim skips addresses whose
// partition owner is across the partition (sniffle/cloud ClaimIP).
func TestClusterIPClaimsPartition(t *testing.T) {
	c := StartCluster(t, bins, ClusterConfig{Nodes: 3})
	a, b, cn := c.Nodes[0], c.Nodes[1], c.Nodes[2]
	joinRing(t, c, true)
	admin := a.API()
	var ranges []ipRange
	for k := range ipRanges {
		first := netip.AddrFrom4([4]byte{10, 40, byte(k), 10})
		body, _ := json.Marshal(map[string]string{"name": fmt.Sprintf("claims%d", k), "network": fmt.Sprintf("10.40.%d.0", k),
			"netmask": "255.255.255.0", "gateway": fmt.Sprintf("10.40.%d.1", k), "first": first.String(),
			"last": ipRange{first: first}.ip(ipRangeSize - 1), "tag": "external"})
		ranges = append(ranges, ipRange{id: admin.Create("/ipranges", string(body)), first: first})
	}
	h := &ipHistory{origin: time.Now()}
	var clients []*ipClient
	for i := range len(c.Nodes) * ipClientsNode {
		n := c.Nodes[i/ipClientsNode]
		user := fmt.Sprintf("claimer%d", i)
		uid := admin.Create("/users", fmt.Sprintf(`{"user":%q,"password":"pw-%s"}`, user, user))
		for _, r := range ranges {
			admin.Expect(http.StatusNoContent, "PUT", "/users/"+uid+"/permissions/ipranges/"+r.id+"/edit", "")
		}
		l := Login(t, "http://"+n.HTTPAddr, user, "pw-"+user)
		api := &API{t: t, Base: l.Base, Token: l.Token, http: &http.Client{Timeout: ipCallTimeout}}
		clients = append(clients, &ipClient{id: i, node: n, minority: n == a, api: api, h: h})
	}
	// Every client leases once through its node before the load, so
	// that the ranges and the users are known everywhere.
	for _, cl := range clients {
		for _, r := range ranges {
			WaitFor(t, 30*time.Second, "a first lease through "+cl.node.Name, func() bool { return cl.pair(r) })
		}
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, cl := range clients {
		wg.Go(func() {
			tick := time.NewTicker(ipPace)
			defer tick.Stop()
			for k := cl.id; ; k++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				cl.pair(ranges[k%len(ranges)])
			}
		})
	}
	<-time.After(ipWarm)
	c.Partition([]string{a.Name}, []string{b.Name, cn.Name})
	partStart := h.now()
	h.phase.Store(phasePartitioned)
	<-time.After(ipPartitioned)
	c.Heal()
	partEnd := h.now()
	h.phase.Store(phaseHealed)
	<-time.After(ipHealed)
	close(stop)
	wg.Wait()

	WaitFor(t, 60*time.Second, "every member reachable again", func() bool { return allReachable(t, c, false) })
	for _, cl := range clients {
		for _, r := range ranges {
			WaitFor(t, 60*time.Second, "a lease through "+cl.node.Name+" after healing", func() bool { return cl.pair(r) })
		}
	}

	h.mu.Lock()
	ops := slices.Clone(h.ops)
	h.mu.Unlock()
	checkIPHistory(t, ops)
	checkIPPartition(t, ops, ranges, partStart, partEnd)
	checkIPRanges(t, c, ranges, ops)
}

// checkIPHistory checks the history with porcupine: no address leased
// twice at once.
func checkIPHistory(t *testing.T, ops []ipOp) {
	t.Helper()
	history := make([]porcupine.Operation, len(ops))
	counts := map[string]int{}
	for i, o := range ops {
		history[i] = o.op
		counts[fmt.Sprintf("%v %v", [...]string{"claim", "release"}[o.op.Input.(IPInput).Kind],
			[...]string{"ok", "refused", "unknown"}[o.op.Output.(IPOutput).Outcome])]++
	}
	t.Logf("history of %d operations: %v", len(history), counts)
	res, info := porcupine.CheckOperationsVerbose(IPPoolModel(), history, ipCheckTimeout)
	switch res {
	case porcupine.Illegal:
		path := t.ArtifactDir() + "/ip-claims.html"
		if err := porcupine.VisualizePath(IPPoolModel(), info, path); err != nil {
			t.Logf("visualization: %v", err)
		}
		t.Fatalf("the history of IP claims is not linearizable: an address was leased twice (visualization %s)", path)
	case porcupine.Unknown:
		t.Logf("porcupine did not finish within %v: no violation found", ipCheckTimeout)
	}
}

// checkIPPartition checks what each side of the partition saw, counting
// operations called and returned while it lasted.
func checkIPPartition(t *testing.T, ops []ipOp, ranges []ipRange, partStart, partEnd int64) {
	t.Helper()
	got := map[bool]map[string]bool{false: {}, true: {}} // side → range/index leased
	late := map[string]int{}                             // range → claims {b, c} leased in the second half
	refused := map[bool]int{}
	statuses := map[int]int{}
	var bad []string
	for _, o := range ops {
		if o.callPhase != phasePartitioned || o.retPhase != phasePartitioned {
			continue
		}
		in, out := o.op.Input.(IPInput), o.op.Output.(IPOutput)
		if out.Outcome != IPOK {
			refused[o.minority]++
			statuses[o.status]++
			if o.status != http.StatusServiceUnavailable || !strings.Contains(o.body, `"error"`) {
				bad = append(bad, fmt.Sprintf("%v on %s (range %s) answered %d %s",
					[...]string{"claim", "release"}[in.Kind], o.node.Name, in.Range, o.status, o.body))
			}
			continue
		}
		if in.Kind != IPClaim {
			continue
		}
		got[o.minority][fmt.Sprintf("%s/%d", in.Range, out.Index)] = true
		if !o.minority && o.op.Call >= (partStart+partEnd)/2 {
			late[in.Range]++
		}
	}
	t.Logf("during the partition: {b, c} leased %d addresses (claims in its second half by range: %v), {a} leased %d; "+
		"refused: %d on {b, c}, %d on {a}, by status %v", len(got[false]), late, len(got[true]), refused[false], refused[true], statuses)
	for k := range got[true] {
		if got[false][k] {
			t.Errorf("address %s leased on both sides of the partition: its partition has one owner", k)
		}
	}
	total := 0
	for _, r := range ranges {
		total += late[r.id]
		if late[r.id] == 0 {
			strictf(t, "{b, c} leased nothing of range %s in the second half of the partition", r.id)
		}
	}
	if total == 0 {
		t.Errorf("{b, c}, owning most partitions, leased nothing in the second half of the partition")
	}
	if len(bad) > 0 {
		t.Errorf("%d calls refused during the partition without a 503, e.g. %s", len(bad), bad[0])
	}
}

// checkIPRanges reads every range on every node once the views agree:
// free and used split the range, and what is used was possibly left
// leased by a call of unknown outcome (every client released what it
// leased).
func checkIPRanges(t *testing.T, c *Cluster, ranges []ipRange, ops []ipOp) {
	t.Helper()
	unknownClaims := map[string]int{}
	unknownRelease := map[string]map[int]bool{}
	for _, o := range ops {
		in, out := o.op.Input.(IPInput), o.op.Output.(IPOutput)
		if out.Outcome != IPUnknown {
			continue
		}
		if in.Kind == IPClaim {
			unknownClaims[in.Range]++
			continue
		}
		if unknownRelease[in.Range] == nil {
			unknownRelease[in.Range] = map[int]bool{}
		}
		unknownRelease[in.Range][in.Index] = true
	}
	type view struct {
		Free []string `json:"free"`
		Used []string `json:"used"`
	}
	apis := make([]*API, len(c.Nodes))
	for i, n := range c.Nodes {
		apis[i] = n.API()
	}
	for _, r := range ranges {
		var v view
		WaitFor(t, 60*time.Second, "range "+r.id+" alike on every node", func() bool {
			var first []byte
			for i, api := range apis {
				resp := api.Expect(http.StatusOK, "GET", "/ipranges/"+r.id, "")
				var x view
				if err := resp.Decode(&x); err != nil {
					t.Fatalf("range %s: %v", r.id, err)
				}
				slices.Sort(x.Free)
				slices.Sort(x.Used)
				b, _ := json.Marshal(x)
				if i == 0 {
					first, v = b, x
				} else if string(b) != string(first) {
					return false
				}
			}
			return true
		})
		all := slices.Concat(v.Free, v.Used)
		slices.Sort(all)
		if len(all) != ipRangeSize || len(slices.Compact(slices.Clone(all))) != ipRangeSize {
			t.Errorf("range %s: free %v and used %v do not split its %d addresses", r.id, v.Free, v.Used, ipRangeSize)
		}
		t.Logf("range %s at the end: used %v (releases of unknown outcome: %d, claims of unknown outcome: %d)",
			r.id, v.Used, len(unknownRelease[r.id]), unknownClaims[r.id])
		extra := 0
		for _, ip := range v.Used {
			if !unknownRelease[r.id][r.index(ip)] {
				extra++
			}
		}
		if extra > unknownClaims[r.id] {
			t.Errorf("range %s: %d addresses used (%v) beyond releases of unknown outcome, but only %d claims of unknown outcome",
				r.id, extra, v.Used, unknownClaims[r.id])
		}
	}
}
