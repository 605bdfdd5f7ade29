package crdt

import "testing"

func TestTimestampCompare(t *testing.T) {
	tests := []struct {
		name string
		a, b Timestamp
		want int
	}{
		{"equal", Timestamp{5, 1, "n"}, Timestamp{5, 1, "n"}, 0},
		{"wall first", Timestamp{4, 9, "z"}, Timestamp{5, 0, "a"}, -1},
		{"then logical", Timestamp{5, 2, "a"}, Timestamp{5, 1, "z"}, 1},
		{"then node", Timestamp{5, 1, "a"}, Timestamp{5, 1, "b"}, -1},
		{"negative wall", Timestamp{-1, 0, ""}, Timestamp{}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Compare(tt.b); got != tt.want {
				t.Errorf("Compare = %d, want %d", got, tt.want)
			}
			if got := tt.b.Compare(tt.a); got != -tt.want {
				t.Errorf("reverse Compare = %d, want %d", got, -tt.want)
			}
		})
	}
}

func TestTimestampCBORRoundTrip(t *testing.T) {
	in := Timestamp{Wall: -42, Logical: 7, Node: "n\xff"}
	b, err := in.MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	var out Timestamp
	if err := out.UnmarshalCBOR(b); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Fatalf("got %v, want %v", out, in)
	}
}
