package ring

import (
	"fmt"

	"github.com/fifogo/fifo/internal/wirecbor"
)

// FormatVersion is the version of the encoding Marshal writes, its first
// element. A new shape gets a new version.
const FormatVersion = 1

// MaxEncodedSize is the largest encoding Unmarshal accepts, in bytes: far
// above a real ring (64 partitions and 5 members encode to some 300
// bytes), it bounds what a bad peer can make a node decode.
const MaxEncodedSize = 1 << 20

// maxMembers bounds the member entries of a decoded ring.
const maxMembers = 4096

// The modes are built once and never changed, so sharing them is safe.
var (
	encMode = wirecbor.EncMode()
	decMode = wirecbor.DecMode(wirecbor.Limits{Nesting: 8, Items: max(MaxPartitions, maxMembers)})
)

// wireRing is the encoding of a Ring, a CBOR array:
//
//	[version, cluster, members, owners, plans]
//	members = [[name, member version, status], …]   sorted by name, no duplicates
//	owners  = [[epoch, node], …]                   one per partition, node ≥ 1
//	plans   = [[epoch, node], …]                   one per partition, node ≥ 0
//
// A node is 1 + its index in members; 0 is no node (a cancelled plan).
// Names are CBOR text strings. With core deterministic encoding, equal
// rings are equal bytes.
type wireRing struct {
	_       struct{} `cbor:",toarray"`
	Version uint64
	Cluster string
	Members []wireMember
	Owners  []wireAssign
	Plans   []wireAssign
}

type wireMember struct {
	_       struct{} `cbor:",toarray"`
	Name    string
	Version uint64
	Status  uint64
}

type wireAssign struct {
	_     struct{} `cbor:",toarray"`
	Epoch uint64
	Node  uint64
}

// Marshal encodes r as deterministic CBOR (see wireRing).
func Marshal(r *Ring) ([]byte, error) {
	names := r.MemberNames()
	index := make(map[string]uint64, len(names))
	w := wireRing{
		Version: FormatVersion,
		Cluster: r.cluster,
		Members: make([]wireMember, len(names)),
		Owners:  make([]wireAssign, len(r.parts)),
		Plans:   make([]wireAssign, len(r.parts)),
	}
	for i, n := range names {
		m := r.members[n]
		w.Members[i] = wireMember{Name: n, Version: m.Version, Status: uint64(m.Status)}
		index[n] = uint64(i) + 1
	}
	for i, p := range r.parts {
		w.Owners[i] = wireAssign{Epoch: p.owner.Epoch, Node: index[p.owner.Node]}
		w.Plans[i] = wireAssign{Epoch: p.plan.Epoch, Node: index[p.plan.Node]}
	}
	b, err := encMode.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("ring %s: encode: %w", r.cluster, err)
	}
	return b, nil
}

// Unmarshal decodes an encoding of Marshal. It checks every invariant a
// ring holds (names, statuses, sorted members, a member behind every
// owner and plan, partition count, versions from 1), so a ring it returns
// is one that operations and Merge accept; any failure wraps ErrCorrupt.
// Unmarshal(Marshal(r)) equals r.
func Unmarshal(data []byte) (*Ring, error) {
	if len(data) > MaxEncodedSize {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrCorrupt, len(data), MaxEncodedSize)
	}
	var w wireRing
	if err := decMode.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	r, err := fromWire(&w)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return r, nil
}

// fromWire checks a decoded wire form and builds the ring.
func fromWire(w *wireRing) (*Ring, error) {
	if w.Version != FormatVersion {
		return nil, fmt.Errorf("format version %d, want %d", w.Version, FormatVersion)
	}
	if err := checkName("cluster", w.Cluster); err != nil {
		return nil, err
	}
	n := len(w.Owners)
	if n < 1 || n > MaxPartitions {
		return nil, fmt.Errorf("%d partitions, want 1..%d", n, MaxPartitions)
	}
	if len(w.Plans) != n {
		return nil, fmt.Errorf("%d plans for %d partitions", len(w.Plans), n)
	}
	if len(w.Members) == 0 || len(w.Members) > maxMembers {
		return nil, fmt.Errorf("%d members, want 1..%d", len(w.Members), maxMembers)
	}
	r := &Ring{cluster: w.Cluster, members: make(map[string]Member, len(w.Members)), parts: make([]partition, n)}
	for i, m := range w.Members {
		if err := checkName("node", m.Name); err != nil {
			return nil, err
		}
		if i > 0 && m.Name <= w.Members[i-1].Name {
			return nil, fmt.Errorf("members not in strictly increasing name order at %q", m.Name)
		}
		if s := Status(m.Status); m.Status > 255 || !s.known() {
			return nil, fmt.Errorf("member %s: unknown status %d", m.Name, m.Status)
		}
		if m.Version == 0 {
			return nil, fmt.Errorf("member %s: version 0", m.Name)
		}
		r.members[m.Name] = Member{Version: m.Version, Status: Status(m.Status)}
	}
	node := func(what string, p int, idx uint64, optional bool) (string, error) {
		switch {
		case idx == 0 && optional:
			return "", nil
		case idx == 0 || idx > uint64(len(w.Members)):
			return "", fmt.Errorf("partition %d: %s node %d, ring has %d members", p, what, idx, len(w.Members))
		}
		return w.Members[idx-1].Name, nil
	}
	for p := range n {
		o, err := node("owner", p, w.Owners[p].Node, false)
		if err != nil {
			return nil, err
		}
		next, err := node("plan", p, w.Plans[p].Node, true)
		if err != nil {
			return nil, err
		}
		r.parts[p] = partition{
			owner: Assign{Epoch: w.Owners[p].Epoch, Node: o},
			plan:  Assign{Epoch: w.Plans[p].Epoch, Node: next},
		}
	}
	return r, nil
}
