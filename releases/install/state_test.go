package install

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// op is one step of a state-machine case: an operation and what it must
// give.
type op struct {
	do   string // "unpack V", "install V", "permanent V", "rollback"
	err  error  // expected error, nil for success
	want string // expected state after, as summary renders it; "" to skip
}

// apply runs one op.
func apply(s State, o op) (State, error) {
	verb, arg, _ := strings.Cut(o.do, " ")
	switch verb {
	case "unpack":
		return s.AddUnpacked(arg)
	case "install":
		return s.Install(arg)
	case "permanent":
		return s.MakePermanent(arg)
	case "rollback":
		return s.Rollback()
	}
	panic("unknown op " + o.do)
}

// summary renders a state as "cur=… perm=… prev=… [v v* …]", * marking
// installed releases.
func summary(s State) string {
	var rs []string
	for _, r := range s.Releases {
		m := r.Version
		if r.Installed {
			m += "*"
		}
		rs = append(rs, m)
	}
	return fmt.Sprintf("cur=%s perm=%s prev=%s %v", s.Current, s.Permanent, s.Previous, rs)
}

func TestStateMachine(t *testing.T) {
	cases := map[string][]op{
		"first install is permanent": {
			{do: "install 1.0.0", err: ErrNotUnpacked, want: "cur= perm= prev= []"},
			{do: "unpack 1.0.0", want: "cur= perm= prev= [1.0.0]"},
			{do: "rollback", err: ErrNoRollback},
			{do: "permanent 1.0.0", err: ErrNotCurrent},
			{do: "install 1.0.0", want: "cur=1.0.0 perm=1.0.0 prev= [1.0.0*]"},
			{do: "install 1.0.0", want: "cur=1.0.0 perm=1.0.0 prev= [1.0.0*]"},
			{do: "unpack 1.0.0", err: ErrExists},
		},
		"upgrade, make permanent": {
			{do: "unpack 1.1.0"},
			{do: "unpack 1.0.0", want: "cur= perm= prev= [1.0.0 1.1.0]"},
			{do: "install 1.0.0"},
			{do: "install 1.1.0", want: "cur=1.1.0 perm=1.0.0 prev=1.0.0 [1.0.0* 1.1.0*]"},
			{do: "permanent 1.0.0", err: ErrNotCurrent},
			{do: "permanent 1.1.0", want: "cur=1.1.0 perm=1.1.0 prev=1.0.0 [1.0.0* 1.1.0*]"},
			{do: "permanent 1.1.0", want: "cur=1.1.0 perm=1.1.0 prev=1.0.0 [1.0.0* 1.1.0*]"},
			{do: "permanent 9.9.9", err: ErrNotUnpacked},
		},
		"rollback to the permanent release": {
			{do: "unpack 1.0.0"}, {do: "unpack 1.1.0"}, {do: "unpack 1.2.0"},
			{do: "install 1.0.0"}, {do: "install 1.1.0"},
			{do: "install 1.2.0", want: "cur=1.2.0 perm=1.0.0 prev=1.1.0 [1.0.0* 1.1.0* 1.2.0*]"},
			{do: "rollback", want: "cur=1.0.0 perm=1.0.0 prev= [1.0.0* 1.1.0* 1.2.0*]"},
			{do: "rollback", err: ErrNoRollback},
		},
		"rollback of a permanent release to the previous one": {
			{do: "unpack 1.0.0"}, {do: "unpack 1.1.0"},
			{do: "install 1.0.0"}, {do: "install 1.1.0"}, {do: "permanent 1.1.0"},
			{do: "rollback", want: "cur=1.0.0 perm=1.0.0 prev= [1.0.0* 1.1.0*]"},
			{do: "rollback", err: ErrNoRollback},
			{do: "install 1.1.0", want: "cur=1.1.0 perm=1.0.0 prev=1.0.0 [1.0.0* 1.1.0*]"},
		},
		"versions sort by order, unordered last": {
			{do: "unpack dev"}, {do: "unpack 1.10.0"}, {do: "unpack 1.9.0"}, {do: "unpack 0b5fd05"},
			{do: "unpack 1.10.0-rc.1", want: "cur= perm= prev= [1.9.0 1.10.0-rc.1 1.10.0 0b5fd05 dev]"},
		},
	}
	for name, ops := range cases {
		t.Run(name, func(t *testing.T) {
			var s State
			for i, o := range ops {
				before := summary(s)
				n, err := apply(s, o)
				if !errors.Is(err, o.err) || (o.err != nil) != (err != nil) {
					t.Fatalf("step %d %q: err %v, want %v", i, o.do, err, o.err)
				}
				if err != nil && summary(n) != before {
					t.Fatalf("step %d %q failed but changed the state", i, o.do)
				}
				if summary(s) != before {
					t.Fatalf("step %d %q changed its receiver", i, o.do)
				}
				if err := n.Validate(); err != nil {
					t.Fatalf("step %d %q: invalid state %s: %v", i, o.do, summary(n), err)
				}
				if o.want != "" && summary(n) != o.want {
					t.Fatalf("step %d %q: %s, want %s", i, o.do, summary(n), o.want)
				}
				s = n
			}
		})
	}
}

func TestValidateRefuses(t *testing.T) {
	ok := State{Releases: []Release{{"1.0.0", true}, {"1.1.0", true}}, Current: "1.1.0", Permanent: "1.0.0", Previous: "1.0.0"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(s *State){
		"unsorted":             func(s *State) { s.Releases[0], s.Releases[1] = s.Releases[1], s.Releases[0] },
		"duplicate":            func(s *State) { s.Releases[1].Version = "1.0.0"; s.Current, s.Previous = "1.0.0", "" },
		"bad version":          func(s *State) { s.Releases[0].Version = "../x"; s.Permanent, s.Previous = "1.1.0", "" },
		"reserved version":     func(s *State) { s.Releases = append(s.Releases, Release{Version: "current"}) },
		"current not unpacked": func(s *State) { s.Current = "2.0.0" },
		"current never ran":    func(s *State) { s.Releases[1].Installed = false },
		"permanent missing":    func(s *State) { s.Permanent = "" },
		"previous is current":  func(s *State) { s.Previous = "1.1.0" },
	}
	for name, mutate := range cases {
		s := ok
		s.Releases = append([]Release(nil), ok.Releases...)
		mutate(&s)
		if err := s.Validate(); !errors.Is(err, ErrRecord) {
			t.Errorf("%s: Validate = %v, want ErrRecord", name, err)
		}
	}
}

func TestEntries(t *testing.T) {
	s := State{Releases: []Release{{"1.0.0", true}, {"1.1.0", true}, {"1.2.0", false}}, Current: "1.1.0", Permanent: "1.0.0", Previous: "1.0.0"}
	want := []Entry{
		{Version: "1.0.0", Installed: true, Permanent: true, Previous: true},
		{Version: "1.1.0", Installed: true, Current: true},
		{Version: "1.2.0"},
	}
	if got := s.Entries(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Entries = %+v", got)
	}
}
