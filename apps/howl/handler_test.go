package howl_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fifogo/fifo/apps/howl"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// status dials with ott and returns the refused handshake's status and
// body.
func (e *env) status(ott string) (int, string) {
	e.t.Helper()
	ws, resp, err := e.dial(ott, nil)
	if err == nil {
		ws.CloseNow()
		e.t.Fatalf("dial with %q succeeded", ott)
	}
	if resp == nil {
		e.t.Fatalf("dial with %q: no response: %v", ott, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAuthenticationByOneTimeTokenOnly(t *testing.T) {
	e := start(t)

	if code, body := e.status(""); code != http.StatusUnauthorized || body != "ott required" {
		t.Fatalf("no ott: %d %q, want 401 \"ott required\"", code, body)
	}
	if code, body := e.status("made-up"); code != http.StatusForbidden || body != "permission denied" {
		t.Fatalf("bad ott: %d %q, want 403 \"permission denied\"", code, body)
	}

	// A token is good for one connection.
	ott := e.auth.issue("*")
	ws, _, err := e.dial(ott, nil)
	if err != nil {
		t.Fatalf("first use: %v", err)
	}
	defer ws.CloseNow()
	if code, body := e.status(ott); code != http.StatusForbidden || body != "permission denied" {
		t.Fatalf("second use: %d %q, want 403", code, body)
	}

	// A plain GET (no upgrade) is refused without spending the token.
	ott = e.auth.issue("*")
	resp, err := http.Get(e.srv.URL + howl.Path + "?fifo_ott=" + ott)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUpgradeRequired {
		t.Fatalf("plain GET: %d, want 426", resp.StatusCode)
	}
	ws2, _, err := e.dial(ott, nil)
	if err != nil {
		t.Fatalf("token spent by a plain GET: %v", err)
	}
	ws2.CloseNow()

	// No token on a plain GET either, below the path too.
	resp, err = http.Get(e.srv.URL + howl.Path + "/vm-1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || string(b) != "ott required" {
		t.Fatalf("plain GET without ott: %d %q", resp.StatusCode, b)
	}

	e.auth.mu.Lock()
	e.auth.unavailable = true
	e.auth.mu.Unlock()
	if code, _ := e.status(e.auth.issue("*")); code != http.StatusServiceUnavailable {
		t.Fatalf("auth down: %d, want 503", code)
	}

	rej := e.svc.Metrics().Rejected
	for reason, want := range map[string]float64{"ott_missing": 2, "ott_invalid": 2, "handshake": 1, "auth_unavailable": 1} {
		if got := testutil.ToFloat64(rej.WithLabelValues(reason)); got != want {
			t.Errorf("rejected{reason=%s} = %v, want %v", reason, got, want)
		}
	}
}

// The handler answers 503 until the app runs and again once it stopped;
// stopping the app closes every connection with "going away".
func TestHandlerFollowsTheApplication(t *testing.T) {
	e := newEnv(t)
	e.serve(nil)
	if code, body := e.status(e.auth.issue("*")); code != http.StatusServiceUnavailable || body != "howl not running" {
		t.Fatalf("before start: %d %q, want 503", code, body)
	}
	if e.svc.Running() {
		t.Fatal("Running before the app started")
	}

	e.startApp()
	a := e.connect("", "*")
	b := e.connect(howl.SubprotocolMsgPack, "*")
	a.join("vm-1")
	b.join("vm-1")
	conns := e.svc.Metrics().Connections
	if got := testutil.ToFloat64(conns); got != 2 {
		t.Fatalf("connections gauge %v, want 2", got)
	}

	e.stopApp()
	if e.svc.Running() {
		t.Fatal("Running after the app stopped")
	}
	for _, c := range []*client{a, b} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, _, err := c.ws.Read(ctx)
		cancel()
		if websocket.CloseStatus(err) != websocket.StatusGoingAway {
			t.Fatalf("after stop: read error %v, want close 1001", err)
		}
	}
	runtimetest.WaitFor(t, "connections gauge at 0", func() bool { return testutil.ToFloat64(conns) == 0 })
	if code, _ := e.status(e.auth.issue("*")); code != http.StatusServiceUnavailable {
		t.Fatalf("after stop: %d, want 503", code)
	}
	if got := testutil.ToFloat64(e.svc.Metrics().Dropped.WithLabelValues("shutdown")); got != 2 {
		t.Fatalf("dropped{shutdown} = %v, want 2", got)
	}

	// And it serves again after a restart.
	e.startApp()
	c := e.connect("", "*")
	c.join("vm-1")
	e.publish("vm-1", "state", "running")
	c.expect(eventFrame("vm-1", "state", `"running"`))
}

func TestNewServiceNeedsAuth(t *testing.T) {
	if _, err := howl.NewService(howl.Options{}); err == nil {
		t.Fatal("NewService without Auth succeeded")
	}
	var p howl.Principal = howl.PrincipalFunc(func(context.Context, []string) (bool, error) { return true, nil })
	a := howl.AuthFunc(func(_ context.Context, ott string) (howl.Principal, error) {
		if ott == "good" {
			return p, nil
		}
		return nil, errors.New("bad")
	})
	if _, err := howl.NewService(howl.Options{Auth: a}); err != nil {
		t.Fatal(err)
	}
}
