package main

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/fifogo/fifo/internal/systest"
)

// Events reach exactly the sockets whose users may join the channel: on
// the real node, a user without channels/<ch>/join is refused the join
// and gets nothing published there; once granted, a new socket joins and
// receives the channel's events, and the refused socket still gets none.
func TestHowlJoinFollowsSnarlPermissions(t *testing.T) {
	env, addr := nodeEnv(t, filepath.Join(t.TempDir(), "data"))
	startNode(t, with(env, "FIFO_ADMIN_PASSWORD=adminpw"), addr)
	root := "http://" + addr
	admin := systest.Login(t, root, "admin", "adminpw")
	bobPath := "/users/" + admin.Create("/users", `{"user":"bob","password":"bobpw"}`)
	bob := systest.Login(t, root, "bob", "bobpw")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	open := func(api *systest.API) *websocket.Conn {
		t.Helper()
		ws, _, err := websocket.Dial(ctx, "ws://"+addr+"/howl?fifo_ott="+url.QueryEscape(api.OTT()), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Close(websocket.StatusNormalClosure, "") })
		return ws
	}
	join := func(ws *websocket.Conn, ch string) map[string]any {
		t.Helper()
		if err := wsjson.Write(ctx, ws, map[string]any{"join": ch}); err != nil {
			t.Fatal(err)
		}
		var reply map[string]any
		if err := wsjson.Read(ctx, ws, &reply); err != nil {
			t.Fatal(err)
		}
		return reply
	}

	// A VM's channel carries its events; bob may not join it.
	vm := admin.Create("/vms", `{"package":"`+admin.Find("/packages", "sample-1g")+`","dataset":"`+
		admin.Find("/datasets", "base-64")+`","config":{"alias":"perm-test","networks":{"net0":"`+
		admin.Find("/networks", "sample")+`"}}}`)
	admin.WaitVM(vm, 30*time.Second, "running")
	refused := open(bob)
	if reply := join(refused, vm); reply["error"] != "permission denied" {
		t.Fatalf("bob joined %s without the permission: %v", vm, reply)
	}
	admin.Expect(http.StatusNoContent, "PUT", bobPath+"/permissions/channels/"+vm+"/join", "")
	allowed := open(bob)
	if reply := join(allowed, vm); reply["ok"] != "channel joined" {
		t.Fatalf("bob's join after the grant: %v", reply)
	}
	admin.Expect(http.StatusNoContent, "PUT", "/vms/"+vm+"/state", `{"action":"stop"}`)
	var ev struct {
		Channel string         `json:"channel"`
		Message map[string]any `json:"message"`
	}
	if err := wsjson.Read(ctx, allowed, &ev); err != nil || ev.Channel != vm {
		t.Fatalf("event on the joined socket: %+v %v", ev, err)
	}
	// The refused socket got nothing: its next frame is the answer to a ping.
	if err := wsjson.Write(ctx, refused, map[string]any{"ping": 1}); err != nil {
		t.Fatal(err)
	}
	var next map[string]any
	if err := wsjson.Read(ctx, refused, &next); err != nil || next["pong"] != float64(1) {
		t.Fatalf("refused socket's next frame %v (%v), want the pong", next, err)
	}
}
