package record

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/fifogo/fifo/internal/crdt"
)

func stamp(actor string, wall int64) Stamp {
	return Stamp{Actor: actor, TS: crdt.Timestamp{Wall: wall, Node: actor}}
}

// sortSets puts the set fields of view v (a pointer) in encoding order, the
// order projections return non-scalar elements in.
func sortSets(t *testing.T, typ string, v any) {
	t.Helper()
	e, _ := builtin.Entity(typ)
	rv := reflect.ValueOf(v).Elem()
	for _, f := range e.Fields {
		if f.Kind != Set {
			continue
		}
		s := rv.FieldByIndex(f.index)
		enc := func(i int) []byte {
			b, err := crdt.EncMode().Marshal(s.Index(i).Interface())
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		idx := make([]int, s.Len())
		for i := range idx {
			idx[i] = i
		}
		switch s.Interface().(type) {
		case []string, []uint32, []int64:
			continue // projections sort these naturally
		}
		slices.SortFunc(idx, func(a, b int) int { return bytes.Compare(enc(a), enc(b)) })
		sorted := reflect.MakeSlice(s.Type(), s.Len(), s.Len())
		for i, j := range idx {
			sorted.Index(i).Set(s.Index(j))
		}
		s.Set(sorted)
	}
}

// roundTrip builds a record from the view want with its constructor,
// encodes and decodes it, projects it back and compares.
func roundTrip[V any](t *testing.T, typ string, build func(Stamp, V) (*Record, error), project func(*Record) (V, error), want V) {
	t.Helper()
	r, err := build(stamp("a", 1e18), want)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	b, err := Marshal(r)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	back, err := Unmarshal(b)
	if err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if !back.Equal(r) {
		t.Fatal("decoded record differs from the encoded one")
	}
	got, err := project(back)
	if err != nil {
		t.Fatalf("project: %v", err)
	}
	sortSets(t, typ, &want)
	sortSets(t, typ, &got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %#v\nwant %#v", got, want)
	}
}

var (
	md    = map[string]any{"note": "prod", "jingles": map[string]any{"color": "#f80", "n": int64(3)}, "list": []any{"a", int64(-1)}, "ok": true, "ratio": 1.5}
	rule  = map[string]any{"weight": "must", "condition": ">=", "attribute": "resources.free-memory", "value": int64(1024)}
	perms = [][]string{{"vms", "v1", "get"}, {"..."}, {"cloud", "vms", "create"}}
)

func TestEntityRoundTrips(t *testing.T) {
	t.Run("vm", func(t *testing.T) {
		roundTrip(t, BucketVM, NewVM, VMFromRecord, VM{
			UUID: "v1", Alias: "web", Owner: "o1", CreatedAt: 1700000000, CreatedBy: "u1", VMType: "zone",
			Dataset: "d1", Package: "p1", Hypervisor: "h1", State: "running", Deleting: true,
			Creating: Creating{Phase: "fetching_dataset", Secs: 1700000001}, ManageFW: true, Error: "boom",
			Config: md, Info: md, Backups: md, Snapshots: md, Docker: md, Metadata: md,
			NetworkMap: map[string]any{"167772161": "n1"}, IPRangeMap: map[string]any{"167772161": "r1"},
			HostnameMap: map[string]any{"167772161": "web.example"},
			Logs:        []LogEntry{{Date: 1, Log: "created"}, {Date: 2, Log: "booted"}},
			Groupings:   []string{"g1", "g2"}, FWRules: []any{map[string]any{"action": "allow", "port": int64(22)}},
		})
	})
	t.Run("hypervisor", func(t *testing.T) {
		roundTrip(t, BucketHypervisor, NewHypervisor, HypervisorFromRecord, Hypervisor{
			UUID: "h1", Alias: "hv-01", Host: "10.0.0.5", Port: 4200, ChunterVersion: "0.9.3", Architecture: "x86_64",
			LastSeen: 1700000000, Networks: []string{"admin", "external"}, Etherstubs: []string{"stub0"},
			Path: []PathElem{{Name: "rack1", Cost: 1}, {Name: "dc1", Cost: 10}}, Sysinfo: map[string]any{"Live Image": "20240101T000000Z"},
			Virtualisation: []string{"zone", "kvm"}, Characteristics: map[string]any{"ssd": true}, Metadata: md,
			Pools:     map[string]any{"zones": map[string]any{"size": int64(100), "free": int64(60), "health": "ONLINE"}},
			Resources: map[string]any{"free-memory": int64(8192), "total-memory": int64(16384)},
			Services:  map[string]any{"svc:/system/chunter:default": "online"},
		})
	})
	t.Run("dataset", func(t *testing.T) {
		roundTrip(t, BucketDataset, NewDataset, DatasetFromRecord, Dataset{
			UUID: "d1", DatasetType: "zone", ZoneType: "lx", Status: "imported", Imported: 1, Description: "base",
			DiskDriver: "virtio", Homepage: "https://example.com", ImageSize: 1 << 30, Name: "base64", NICDriver: "vnic",
			OS: "smartos", Users: []any{map[string]any{"name": "root"}}, SHA1: "da39a3ee", DatasetVersion: "20.4.0", KernelVersion: "4.3.0",
			Requirements: []any{rule}, Networks: []DatasetNetwork{{Name: "net0", Desc: "public"}, {Name: "net1", Desc: "private"}},
			Metadata: md,
		})
	})
	t.Run("package", func(t *testing.T) {
		roundTrip(t, BucketPackage, NewPackage, PackageFromRecord, Package{
			UUID: "p1", Name: "small", RAM: 1024, Quota: 10, CPUCap: 100, CPUShares: 1024, Blocksize: 8192,
			Compression: "lz4", MaxSwap: 2048, ZFSIOPriority: 100,
			OrgResources: map[string]int64{"vms": 3, "ram": -512}, HVResources: map[string]int64{"ram": 1024},
			Requirements: []any{rule}, Metadata: md,
		})
	})
	t.Run("network", func(t *testing.T) {
		roundTrip(t, BucketNetwork, NewNetwork, NetworkFromRecord, Network{
			UUID: "n1", Name: "public", IPRanges: []string{"r1", "r2"}, Resolvers: []string{"8.8.4.4", "8.8.8.8"}, Metadata: md,
		})
	})
	t.Run("iprange", func(t *testing.T) {
		build := func(st Stamp, v IPRange) (*Record, error) { return NewIPRange(st, v, 0x0a000002, 0x0a000004) }
		roundTrip(t, BucketIPRange, build, IPRangeFromRecord, IPRange{
			UUID: "r1", Name: "public-a", Network: 0x0a000000, Netmask: 0xffffff00, Gateway: 0x0a000001,
			Tag: "external", VLAN: 12, Free: []uint32{0x0a000002, 0x0a000003, 0x0a000004}, Used: []uint32{0x0a0000fe},
			Metadata: md,
		})
	})
	t.Run("dtrace", func(t *testing.T) {
		roundTrip(t, BucketDTrace, NewDTrace, DTraceFromRecord, DTrace{
			UUID: "t1", Name: "syscalls", Script: "syscall:::entry { @[probefunc] = count(); }",
			Config: map[string]any{"interval": int64(1)}, Metadata: md,
		})
	})
	t.Run("grouping", func(t *testing.T) {
		roundTrip(t, BucketGrouping, NewGrouping, GroupingFromRecord, Grouping{
			UUID: "g1", Name: "db", GroupingType: "cluster", Elements: []string{"v1", "v2"}, Groupings: []string{"g0"},
			Config: map[string]any{"spread": true}, Metadata: md,
		})
	})
	t.Run("hostname", func(t *testing.T) {
		roundTrip(t, BucketHostname, NewHostname, HostnameFromRecord, Hostname{
			Name: "web", Org: "o1", A: []HostnameAddr{{VM: "v1", IP: 0x0a000002}, {VM: "v2", IP: 0x0a000003}},
		})
	})
	t.Run("user", func(t *testing.T) {
		roundTrip(t, BucketUser, NewUser, UserFromRecord, User{
			UUID: "u1", Name: "admin", Password: Password{Algo: "bcrypt", Hash: []byte("$2a$10$abc")}, ActiveOrg: "o1",
			Permissions: perms, Roles: []string{"r1"}, SSHKeys: []SSHKey{{Name: "laptop", Key: "ssh-ed25519 AAAA"}},
			Orgs: []string{"o1", "o2"}, YubiKeys: []string{"cccccc"},
			Tokens:   []UserToken{{Type: "access", ID: "k1", Token: "t", Expiry: 1800000000, Client: "c1", Scope: []string{"*"}, Comment: "ci"}},
			Metadata: map[string]any{"public": md},
		})
	})
	t.Run("role", func(t *testing.T) {
		roundTrip(t, BucketRole, NewRole, RoleFromRecord, Role{UUID: "r1", Name: "ops", Permissions: perms, Metadata: md})
	})
	t.Run("org", func(t *testing.T) {
		roundTrip(t, BucketOrg, NewOrg, OrgFromRecord, Org{
			UUID: "o1", Name: "acme",
			Triggers:  map[string]any{"t1": map[string]any{"trigger": "vm_create", "action": "role_grant", "target": "r1"}},
			Resources: map[string]int64{"vms": 2, "ram": 4096}, Metadata: md,
		})
	})
	t.Run("client", func(t *testing.T) {
		roundTrip(t, BucketClient, NewClient, ClientFromRecord, Client{
			UUID: "c1", Name: "cli", ClientID: "fifo-cli", Secret: Password{Algo: "sha512", Hash: []byte{1, 2}, Salt: []byte{3}},
			ClientType: "confidential", RedirectURIs: []string{"https://a.example/cb"}, Permissions: perms, Roles: []string{"r1"},
			Metadata: md,
		})
	})
	t.Run("token", func(t *testing.T) {
		roundTrip(t, BucketToken, NewToken, TokenFromRecord, Token{
			UUID: "k1", TokenType: "access", User: "u1", Client: "c1", Scope: []string{"vms", "users"},
			Expiry: 1800000000, Comment: "ci", CreatedAt: 1700000000,
		})
	})
	t.Run("accounting", func(t *testing.T) {
		roundTrip(t, BucketAccounting, NewAccounting, AccountingFromRecord, Accounting{
			Org: "o1", Entries: []AccountingEntry{
				{Timestamp: 1, Action: "create", Resource: "v1", Metadata: map[string]any{"package": "p1"}},
				{Timestamp: 2, Action: "destroy", Resource: "v1"},
			},
		})
	})
}

func TestEveryEntityHasARoundTrip(t *testing.T) {
	// Each entity type needs a case in TestEntityRoundTrips; this keeps the
	// list honest when an entity is added.
	got := len(builtin.entities)
	if got != 15 {
		t.Fatalf("%d entity types registered; update TestEntityRoundTrips and this count", got)
	}
}

func TestReadField(t *testing.T) {
	st := Stamp{Actor: "a", TS: crdt.Timestamp{Wall: 1, Node: "a"}}
	r, err := NewUser(st, User{UUID: "u1", Name: "alice", ActiveOrg: "org1",
		SSHKeys: []SSHKey{{Name: "k", Key: "ssh-ed25519 AAAA"}}, Permissions: [][]string{{"a"}, {"b"}}})
	if err != nil {
		t.Fatal(err)
	}
	var org string
	if err := ReadField(r, "active_org", &org); err != nil || org != "org1" {
		t.Fatalf("active_org = %q, %v", org, err)
	}
	var keys []SSHKey
	if err := ReadField(r, "ssh_keys", &keys); err != nil || len(keys) != 1 || keys[0].Name != "k" {
		t.Fatalf("ssh_keys = %v, %v", keys, err)
	}
	if err := ReadField(r, "nope", &org); !errors.Is(err, ErrUnknownField) {
		t.Fatalf("unknown field: %v", err)
	}
	if err := ReadField(r, "active_org", org); !errors.Is(err, ErrFieldType) {
		t.Fatalf("non-pointer: %v", err)
	}
	var wrong int
	if err := ReadField(r, "active_org", &wrong); !errors.Is(err, ErrFieldType) {
		t.Fatalf("wrong type: %v", err)
	}
}
