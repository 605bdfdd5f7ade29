package hashtree

import (
	"fmt"
	"math/bits"
)

// Defaults and limits of Options.
const (
	// DefaultSegments is the leaf count when Options.Segments is 0: about
	// 100 keys per segment at 100k keys, 1 KB+ per segment exchanged.
	DefaultSegments = 1024
	// DefaultFanout is the children per inner node when Options.Fanout is
	// 0: 1024 segments make three levels (1, 32, 1024), and expanding one
	// node is 32 hashes, 512 bytes.
	DefaultFanout = 32
	// MaxSegments is the largest segment count.
	MaxSegments = 1 << 20
	// MaxFanout is the largest fanout.
	MaxFanout = 1024
)

// Options fix a tree's shape. Two trees compare only if their shapes are
// equal, so every node uses the same options for one partition. The zero
// value is the defaults.
type Options struct {
	// Segments is the number of leaves (segments) keys hash into: a power
	// of two, 1..MaxSegments. Default DefaultSegments.
	Segments int
	// Fanout is the number of children of an inner node: a power of two,
	// 2..MaxFanout. Default DefaultFanout.
	Fanout int
}

// withDefaults fills zero fields.
func (o Options) withDefaults() Options {
	if o.Segments == 0 {
		o.Segments = DefaultSegments
	}
	if o.Fanout == 0 {
		o.Fanout = DefaultFanout
	}
	return o
}

// Validate checks the options after defaults, reporting every problem.
func (o Options) Validate() error {
	o = o.withDefaults()
	var errs []string
	if o.Segments < 1 || o.Segments > MaxSegments || bits.OnesCount(uint(o.Segments)) != 1 {
		errs = append(errs, fmt.Sprintf("segments %d is not a power of two in 1..%d", o.Segments, MaxSegments))
	}
	if o.Fanout < 2 || o.Fanout > MaxFanout || bits.OnesCount(uint(o.Fanout)) != 1 {
		errs = append(errs, fmt.Sprintf("fanout %d is not a power of two in 2..%d", o.Fanout, MaxFanout))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %v", ErrInvalid, errs)
	}
	return nil
}

// levelSizes returns the node count of each level, root (1) first,
// segments last: each level has ⌈n/fanout⌉ nodes for the n below.
func (o Options) levelSizes() []int {
	sizes := []int{o.Segments}
	for n := o.Segments; n > 1; {
		n = (n + o.Fanout - 1) / o.Fanout
		sizes = append(sizes, n)
	}
	for i, j := 0, len(sizes)-1; i < j; i, j = i+1, j-1 {
		sizes[i], sizes[j] = sizes[j], sizes[i]
	}
	return sizes
}
