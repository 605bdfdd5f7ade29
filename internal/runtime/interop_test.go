package runtime

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ergo-services/ergo/etf"
)

// echoTerm answers any term with {echo, Term}.
type echoTerm struct{ Base }

func (echoTerm) HandleCall(_ *Process, _ From, req any) (any, error) {
	return etf.Tuple{etf.Atom("echo"), req}, nil
}

// OTP 25 refuses ergo's default DIST handshake (v5) on connections ergo
// opens; our nodes use v6. Both directions are checked: our node sends to
// a process of a running Erlang node (ergo dials), then the Erlang node
// gen_server:calls one of our actors. Needs `erl` (Debian's erlang-base,
// installed by .ci/run); skipped without it.
func TestErlangInterop(t *testing.T) {
	erl, err := exec.LookPath("erl")
	if err != nil {
		t.Skip("erl not installed (apt-get install erlang-base)")
	}
	epmd := epmdPort(t)
	n := startNode(t)
	if _, err := n.Spawn(Spec{Name: "echo", New: func() Actor { return &echoTerm{} }}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	erlNode := fmt.Sprintf("erl%d@127.0.0.1", os.Getpid())
	script := fmt.Sprintf(`register(sink, self()), io:format("ready~n"),
		receive {hi, X} -> io:format("got ~p~n", [X]) after 20000 -> io:format("no message~n") end,
		R = gen_server:call({echo, '%s'}, {hello, <<"bin">>, 42}, 10000),
		io:format("~p~n", [R]), halt().`, n.Name())
	cmd := exec.CommandContext(ctx, erl, "-name", erlNode, "-setcookie", "test-cookie", "-noshell", "-eval", script)
	cmd.Env = append(os.Environ(), fmt.Sprintf("ERL_EPMD_PORT=%d", epmd))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	var out strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if sc.Text() == "ready" {
			break
		}
	}
	if err := n.Send(ProcessID{Name: "sink", Node: erlNode}, etf.Tuple{etf.Atom("hi"), 7}); err != nil {
		t.Fatalf("send to erlang: %v", err)
	}
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
	}
	got := out.String()
	if !strings.Contains(got, "got 7") {
		t.Fatalf("the Erlang node did not get our message (handshake refused?):\n%s", got)
	}
	if !strings.Contains(got, `{echo,{hello,<<"bin">>,42}}`) {
		t.Fatalf("Erlang's call to our actor failed:\n%s", got)
	}
}
