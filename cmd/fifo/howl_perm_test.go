package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// Events reach exactly the sockets whose users may join the channel: on
// the real node, a user without channels/<ch>/join is refused the join
// and gets nothing published there; once granted, a new socket joins and
// receives the channel's events, and the refused socket still gets none.
func TestHowlJoinFollowsSnarlPermissions(t *testing.T) {
	env, addr := nodeEnv(t, filepath.Join(t.TempDir(), "data"))
	startNode(t, with(env, "FIFO_ADMIN_PASSWORD=adminpw"), addr)
	base := "http://" + addr + "/api/2"
	login := func(user, pw string) string {
		t.Helper()
		resp, err := http.PostForm(base+"/oauth/token", url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		json.NewDecoder(resp.Body).Decode(&tok)
		if tok.AccessToken == "" {
			t.Fatalf("login %s: %d", user, resp.StatusCode)
		}
		return tok.AccessToken
	}
	call := func(token, method, path, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Body.Close() })
		return r
	}
	admin := login("admin", "adminpw")
	r := call(admin, "POST", "/users", `{"user":"bob","password":"bobpw"}`)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create bob: %d", r.StatusCode)
	}
	bobPath := strings.TrimPrefix(r.Header.Get("Location"), "/api/2")
	bob := login("bob", "bobpw")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	open := func(token string) *websocket.Conn {
		t.Helper()
		r := call(token, "GET", "/sessions/one_time_token", "")
		var v struct {
			Token string `json:"token"`
		}
		json.NewDecoder(r.Body).Decode(&v)
		ws, _, err := websocket.Dial(ctx, "ws://"+addr+"/howl?fifo_ott="+url.QueryEscape(v.Token), nil)
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
	vm := createSampleVM(t, call, admin)
	refused := open(bob)
	if reply := join(refused, vm); reply["error"] != "permission denied" {
		t.Fatalf("bob joined %s without the permission: %v", vm, reply)
	}
	if r := call(admin, "PUT", bobPath+"/permissions/channels/"+vm+"/join", ""); r.StatusCode != http.StatusNoContent {
		t.Fatalf("grant: %d", r.StatusCode)
	}
	allowed := open(bob)
	if reply := join(allowed, vm); reply["ok"] != "channel joined" {
		t.Fatalf("bob's join after the grant: %v", reply)
	}
	if r := call(admin, "PUT", "/vms/"+vm+"/state", `{"action":"stop"}`); r.StatusCode != http.StatusNoContent {
		t.Fatalf("stop: %d", r.StatusCode)
	}
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

// createSampleVM creates a VM from the seeded sample cloud and waits until
// it runs; it returns the VM's uuid.
func createSampleVM(t *testing.T, call func(token, method, path, body string) *http.Response, token string) string {
	t.Helper()
	find := func(coll, name string) string {
		t.Helper()
		r := call(token, "GET", "/"+coll+"?full-list=true", "")
		var list []map[string]any
		json.NewDecoder(r.Body).Decode(&list)
		for _, e := range list {
			if e["name"] == name {
				return e["uuid"].(string)
			}
		}
		t.Fatalf("no %s named %q in %v", coll, name, list)
		return ""
	}
	pkg, ds, net := find("packages", "sample-1g"), find("datasets", "base-64"), find("networks", "sample")
	body := `{"package":"` + pkg + `","dataset":"` + ds + `","config":{"alias":"perm-test","networks":{"net0":"` + net + `"}}}`
	r := call(token, "POST", "/vms", body)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create vm: %d", r.StatusCode)
	}
	vm := strings.TrimPrefix(r.Header.Get("Location"), "/api/2/vms/")
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := call(token, "GET", "/vms/"+vm, "")
		var v map[string]any
		json.NewDecoder(r.Body).Decode(&v)
		if v["state"] == "running" {
			return vm
		}
		if time.Now().After(deadline) {
			t.Fatalf("vm %s never running: %v", vm, v)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
