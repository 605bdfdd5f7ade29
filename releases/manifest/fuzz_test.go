package manifest

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics, and what it accepts is valid and renders
// to bytes that parse back to the same manifest and the same bytes.
func FuzzParse(f *testing.F) {
	f.Add(sample().Marshal())
	f.Add([]byte(`{"format":1}`))
	f.Add([]byte(`{"format":1,"name":"fifo","version":"1","commit":"","date":"","go_version":"","os":"linux","arch":"amd64","upgrade_from":"0.0.0","apps":null,"schemas":{},"files":[{"path":"a","size":0,"mode":"0644","sha256":"` + strings.Repeat("0", 64) + `"}]}`))
	f.Add([]byte(`{"format":2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("Parse accepted an invalid manifest: %v", err)
		}
		b := m.Marshal()
		m2, err := Parse(b)
		if err != nil {
			t.Fatalf("Marshal output does not parse: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip changed the manifest:\n%+v\n%+v", m, m2)
		}
		if !bytes.Equal(m2.Marshal(), b) {
			t.Fatal("Marshal is not a fixed point")
		}
		for _, file := range m.Files {
			if strings.Contains(file.Path, "..") || strings.HasPrefix(file.Path, "/") {
				t.Fatalf("accepted path %q", file.Path)
			}
		}
	})
}

// FuzzParseSums: ParseSums never panics; what it accepts renders back to
// the same bytes.
func FuzzParseSums(f *testing.F) {
	f.Add([]byte(strings.Repeat("a", 64) + "  bin/fifo\n" + strings.Repeat("b", 64) + "  manifest.json\n"))
	f.Add([]byte("x  y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sums, err := ParseSums(data)
		if err != nil {
			return
		}
		if got := FormatSums(sums); !bytes.Equal(got, data) {
			t.Fatalf("FormatSums(ParseSums(x)) != x:\n%q\n%q", got, data)
		}
	})
}

// FuzzCompare: Compare is antisymmetric and agrees with Ordered.
func FuzzCompare(f *testing.F) {
	f.Add("1.2.3", "1.2.3-rc.1")
	f.Add("v1.2.3-4-gabcd-dirty", "1.2.3")
	f.Add("dev", "0.0.0")
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, err1 := Compare(a, b)
		ba, err2 := Compare(b, a)
		if (err1 == nil) != (Ordered(a) && Ordered(b)) || (err1 == nil) != (err2 == nil) {
			t.Fatalf("Compare(%q, %q): errors %v / %v", a, b, err1, err2)
		}
		if err1 == nil && ab != -ba {
			t.Fatalf("Compare(%q, %q) = %d but reversed %d", a, b, ab, ba)
		}
	})
}
