package manifest

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestMarshalParseRoundTrip(t *testing.T) {
	m := sample()
	b := m.Marshal()
	got, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, m)
	}
	if !bytes.Equal(got.Marshal(), b) {
		t.Fatal("Marshal is not deterministic")
	}
	for _, want := range []string{`"name": "fifo"`, `"upgrade_from": "1.0.0"`, `"vm": 2`, `"mode": "0755"`, `"go_version": "go1.26.8"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("manifest lacks %s:\n%s", want, b)
		}
	}
}

func TestParseNormalisesNilMaps(t *testing.T) {
	m := sample()
	m.Apps, m.Schemas = nil, nil
	got, err := Parse(m.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if got.Apps == nil || got.Schemas == nil {
		t.Fatalf("nil maps after Parse: %+v", got)
	}
}

func TestParseRefuses(t *testing.T) {
	valid := string(sample().Marshal())
	cases := []struct {
		name, doc, want string
	}{
		{"not json", "{", "manifest"},
		{"no format", `{"name":"fifo"}`, "format missing"},
		{"newer format", strings.Replace(valid, `"format": 1`, `"format": 2`, 1), "format 2"},
		{"unknown field", strings.Replace(valid, `"name"`, `"extra": 1, "name"`, 1), "unknown field"},
		{"trailing data", valid + "{}", "after"},
		{"bad version", strings.Replace(valid, `"version": "1.2.3"`, `"version": "../x"`, 1), "version"},
		{"bad upgrade_from", strings.Replace(valid, `"upgrade_from": "1.0.0"`, `"upgrade_from": "latest"`, 1), "upgrade_from"},
		{"bad os", strings.Replace(valid, `"os": "linux"`, `"os": "Linux/"`, 1), "platform"},
		{"escaping path", strings.Replace(valid, `"bin/fifo"`, `"../fifo"`, 1), "not a valid path"},
		{"absolute path", strings.Replace(valid, `"bin/fifo"`, `"/bin/fifo"`, 1), "not a valid path"},
		{"manifest listed", strings.Replace(valid, `"etc/fifo.toml"`, `"manifest.json"`, 1), "not a valid path"},
		{"unsorted", strings.Replace(valid, `"bin/chunter"`, `"bin/zz"`, 1), "not sorted"},
		{"writable by others", strings.Replace(valid, `"0644"`, `"0666"`, 1), "mode"},
		{"bad hash", strings.Replace(valid, strings.Repeat("c", 64), strings.Repeat("C", 64), 1), "sha256"},
		{"negative size", strings.Replace(valid, `"size": 5`, `"size": -5`, 1), "size"},
		{"zero schema", strings.Replace(valid, `"vm": 2`, `"vm": 0`, 1), "schemas"},
		{"too big", `{"format":1,"name":"` + strings.Repeat("x", MaxSize) + `"}`, "bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.doc))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Parse: %v, want ErrInvalid mentioning %q", err, c.want)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	m := sample()
	m.Name, m.OS = "", ""
	m.Files = nil
	err := m.Validate()
	for _, want := range []string{"name", "platform", "no files"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v, want it to mention %q", err, want)
		}
	}
}

func TestFileInsideFile(t *testing.T) {
	m := sample()
	m.Files = append([]File{{Path: "bin", Size: 1, Mode: "0644", SHA256: strings.Repeat("d", 64)},
		{Path: "bin-x", Size: 1, Mode: "0644", SHA256: strings.Repeat("d", 64)}}, m.Files...)
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), `inside file "bin"`) {
		t.Fatalf("Validate: %v", err)
	}
}

func TestValidVersionAndPath(t *testing.T) {
	for v, want := range map[string]bool{
		"1.2.3": true, "0b5fd05-dirty": true, "v1.2.3+meta": true, "dev": true,
		"": false, ".hidden": false, "-x": false, "a/b": false, "a b": false, strings.Repeat("1", 65): false,
	} {
		if got := ValidVersion(v); got != want {
			t.Errorf("ValidVersion(%q) = %v", v, got)
		}
	}
	for p, want := range map[string]bool{
		"bin/fifo": true, "etc/fifo.toml": true, "a": true,
		"": false, "/bin": false, "bin/": false, "bin//fifo": false, "./bin": false, "bin/../x": false,
		"bin/.x": false, "manifest.json": false, "SHA256SUMS": false, "a\\b": false,
	} {
		if got := ValidPath(p); got != want {
			t.Errorf("ValidPath(%q) = %v", p, got)
		}
	}
}

func TestPermAndModeString(t *testing.T) {
	f := File{Mode: "0755"}
	if f.Perm() != 0o755 || ModeString(0o644) != "0644" {
		t.Fatalf("Perm %o, ModeString %s", f.Perm(), ModeString(0o644))
	}
}
