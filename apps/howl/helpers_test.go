package howl_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/fifogo/fifo/apps/howl"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

// fakeAuth issues one-time tokens for principals allowed to join a fixed
// set of channels ("*": every channel).
type fakeAuth struct {
	mu          sync.Mutex
	seq         int
	tokens      map[string]*fakePrincipal
	unavailable bool
}

func newFakeAuth() *fakeAuth { return &fakeAuth{tokens: map[string]*fakePrincipal{}} }

// issue returns a fresh token for a principal allowed to join channels.
func (a *fakeAuth) issue(channels ...string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	ott := fmt.Sprintf("ott-%d", a.seq)
	p := &fakePrincipal{allowed: map[string]bool{}}
	for _, c := range channels {
		p.allowed[c] = true
	}
	a.tokens[ott] = p
	return ott
}

func (a *fakeAuth) ConsumeOTT(_ context.Context, ott string) (howl.Principal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.unavailable {
		return nil, fmt.Errorf("snarl down: %w", howl.ErrAuthUnavailable)
	}
	p, ok := a.tokens[ott]
	if !ok {
		return nil, errors.New("unknown or used token")
	}
	delete(a.tokens, ott)
	return p, nil
}

type fakePrincipal struct{ allowed map[string]bool }

func (p *fakePrincipal) Allowed(_ context.Context, perm []string) (bool, error) {
	if len(perm) != 3 || perm[0] != "channels" || perm[2] != "join" {
		return false, fmt.Errorf("unexpected permission %v", perm)
	}
	return p.allowed["*"] || p.allowed[perm[1]], nil
}

// env is a node running howl behind an httptest server.
type env struct {
	t    *testing.T
	node *runtime.Node
	svc  *howl.Service
	auth *fakeAuth
	srv  *httptest.Server
	app  supervisors.App
}

// newEnv starts a node and prepares (does not start) an HTTP server with
// howl's handler; the app is not started.
func newEnv(t *testing.T, mod ...func(*howl.Options)) *env {
	t.Helper()
	e := &env{t: t, node: runtimetest.StartNode(t), auth: newFakeAuth()}
	o := howl.Options{Auth: e.auth, Registerer: prometheus.NewRegistry()}
	for _, m := range mod {
		m(&o)
	}
	svc, err := howl.NewService(o)
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	e.app = svc.App("test")
	mux := http.NewServeMux()
	svc.Mount(mux)
	e.srv = httptest.NewUnstartedServer(mux)
	return e
}

// serve starts the HTTP server, on ln if given.
func (e *env) serve(ln net.Listener) {
	if ln != nil {
		e.srv.Listener.Close()
		e.srv.Listener = ln
	}
	e.srv.Start()
	e.t.Cleanup(e.srv.Close)
}

func (e *env) startApp() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := supervisors.StartApp(ctx, e.node, e.app); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) stopApp() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := supervisors.StopApp(ctx, e.node, e.app); err != nil {
		e.t.Fatal(err)
	}
}

// start is newEnv with the server and the app running.
func start(t *testing.T, mod ...func(*howl.Options)) *env {
	e := newEnv(t, mod...)
	e.serve(nil)
	e.startApp()
	return e
}

func (e *env) url(ott string) string {
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + howl.Path
	if ott != "" {
		u += "?fifo_ott=" + ott
	}
	return u
}

// dial opens a websocket with ott, asking for the subprotocols.
func (e *env) dial(ott string, opts *websocket.DialOptions) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return websocket.Dial(ctx, e.url(ott), opts)
}

// client is a test websocket client.
type client struct {
	t   *testing.T
	ws  *websocket.Conn
	enc string
}

// connect dials with a fresh token allowed to join channels.
func (e *env) connect(subprotocol string, channels ...string) *client {
	e.t.Helper()
	return e.connectWith(subprotocol, nil, channels...)
}

func (e *env) connectWith(subprotocol string, opts *websocket.DialOptions, channels ...string) *client {
	e.t.Helper()
	if opts == nil {
		opts = &websocket.DialOptions{}
	}
	if subprotocol != "" {
		opts.Subprotocols = []string{subprotocol}
	}
	ws, _, err := e.dial(e.auth.issue(channels...), opts)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	e.t.Cleanup(func() { ws.CloseNow() })
	enc := ws.Subprotocol()
	if enc == "" {
		enc = howl.SubprotocolJSON
	}
	return &client{t: e.t, ws: ws, enc: enc}
}

// send writes v in the client's encoding.
func (c *client) send(v any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c.enc == howl.SubprotocolMsgPack {
		b, err := msgpack.Marshal(v)
		if err != nil {
			c.t.Fatal(err)
		}
		if err := c.ws.Write(ctx, websocket.MessageBinary, b); err != nil {
			c.t.Fatal(err)
		}
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(b)
}

func (c *client) sendRaw(b []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatal(err)
	}
}

// read returns the next frame (failing after 10 s).
func (c *client) read() (websocket.MessageType, []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	typ, b, err := c.ws.Read(ctx)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return typ, b
}

// next returns the next frame as JSON text (msgpack frames converted).
func (c *client) next() string {
	c.t.Helper()
	typ, b := c.read()
	if c.enc != howl.SubprotocolMsgPack {
		if typ != websocket.MessageText {
			c.t.Fatalf("json connection got a %v frame", typ)
		}
		return string(b)
	}
	if typ != websocket.MessageBinary {
		c.t.Fatalf("msgpack connection got a %v frame", typ)
	}
	var v any
	if err := msgpack.Unmarshal(b, &v); err != nil {
		c.t.Fatalf("msgpack frame %q: %v", b, err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	return string(j)
}

// expect reads the next frame and compares it with want (JSON, compared
// after normalisation).
func (c *client) expect(want string) {
	c.t.Helper()
	got := c.next()
	if canon(c.t, got) != canon(c.t, want) {
		c.t.Fatalf("got frame %s, want %s", got, want)
	}
}

// join joins ch and expects the ok.
func (c *client) join(ch string) {
	c.t.Helper()
	c.send(map[string]string{"join": ch})
	c.expect(`{"ok":"channel joined"}`)
}

// canon re-encodes JSON with sorted keys.
func canon(t *testing.T, s string) string {
	t.Helper()
	var v any
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("not JSON: %s: %v", s, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// eventFrame is the frame of an event as clients receive it.
func eventFrame(channel, event, data string) string {
	if data == "" {
		return fmt.Sprintf(`{"channel":%q,"message":{"event":%q}}`, channel, event)
	}
	return fmt.Sprintf(`{"channel":%q,"message":{"event":%q,"data":%s}}`, channel, event, data)
}

// publish publishes from plain Go.
func (e *env) publish(channel, event string, data any) {
	e.t.Helper()
	if err := howl.Publish(e.node, channel, event, data); err != nil {
		e.t.Fatal(err)
	}
}
