package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/fifogo/fifo/internal/config"
)

func TestExampleRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo.toml")
	if err := os.WriteFile(path, []byte(config.Example()), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := config.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, config.Default()) {
		t.Fatalf("Load(Example()) = %+v\nwant Default() %+v", got, config.Default())
	}
}

// TestExampleSetsEveryKey checks that the example file shows every key, so
// that it stays the complete reference of the format.
func TestExampleSetsEveryKey(t *testing.T) {
	var raw map[string]map[string]any
	if _, err := toml.Decode(config.Example(), &raw); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, table := range raw {
		n += len(table)
	}
	// Default has 22 settings; TestSchemaCoversConfig ties that to Config.
	if n != 22 {
		t.Fatalf("Example sets %d keys, want 22: %v", n, raw)
	}
}

func ExampleLoad() {
	env := map[string]string{"FIFO_DIST_PORT": "4371", "FIFO_LOG_LEVEL": "debug"}
	c, err := config.Load("", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Node.Name, c.Dist.ListenPort, c.Log.Level)
	// Output: fifo@localhost 4371 debug
}

func ExampleLoad_badEnv() {
	env := map[string]string{"FIFO_DIST_PORT": "abc"}
	_, err := config.Load("", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	fmt.Println(err)
	// Output: config: env FIFO_DIST_PORT: "abc" is not an integer
}
