package placement

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/fifogo/fifo/internal/record"
)

// Limits on attribute paths.
const (
	// MaxAttributeBytes is the longest an attribute path may be.
	MaxAttributeBytes = 256
	// MaxAttributeSegments is the most dot-separated segments it may have.
	MaxAttributeSegments = 16
)

// field is a top-level field of a hypervisor that rules can address.
type field uint8

const (
	fUUID field = iota + 1
	fAlias
	fHost
	fPort
	fVersion
	fArchitecture
	fLastSeen
	fNetworks
	fEtherstubs
	fPath
	fVirtualisation
	fSysinfo
	fCharacteristics
	fMetadata
	fPools
	fResources
	fServices
)

// fields maps the JSON names of a hypervisor's fields (reference §4.2) to
// fields; chunter_version is the record's name of "version".
var fields = map[string]field{
	"uuid": fUUID, "alias": fAlias, "host": fHost, "port": fPort,
	"version": fVersion, "chunter_version": fVersion, "architecture": fArchitecture,
	"last_seen": fLastSeen, "networks": fNetworks, "etherstubs": fEtherstubs,
	"path": fPath, "virtualisation": fVirtualisation, "sysinfo": fSysinfo,
	"characteristics": fCharacteristics, "metadata": fMetadata, "pools": fPools,
	"resources": fResources, "services": fServices,
}

// nested reports whether f is a map that a path can descend into.
func (f field) nested() bool { return f >= fSysinfo }

// attr is a compiled attribute path: the top-level field and, for map
// fields, the keys to look up below it.
type attr struct {
	f field
	// keys[i][k] is segments i..i+k joined by dots: a map key may itself
	// contain dots ("sysinfo.SDC Version" or a key "a.b"), so a lookup
	// that misses segment i alone tries the longer joins.
	keys [][]string
}

// compileAttr parses a dotted attribute path such as
// "resources.free-memory" or "sysinfo.Live Image".
func compileAttr(s string) (attr, error) {
	if s == "" {
		return attr{}, fmt.Errorf("empty attribute")
	}
	if len(s) > MaxAttributeBytes {
		return attr{}, fmt.Errorf("attribute of %d bytes (max %d)", len(s), MaxAttributeBytes)
	}
	if !utf8.ValidString(s) {
		return attr{}, fmt.Errorf("attribute %q is not valid UTF-8", s)
	}
	segs := strings.Split(s, ".")
	if len(segs) > MaxAttributeSegments {
		return attr{}, fmt.Errorf("attribute %q has %d segments (max %d)", s, len(segs), MaxAttributeSegments)
	}
	for _, g := range segs {
		if g == "" {
			return attr{}, fmt.Errorf("attribute %q has an empty segment", s)
		}
	}
	f, ok := fields[segs[0]]
	if !ok {
		return attr{}, fmt.Errorf("unknown attribute %q: it must start with one of uuid, alias, host, port, version, architecture, last_seen, networks, etherstubs, path, virtualisation, sysinfo, characteristics, metadata, pools, resources, services", s)
	}
	rest := segs[1:]
	if len(rest) > 0 && !f.nested() {
		return attr{}, fmt.Errorf("attribute %q: %s has no fields below it", s, segs[0])
	}
	a := attr{f: f}
	if len(rest) > 0 {
		a.keys = make([][]string, len(rest))
		for i := range rest {
			a.keys[i] = make([]string, len(rest)-i)
			for k := range a.keys[i] {
				a.keys[i][k] = strings.Join(rest[i:i+k+1], ".")
			}
		}
	}
	return a, nil
}

// get returns the attribute's value on h without allocating.
func (a *attr) get(h *record.Hypervisor) val {
	switch a.f {
	case fUUID:
		return strVal(h.UUID)
	case fAlias:
		return strVal(h.Alias)
	case fHost:
		return strVal(h.Host)
	case fPort:
		return val{k: kNum, n: float64(h.Port)}
	case fVersion:
		return strVal(h.ChunterVersion)
	case fArchitecture:
		return strVal(h.Architecture)
	case fLastSeen:
		return val{k: kNum, n: float64(h.LastSeen)}
	case fNetworks:
		return val{k: kStrs, strs: &h.Networks}
	case fEtherstubs:
		return val{k: kStrs, strs: &h.Etherstubs}
	case fVirtualisation:
		return val{k: kStrs, strs: &h.Virtualisation}
	case fPath:
		return val{k: kPath, path: &h.Path}
	}
	var m map[string]any
	switch a.f {
	case fSysinfo:
		m = h.Sysinfo
	case fCharacteristics:
		m = h.Characteristics
	case fMetadata:
		m = h.Metadata
	case fPools:
		m = h.Pools
	case fResources:
		m = h.Resources
	case fServices:
		m = h.Services
	}
	if m == nil {
		return val{}
	}
	if len(a.keys) == 0 {
		return val{k: kObj, x: m}
	}
	if x, ok := lookup(m, a.keys, 0); ok {
		return valOf(x)
	}
	return val{}
}

// lookup finds the value at keys[i:] below m, trying for each level the
// shortest key first.
func lookup(m map[string]any, keys [][]string, i int) (any, bool) {
	for k, key := range keys[i] {
		x, ok := m[key]
		if !ok {
			continue
		}
		next := i + k + 1
		if next == len(keys) {
			return x, true
		}
		if sub, ok := x.(map[string]any); ok {
			if y, ok := lookup(sub, keys, next); ok {
				return y, true
			}
		}
	}
	return nil, false
}

// strVal is a string value. An unset string field of the typed view reads
// as "", like a port or last_seen that is unset reads as 0.
func strVal(s string) val { return val{k: kStr, s: s} }
