package hub

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// recv takes the next queued frame of s, failing when there is none.
func recv(t *testing.T, s *Sub) []byte {
	t.Helper()
	select {
	case f := <-s.Out():
		return f
	default:
		t.Fatal("no frame queued")
		return nil
	}
}

// empty fails when s has a frame queued.
func empty(t *testing.T, s *Sub) {
	t.Helper()
	select {
	case f := <-s.Out():
		t.Fatalf("unexpected frame %s", f)
	default:
	}
}

func attach(t *testing.T, h *Hub, e Encoding) *Sub {
	t.Helper()
	s, err := h.Attach(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func join(t *testing.T, h *Hub, s *Sub, ch string) {
	t.Helper()
	if err := h.Join(s, ch); err != nil {
		t.Fatal(err)
	}
}

func publish(t *testing.T, h *Hub, ch, ev string) int {
	t.Helper()
	n, err := h.Publish(Event{Channel: ch, Event: ev, Data: []byte(`{"n":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFanOutReachesExactlyTheSubscribersOfTheChannel(t *testing.T) {
	var delivered atomic.Int64
	h := New(Options{OnDeliver: func(n int) { delivered.Add(int64(n)) }})
	a, b, c := attach(t, h, JSON), attach(t, h, JSON), attach(t, h, MsgPack)
	join(t, h, a, "vm-1")
	join(t, h, b, "vm-1")
	join(t, h, b, "vm-2")
	join(t, h, c, "vm-2")

	if n := publish(t, h, "vm-1", "state"); n != 2 {
		t.Fatalf("vm-1 delivered to %d, want 2", n)
	}
	if n := publish(t, h, "vm-3", "state"); n != 0 {
		t.Fatalf("vm-3 delivered to %d, want 0", n)
	}
	want := `{"channel":"vm-1","message":{"event":"state","data":{"n":1}}}`
	if f := recv(t, a); string(f) != want {
		t.Fatalf("a got %s, want %s", f, want)
	}
	if f := recv(t, b); string(f) != want {
		t.Fatalf("b got %s", f)
	}
	empty(t, c)

	publish(t, h, "vm-2", "delete")
	recv(t, b)
	if f := recv(t, c); f[0]&0xf0 != 0x80 { // a msgpack fixmap
		t.Fatalf("c got %q, want msgpack", f)
	}
	empty(t, a)
	if got := delivered.Load(); got != 4 {
		t.Fatalf("OnDeliver counted %d, want 4", got)
	}
}

func TestEachEncodingIsEncodedOnceAndShared(t *testing.T) {
	h := New(Options{})
	subs := map[Encoding][]*Sub{}
	for i := 0; i < 6; i++ {
		e := Encoding(i % 2)
		s := attach(t, h, e)
		join(t, h, s, "ch")
		subs[e] = append(subs[e], s)
	}
	publish(t, h, "ch", "e")
	for e, ss := range subs {
		first := recv(t, ss[0])
		for _, s := range ss[1:] {
			f := recv(t, s)
			if &f[0] != &first[0] {
				t.Fatalf("%v: subscribers got different copies of the frame", e)
			}
		}
	}
}

func TestJoinTwiceIsOneJoinAndLeaveStopsDelivery(t *testing.T) {
	h := New(Options{})
	s := attach(t, h, JSON)
	join(t, h, s, "ch")
	join(t, h, s, "ch")
	if n := publish(t, h, "ch", "e"); n != 1 {
		t.Fatalf("delivered %d frames, want 1", n)
	}
	recv(t, s)
	h.Leave(s, "ch")
	h.Leave(s, "never-joined")
	if n := publish(t, h, "ch", "e"); n != 0 {
		t.Fatalf("delivered %d after leave", n)
	}
	empty(t, s)
	if st := h.Stats(); st.Channels != 0 || st.Subscribers != 1 {
		t.Fatalf("stats %+v, want no channel and one subscriber", st)
	}
}

func TestSlowConsumerIsDroppedAndOthersKeepReceiving(t *testing.T) {
	var drops sync.Map
	var ended atomic.Value
	h := New(Options{BufferSize: 3, OnDrop: func(r Reason) {
		v, _ := drops.LoadOrStore(r, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}})
	slow, err := h.Attach(JSON, func(r Reason) { ended.Store(r) })
	if err != nil {
		t.Fatal(err)
	}
	fast := attach(t, h, JSON)
	join(t, h, slow, "ch")
	join(t, h, slow, "other")
	join(t, h, fast, "ch")
	for i := 0; i < 10; i++ {
		n := publish(t, h, "ch", fmt.Sprint("e", i))
		recv(t, fast) // the fast one keeps up
		want := 2
		if i >= 3 {
			want = 1 // slow's queue is full (or it is gone)
		}
		if n != want {
			t.Fatalf("event %d delivered to %d, want %d", i, n, want)
		}
	}
	select {
	case <-slow.Done():
	default:
		t.Fatal("slow subscriber not disconnected")
	}
	if slow.Reason() != ReasonSlowConsumer || ended.Load() != ReasonSlowConsumer {
		t.Fatalf("reason %q / onDone %v, want slow_consumer", slow.Reason(), ended.Load())
	}
	if v, _ := drops.Load(ReasonSlowConsumer); v == nil || v.(*atomic.Int64).Load() != 1 {
		t.Fatal("slow consumer drop not reported exactly once")
	}
	if h.Subscribers("ch") != 1 || h.Subscribers("other") != 0 {
		t.Fatalf("slow subscriber still on channels: ch=%d other=%d", h.Subscribers("ch"), h.Subscribers("other"))
	}
	if fast.Reason() != "" {
		t.Fatalf("fast subscriber ended: %s", fast.Reason())
	}
	if err := h.Join(slow, "ch"); !errors.Is(err, ErrGone) {
		t.Fatalf("join after drop: %v, want ErrGone", err)
	}
	if slow.Send([]byte("x")) {
		t.Fatal("Send to a dropped subscriber succeeded")
	}
}

func TestSendOverflowDropsTheSubscriber(t *testing.T) {
	var drops atomic.Int64
	h := New(Options{BufferSize: 2, OnDrop: func(Reason) { drops.Add(1) }})
	s := attach(t, h, JSON)
	if !s.Send(OK(JSON, TextJoined)) || !s.Send(OK(JSON, TextLeft)) {
		t.Fatal("Send within the buffer failed")
	}
	if s.Send(OK(JSON, TextLeft)) {
		t.Fatal("Send beyond the buffer succeeded")
	}
	if s.Reason() != ReasonSlowConsumer || drops.Load() != 1 {
		t.Fatalf("reason %q drops %d", s.Reason(), drops.Load())
	}
}

func TestCloseDisconnectsEveryoneAndRefusesNewSubscribers(t *testing.T) {
	var drops atomic.Int64
	h := New(Options{OnDrop: func(r Reason) {
		if r == ReasonShutdown {
			drops.Add(1)
		}
	}})
	a, b := attach(t, h, JSON), attach(t, h, MsgPack)
	join(t, h, a, "ch")
	h.Close()
	h.Close()
	for _, s := range []*Sub{a, b} {
		if s.Reason() != ReasonShutdown {
			t.Fatalf("reason %q, want shutdown", s.Reason())
		}
	}
	if drops.Load() != 2 {
		t.Fatalf("%d shutdown drops, want 2", drops.Load())
	}
	if _, err := h.Attach(JSON, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("attach after close: %v", err)
	}
	if n := publish(t, h, "ch", "e"); n != 0 {
		t.Fatalf("delivered %d after close", n)
	}
}

func TestDetachIsNotADrop(t *testing.T) {
	var drops atomic.Int64
	h := New(Options{OnDrop: func(Reason) { drops.Add(1) }})
	s := attach(t, h, JSON)
	join(t, h, s, "ch")
	h.Detach(s)
	h.Detach(s)
	if s.Reason() != ReasonDetached || drops.Load() != 0 {
		t.Fatalf("reason %q drops %d", s.Reason(), drops.Load())
	}
	if st := h.Stats(); st != (Stats{}) {
		t.Fatalf("stats after detach %+v", st)
	}
}

func TestMaxChannels(t *testing.T) {
	h := New(Options{MaxChannels: 2})
	s := attach(t, h, JSON)
	join(t, h, s, "a")
	join(t, h, s, "b")
	join(t, h, s, "a") // already joined: fine
	if err := h.Join(s, "c"); !errors.Is(err, ErrTooManyChannels) {
		t.Fatalf("third channel: %v", err)
	}
	h.Leave(s, "a")
	join(t, h, s, "c")
}

func TestInvalidEventsAreRefused(t *testing.T) {
	h := New(Options{})
	s := attach(t, h, JSON)
	join(t, h, s, "ch")
	for _, ev := range []Event{
		{Channel: "", Event: "e"},
		{Channel: "ch", Event: ""},
		{Channel: "ch", Event: "e", Data: []byte("{")},
		{Channel: "ch\xff", Event: "e"},
		{Channel: string(bytes.Repeat([]byte("x"), MaxChannelLen+1)), Event: "e"},
	} {
		if _, err := h.Publish(ev); !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("%+v: err %v, want ErrInvalidEvent", ev, err)
		}
	}
	empty(t, s)
}

// Concurrent publishers, joiners, leavers and detachers: run with -race.
// Every frame a subscriber receives belongs to a channel it joined, and a
// publisher's frames arrive in its order.
func TestConcurrentUse(t *testing.T) {
	h := New(Options{BufferSize: 1 << 14})
	const subs, events = 8, 500
	var wg sync.WaitGroup
	ss := make([]*Sub, subs)
	for i := range ss {
		ss[i] = attach(t, h, Encoding(i%2))
	}
	stop := make(chan struct{})
	for i, s := range ss {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				ch := fmt.Sprint("ch", (i+k)%3)
				if err := h.Join(s, ch); err != nil {
					t.Error(err)
					return
				}
				h.Leave(s, ch)
			}
		}()
	}
	keep := attach(t, h, JSON)
	join(t, h, keep, "ch0")
	var pub sync.WaitGroup
	for p := 0; p < 2; p++ {
		pub.Add(1)
		go func() {
			defer pub.Done()
			for k := 0; k < events; k++ {
				if _, err := h.Publish(Event{Channel: "ch0", Event: fmt.Sprintf("p%d-%04d", p, k)}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	pub.Wait()
	close(stop)
	wg.Wait()
	for _, s := range ss {
		h.Detach(s)
	}
	last := map[byte]string{}
	for i := 0; i < 2*events; i++ {
		f := string(recv(t, keep))
		var p byte
		var ev string
		if _, err := fmt.Sscanf(f, `{"channel":"ch0","message":{"event":"p%c-%4s"}}`, &p, &ev); err != nil {
			t.Fatalf("frame %s: %v", f, err)
		}
		if ev <= last[p] {
			t.Fatalf("publisher %c: %s after %s", p, ev, last[p])
		}
		last[p] = ev
	}
	empty(t, keep)
	if st := h.Stats(); st.Subscribers != 1 || st.Channels != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// BenchmarkPublish measures the hub's part of a fan-out: validating,
// encoding once and queueing one event to 10,000 subscribers.
func BenchmarkPublish(b *testing.B) {
	h := New(Options{})
	subs := make([]*Sub, 10000)
	for i := range subs {
		s, err := h.Attach(Encoding(i%2), nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := h.Join(s, "ch"); err != nil {
			b.Fatal(err)
		}
		subs[i] = s
	}
	ev := Event{Channel: "ch", Event: "state", Data: []byte(`{"state":"running","uuid":"4f1c2f3e-0000-4000-8000-000000000001"}`)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if n, err := h.Publish(ev); err != nil || n != len(subs) {
			b.Fatalf("delivered %d: %v", n, err)
		}
		b.StopTimer()
		for _, s := range subs {
			<-s.Out()
		}
		b.StartTimer()
	}
}
