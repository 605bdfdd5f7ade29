package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sys/unix"

	"github.com/fifogo/fifo/apps/howl"
	"github.com/fifogo/fifo/apps/howl/hub"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// benchChannel is the channel every bench client joins.
const benchChannel = "bench"

// benchHowl measures the fan-out of one event to N websocket clients over
// loopback (server and clients in this process): the latency from the
// publish to each client's read, through howl (Publish → howl actor → hub
// → per-connection writers), beside two baselines measured in the same
// run: the same frame written to N plain websocket connections by one
// loop, and handed to N goroutines through Go channels.
func benchHowl(w io.Writer, quick bool) error {
	sizes, rounds := []int{1000, 10000}, 5
	if quick {
		sizes, rounds = []int{1000}, 3
	}
	limit, err := raiseFileLimit(uint64(2*slices.Max(sizes) + 4096))
	if err != nil {
		fmt.Fprintf(w, "\n(note: could not raise RLIMIT_NOFILE: %v)\n", err)
	}
	ev, err := howl.NewEvent(benchChannel, "state", map[string]any{"state": "running", "uuid": "4f1c2f3e-0000-4000-8000-000000000001"})
	if err != nil {
		return err
	}
	frame, err := hub.Event{Channel: ev.Channel, Event: ev.Event, Data: ev.Data}.Encode(hub.JSON)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nHowl fan-out: one %d-byte JSON event to N websocket clients (loopback, in-process), publish-to-read latency over %d rounds\n", len(frame), rounds)
	fmt.Fprintln(w, "clients\thowl p50\tp99\traw ws loop p50\tp99\tp99 ratio\tgo chan p50\tp99\tp99 ratio\t")
	for _, n := range sizes {
		if need := uint64(2*n + 256); need > limit {
			fmt.Fprintf(w, "%d\tskipped: needs %d file descriptors, limit %d\t\n", n, need, limit)
			continue
		}
		h, err := howlFanout(n, rounds, ev)
		if err != nil {
			return fmt.Errorf("howl %d clients: %w", n, err)
		}
		raw, err := rawFanout(n, rounds, frame)
		if err != nil {
			return fmt.Errorf("raw websocket %d clients: %w", n, err)
		}
		ch := chanFanout(n, rounds, frame)
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%.2f\t%s\t%s\t%.2f\t\n", n,
			dur(h.p50), dur(h.p99), dur(raw.p50), dur(raw.p99), ratio(h.p99, raw.p99),
			dur(ch.p50), dur(ch.p99), ratio(h.p99, ch.p99))
	}
	return nil
}

// raiseFileLimit raises RLIMIT_NOFILE to at least want (the hard limit
// too, which needs privileges) and returns the soft limit in force.
func raiseFileLimit(want uint64) (uint64, error) {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return 0, fmt.Errorf("getrlimit: %w", err)
	}
	if rl.Cur >= want {
		return rl.Cur, nil
	}
	next := unix.Rlimit{Cur: want, Max: max(rl.Max, want)}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &next); err != nil {
		// Without privileges the hard limit is the most we get.
		rl.Cur = rl.Max
		if err2 := unix.Setrlimit(unix.RLIMIT_NOFILE, &rl); err2 != nil {
			return 0, errors.Join(err, err2)
		}
		return rl.Cur, fmt.Errorf("setrlimit %d: %w (using the hard limit %d)", want, err, rl.Cur)
	}
	return want, nil
}

// latencies are the p50 and p99 of a fan-out.
type latencies struct{ p50, p99 time.Duration }

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// receivers records, for every client and round, how long after the
// round's start the client read the event.
type receivers struct {
	n     int
	epoch time.Time
	start atomic.Int64 // the round's start, in ns since epoch
	got   atomic.Int64 // reads in this round
	round chan struct{}
	mu    sync.Mutex
	lat   []time.Duration
}

func newReceivers(n, rounds int) *receivers {
	return &receivers{n: n, epoch: time.Now(), round: make(chan struct{}, 1), lat: make([]time.Duration, 0, n*rounds)}
}

// received records one client's read; the last read of a round ends it.
func (r *receivers) received() {
	d := time.Duration(int64(time.Since(r.epoch)) - r.start.Load())
	r.mu.Lock()
	r.lat = append(r.lat, d)
	r.mu.Unlock()
	if r.got.Add(1) == int64(r.n) {
		r.round <- struct{}{}
	}
}

// run runs rounds of publish, each waiting until every client read.
func (r *receivers) run(rounds int, publish func() error) (latencies, error) {
	for i := 0; i < rounds; i++ {
		r.got.Store(0)
		r.start.Store(int64(time.Since(r.epoch)))
		if err := publish(); err != nil {
			return latencies{}, err
		}
		select {
		case <-r.round:
		case <-time.After(60 * time.Second):
			return latencies{}, fmt.Errorf("round %d: %d of %d clients read the event", i, r.got.Load(), r.n)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	slices.Sort(r.lat)
	pct := func(p float64) time.Duration { return r.lat[int(p*float64(len(r.lat)-1))] }
	return latencies{p50: pct(0.50), p99: pct(0.99)}, nil
}

// dialAll opens n websocket clients to url in parallel; each sends hello
// (if any) and reads one answer before its reader starts calling
// received for every later frame.
func dialAll(n int, url string, hello []byte, r *receivers) ([]*websocket.Conn, error) {
	conns := make([]*websocket.Conn, n)
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
				if i >= n {
					return
				}
				c, err := dialOne(client, url, hello)
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
						if _, _, err := c.Read(context.Background()); err != nil {
							return
						}
						r.received()
					}
				}()
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		closeAll(conns)
		return nil, err
	default:
		return conns, nil
	}
}

func dialOne(client *http.Client, url string, hello []byte) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		return nil, err
	}
	if hello != nil {
		if err := c.Write(ctx, websocket.MessageText, hello); err != nil {
			c.CloseNow()
			return nil, err
		}
		if _, b, err := c.Read(ctx); err != nil || string(b) != `{"ok":"channel joined"}` {
			c.CloseNow()
			return nil, fmt.Errorf("join: %q %v", b, err)
		}
	}
	return c, nil
}

func closeAll(conns []*websocket.Conn) {
	for _, c := range conns {
		if c != nil {
			c.CloseNow()
		}
	}
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

// howlFanout runs the fan-out through a node running the howl app.
func howlFanout(n, rounds int, ev howl.Event) (latencies, error) {
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
	r := newReceivers(n, rounds)
	conns, err := dialAll(n, base+howl.Path+"?fifo_ott=bench", []byte(`{"join":"`+benchChannel+`"}`), r)
	if err != nil {
		return latencies{}, err
	}
	defer closeAll(conns)
	return r.run(rounds, func() error { return howl.PublishEvent(node, ev) })
}

// rawFanout writes the frame to n plain websocket connections, one after
// the other from one goroutine.
func rawFanout(n, rounds int, frame []byte) (latencies, error) {
	var mu sync.Mutex
	var server []*websocket.Conn
	srv, base, err := serveHTTP(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		c, err := websocket.Accept(w, req, nil)
		if err != nil {
			return
		}
		mu.Lock()
		server = append(server, c)
		mu.Unlock()
		<-c.CloseRead(context.Background()).Done()
	}))
	if err != nil {
		return latencies{}, err
	}
	defer srv.Close()
	r := newReceivers(n, rounds)
	conns, err := dialAll(n, base, nil, r)
	if err != nil {
		return latencies{}, err
	}
	defer closeAll(conns)
	// Every server side is accepted once its client's dial returned; wait
	// for the handlers to have registered them.
	for deadline := time.Now().Add(30 * time.Second); ; {
		mu.Lock()
		k := len(server)
		mu.Unlock()
		if k == n {
			break
		}
		if time.Now().After(deadline) {
			return latencies{}, fmt.Errorf("%d of %d connections accepted", k, n)
		}
		time.Sleep(time.Millisecond)
	}
	ctx := context.Background()
	return r.run(rounds, func() error {
		for _, c := range server {
			if err := c.Write(ctx, websocket.MessageText, frame); err != nil {
				return err
			}
		}
		return nil
	})
}

// chanFanout hands the frame to n goroutines through buffered channels.
func chanFanout(n, rounds int, frame []byte) latencies {
	r := newReceivers(n, rounds)
	chans := make([]chan []byte, n)
	for i := range chans {
		chans[i] = make(chan []byte, hub.DefaultBufferSize)
		go func(ch <-chan []byte) {
			for range ch {
				r.received()
			}
		}(chans[i])
	}
	defer func() {
		for _, ch := range chans {
			close(ch)
		}
	}()
	l, _ := r.run(rounds, func() error {
		for _, ch := range chans {
			ch <- frame
		}
		return nil
	})
	return l
}
