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

// The all-in-one node serves the REST API and howl: the admin logs in with
// the password grant, creates a user (303 + Location), and a one-time
// token opens the event websocket exactly once.
func TestAPIAndHowlEndToEnd(t *testing.T) {
	env, addr := nodeEnv(t, filepath.Join(t.TempDir(), "data"))
	startNode(t, with(env, "FIFO_ADMIN_PASSWORD=s3cret-admin"), addr)
	base := "http://" + addr + "/api/2"

	resp, err := http.PostForm(base+"/oauth/token", url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"s3cret-admin"}})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("login: %d %+v", resp.StatusCode, tok)
	}
	do := func(method, path, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		req.Header.Set("Content-Type", "application/json")
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Body.Close() })
		return r
	}
	r := do("POST", "/users", `{"user":"bob","password":"bobpw"}`)
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/api/2/users/") {
		t.Fatalf("create user: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := do("GET", strings.TrimPrefix(r.Header.Get("Location"), "/api/2"), ""); r.StatusCode != 200 {
		t.Fatalf("get user: %d", r.StatusCode)
	}
	if r := do("GET", "/users", ""); r.StatusCode != 200 {
		t.Fatalf("list users: %d", r.StatusCode)
	}

	ott := func() string {
		r := do("GET", "/sessions/one_time_token", "")
		var v struct {
			Token string `json:"token"`
		}
		json.NewDecoder(r.Body).Decode(&v)
		if r.StatusCode != 200 || v.Token == "" {
			t.Fatalf("one-time token: %d", r.StatusCode)
		}
		return v.Token
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	token := ott()
	ws, _, err := websocket.Dial(ctx, "ws://"+addr+"/howl?fifo_ott="+url.QueryEscape(token), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close(websocket.StatusNormalClosure, "")
	if err := wsjson.Write(ctx, ws, map[string]any{"join": "some-channel"}); err != nil {
		t.Fatal(err)
	}
	var reply map[string]any
	if err := wsjson.Read(ctx, ws, &reply); err != nil || reply["ok"] != "channel joined" {
		t.Fatalf("join: %v %v", reply, err)
	}
	if err := wsjson.Write(ctx, ws, map[string]any{"ping": 7}); err != nil {
		t.Fatal(err)
	}
	if err := wsjson.Read(ctx, ws, &reply); err != nil || reply["pong"] != float64(7) {
		t.Fatalf("ping: %v %v", reply, err)
	}
	_, resp2, err := websocket.Dial(ctx, "ws://"+addr+"/howl?fifo_ott="+url.QueryEscape(token), nil)
	if err == nil || resp2 == nil || resp2.StatusCode != http.StatusForbidden {
		t.Fatalf("second use of a one-time token: %v %v", resp2, err)
	}
}
