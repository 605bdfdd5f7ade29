package wirecbor

import (
	"testing"
)

func TestDecModeIsStrict(t *testing.T) {
	dm := DecMode(Limits{Nesting: 4, Items: 16})
	var v any
	for name, in := range map[string][]byte{
		"duplicate key":     {0xa2, 0x01, 0x01, 0x01, 0x02},
		"indefinite length": {0x9f, 0x01, 0xff},
		"tag":               {0xc1, 0x01},
		"too many items":    append([]byte{0x91}, make([]byte, 17)...),
		"too deep":          {0x81, 0x81, 0x81, 0x81, 0x81, 0x01},
	} {
		if err := dm.Unmarshal(in, &v); err == nil {
			t.Errorf("%s: decoded %v", name, v)
		}
	}
	if err := dm.Unmarshal([]byte{0x84, 1, 2, 3, 4}, &v); err != nil {
		t.Fatalf("within limits: %v", err)
	}
}

func TestEncModeIsDeterministic(t *testing.T) {
	a, err := EncMode().Marshal(map[string]int{"b": 2, "a": 1, "aa": 3})
	if err != nil {
		t.Fatal(err)
	}
	// Core deterministic: keys sorted by encoded bytes (length first).
	want := []byte{0xa3, 0x61, 'a', 0x01, 0x61, 'b', 0x02, 0x62, 'a', 'a', 0x03}
	if string(a) != string(want) {
		t.Fatalf("% x, want % x", a, want)
	}
}

func TestDecModePanicsOnBadLimits(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	DecMode(Limits{Nesting: 1 << 20, Items: 16})
}
