package install

import (
	"errors"
	"testing"
)

// A switch whose apply step (the live upgrade) fails is undone: the
// record and the link are as before, byte for byte; one that succeeds
// stays; apply runs with the switch it follows, also when nothing changed.
func TestSwitchWithApply(t *testing.T) {
	r := newRoot(t)
	for _, v := range []string{"1.0.0", "1.1.0"} {
		mustUnpack(t, r, release(t, v, "0.0.0"))
	}
	if _, err := r.Install("1.0.0"); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, r.Dir())
	var seen []Switch
	boom := errors.New("the new binary exited")
	sw, err := r.InstallWith("1.1.0", func(sw Switch) error {
		if link, _ := r.Link(); link != "1.1.0" {
			t.Errorf("apply runs with current -> %q, want the new release", link)
		}
		seen = append(seen, sw)
		return boom
	})
	if !errors.Is(err, boom) || !errors.Is(err, ErrApply) || sw.To != "1.1.0" || !sw.Changed {
		t.Fatalf("InstallWith = %+v, %v", sw, err)
	}
	sameSnapshot(t, before, snapshot(t, r.Dir()))

	if _, err := r.InstallWith("1.1.0", func(sw Switch) error { seen = append(seen, sw); return nil }); err != nil {
		t.Fatal(err)
	}
	if link, _ := r.Link(); link != "1.1.0" {
		t.Fatalf("current -> %q after a successful apply", link)
	}
	if _, err := r.InstallWith("1.1.0", func(sw Switch) error { seen = append(seen, sw); return boom }); !errors.Is(err, boom) {
		t.Fatalf("apply of an unchanged switch: %v", err)
	}
	if link, _ := r.Link(); link != "1.1.0" {
		t.Fatalf("a failed apply of an unchanged switch moved current to %q", link)
	}
	afterInstall := snapshot(t, r.Dir())
	if _, err := r.RollbackWith(func(sw Switch) error { seen = append(seen, sw); return boom }); !errors.Is(err, boom) {
		t.Fatalf("RollbackWith: %v", err)
	}
	sameSnapshot(t, afterInstall, snapshot(t, r.Dir()))
	want := []Switch{{"1.0.0", "1.1.0", true}, {"1.0.0", "1.1.0", true}, {"1.1.0", "1.1.0", false}, {"1.1.0", "1.0.0", true}}
	if len(seen) != len(want) {
		t.Fatalf("apply saw %+v", seen)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("apply %d saw %+v, want %+v", i, seen[i], want[i])
		}
	}
}
