package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateAccepts(t *testing.T) {
	tests := []struct {
		name string
		set  func(*Config)
	}{
		{"node name with dots in host", func(c *Config) { c.Node.Name = "fifo@node1.example.com" }},
		{"node name with ipv4 host", func(c *Config) { c.Node.Name = "a_b-1@10.0.0.1" }},
		{"release with dots", func(c *Config) { c.Node.Release = "control-1.2" }},
		{"http any interface", func(c *Config) { c.HTTP.Addr = ":8080" }},
		{"http ipv6 port 0", func(c *Config) { c.HTTP.Addr = "[::1]:0" }},
		{"http host name", func(c *Config) { c.HTTP.Addr = "localhost:80" }},
		{"dist host ipv6", func(c *Config) { c.Dist.ListenHost = "::" }},
		{"dist host name", func(c *Config) { c.Dist.ListenHost = "node1.example.com" }},
		{"ports at the edges", func(c *Config) { c.Dist.ListenPort, c.Dist.EPMDPort = 1, 65535 }},
		{"every level", func(c *Config) { c.Log.Level = "debug" }},
		{"json", func(c *Config) { c.Log.Format = "json" }},
		{"one partition", func(c *Config) { c.Store.Partitions = 1 }},
		{"most partitions", func(c *Config) { c.Store.Partitions = 4096 }},
		{"one replica", func(c *Config) { c.Store.NVal, c.Store.R, c.Store.W = 1, 1, 1 }},
		{"all replicas", func(c *Config) { c.Store.NVal, c.Store.R, c.Store.W = 5, 5, 5 }},
		{"short timeout", func(c *Config) { c.Shutdown.Timeout = time.Nanosecond }},
		{"routes", func(c *Config) {
			c.Dist.Routes = []Route{{"a@h", "127.0.0.1", 1}, {"b@node1.example.com", "::1", 65535}, {"c@h", "node2", 4370}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.set(&c)
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name string
		set  func(*Config)
		want string
	}{
		{"name without host", func(c *Config) { c.Node.Name = "fifo" }, `node.name "fifo": want short@host`},
		{"name empty short", func(c *Config) { c.Node.Name = "@host" }, `node.name "@host": want short@host`},
		{"name empty host", func(c *Config) { c.Node.Name = "fifo@" }, `node.name "fifo@": want short@host`},
		{"name two ats", func(c *Config) { c.Node.Name = "a@b@c" }, `node.name "a@b@c": want short@host`},
		{"name space", func(c *Config) { c.Node.Name = "fi fo@host" }, `node.name "fi fo@host": want short@host`},
		{"name dot in short", func(c *Config) { c.Node.Name = "fi.fo@host" }, `node.name "fi.fo@host": want short@host`},
		{"name host leading hyphen", func(c *Config) { c.Node.Name = "fifo@-host" }, `node.name "fifo@-host": want short@host`},
		{"name host trailing dot", func(c *Config) { c.Node.Name = "fifo@host." }, `node.name "fifo@host.": want short@host`},
		{"name ipv6 host", func(c *Config) { c.Node.Name = "fifo@::1" }, `node.name "fifo@::1": want short@host`},
		{"empty data dir", func(c *Config) { c.Node.DataDir = "" }, `node.data_dir "": want a non-empty value`},
		{"empty release", func(c *Config) { c.Node.Release = "" }, `node.release "": want a release name`},
		{"release path", func(c *Config) { c.Node.Release = "../x" }, `node.release "../x": want a release name`},
		{"addr no port", func(c *Config) { c.HTTP.Addr = "127.0.0.1" }, `http.addr "127.0.0.1": want host:port`},
		{"addr named port", func(c *Config) { c.HTTP.Addr = "localhost:http" }, `http.addr "localhost:http": want host:port`},
		{"addr port too big", func(c *Config) { c.HTTP.Addr = ":65536" }, `http.addr ":65536": want host:port`},
		{"addr negative port", func(c *Config) { c.HTTP.Addr = ":-1" }, `http.addr ":-1": want host:port`},
		{"addr bad host", func(c *Config) { c.HTTP.Addr = "bad host:80" }, `http.addr "bad host:80": want host:port`},
		{"dist host empty", func(c *Config) { c.Dist.ListenHost = "" }, `dist.listen_host "": want a host name or IP address`},
		{"dist host with port", func(c *Config) { c.Dist.ListenHost = "127.0.0.1:4370" }, `dist.listen_host "127.0.0.1:4370": want a host name or IP address`},
		{"dist port 0", func(c *Config) { c.Dist.ListenPort = 0 }, `dist.listen_port 0: want 1..65535`},
		{"dist port too big", func(c *Config) { c.Dist.ListenPort = 65536 }, `dist.listen_port 65536: want 1..65535`},
		{"epmd port negative", func(c *Config) { c.Dist.EPMDPort = -1 }, `dist.epmd_port -1: want 1..65535`},
		{"ports clash", func(c *Config) { c.Dist.ListenPort = 4369 }, `dist.listen_port 4369: want a port other than dist.epmd_port`},
		{"route node name", func(c *Config) { c.Dist.Routes = []Route{{"a", "h", 1}} }, `dist.routes "a=h:1": want a node name short@host`},
		{"route host", func(c *Config) { c.Dist.Routes = []Route{{"a@b", "bad host", 1}} }, `dist.routes "a@b=bad host:1": want a host name or IP address`},
		{"route port 0", func(c *Config) { c.Dist.Routes = []Route{{"a@b", "h", 0}} }, `dist.routes "a@b=h:0": want a port in 1..65535`},
		{"route port too big", func(c *Config) { c.Dist.Routes = []Route{{"a@b", "h", 65536}} }, `dist.routes "a@b=h:65536": want a port in 1..65535`},
		{"route twice", func(c *Config) { c.Dist.Routes = []Route{{"a@b", "h", 1}, {"a@b", "h", 2}} }, `dist.routes "a@b=h:2": want one route per node`},
		{"level upper case", func(c *Config) { c.Log.Level = "INFO" }, `log.level "INFO": want one of debug, info, warn, error`},
		{"level empty", func(c *Config) { c.Log.Level = "" }, `log.level "": want one of debug, info, warn, error`},
		{"format", func(c *Config) { c.Log.Format = "yaml" }, `log.format "yaml": want one of text, json`},
		{"no partitions", func(c *Config) { c.Store.Partitions = 0 }, `store.partitions 0: want 1..4096`},
		{"too many partitions", func(c *Config) { c.Store.Partitions = 4097 }, `store.partitions 4097: want 1..4096`},
		{"no replicas", func(c *Config) { c.Store.NVal = 0 }, `store.n_val 0: want 1..9`},
		{"read quorum above n_val", func(c *Config) { c.Store.R = 4 }, `store.r 4: want 1..3`},
		{"no write quorum", func(c *Config) { c.Store.W = 0 }, `store.w 0: want 1..3`},
		{"zero timeout", func(c *Config) { c.Shutdown.Timeout = 0 }, `shutdown.timeout "0s": want a positive duration`},
		{"negative timeout", func(c *Config) { c.Shutdown.Timeout = -time.Second }, `shutdown.timeout "-1s": want a positive duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.set(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("Validate succeeded, want an error")
			}
			if want := "invalid config: " + tt.want; !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("error %q, want prefix %q", err, want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("errors.Is(%v, ErrInvalid) = false", err)
			}
			assertOneLine(t, err)
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Default()
	c.Node.Name = "fifo"
	c.Log.Level = "loud"
	c.Store.Partitions = 0
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate succeeded, want an error")
	}
	for _, want := range []string{"node.name", "log.level", "store.partitions"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if got := strings.Count(err.Error(), "; "); got != 2 {
		t.Errorf("error %q: %d separators, want 2", err, got)
	}
}
