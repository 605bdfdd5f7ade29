package record

import "testing"

func TestVersionsListsEveryEntity(t *testing.T) {
	v := Builtin().Versions()
	for _, typ := range []string{BucketVM, BucketUser, BucketHypervisor, BucketAccounting} {
		e, ok := Builtin().Entity(typ)
		if !ok || v[typ] != e.Version {
			t.Errorf("%s: Versions says %d, entity %v", typ, v[typ], e)
		}
	}
	if v[BucketVM] < 2 {
		t.Errorf("vm schema %d, want at least 2", v[BucketVM])
	}
	v[BucketVM] = 99
	if Builtin().Versions()[BucketVM] == 99 {
		t.Fatal("Versions returned the registry's own map")
	}
}
