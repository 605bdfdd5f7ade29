package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadDefaults(t *testing.T) {
	for name, env := range map[string]func(string) (string, bool){
		"nil env":   nil,
		"empty env": envMap(nil),
	} {
		got, err := Load("", env)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, Default()) {
			t.Fatalf("%s: Load = %+v, want Default() %+v", name, got, Default())
		}
	}
}

func TestLoadFileOverrides(t *testing.T) {
	tests := []struct {
		doc  string
		want func(*Config)
	}{
		{"[node]\nname = \"a@b\"", func(c *Config) { c.Node.Name = "a@b" }},
		{"[node]\ndata_dir = \"/var/db/fifo\"", func(c *Config) { c.Node.DataDir = "/var/db/fifo" }},
		{"[node]\nrelease = \"control\"", func(c *Config) { c.Node.Release = "control" }},
		{"[http]\naddr = \":9000\"", func(c *Config) { c.HTTP.Addr = ":9000" }},
		{"[dist]\nlisten_host = \"10.0.0.1\"", func(c *Config) { c.Dist.ListenHost = "10.0.0.1" }},
		{"[dist]\nlisten_port = 5000", func(c *Config) { c.Dist.ListenPort = 5000 }},
		{"[dist]\nepmd_port = 5001", func(c *Config) { c.Dist.EPMDPort = 5001 }},
		{"[dist]\nroutes = [\"a@h=127.0.0.1:5002\", \" b@h = h2:5003 \"]", func(c *Config) {
			c.Dist.Routes = []Route{{"a@h", "127.0.0.1", 5002}, {"b@h", "h2", 5003}}
		}},
		{"[dist]\nroutes = []", func(*Config) {}},
		{"[log]\nlevel = \"debug\"", func(c *Config) { c.Log.Level = "debug" }},
		{"[log]\nformat = \"json\"", func(c *Config) { c.Log.Format = "json" }},
		{"[store]\npartitions = 128", func(c *Config) { c.Store.Partitions = 128 }},
		{"[store]\nn_val = 5\nr = 3\nw = 1", func(c *Config) { c.Store.NVal, c.Store.R, c.Store.W = 5, 3, 1 }},
		{"[shutdown]\ntimeout = \"1m30s\"", func(c *Config) { c.Shutdown.Timeout = 90 * time.Second }},
		// Inline tables and dotted keys are the same keys.
		{"node = { name = \"x@y\" }", func(c *Config) { c.Node.Name = "x@y" }},
		{"store.partitions = 8", func(c *Config) { c.Store.Partitions = 8 }},
		// An empty file or an empty table changes nothing.
		{"", func(*Config) {}},
		{"[node]\n# nothing", func(*Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			got, err := Load(writeFile(t, tt.doc), nil)
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Load = %+v\nwant   %+v", got, want)
			}
		})
	}
}

func TestLoadEnvOverrides(t *testing.T) {
	tests := []struct {
		name, value string
		want        func(*Config)
	}{
		{"FIFO_NODE_NAME", "a@b", func(c *Config) { c.Node.Name = "a@b" }},
		{"FIFO_DATA_DIR", "/d", func(c *Config) { c.Node.DataDir = "/d" }},
		{"FIFO_RELEASE", "control", func(c *Config) { c.Node.Release = "control" }},
		{"FIFO_HTTP_ADDR", ":1", func(c *Config) { c.HTTP.Addr = ":1" }},
		{"FIFO_DIST_HOST", "0.0.0.0", func(c *Config) { c.Dist.ListenHost = "0.0.0.0" }},
		{"FIFO_DIST_PORT", "5000", func(c *Config) { c.Dist.ListenPort = 5000 }},
		{"FIFO_EPMD_PORT", "5001", func(c *Config) { c.Dist.EPMDPort = 5001 }},
		{"FIFO_DIST_ROUTES", "a@h=127.0.0.1:5002,,b@h=[::1]:5003,", func(c *Config) {
			c.Dist.Routes = []Route{{"a@h", "127.0.0.1", 5002}, {"b@h", "::1", 5003}}
		}},
		{"FIFO_LOG_LEVEL", "warn", func(c *Config) { c.Log.Level = "warn" }},
		{"FIFO_LOG_FORMAT", "json", func(c *Config) { c.Log.Format = "json" }},
		{"FIFO_PARTITIONS", "256", func(c *Config) { c.Store.Partitions = 256 }},
		{"FIFO_N_VAL", "5", func(c *Config) { c.Store.NVal = 5 }},
		{"FIFO_R", "1", func(c *Config) { c.Store.R = 1 }},
		{"FIFO_W", "3", func(c *Config) { c.Store.W = 3 }},
		{"FIFO_SHUTDOWN_TIMEOUT", "250ms", func(c *Config) { c.Shutdown.Timeout = 250 * time.Millisecond }},
		// Set but empty counts as unset.
		{"FIFO_DIST_PORT", "", func(*Config) {}},
		// Not ours: ignored.
		{"FIFO_NOT_A_SETTING", "x", func(*Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			got, err := Load("", envMap(map[string]string{tt.name: tt.value}))
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Load = %+v\nwant   %+v", got, want)
			}
		})
	}
}

func TestLoadEnvBeatsFile(t *testing.T) {
	path := writeFile(t, "[log]\nlevel = \"debug\"\nformat = \"json\"\n")
	got, err := Load(path, envMap(map[string]string{"FIFO_LOG_LEVEL": "error"}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Log.Level != "error" || got.Log.Format != "json" {
		t.Fatalf("Log = %+v, want level from env and format from file", got.Log)
	}
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"unknown key", "[http]\nadress = \"x\"", `unknown key "http.adress"`},
		{"unknown table", "[htp]\naddr = \"x\"", `unknown key "htp"`},
		{"unknown top-level key", "name = \"a@b\"", `unknown key "name"`},
		{"unknown nested table", "[node.extra]\nx = 1", `unknown key "node.extra"`},
		{"keys are case-sensitive", "[HTTP]\naddr = \"x\"", `unknown key "HTTP"`},
		{"first problem in file order", "[node]\nnmae = 1\n[dist]\nlisten_port = \"x\"", `unknown key "node.nmae"`},
		{"string for integer", "[dist]\nlisten_port = \"4370\"", `key "dist.listen_port": expected integer, got string`},
		{"float for integer", "[store]\npartitions = 1.5", `key "store.partitions": expected integer, got float`},
		{"integer for string", "[node]\nname = 5", `key "node.name": expected string, got integer`},
		{"bool for string", "[log]\nlevel = true", `key "log.level": expected string, got boolean`},
		{"array for string", "[http]\naddr = [\"a\"]", `key "http.addr": expected string, got array`},
		{"datetime for string", "[node]\nrelease = 2026-11-25", `key "node.release": expected string, got datetime`},
		{"integer for duration", "[shutdown]\ntimeout = 10", `key "shutdown.timeout": expected duration string (e.g. "10s"), got integer`},
		{"bad duration", "[shutdown]\ntimeout = \"ten\"", `key "shutdown.timeout": "ten" is not a duration (e.g. "10s")`},
		{"value for table", "node = 1", `key "node": expected table, got integer`},
		{"array of tables for table", "[[node]]\nname = \"a@b\"", `key "node": expected table, got array of tables`},
		{"table for value", "[node.name]\nx = 1", `key "node.name": expected string, got table`},
		{"inline table for value", "[node]\nname = { x = 1 }", `key "node.name": expected string, got table`},
		{"string for routes", "[dist]\nroutes = \"a@b=h:1\"", `key "dist.routes": expected array of "name=host:port" strings, got string`},
		{"integer in routes", "[dist]\nroutes = [1]", `key "dist.routes": expected array of "name=host:port" strings, got array`},
		{"route without address", "[dist]\nroutes = [\"a@b\"]", `key "dist.routes": route "a@b": want name=host:port`},
		{"route without port", "[dist]\nroutes = [\"a@b=h\"]", `key "dist.routes": route "a@b=h": want name=host:port`},
		{"routes table", "[dist.routes]\nx = 1", `key "dist.routes": expected array of "name=host:port" strings, got table`},
		{"syntax", "[node]\nname = = 1", "line 2: "},
		{"integer overflow", "[store]\npartitions = 99999999999999999999", "line 2: "},
		{"duplicate key", "[node]\nname = \"a@b\"\nname = \"c@d\"", "line 3: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.doc)
			_, err := Load(path, nil)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			msg, ok := strings.CutPrefix(err.Error(), "config "+path+": ")
			if !ok || !strings.HasPrefix(msg, tt.want) {
				t.Fatalf("error %q, want %q", err, "config "+path+": "+tt.want)
			}
			if !strings.HasSuffix(tt.want, ": ") && msg != tt.want {
				t.Fatalf("error %q, want exactly %q", msg, tt.want)
			}
			assertOneLine(t, err)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("errors.Is(%v, ErrInvalid) = false", err)
			}
		})
	}
}

func TestLoadUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.toml")
	_, err := Load(missing, nil)
	if want := "config " + missing + ": open: no such file or directory"; err == nil || err.Error() != want {
		t.Fatalf("missing file: error %v, want %q", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrInvalid) {
		t.Fatalf("missing file: error %v should match fs.ErrNotExist and not ErrInvalid", err)
	}
	_, err = Load(dir, nil)
	if want := "config " + dir + ": read: is a directory"; err == nil || err.Error() != want {
		t.Fatalf("directory: error %v, want %q", err, want)
	}
}

func TestLoadEnvErrors(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"FIFO_DIST_PORT", "abc", `config: env FIFO_DIST_PORT: "abc" is not an integer`},
		{"FIFO_EPMD_PORT", "43 69", `config: env FIFO_EPMD_PORT: "43 69" is not an integer`},
		{"FIFO_PARTITIONS", "1e3", `config: env FIFO_PARTITIONS: "1e3" is not an integer`},
		{"FIFO_PARTITIONS", "99999999999999999999", `config: env FIFO_PARTITIONS: "99999999999999999999" is not an integer`},
		{"FIFO_DIST_ROUTES", "a@b=h", `config: env FIFO_DIST_ROUTES: route "a@b=h": want name=host:port`},
		{"FIFO_DIST_ROUTES", "a@b=h:1,c@d", `config: env FIFO_DIST_ROUTES: route "c@d": want name=host:port`},
		{"FIFO_DIST_ROUTES", "a@b=h:x", `config: env FIFO_DIST_ROUTES: route "a@b=h:x": port "x" is not a number`},
		{"FIFO_SHUTDOWN_TIMEOUT", "10", `config: env FIFO_SHUTDOWN_TIMEOUT: "10" is not a duration (e.g. "10s")`},
		{"FIFO_SHUTDOWN_TIMEOUT", "soon\nplease", `config: env FIFO_SHUTDOWN_TIMEOUT: "soon\nplease" is not a duration (e.g. "10s")`},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			_, err := Load("", envMap(map[string]string{tt.name: tt.value}))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			assertOneLine(t, err)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("errors.Is(%v, ErrInvalid) = false", err)
			}
		})
	}
}

// TestLoadFileErrorBeforeEnv checks that a bad file is reported even when
// the environment would also fail.
func TestLoadFileErrorBeforeEnv(t *testing.T) {
	path := writeFile(t, "[http]\nadress = 1")
	_, err := Load(path, envMap(map[string]string{"FIFO_DIST_PORT": "abc"}))
	if err == nil || !strings.Contains(err.Error(), `unknown key "http.adress"`) {
		t.Fatalf("error %v, want the file's unknown key", err)
	}
}

func assertOneLine(t testing.TB, err error) {
	t.Helper()
	if strings.ContainsAny(err.Error(), "\r\n") {
		t.Fatalf("error spans several lines: %q", err)
	}
}
