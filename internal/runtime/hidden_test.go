package runtime

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"
)

func dialable(port uint16) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// ergo has no hidden nodes; Options.Hidden gives a client node that no one
// can find, that serves no registrar, and that joins no cluster.
func TestHiddenNode(t *testing.T) {
	a := startNode(t) // serves the test's EPMD
	b := startNode(t)
	spawnTest(t, a, "echo", func() *testActor { return &testActor{} })
	h := startNode(t, func(o *Options) { o.Hidden = true })

	// It resolves a through the EPMD, read-only, and calls it.
	if err := h.Connect(a.Name()); err != nil {
		t.Fatalf("hidden connect: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := h.Call(ctx, ProcessID{Name: "echo", Node: a.Name()}, echoReq{V: "h"})
	if err != nil || v.(echoReq).V != "h!" {
		t.Fatalf("hidden call = %v, %v", v, err)
	}
	// a lists it while connected (ergo's handshake always says
	// "published")...
	if !slices.Contains(a.Peers(), h.Name()) {
		t.Fatalf("a's peers %v lack the hidden node", a.Peers())
	}
	// ...but nobody can find it by name...
	if err := b.Connect(h.Name()); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("b connected to the hidden node: %v", err)
	}
	// ...and a's other peers are not connected to it (no full mesh).
	if err := b.Connect(a.Name()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Call(ctx, ProcessID{Name: "echo", Node: a.Name()}, echoReq{V: "b"}); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(b.Peers(), h.Name()) || slices.Contains(h.Peers(), b.Name()) {
		t.Fatalf("hidden node meshed: b %v, h %v", b.Peers(), h.Peers())
	}
}

// A hidden node never serves the registrar, so it cannot take over the
// EPMD port of a stopped node; a normal node does serve it.
func TestHiddenNodeServesNoRegistrar(t *testing.T) {
	free := freePort(t)
	startNode(t, func(o *Options) { o.Hidden = true; o.EPMDPort = free })
	if dialable(free) {
		t.Fatalf("hidden node serves EPMD on %d", free)
	}
	startNode(t, func(o *Options) { o.EPMDPort = free })
	if !dialable(free) {
		t.Fatalf("normal node serves no EPMD on %d", free)
	}
}

// ergo reports every failed connect as "no route"; Connect tells a refused
// handshake (the peer closes the connection on a wrong cookie) from a node
// that is not there, and the refusing node keeps serving.
func TestConnectClassifiesFailures(t *testing.T) {
	aPort := freePort(t)
	a := startNode(t, func(o *Options) { o.ListenPort = aPort })
	wrong := startNode(t, func(o *Options) { o.Hidden = true; o.Cookie = "wrong" })
	start := time.Now()
	err := wrong.Connect(a.Name())
	if !errors.Is(err, ErrHandshake) {
		t.Fatalf("wrong cookie: %v, want ErrHandshake", err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("refusal took %v", d)
	}
	if err := wrong.Connect("nobody@127.0.0.1"); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("unknown name: %v, want ErrUnreachable", err)
	}
	static := startNode(t, func(o *Options) { o.Hidden = true; o.StaticRoutesOnly = true })
	dead := freePort(t)
	if err := static.AddStaticRoute("dead@127.0.0.1", "127.0.0.1", dead); err != nil {
		t.Fatal(err)
	}
	if err := static.Connect("dead@127.0.0.1"); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("nothing listening: %v, want ErrUnreachable", err)
	}
	// a still accepts the right cookie, through a static route too.
	if err := static.AddStaticRoute(a.Name(), "127.0.0.1", aPort); err != nil {
		t.Fatal(err)
	}
	if err := static.Connect(a.Name()); err != nil {
		t.Fatalf("right cookie after a refusal: %v", err)
	}
}

// A refused cookie is told apart through a static route too: the route
// uses the node's own (probed) handshake, not one of its own.
func TestConnectClassifiesStaticRoute(t *testing.T) {
	aPort := freePort(t)
	a := startNode(t, func(o *Options) { o.ListenPort = aPort })
	wrong := startNode(t, func(o *Options) { o.Hidden = true; o.StaticRoutesOnly = true; o.Cookie = "wrong" })
	if err := wrong.AddStaticRoute(a.Name(), "127.0.0.1", aPort); err != nil {
		t.Fatal(err)
	}
	if err := wrong.Connect(a.Name()); !errors.Is(err, ErrHandshake) {
		t.Fatalf("wrong cookie over a static route: %v, want ErrHandshake", err)
	}
}
