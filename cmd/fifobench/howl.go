package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fifogo/fifo/apps/howl"
	"github.com/fifogo/fifo/apps/howl/hub"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// benchChannel is the channel every bench client joins.
const benchChannel = "bench"

// howlClientsEnv, when set (to a JSON swarmConfig), makes fifobench a
// swarm of websocket clients for the howl section (see howlClients).
const howlClientsEnv = "FIFOBENCH_HOWL_CLIENTS"

// benchHowl measures the fan-out of one event to N websocket clients over
// loopback: the latency from the publish to each client's read, through
// howl (Publish → howl actor → hub → per-connection writers) served in
// this process, beside two baselines measured in the same run: the same
// frame written to N plain websocket connections by one loop, and handed
// to N goroutines through Go channels.
//
// The clients run in a child process: each loopback connection costs a
// file descriptor at both ends, and one process may not hold 2×10,000 of
// them under a hard RLIMIT_NOFILE of 20,000 (common in containers, where
// it cannot be raised). Latency is measured on the wall clock, which both
// processes share: the publish time travels in the event. A first round
// of each kind is a warm-up and not counted.
func benchHowl(w io.Writer, quick bool) error {
	sizes, rounds := []int{1000, 10000}, 10
	if quick {
		sizes, rounds = []int{1000}, 5
	}
	fmt.Fprintf(w, "\nHowl fan-out: one JSON event (~%d bytes) to N websocket clients (loopback; clients in a child process), publish-to-read latency over %d rounds\n",
		len(stampedFrame(time.Now())), rounds)
	fmt.Fprintln(w, "clients\thowl p50\tp99\traw ws loop p50\tp99\tp99 ratio\tgo chan p50\tp99\tp99 ratio\t")
	for _, n := range sizes {
		h, err := howlFanout(n, rounds)
		if err != nil {
			return fmt.Errorf("howl, %d clients: %w", n, err)
		}
		raw, err := rawFanout(n, rounds)
		if err != nil {
			return fmt.Errorf("raw websocket, %d clients: %w", n, err)
		}
		ch := chanFanout(n, rounds)
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%.2f\t%s\t%s\t%.2f\t\n", n,
			dur(h.P50), dur(h.P99), dur(raw.P50), dur(raw.P99), ratio(h.P99, raw.P99),
			dur(ch.P50), dur(ch.P99), ratio(h.P99, ch.P99))
	}
	return nil
}

// latencies are the p50 and p99 of a fan-out.
type latencies struct{ P50, P99 time.Duration }

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// percentiles returns the p50 and p99 of ds (sorted in place).
func percentiles(ds []time.Duration) latencies {
	if len(ds) == 0 {
		return latencies{}
	}
	slices.Sort(ds)
	pct := func(p float64) time.Duration { return ds[int(p*float64(len(ds)-1))] }
	return latencies{P50: pct(0.50), P99: pct(0.99)}
}

// stampData is the event data of a round: what a VM state event carries,
// plus the publish time t (wall clock, ns) the clients measure from.
func stampData(t time.Time) json.RawMessage {
	return json.RawMessage(`{"state":"running","uuid":"4f1c2f3e-0000-4000-8000-000000000001","t":` +
		strconv.FormatInt(t.UnixNano(), 10) + `}`)
}

// stampedFrame is the frame clients of the raw baseline get: the one
// howl sends for the same event.
func stampedFrame(t time.Time) []byte {
	f, _ := hub.Event{Channel: benchChannel, Event: "state", Data: stampData(t)}.Encode(hub.JSON)
	return f
}

// stampOf extracts the publish time from a frame.
func stampOf(frame []byte) (int64, bool) {
	i := bytes.LastIndex(frame, []byte(`"t":`))
	if i < 0 {
		return 0, false
	}
	rest := frame[i+4:]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	t, err := strconv.ParseInt(string(rest[:j]), 10, 64)
	return t, err == nil
}

// serveHTTP serves h on a loopback port.
func serveHTTP(h http.Handler) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return srv, "ws://" + ln.Addr().String(), nil
}

// benchAuth lets every token in and every client join every channel.
type benchAuth struct{}

func (benchAuth) ConsumeOTT(context.Context, string) (howl.Principal, error) {
	return howl.PrincipalFunc(func(context.Context, []string) (bool, error) { return true, nil }), nil
}

// howlFanout measures the fan-out through a node running the howl app.
func howlFanout(n, rounds int) (latencies, error) {
	epmd, err := freePort()
	if err != nil {
		return latencies{}, err
	}
	node, err := runtime.Start(context.Background(), runtime.Options{
		Name: fmt.Sprintf("benchhowl%d@127.0.0.1", os.Getpid()), Cookie: "bench", EPMDPort: epmd,
		Metrics: runtime.NewMetrics(prometheus.NewRegistry()),
	})
	if err != nil {
		return latencies{}, err
	}
	defer node.Stop()
	svc, err := howl.NewService(howl.Options{Auth: benchAuth{}})
	if err != nil {
		return latencies{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := supervisors.StartApp(ctx, node, svc.App("bench")); err != nil {
		return latencies{}, err
	}
	mux := http.NewServeMux()
	svc.Mount(mux)
	srv, base, err := serveHTTP(mux)
	if err != nil {
		return latencies{}, err
	}
	defer srv.Close()
	cfg := swarmConfig{N: n, Rounds: rounds + 1, URL: base + howl.Path + "?fifo_ott=bench", Hello: `{"join":"` + benchChannel + `"}`}
	l, err := runSwarm(cfg, func() error {
		ev := howl.Event{Channel: benchChannel, Event: "state"}
		ev.Data = stampData(time.Now())
		return howl.PublishEvent(node, ev)
	})
	if err != nil {
		return latencies{}, err
	}
	// Let the server side of the closed clients go before the next phase
	// (its file descriptors count).
	for deadline := time.Now().Add(30 * time.Second); svc.Stats().Subscribers > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	return l, nil
}

// rawFanout measures the baseline: the frame written to n plain websocket
// connections, one after the other from one goroutine.
func rawFanout(n, rounds int) (latencies, error) {
	var mu sync.Mutex
	var conns []*websocket.Conn
	var open atomic.Int64
	srv, base, err := serveHTTP(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		c, err := websocket.Accept(w, req, nil)
		if err != nil {
			return
		}
		open.Add(1)
		defer open.Add(-1)
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
		<-c.CloseRead(context.Background()).Done()
		c.CloseNow()
	}))
	if err != nil {
		return latencies{}, err
	}
	defer srv.Close()
	ctx := context.Background()
	l, err := runSwarm(swarmConfig{N: n, Rounds: rounds + 1, URL: base}, func() error {
		// A client's dial returns once it read the server's 101, maybe
		// before the handler registered the connection.
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
			mu.Lock()
			k := len(conns)
			mu.Unlock()
			if k == n {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%d of %d connections accepted", k, n)
			}
		}
		frame := stampedFrame(time.Now())
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			if err := c.Write(ctx, websocket.MessageText, frame); err != nil {
				return err
			}
		}
		return nil
	})
	for deadline := time.Now().Add(30 * time.Second); open.Load() > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	return l, err
}

// chanFanout measures the floor: the frame handed to n goroutines
// through buffered channels, in this process.
func chanFanout(n, rounds int) latencies {
	var (
		got  atomic.Int64
		done = make(chan struct{}, 1)
		mu   sync.Mutex
		lat  []time.Duration
		keep atomic.Bool
	)
	chans := make([]chan []byte, n)
	for i := range chans {
		chans[i] = make(chan []byte, hub.DefaultBufferSize)
		go func(ch <-chan []byte) {
			for f := range ch {
				t, _ := stampOf(f)
				d := time.Duration(time.Now().UnixNano() - t)
				if keep.Load() {
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
				if got.Add(1) == int64(n) {
					done <- struct{}{}
				}
			}
		}(chans[i])
	}
	for r := 0; r <= rounds; r++ {
		keep.Store(r > 0)
		got.Store(0)
		f := stampedFrame(time.Now())
		for _, ch := range chans {
			ch <- f
		}
		<-done
	}
	for _, ch := range chans {
		close(ch)
	}
	mu.Lock()
	defer mu.Unlock()
	return percentiles(lat)
}

// swarmConfig tells a client swarm what to do.
type swarmConfig struct {
	// N clients dial URL; each sends Hello (unless empty) and reads one
	// answer before it counts frames.
	N     int
	URL   string
	Hello string
	// Rounds of one frame per client; the first is not measured.
	Rounds int
}

// runSwarm starts a client swarm in a child process and runs its rounds:
// publish, then wait until every client read the frame. It returns the
// latencies the swarm measured.
func runSwarm(cfg swarmConfig, publish func() error) (_ latencies, err error) {
	exe, err := os.Executable()
	if err != nil {
		return latencies{}, err
	}
	b, _ := json.Marshal(cfg)
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), howlClientsEnv+"="+string(b))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return latencies{}, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return latencies{}, err
	}
	if err := cmd.Start(); err != nil {
		return latencies{}, err
	}
	defer func() {
		stdin.Close() // the swarm exits when its stdin closes
		if err != nil {
			cmd.Process.Kill()
		}
		cmd.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	expect := func(word string) (string, error) {
		if !lines.Scan() {
			return "", fmt.Errorf("client swarm: no %q line: %v", word, lines.Err())
		}
		got, rest, _ := strings.Cut(lines.Text(), " ")
		if got != word {
			return "", fmt.Errorf("client swarm: %q, want %q", lines.Text(), word)
		}
		return rest, nil
	}
	if _, err := expect("ready"); err != nil {
		return latencies{}, err
	}
	for r := 0; r < cfg.Rounds; r++ {
		if err := publish(); err != nil {
			return latencies{}, err
		}
		if _, err := expect("done"); err != nil {
			return latencies{}, err
		}
	}
	rest, err := expect("result")
	if err != nil {
		return latencies{}, err
	}
	var l latencies
	if err := json.Unmarshal([]byte(rest), &l); err != nil {
		return latencies{}, fmt.Errorf("client swarm result %q: %w", rest, err)
	}
	return l, nil
}

// howlClients is the client swarm's main (fifobench run with
// howlClientsEnv set): it dials the clients, says "ready", then says
// "done" each time every client has read one frame, and after the last
// round "result" with the latencies as JSON. It exits when its stdin
// closes, and returns the exit code.
func howlClients(stdin io.Reader, stdout io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "fifobench client swarm:", err)
		return 1
	}
	var cfg swarmConfig
	if err := json.Unmarshal([]byte(os.Getenv(howlClientsEnv)), &cfg); err != nil {
		return fail(err)
	}
	var (
		got   atomic.Int64
		round atomic.Int64
		done  = make(chan struct{}, 1)
		mu    sync.Mutex
		lat   = make([]time.Duration, 0, cfg.N*cfg.Rounds)
	)
	received := func(frame []byte) {
		t, ok := stampOf(frame)
		d := time.Duration(time.Now().UnixNano() - t)
		if ok && round.Load() > 0 {
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}
		if got.Add(1) == int64(cfg.N) {
			done <- struct{}{}
		}
	}
	conns, err := dialAll(cfg, received)
	if err != nil {
		return fail(err)
	}
	defer func() {
		for _, c := range conns {
			c.CloseNow()
		}
	}()
	fmt.Fprintln(stdout, "ready")
	for r := 0; r < cfg.Rounds; r++ {
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			return fail(fmt.Errorf("round %d: %d of %d clients read the frame", r, got.Load(), cfg.N))
		}
		got.Store(0)
		round.Add(1)
		fmt.Fprintln(stdout, "done")
	}
	mu.Lock()
	b, _ := json.Marshal(percentiles(lat))
	mu.Unlock()
	fmt.Fprintln(stdout, "result", string(b))
	io.Copy(io.Discard, stdin)
	return 0
}

// dialAll opens the swarm's clients, 32 at a time; every frame a client
// reads after its hello's answer goes to received.
func dialAll(cfg swarmConfig, received func([]byte)) ([]*websocket.Conn, error) {
	conns := make([]*websocket.Conn, cfg.N)
	client := &http.Client{Transport: &http.Transport{}}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= cfg.N {
					return
				}
				c, err := dialOne(client, cfg)
				if err != nil {
					select {
					case errs <- fmt.Errorf("client %d: %w", i, err):
					default:
					}
					return
				}
				conns[i] = c
				go func() {
					for {
						_, f, err := c.Read(context.Background())
						if err != nil {
							return
						}
						received(f)
					}
				}()
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		for _, c := range conns {
			if c != nil {
				c.CloseNow()
			}
		}
		return nil, err
	default:
		return conns, nil
	}
}

func dialOne(client *http.Client, cfg swarmConfig) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, cfg.URL, &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		return nil, err
	}
	if cfg.Hello != "" {
		if err := c.Write(ctx, websocket.MessageText, []byte(cfg.Hello)); err != nil {
			c.CloseNow()
			return nil, err
		}
		if _, _, err := c.Read(ctx); err != nil {
			c.CloseNow()
			return nil, fmt.Errorf("hello: %w", err)
		}
	}
	return c, nil
}
