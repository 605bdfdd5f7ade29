package howl_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/apps/howl"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// smallSendBuffers makes every accepted connection's kernel send buffer
// small, so a client that does not read stalls the server's writes soon.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(4096)
	}
	return c, err
}

// smallReadClient dials connections with a small kernel receive buffer.
func smallReadClient() *http.Client {
	d := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetReadBuffer(4096)
		}
		return c, err
	}}}
}

// A client that stops reading is disconnected as a slow consumer (with
// close 1008 once its pending write went through) while a fast client of
// the same channel receives every event.
func TestSlowConsumerIsDisconnectedFastOneKeepsReceiving(t *testing.T) {
	e := newEnv(t, func(o *howl.Options) { o.BufferSize = 4; o.CloseGrace = 30 * time.Second })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.serve(smallSendBuffers{ln})
	e.startApp()

	fast := e.connect("", "*")
	fast.join("vm-1")
	slow := e.connectWith("", &websocket.DialOptions{HTTPClient: smallReadClient()}, "*")
	slow.join("vm-1")

	pad := strings.Repeat("x", 8000)
	dropped := e.svc.Metrics().Dropped.WithLabelValues("slow_consumer")
	sent := 0
	publish := func() {
		e.publish("vm-1", "log", map[string]any{"i": sent, "pad": pad})
		fast.expect(eventFrame("vm-1", "log", fmt.Sprintf(`{"i":%d,"pad":%q}`, sent, pad)))
		sent++
	}
	for testutil.ToFloat64(dropped) == 0 {
		if sent > 10000 {
			t.Fatal("slow consumer never dropped")
		}
		publish()
	}
	for i := 0; i < 20; i++ {
		publish()
	}

	// The slow client reads what reached it, in order, then the close.
	got := 0
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, b, err := slow.ws.Read(ctx)
		cancel()
		if err != nil {
			if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
				t.Fatalf("slow client: %v, want close 1008", err)
			}
			break
		}
		want := eventFrame("vm-1", "log", fmt.Sprintf(`{"i":%d,"pad":%q}`, got, pad))
		if string(b) != want {
			t.Fatalf("slow client frame %d: %.60s…", got, b)
		}
		got++
	}
	if got >= sent {
		t.Fatalf("slow client got all %d events", got)
	}
	t.Logf("slow client got %d of %d events before it was dropped", got, sent)
	if testutil.ToFloat64(dropped) != 1 {
		t.Fatalf("dropped{slow_consumer} = %v, want 1", testutil.ToFloat64(dropped))
	}
	runtimetest.WaitFor(t, "one connection left", func() bool {
		return testutil.ToFloat64(e.svc.Metrics().Connections) == 1
	})
	fast.send(map[string]any{"ping": 1})
	fast.expect(`{"pong":1}`)
}

// A slow consumer that never reads again is cut after CloseGrace.
func TestStalledSlowConsumerIsCut(t *testing.T) {
	e := newEnv(t, func(o *howl.Options) { o.BufferSize = 2; o.CloseGrace = 50 * time.Millisecond })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.serve(smallSendBuffers{ln})
	e.startApp()
	slow := e.connectWith("", &websocket.DialOptions{HTTPClient: smallReadClient()}, "*")
	slow.join("vm-1")
	conns := e.svc.Metrics().Connections
	dropped := e.svc.Metrics().Dropped.WithLabelValues("slow_consumer")
	pad := strings.Repeat("y", 8000)
	for i := 0; testutil.ToFloat64(dropped) == 0; i++ {
		if i > 10000 {
			t.Fatal("slow consumer never dropped")
		}
		e.publish("vm-1", "log", pad)
		if i%16 == 15 {
			// Let the actor and the writer catch up with the sends.
			runtimetest.WaitFor(t, "fan-out", func() bool {
				return testutil.ToFloat64(e.svc.Metrics().Events.WithLabelValues("published")) == float64(i+1)
			})
		}
	}
	runtimetest.WaitFor(t, "the stalled connection cut", func() bool { return testutil.ToFloat64(conns) == 0 })
}

// A write that takes longer than WriteTimeout cuts the connection, even
// while its queue still has room.
func TestStalledWriteTimesOut(t *testing.T) {
	e := newEnv(t, func(o *howl.Options) { o.WriteTimeout = 100 * time.Millisecond })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.serve(smallSendBuffers{ln})
	e.startApp()
	c := e.connectWith("", &websocket.DialOptions{HTTPClient: smallReadClient()}, "*")
	c.join("vm-1")
	timeouts := e.svc.Metrics().Dropped.WithLabelValues("write_timeout")
	pad := strings.Repeat("z", 8000)
	for i := 0; i < 16; i++ { // far fewer than the queue holds
		e.publish("vm-1", "log", pad)
	}
	runtimetest.WaitFor(t, "the write timeout", func() bool { return testutil.ToFloat64(timeouts) == 1 })
	runtimetest.WaitFor(t, "the connection gone", func() bool {
		return testutil.ToFloat64(e.svc.Metrics().Connections) == 0
	})
	if got := testutil.ToFloat64(e.svc.Metrics().Dropped.WithLabelValues("slow_consumer")); got != 0 {
		t.Fatalf("dropped{slow_consumer} = %v, want 0", got)
	}
}
