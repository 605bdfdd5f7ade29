// Package crdttest holds test helpers for code that stores crdt encodings.
package crdttest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"unicode/utf8"
)

// Recode returns another encoding of data, the encoding of a crdt store
// (or of a record's fields), that crdt's decoders accept as the same state,
// chosen at random among these changes:
//   - item heads in a longer form than the shortest;
//   - byte strings that are valid UTF-8 as text strings, except register
//     values (which must stay byte strings);
//   - map pairs in any order;
//   - empty slots added to ORMap entries (slot 4 only where the nested map
//     it stands for would be within maxMapDepth, which callers set to
//     crdt.MaxMapDepth; this package cannot import crdt, whose tests use it).
//
// It returns data's canonical re-encoding (possibly data itself) when rnd
// chooses no change. It expects definite lengths only, as crdt encodes.
func Recode(data []byte, rnd *rand.Rand, maxMapDepth int) ([]byte, error) {
	it, rest, err := parse(data)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("crdttest: trailing bytes")
	}
	r := recoder{rnd: rnd, maxDepth: maxMapDepth}
	r.item(it, false, 0)
	return r.out, nil
}

// item is a parsed CBOR data item.
type item struct {
	major byte   // major type, shifted (0x00, 0x20, ... 0xe0)
	arg   uint64 // head argument: value, length or item count
	str   []byte // string contents
	items []item // array elements, or map keys and values alternately
}

func parse(b []byte) (item, []byte, error) {
	if len(b) == 0 {
		return item{}, nil, errors.New("crdttest: unexpected end")
	}
	it := item{major: b[0] & 0xe0}
	ai := b[0] & 0x1f
	b = b[1:]
	switch {
	case ai < 24:
		it.arg = uint64(ai)
	case ai <= 27:
		n := 1 << (ai - 24)
		if len(b) < n {
			return item{}, nil, errors.New("crdttest: unexpected end")
		}
		for _, c := range b[:n] {
			it.arg = it.arg<<8 | uint64(c)
		}
		b = b[n:]
	default:
		return item{}, nil, fmt.Errorf("crdttest: unsupported head 0x%02x", ai)
	}
	switch it.major {
	case 0x00, 0x20:
	case 0x40, 0x60:
		if uint64(len(b)) < it.arg {
			return item{}, nil, errors.New("crdttest: unexpected end")
		}
		it.str, b = b[:it.arg], b[it.arg:]
	case 0x80, 0xa0:
		n := it.arg
		if it.major == 0xa0 {
			n *= 2
		}
		if n > uint64(len(b)) {
			return item{}, nil, errors.New("crdttest: too many items")
		}
		for range n {
			var sub item
			var err error
			if sub, b, err = parse(b); err != nil {
				return item{}, nil, err
			}
			it.items = append(it.items, sub)
		}
	default:
		return item{}, nil, fmt.Errorf("crdttest: unsupported major type %d", it.major>>5)
	}
	return it, b, nil
}

type recoder struct {
	rnd      *rand.Rand
	maxDepth int
	out      []byte
}

func (r *recoder) chance(n int) bool { return r.rnd.IntN(n) == 0 }

// head writes a head, one time in four in a longer form than needed.
func (r *recoder) head(major byte, arg uint64) {
	least := 0 // index of the shortest form: <24, then 1, 2, 4, 8 bytes
	switch {
	case arg < 24:
	case arg <= 0xff:
		least = 1
	case arg <= 0xffff:
		least = 2
	case arg <= 0xffffffff:
		least = 3
	default:
		least = 4
	}
	form := least
	if r.chance(4) {
		form = least + r.rnd.IntN(5-least)
		if form == 0 {
			form = 1
		}
	}
	if form == 0 {
		r.out = append(r.out, major|byte(arg))
		return
	}
	n := 1 << (form - 1)
	r.out = append(r.out, major|byte(23+form))
	for i := n - 1; i >= 0; i-- {
		r.out = append(r.out, byte(arg>>(8*i)))
	}
}

// item writes it; value marks a register value, depth counts the ORMap
// entries it is inside.
func (r *recoder) item(it item, value bool, depth int) {
	switch it.major {
	case 0x40, 0x60:
		major := it.major
		if major == 0x40 && !value && utf8.Valid(it.str) && r.chance(3) {
			major = 0x60
		}
		r.head(major, uint64(len(it.str)))
		r.out = append(r.out, it.str...)
	case 0x80:
		r.head(it.major, uint64(len(it.items)))
		register := len(it.items) == 3 && it.items[0].major == 0x80 && it.items[1].major == 0x80 && len(it.items[1].items) == 3
		for i, sub := range it.items {
			r.item(sub, register && i == 2, depth)
		}
	case 0xa0:
		r.mapItem(it, depth)
	default:
		r.head(it.major, it.arg)
	}
}

func (r *recoder) mapItem(it item, depth int) {
	type pair struct{ k, v item }
	var pairs []pair
	entry := len(it.items) > 0
	for i := 0; i < len(it.items); i += 2 {
		pairs = append(pairs, pair{it.items[i], it.items[i+1]})
		entry = entry && it.items[i].major == 0x00
	}
	if entry {
		depth++
		has := map[uint64]bool{}
		for _, p := range pairs {
			has[p.k.arg] = true
		}
		for k := uint64(1); k <= 4; k++ {
			if has[k] || !r.chance(4) || k == 4 && depth+1 > r.maxDepth {
				continue
			}
			empty := item{major: 0x80}
			if k >= 3 {
				empty.major = 0xa0
			}
			pairs = append(pairs, pair{item{major: 0x00, arg: k}, empty})
		}
	}
	if r.chance(2) {
		r.rnd.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
	}
	r.head(0xa0, uint64(len(pairs)))
	for _, p := range pairs {
		r.item(p.k, false, depth)
		r.item(p.v, false, depth)
	}
}
