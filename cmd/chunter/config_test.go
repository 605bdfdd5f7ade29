package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func envOf(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

// Flags win over the environment, which wins over defaults.
func TestConfigLayers(t *testing.T) {
	c := defaultConfig()
	err := c.applyEnv(envOf(map[string]string{
		"FIFO_JOIN": "fifo@a, fifo@b,", "FIFO_SIM_MEMORY_MB": "2048", "FIFO_DIST_PORT": "5000",
		"FIFO_CHUNTER_HEARTBEAT": "2s", "FIFO_SIM_NIC_TAGS": "x", "FIFO_NODE_NAME": "",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Join, []string{"fifo@a", "fifo@b"}) || c.SimMemoryMB != 2048 || c.DistPort != 5000 ||
		c.Heartbeat != 2*time.Second || !slices.Equal(c.SimNICTags, []string{"x"}) || !strings.HasPrefix(c.NodeName, "chunter@") {
		t.Fatalf("after env: %+v", c)
	}
	cmd := &cobra.Command{Use: "x"}
	c2 := defaultConfig()
	_ = c2.applyEnv(envOf(map[string]string{"FIFO_DIST_PORT": "5000", "FIFO_JOIN": "fifo@a"}))
	c2.bindFlags(cmd)
	if err := cmd.Flags().Parse([]string{"--dist-port", "6000", "--sim-nic-tags", "a,b"}); err != nil {
		t.Fatal(err)
	}
	if c2.DistPort != 6000 || !slices.Equal(c2.Join, []string{"fifo@a"}) || !slices.Equal(c2.SimNICTags, []string{"a", "b"}) {
		t.Fatalf("after flags: %+v", c2)
	}
	if err := c2.validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigRefusals(t *testing.T) {
	c := defaultConfig()
	if err := c.applyEnv(envOf(map[string]string{"FIFO_DIST_PORT": "many"})); err == nil {
		t.Fatal("bad env number accepted")
	}
	for _, mod := range []func(*config){
		func(c *config) { c.Driver = "xen" },
		func(c *config) { c.Join = nil },
		func(c *config) { c.Join = []string{"nohost"} },
		func(c *config) { c.NodeName = "a@b@c" },
		func(c *config) { c.DistPort = 0 },
		func(c *config) { c.EPMDPort = c.DistPort },
		func(c *config) { c.Heartbeat = 0 },
		func(c *config) { c.SimMemoryMB = 0 },
		func(c *config) { c.DataDir = "" },
		func(c *config) { c.SimCreateDelay = -time.Second },
		func(c *config) { c.Resync = 0 },
		func(c *config) { c.DistRoutes = []string{"fifo@a"} },
		func(c *config) { c.DistRoutes = []string{"fifo@a=127.0.0.1:0"} },
		func(c *config) { c.DistRoutes = []string{"fifo=127.0.0.1:1"} },
		func(c *config) { c.DistRoutes = []string{"fifo@a=h:1", "fifo@a=h:2"} },
	} {
		c := defaultConfig()
		c.Join = []string{"fifo@a"}
		mod(&c)
		if err := c.validate(); err == nil {
			t.Errorf("accepted %+v", c)
		}
	}
}

// Routes come from FIFO_DIST_ROUTES or --dist-routes (which wins), in
// the runtime's form.
func TestDistRoutes(t *testing.T) {
	c := defaultConfig()
	c.Join = []string{"fifo@a"}
	if err := c.applyEnv(envOf(map[string]string{"FIFO_DIST_ROUTES": "fifo@a=127.0.0.1:5001, fifo@b=[::1]:5002"})); err != nil {
		t.Fatal(err)
	}
	got, err := c.routes()
	if err != nil || len(got) != 2 || got["fifo@a"] != "127.0.0.1:5001" || got["fifo@b"] != "[::1]:5002" {
		t.Fatalf("routes from env = %v, %v", got, err)
	}
	cmd := &cobra.Command{Use: "x"}
	c.bindFlags(cmd)
	if err := cmd.Flags().Parse([]string{"--dist-routes", "fifo@a=127.0.0.1:6001", "--dist-routes", "fifo@c=h:6002"}); err != nil {
		t.Fatal(err)
	}
	got, err = c.routes()
	if err != nil || len(got) != 2 || got["fifo@a"] != "127.0.0.1:6001" || got["fifo@c"] != "h:6002" {
		t.Fatalf("routes from flags = %v, %v", got, err)
	}
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	if got, err := defaultConfig().routes(); got != nil || err != nil {
		t.Fatalf("no routes = %v, %v", got, err)
	}
}

// The simulated host's state file: in the data dir by default, where
// FIFO_SIM_STATE or --sim-state says, nowhere with "none".
func TestSimState(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, nil, filepath.Join("/var/chunter", "sim-host.json")},
		{map[string]string{"FIFO_SIM_STATE": "/tmp/h.json"}, nil, "/tmp/h.json"},
		{map[string]string{"FIFO_SIM_STATE": "/tmp/h.json"}, []string{"--sim-state", "none"}, ""},
		{nil, []string{"--sim-state", "/srv/sim.json"}, "/srv/sim.json"},
	} {
		cfg := defaultConfig()
		cfg.DataDir = "/var/chunter"
		if err := cfg.applyEnv(envOf(c.env)); err != nil {
			t.Fatal(err)
		}
		cmd := &cobra.Command{Use: "x"}
		cfg.bindFlags(cmd)
		if err := cmd.Flags().Parse(c.args); err != nil {
			t.Fatal(err)
		}
		if got := cfg.simStatePath(); got != c.want {
			t.Errorf("env %v args %v: state file %q, want %q", c.env, c.args, got, c.want)
		}
	}
	cfg := defaultConfig()
	if err := cfg.applyEnv(envOf(map[string]string{"FIFO_SIM_CREATE_DELAY": "2s", "FIFO_SIM_BOOT_DELAY": "1s", "FIFO_CHUNTER_RESYNC": "3s"})); err != nil ||
		cfg.SimCreateDelay != 2*time.Second || cfg.SimBootDelay != time.Second || cfg.Resync != 3*time.Second {
		t.Fatalf("sim delays from the environment: %+v %v", cfg, err)
	}
}

func TestVersionAndUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"version"}, &out, &errb, envOf(nil)); code != 0 || !strings.HasPrefix(out.String(), "chunter fifo ") {
		t.Fatalf("code %d out %q err %q", code, out.String(), errb.String())
	}
	for _, args := range [][]string{
		{"bogus"},
		{"start"}, // no --join
		{"start", "--join", "fifo@a", "--driver", "xen"},
		{"start", "--join", "fifo@a", "--no-such-flag"},
		{"start", "--join", "fifo@a", "extra"},
	} {
		errb.Reset()
		if code := run(args, &out, &errb, envOf(nil)); code != 2 {
			t.Errorf("%v: exit %d (%s)", args, code, errb.String())
		}
	}
	errb.Reset()
	if code := run([]string{"start", "--join", "fifo@a"}, &out, &errb, envOf(map[string]string{"FIFO_EPMD_PORT": "x"})); code != 2 || !strings.Contains(errb.String(), "FIFO_EPMD_PORT") {
		t.Errorf("bad env: exit %d (%s)", code, errb.String())
	}
}
