package spec

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// golden compares got, rendered as indented JSON, with the golden file
// (rewritten with -update).
func golden(t *testing.T, path string, got any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as the vmadm driver sends it
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs:\n got: %s\nwant: %s", path, b, want)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// readVM reads a `vmadm get` document as the vmadm driver does.
func readVM(t *testing.T, path string) driver.VM {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var vm driver.VM
	if err := json.Unmarshal(b, &vm); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	vm.State = driver.NormalizeState(string(vm.State))
	return vm
}

func inputs(t *testing.T, dir string) []string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range all {
		if !strings.HasSuffix(p, ".golden.json") {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no inputs in testdata/%s", dir)
	}
	return out
}

func goldenPath(in string) string { return strings.TrimSuffix(in, ".json") + ".golden.json" }

// TestToVmadmGolden: testdata/create/<case>.json holds a package, a
// dataset, a config and a host; <case>.golden.json the vmadm payload.
func TestToVmadmGolden(t *testing.T) {
	for _, in := range inputs(t, "create") {
		t.Run(filepath.Base(in), func(t *testing.T) {
			var c struct {
				Package Package `json:"package"`
				Dataset Dataset `json:"dataset"`
				Config  Config  `json:"config"`
				Host    Host    `json:"host"`
			}
			readJSON(t, in, &c)
			s, err := ToVmadm(c.Package, c.Dataset, c.Config, c.Host)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(); err != nil {
				t.Fatalf("generated spec does not validate: %v", err)
			}
			golden(t, goldenPath(in), s)
		})
	}
}

// TestToUpdateGolden: testdata/update/<case>.json names a VM of
// testdata/sniffle (as vmadm reports it) and holds an optional package,
// a config and a host; <case>.golden.json is the vmadm update payload.
func TestToUpdateGolden(t *testing.T) {
	for _, in := range inputs(t, "update") {
		t.Run(filepath.Base(in), func(t *testing.T) {
			var c struct {
				VM      string       `json:"vm"`
				Package *Package     `json:"package"`
				Config  UpdateConfig `json:"config"`
				Host    Host         `json:"host"`
			}
			readJSON(t, in, &c)
			vm := readVM(t, filepath.Join("testdata", "sniffle", c.VM+".json"))
			u, err := ToUpdate(vm, c.Package, c.Config, c.Host)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, goldenPath(in), u)
		})
	}
}

// TestToSniffleGolden: testdata/sniffle/<case>.json is `vmadm get`
// output; <case>.golden.json the config sniffle keeps.
func TestToSniffleGolden(t *testing.T) {
	for _, in := range inputs(t, "sniffle") {
		t.Run(filepath.Base(in), func(t *testing.T) {
			golden(t, goldenPath(in), ToSniffle(readVM(t, in)))
		})
	}
}
