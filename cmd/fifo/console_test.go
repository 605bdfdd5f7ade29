package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fifogo/fifo/internal/runtime/runtimetest"
)

// runFifoIn is runFifo with standard input.
func runFifoIn(t *testing.T, env []string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// envValue returns a variable of a node environment.
func envValue(env []string, key string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// login tries the OAuth2 password grant and returns the status code and
// the access token.
func login(t *testing.T, addr, user, password string) (int, string) {
	t.Helper()
	resp, err := http.PostForm("http://"+addr+"/api/2/oauth/token",
		url.Values{"grant_type": {"password"}, "username": {user}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	return resp.StatusCode, tok.AccessToken
}

// `fifo admin` against the real binary: the operator's commands, their
// exit codes, and what they change as seen through the REST API.
func TestAdminEndToEnd(t *testing.T) {
	env, addr := nodeEnv(t, filepath.Join(t.TempDir(), "data"))
	env = with(env, "FIFO_ADMIN_PASSWORD=s3cret-admin")
	_, nodeErr := startNode(t, env, addr)
	node := envValue(env, "FIFO_NODE_NAME")

	admin := func(want int, args ...string) (string, string) {
		t.Helper()
		out, errOut, code := runFifo(t, env, append([]string{"admin"}, args...)...)
		if code != want {
			t.Fatalf("admin %v: exit %d, want %d\nstdout: %s\nstderr: %s", args, code, want, out, errOut)
		}
		return out, errOut
	}
	contains := func(what, s string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Fatalf("%s lacks %q:\n%s", what, w, s)
			}
		}
	}

	out, _ := admin(0, "status")
	contains("status", out, node, "all-in-one", "9.8.7-test (c0ffee)", "console", "snarl", "log level  info")

	out, _ = admin(0, "users", "add", "alice", "first pw")
	contains("users add", out, "created user alice")
	out, _ = admin(0, "users", "list")
	contains("users list", out, "admin", "alice", "2 users")
	if code, _ := login(t, addr, "alice", "first pw"); code != 200 {
		t.Fatalf("alice cannot log in with her first password: %d", code)
	}
	admin(0, "users", "passwd", "alice", "second pw")
	if code, _ := login(t, addr, "alice", "first pw"); code == 200 {
		t.Fatal("the old password still works")
	}
	if code, _ := login(t, addr, "alice", "second pw"); code != 200 {
		t.Fatalf("the new password does not work: %d", code)
	}
	// The password may come from stdin, out of ps and shell history.
	if out, errOut, code := runFifoIn(t, env, "third pw\n", "admin", "users", "passwd", "alice", "-"); code != 0 {
		t.Fatalf("passwd from stdin: %d %s %s", code, out, errOut)
	}
	if code, _ := login(t, addr, "alice", "third pw"); code != 200 {
		t.Fatalf("the password from stdin does not work: %d", code)
	}
	out, _ = admin(0, "users", "grant", "alice", "cloud/vms/create")
	contains("users grant", out, "granted cloud/vms/create to alice")
	_, errOut := admin(1, "users", "passwd", "nobody", "x")
	contains("passwd of an unknown user", errOut, `no user named or with uuid "nobody"`)
	// --json gives the structured result.
	out, _ = admin(0, "--json", "users", "list")
	var users []struct{ UUID, Name string }
	if err := json.Unmarshal([]byte(out), &users); err != nil || len(users) != 2 {
		t.Fatalf("users list --json: %v %q", err, out)
	}
	// The grant is on alice's record, as the REST API shows it.
	_, tok := login(t, addr, "admin", "s3cret-admin")
	for _, u := range users {
		if u.Name != "alice" {
			continue
		}
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/2/users/"+u.UUID, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Permissions [][]string }
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if fmt.Sprint(body.Permissions) != "[[cloud vms create]]" {
			t.Fatalf("alice's permissions: %v", body.Permissions)
		}
	}

	out, _ = admin(0, "store")
	contains("store", out, "partitions 8", "quarantined records: 0")
	out, _ = admin(0, "log", "level", "debug")
	contains("log level", out, "log level debug (was info)")
	out, _ = admin(0, "config", "get", "log.level")
	contains("config get", out, "debug")
	// The node logged the change before it answered; its stderr reaches
	// us through a copying goroutine.
	runtimetest.WaitFor(t, "the level change in the node's log", func() bool {
		return strings.Contains(nodeErr.String(), `msg="log level changed by the console" node=`+node+` app=console level=debug`)
	})
	_, errOut = admin(1, "config", "set", "dist.listen_port", "1")
	contains("config set", errOut, "not changeable at run time")
	out, _ = admin(0, "metrics", "fifo_runtime_")
	contains("metrics", out, "# TYPE fifo_runtime_processes gauge", "fifo_runtime_mailbox_messages{")
	if strings.Contains(out, "go_goroutines") {
		t.Fatal("metrics prefix not applied")
	}
	out, _ = admin(0, "ring")
	contains("ring", out, "owns 8 partitions", "pending handoffs: 0")
	// The node holds users added above, beyond its first start's records:
	// a join, which would drop them, needs --force.
	_, errOut = admin(1, "cluster", "join", "other@127.0.0.1")
	contains("cluster join", errOut, "data of its own", "--force")
	_, errOut = admin(2, "frobnicate")
	contains("unknown command", errOut, "unknown command")
	_, errOut = admin(2)
	contains("no command", errOut, "requires at least 1 arg")
	// Commands are logged by name, never with their arguments.
	if strings.Contains(nodeErr.String(), "second pw") || strings.Contains(nodeErr.String(), "third pw") {
		t.Fatal("a password reached the node's log")
	}
}

// A wrong, missing or loose cookie, or no node: one clear line, exit 2.
func TestAdminCannotConnect(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	env, addr := nodeEnv(t, data)
	startNode(t, env, addr)
	node := envValue(env, "FIFO_NODE_NAME")
	dir := t.TempDir()
	wrongFile := filepath.Join(dir, "wrong")
	os.WriteFile(wrongFile, []byte("WRONGCOOKIE\n"), 0o600)
	looseFile := filepath.Join(dir, "loose")
	os.WriteFile(looseFile, []byte("WRONGCOOKIE\n"), 0o644)
	empty := t.TempDir()

	cases := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"wrong cookie in FIFO_COOKIE", with(env, "FIFO_COOKIE=wrong"), []string{"admin", "status"},
			"cannot connect to " + node + ": cookie rejected (check FIFO_COOKIE)"},
		{"wrong cookie file", env, []string{"admin", "--cookie-file", wrongFile, "status"},
			"cannot connect to " + node + ": cookie rejected (check " + wrongFile + ")"},
		{"wrong cookie in the data dir", with(env, "FIFO_DATA_DIR="+empty), []string{"admin", "--cookie-file", wrongFile, "status"},
			"cookie rejected"},
		{"no cookie", with(env, "FIFO_DATA_DIR="+empty), []string{"admin", "status"},
			"cannot read the cluster cookie: cookie " + filepath.Join(empty, "cookie")},
		{"loose cookie file", env, []string{"attach", "--cookie-file", looseFile},
			"open to other users"},
		{"no node there", env, []string{"admin", "--port", fmt.Sprint(freePort(t)), "status"},
			"not running or not reachable"},
		{"unknown node name", env, []string{"attach", "nobody@127.0.0.1"},
			"cannot connect to nobody@127.0.0.1 (through EPMD port"},
		{"bad node name", env, []string{"attach", "nohost"}, `node name "nohost"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := runFifoIn(t, c.env, "status\n", c.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], c.want) {
				t.Fatalf("stderr %q: want one line with %q", stderr, c.want)
			}
		})
	}
	// The right cookie, from the data dir, still works after all that.
	if out, stderr, code := runFifo(t, env, "admin", "status"); code != 0 || !strings.Contains(out, node) {
		t.Fatalf("status: %d %s %s", code, out, stderr)
	}
}

// `fifo attach` driven through a pipe: commands run one by one until quit.
func TestAttachThroughPipe(t *testing.T) {
	env, addr := nodeEnv(t, filepath.Join(t.TempDir(), "data"))
	startNode(t, env, addr)
	node := envValue(env, "FIFO_NODE_NAME")
	script := "status\n\n# a comment\nusers add 'dave d' 'pw with blanks'\nusers list\nbogus\nmembers\nquit\nusers add never x\n"
	out, stderr, code := runFifoIn(t, env, script, "attach", node)
	if code != 0 {
		t.Fatalf("attach: exit %d\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{"connected to " + node, "uptime", "created user dave d", "dave d",
		`unknown command "bogus"`, "console clients: fifo-console-"} {
		if !strings.Contains(out, want) {
			t.Fatalf("attach output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "never") {
		t.Fatalf("a command after quit ran:\n%s", out)
	}
	// The user exists for the next client, and only once.
	out, _, _ = runFifo(t, env, "admin", "users", "list")
	if strings.Count(out, "dave d") != 1 || strings.Contains(out, "never") {
		t.Fatalf("users after attach:\n%s", out)
	}
	// An unterminated quote is reported and the session goes on.
	out, _, code = runFifoIn(t, env, "users add 'open\nstatus\n", "attach")
	if code != 0 || !strings.Contains(out, "unterminated single quote") || !strings.Contains(out, "uptime") {
		t.Fatalf("attach with a syntax error: %d\n%s", code, out)
	}
}
