package systest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/releases/handoff"
)

// TestClusterRollingUpgrade (issue 6, "a rolling upgrade of a 3-node
// cluster under load with no lost write"): the same code built as 1.0.0
// and as 2.0.0 with a schema bump of users, packed, and unpacked into the
// releases root of each of three nodes, which run 1.0.0 from their
// root's current and are joined into one ring (N=3, R=2, W=2). A steady
// REST load runs through every node — metadata writers, each on its own
// user, reading each acknowledged write back through the next node, and
// one user creator per node — before, during and after `fifo cluster
// upgrade 2.0.0` run on the first node. Then: the command exits 0 and
// upgraded the others first and itself last; every node's serving
// process runs 2.0.0 (a new pid); every acknowledged write reads back
// through every node (no write lost: a metadata value at least the last
// acknowledged one and at most the last sent, every created user with
// its name); no connection was refused; no request failed before the
// upgrade began or after it ended. Requests that failed during the
// hand-offs are counted and reported, not asserted: the single-node
// hand-off promises none, but a request a node coordinates needs W (or R)
// of the 3 replicas, and a peer's hand-over takes it away for a moment.
func TestClusterRollingUpgrade(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two releases and runs three nodes")
	}
	const v1, v2 = "1.0.0-rolling", "2.0.0-rolling"
	base := t.TempDir()
	dist := filepath.Join(base, "dist")
	bin1, tar1, err := BuildRelease(filepath.Join(base, "b1"), dist, v1, "")
	if err != nil {
		t.Fatal(err)
	}
	_, tar2, err := BuildRelease(filepath.Join(base, "b2"), dist, v2, record.BucketUser)
	if err != nil {
		t.Fatal(err)
	}
	c := StartReleasedCluster(t, ReleasedClusterConfig{CLI: bin1, Tarballs: []string{tar1, tar2}, Install: v1})
	joinRing(t, c, true)
	first := map[string]int{}
	for _, n := range c.Nodes {
		ev := controlStatus(t, n)
		if ev.Version != v1 {
			t.Fatalf("%s runs %q, want %s", n.Name, ev.Version, v1)
		}
		first[n.Name] = ev.PID
	}

	l := newRollingLoad(t, c)
	l.start(2)
	defer l.halt()
	l.waitOK(t, 150)

	l.setPhase("during")
	began := time.Now()
	out, err := fifoCLI(c.Nodes[0], "cluster", "upgrade", v2, "--timeout", "90s")
	took := time.Since(began)
	t.Logf("fifo cluster upgrade %s (%v):\n%s", v2, took.Round(time.Millisecond), out)
	if err != nil {
		t.Fatalf("fifo cluster upgrade: %v", err)
	}
	l.setPhase("after")
	l.waitOK(t, 150)
	l.halt()

	// The order: the others in name order, the node it ran on last.
	order := []string{c.Nodes[1].Name, c.Nodes[2].Name}
	sort.Strings(order)
	order = append(order, c.Nodes[0].Name)
	for i, name := range order {
		if want := fmt.Sprintf("[%d/3] %s: %s -> %s", i+1, name, v1, v2); !strings.Contains(out, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	if !strings.Contains(out, "every member runs "+v2) {
		t.Errorf("the output lacks the verdict")
	}
	for _, n := range c.Nodes {
		ev := controlStatus(t, n)
		if ev.Version != v2 || ev.PID == first[n.Name] {
			t.Errorf("%s: %+v after the upgrade (pid before %d)", n.Name, ev, first[n.Name])
		}
	}

	l.report(t, took)
	if lost := l.verify(t); len(lost) > 0 {
		t.Fatalf("%d acknowledged writes not read back:\n%s", len(lost), strings.Join(lost[:min(len(lost), 20)], "\n"))
	}
	if n := l.refused.Load(); n > 0 {
		t.Errorf("%d connections refused", n)
	}
	for _, phase := range []string{"before", "after"} {
		if n := l.failedIn(phase); n > 0 {
			t.Errorf("%d requests failed %s the upgrade", n, phase)
		}
	}
}

// controlStatus asks n on its control socket for its serving pid and
// version.
func controlStatus(t *testing.T, n *Node) handoff.Event {
	t.Helper()
	ev, err := handoff.Ask(handoff.ControlPath(n.DataDir), handoff.Request{Op: handoff.OpStatus}, nil)
	if err != nil {
		t.Fatalf("%s: control socket: %v", n.Name, err)
	}
	return ev
}

// rollingClient is a logged-in REST client with a deadline per request.
type rollingClient struct {
	node  string
	base  string
	token string
	c     *http.Client
}

func (rc *rollingClient) send(method, p, body string) (int, http.Header, []byte, error) {
	req, err := http.NewRequest(method, rc.base+p, strings.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+rc.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := rc.c.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

// user reads a user's name and public metadata.
func (rc *rollingClient) user(id string) (string, map[string]any, error) {
	code, _, body, err := rc.send("GET", "/users/"+id, "")
	if err != nil {
		return "", nil, err
	}
	if code != http.StatusOK {
		return "", nil, fmt.Errorf("GET user %s via %s: %w", id, rc.node, statusError{code, bytesHead(body)})
	}
	var u struct {
		Name     string         `json:"name"`
		Metadata map[string]any `json:"metadata"`
	}
	if err := json.Unmarshal(body, &u); err != nil {
		return "", nil, err
	}
	return u.Name, u.Metadata, nil
}

// statusError is an unexpected HTTP status.
type statusError struct {
	code int
	body string
}

func (e statusError) Error() string { return fmt.Sprintf("status %d %s", e.code, e.body) }

func bytesHead(b []byte) string { return string(b[:min(len(b), 200)]) }

// written is one writer's key: the last value acknowledged and the last
// sent.
type written struct {
	user, key    string
	acked, tried int64
}

// rollingLoad is the load of TestClusterRollingUpgrade.
type rollingLoad struct {
	t       *testing.T
	clients []*rollingClient
	ok      atomic.Int64
	refused atomic.Int64
	stale   atomic.Int64
	stop    chan struct{}
	wg      sync.WaitGroup
	halted  bool

	mu      sync.Mutex
	phase   string
	failed  map[string]map[string]int // phase → "node: kind" → count
	samples []string
	writes  []*written
	created map[string]string // user → name, acknowledged creations
	// maxGap is the longest time a writer went without an acknowledged
	// write during the upgrade.
	maxGap time.Duration
}

func newRollingLoad(t *testing.T, c *Cluster) *rollingLoad {
	l := &rollingLoad{t: t, stop: make(chan struct{}), phase: "before", failed: map[string]map[string]int{},
		created: map[string]string{}}
	for _, n := range c.Nodes {
		a := n.API()
		l.clients = append(l.clients, &rollingClient{node: n.Name, base: a.Base, token: a.Token,
			c: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16},
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}})
	}
	return l
}

func (l *rollingLoad) setPhase(p string) {
	l.mu.Lock()
	l.phase = p
	l.mu.Unlock()
}

// fail counts one failed request of node.
func (l *rollingLoad) fail(node, what string, err error) {
	kind := "transport error"
	var se statusError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		l.refused.Add(1)
		kind = "refused"
	case errors.As(err, &se):
		kind = fmt.Sprintf("status %d", se.code)
	case strings.Contains(err.Error(), "reads"):
		kind = "stale"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failed[l.phase] == nil {
		l.failed[l.phase] = map[string]int{}
	}
	l.failed[l.phase][node+" "+what+": "+kind]++
	if len(l.samples) < 20 {
		l.samples = append(l.samples, fmt.Sprintf("%s %s %s via %s: %v", time.Now().Format("15:04:05.000"), l.phase, what, node, err))
	}
}

// failedIn counts the failures of a phase.
func (l *rollingLoad) failedIn(phase string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.failed[phase] {
		n += c
	}
	return n
}

// start makes writers users per node, and runs them and one creator per
// node.
func (l *rollingLoad) start(writers int) {
	t := l.t
	t.Helper()
	for i, rc := range l.clients {
		for w := range writers {
			name := fmt.Sprintf("rw-%d-%d", i, w)
			code, h, body, err := rc.send("POST", "/users", fmt.Sprintf(`{"user":%q,"password":"pw-%s"}`, name, name))
			if err != nil || code != http.StatusSeeOther {
				t.Fatalf("create %s via %s: %d %v %s", name, rc.node, code, err, body)
			}
			wr := &written{user: filepath.Base(h.Get("Location")), key: fmt.Sprintf("k%d%d", i, w)}
			l.mu.Lock()
			l.writes = append(l.writes, wr)
			l.created[wr.user] = name
			l.mu.Unlock()
			l.wg.Add(1)
			go l.writer(i, wr)
		}
		l.wg.Add(1)
		go l.creator(i)
	}
}

// writer sets its key to 1, 2, … through node i, and reads every
// acknowledged value back through node i+1.
func (l *rollingLoad) writer(i int, wr *written) {
	defer l.wg.Done()
	rc, next := l.clients[i], l.clients[(i+1)%len(l.clients)]
	lastAck := time.Now()
	for v := int64(1); ; v++ {
		select {
		case <-l.stop:
			return
		default:
		}
		l.mu.Lock()
		wr.tried = v
		l.mu.Unlock()
		code, _, body, err := rc.send("PUT", "/users/"+wr.user+"/metadata", fmt.Sprintf(`{%q:%d}`, wr.key, v))
		if err == nil && code != http.StatusNoContent {
			err = statusError{code, bytesHead(body)}
		}
		if err != nil {
			l.fail(rc.node, "write", err)
			continue
		}
		now := time.Now()
		l.mu.Lock()
		wr.acked = v
		if l.phase == "during" && now.Sub(lastAck) > l.maxGap {
			l.maxGap = now.Sub(lastAck)
		}
		l.mu.Unlock()
		lastAck = now
		l.ok.Add(1)
		_, pub, err := next.user(wr.user)
		switch {
		case err != nil:
			l.fail(next.node, "read", err)
		case toInt(pub[wr.key]) < v:
			l.stale.Add(1)
			l.fail(next.node, "read", fmt.Errorf("user %s: %s reads %v after %d was acknowledged", wr.user, wr.key, pub[wr.key], v))
		default:
			l.ok.Add(1)
		}
	}
}

// creator creates users through node i.
func (l *rollingLoad) creator(i int) {
	defer l.wg.Done()
	rc := l.clients[i]
	for k := 1; ; k++ {
		select {
		case <-l.stop:
			return
		default:
		}
		name := fmt.Sprintf("rc-%d-%d", i, k)
		code, h, body, err := rc.send("POST", "/users", fmt.Sprintf(`{"user":%q,"password":"pw-%s"}`, name, name))
		if err == nil && code != http.StatusSeeOther {
			err = statusError{code, bytesHead(body)}
		}
		if err != nil {
			l.fail(rc.node, "create", err)
			continue
		}
		l.mu.Lock()
		l.created[filepath.Base(h.Get("Location"))] = name
		l.mu.Unlock()
		l.ok.Add(1)
	}
}

// toInt is a JSON number as an int64 (-1 when it is not one).
func toInt(v any) int64 {
	f, ok := v.(float64)
	if !ok {
		return -1
	}
	return int64(f)
}

// waitOK waits until n more requests have succeeded.
func (l *rollingLoad) waitOK(t *testing.T, n int64) {
	t.Helper()
	target := l.ok.Load() + n
	WaitFor(t, 2*time.Minute, fmt.Sprintf("%d successful requests", n), func() bool { return l.ok.Load() >= target })
}

// halt stops the load (once) and waits for it.
func (l *rollingLoad) halt() {
	if l.halted {
		return
	}
	l.halted = true
	close(l.stop)
	l.wg.Wait()
}

// report logs the figures of the load.
func (l *rollingLoad) report(t *testing.T, took time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "load: %d requests ok, %d refused, %d stale reads; upgrade took %v; longest time a writer waited for an acknowledged write during it: %v\n",
		l.ok.Load(), l.refused.Load(), l.stale.Load(), took.Round(time.Millisecond), l.maxGap.Round(time.Millisecond))
	for _, phase := range []string{"before", "during", "after"} {
		var lines []string
		total := 0
		for k, n := range l.failed[phase] {
			lines = append(lines, fmt.Sprintf("    %s: %d", k, n))
			total += n
		}
		sort.Strings(lines)
		fmt.Fprintf(&b, "  failed %s the upgrade: %d\n", phase, total)
		for _, s := range lines {
			b.WriteString(s + "\n")
		}
	}
	if len(l.samples) > 0 {
		fmt.Fprintf(&b, "  first failures:\n    %s\n", strings.Join(l.samples, "\n    "))
	}
	t.Log(b.String())
}

// verify reads every acknowledged write back through every node and
// returns what is missing.
func (l *rollingLoad) verify(t *testing.T) []string {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var lost []string
	for _, rc := range l.clients {
		for _, wr := range l.writes {
			_, pub, err := rc.user(wr.user)
			switch {
			case err != nil:
				lost = append(lost, err.Error())
			case toInt(pub[wr.key]) < wr.acked || toInt(pub[wr.key]) > wr.tried:
				lost = append(lost, fmt.Sprintf("via %s: user %s: %s = %v, acknowledged %d, last sent %d", rc.node, wr.user, wr.key, pub[wr.key], wr.acked, wr.tried))
			}
		}
		for user, name := range l.created {
			got, _, err := rc.user(user)
			switch {
			case err != nil:
				lost = append(lost, err.Error())
			case got != name:
				lost = append(lost, fmt.Sprintf("via %s: user %s is named %q, want %q", rc.node, user, got, name))
			}
		}
	}
	t.Logf("verified %d metadata keys and %d created users through each of %d nodes", len(l.writes), len(l.created), len(l.clients))
	return lost
}
