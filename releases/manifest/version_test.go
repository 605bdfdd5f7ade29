package manifest

import (
	"errors"
	"slices"
	"testing"
)

func TestCompare(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"1.2.3", "1.2.3", 0},
		{"v1.2.3", "1.2.3", 0},
		{"1.2.3+build.7", "1.2.3", 0},
		{"1.2.3-dirty", "1.2.3", 0},
		{"1.2.3", "1.2.4", -1},
		{"1.10.0", "1.9.9", 1},
		{"2.0.0", "10.0.0", -1},
		{"1.2.3-rc.1", "1.2.3", -1},
		{"1.2.3-alpha", "1.2.3-alpha.1", -1},
		{"1.2.3-alpha.1", "1.2.3-alpha.beta", -1},
		{"1.2.3-beta.2", "1.2.3-beta.11", -1},
		{"1.2.3-rc.1", "1.2.3-beta", 1},
		// git describe: commits after a tag come after it, before the next.
		{"1.2.3-4-gabc1234", "1.2.3", 1},
		{"v1.2.3-4-gabc1234-dirty", "1.2.3-10-gdef5678", -1},
		{"1.2.3-4-gabc1234", "1.2.4-rc.1", -1},
		{"1.2.4-rc.1-2-gabc1234", "1.2.4-rc.1", 1},
		{"1.2.4-rc.1-2-gabc1234", "1.2.4", -1},
	}
	for _, c := range cases {
		got, err := Compare(c.a, c.b)
		if err != nil || got != c.want {
			t.Errorf("Compare(%q, %q) = %d, %v; want %d", c.a, c.b, got, err, c.want)
		}
		back, _ := Compare(c.b, c.a)
		if back != -c.want {
			t.Errorf("Compare(%q, %q) = %d, not the opposite of %d", c.b, c.a, back, c.want)
		}
	}
}

func TestUnordered(t *testing.T) {
	for _, v := range []string{"0b5fd05-dirty", "dev", "1.2", "1.2.3.4", "01.2.3", "1.2.3-", "1.2.3-01", "1.2.3-a..b", "x1.2.3", "v", "1.2.3+"} {
		if Ordered(v) {
			t.Errorf("Ordered(%q) = true", v)
		}
		if _, err := Compare(v, "1.0.0"); !errors.Is(err, ErrUnordered) {
			t.Errorf("Compare(%q, 1.0.0) = %v, want ErrUnordered", v, err)
		}
	}
}

func TestSortVersions(t *testing.T) {
	vs := []string{"dev", "1.10.0", "0b5fd05", "1.2.0", "1.2.0-rc.1", "v1.2.0-3-gabcd"}
	SortVersions(vs)
	want := []string{"1.2.0-rc.1", "1.2.0", "v1.2.0-3-gabcd", "1.10.0", "0b5fd05", "dev"}
	if !slices.Equal(vs, want) {
		t.Fatalf("SortVersions = %v, want %v", vs, want)
	}
}
