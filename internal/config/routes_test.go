package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseRoutes(t *testing.T) {
	got, err := ParseRoutes(" a@h = 127.0.0.1:1 ,, b@h=[::1]:2,c@h=node2:65535")
	if err != nil {
		t.Fatal(err)
	}
	want := []Route{{"a@h", "127.0.0.1", 1}, {"b@h", "::1", 2}, {"c@h", "node2", 65535}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseRoutes = %v, want %v", got, want)
	}
	if s := FormatRoutes(got); s != "a@h=127.0.0.1:1,b@h=[::1]:2,c@h=node2:65535" {
		t.Fatalf("FormatRoutes = %q", s)
	}
	back, err := ParseRoutes(FormatRoutes(got))
	if err != nil || !reflect.DeepEqual(back, want) {
		t.Fatalf("round trip = %v, %v", back, err)
	}
	if m := RouteMap(got); len(m) != 3 || m["b@h"] != "[::1]:2" || m["c@h"] != "node2:65535" {
		t.Fatalf("RouteMap = %v", m)
	}
	if RouteMap(nil) != nil {
		t.Fatal("RouteMap(nil) not nil")
	}
	if r, err := ParseRoutes(" , "); r != nil || err != nil {
		t.Fatalf("blank list = %v, %v", r, err)
	}
	for _, bad := range []string{"a@h", "a@h=h", "a@h=h:", "=h:x", "a@h=:1:2"} {
		if _, err := ParseRoutes(bad); err == nil {
			t.Errorf("ParseRoutes(%q) succeeded", bad)
		}
	}
}

func TestCheckRoutes(t *testing.T) {
	if err := CheckRoutes([]Route{{"a@h", "127.0.0.1", 1}}); err != nil {
		t.Fatal(err)
	}
	if err := CheckRoutes(nil); err != nil {
		t.Fatal(err)
	}
	err := CheckRoutes([]Route{{"a@h", "h", 1}, {"b", "h", 0}})
	if err == nil || !strings.Contains(err.Error(), `routes "b=h:0": want a node name`) {
		t.Fatalf("CheckRoutes = %v", err)
	}
}
