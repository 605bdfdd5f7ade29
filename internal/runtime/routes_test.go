package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fifogo/fifo/internal/netfault"
)

// Options.Routes win over the registrar; SetRoute and RemoveRoute change
// them while the node runs, for the next connection.
func TestRoutes(t *testing.T) {
	aPort := freePort(t)
	a := startNode(t, func(o *Options) { o.ListenPort = aPort }) // registered at the test's EPMD
	spawnTest(t, a, "echo", func() *testActor { return &testActor{} })
	dead := freePort(t)
	b := startNode(t, func(o *Options) {
		o.Routes = map[string]string{a.Name(): fmt.Sprintf("127.0.0.1:%d", dead)}
	})
	if got := b.Routes()[a.Name()]; got != fmt.Sprintf("127.0.0.1:%d", dead) {
		t.Fatalf("routes %v", b.Routes())
	}
	// The registrar knows a, but the route (to nothing) wins.
	if err := b.Connect(a.Name()); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("connect over a dead route: %v, want ErrUnreachable", err)
	}

	// Through a proxy: the connection is the proxy's.
	p, err := netfault.NewProxy(fmt.Sprintf("127.0.0.1:%d", aPort), netfault.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := b.SetRoute(a.Name(), p.Addr()); err != nil {
		t.Fatal(err)
	}
	if got := b.Routes()[a.Name()]; got != p.Addr() {
		t.Fatalf("route after SetRoute %q, want %q", got, p.Addr())
	}
	echo := ProcessID{Name: "echo", Node: a.Name()}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if v, err := b.Call(ctx, echo, echoReq{V: "r"}); err != nil || v.(echoReq).V != "r!" {
		t.Fatalf("call over the route = %v, %v", v, err)
	}
	if st := p.Stats(); st.Accepted != 1 || st.BytesUp == 0 || st.BytesDown == 0 {
		t.Fatalf("proxy stats %+v: the call did not go through the route", st)
	}

	// Without the route, the next connection resolves through the
	// registrar and bypasses the proxy.
	if !b.RemoveRoute(a.Name()) || b.RemoveRoute(a.Name()) {
		t.Fatal("RemoveRoute: want true once, then false")
	}
	if err := b.Disconnect(a.Name()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the proxied connection to close", func() bool { return p.Stats().Active == 0 })
	if v, err := b.Call(ctx, echo, echoReq{V: "e"}); err != nil || v.(echoReq).V != "e!" {
		t.Fatalf("call through the registrar = %v, %v", v, err)
	}
	if st := p.Stats(); st.Accepted != 1 || st.Active != 0 {
		t.Fatalf("proxy stats %+v: a connection went through a removed route", st)
	}
	if err := b.Disconnect("nobody@127.0.0.1"); err != nil {
		t.Fatalf("disconnect of an unconnected peer: %v", err)
	}
}

func TestRoutesValidate(t *testing.T) {
	for _, tt := range []struct {
		peer, addr, want string
	}{
		{"a", "127.0.0.1:1", "want short@host"},
		{"a@b@c", "127.0.0.1:1", "want short@host"},
		{"a@b", "127.0.0.1", "want host:port"},
		{"a@b", ":4370", "want host:port"},
		{"a@b", "h:0", "want a port in 1..65535"},
		{"a@b", "h:65536", "want a port in 1..65535"},
		{"a@b", "h:http", "want a port in 1..65535"},
	} {
		o := Options{Name: "x@127.0.0.1", Cookie: "c", Routes: map[string]string{tt.peer: tt.addr}}
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("route %s=%s: %v, want %q", tt.peer, tt.addr, err, tt.want)
		}
		if _, err := Start(context.Background(), o); err == nil {
			t.Errorf("route %s=%s: node started", tt.peer, tt.addr)
		}
	}
	n := startNode(t)
	if err := n.SetRoute("a@b", "nowhere"); err == nil {
		t.Error("SetRoute accepted an address without a port")
	}
	if err := n.SetRoute("a@b", "127.0.0.1:4000"); err != nil {
		t.Fatal(err)
	}
	if err := n.SetRoute("a@b", "127.0.0.1:4001"); err != nil {
		t.Fatalf("replacing a route: %v", err)
	}
	if got := n.Routes(); len(got) != 1 || got["a@b"] != "127.0.0.1:4001" {
		t.Fatalf("routes %v", got)
	}
}
