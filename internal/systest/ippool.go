package systest

import (
	"fmt"
	"math"
	"math/bits"
	"sort"

	"github.com/anishathalye/porcupine"
)

// The sequential specification of IP claims, for porcupine: each IP range
// is a pool of at most 64 addresses (bit i of the state is address first+i,
// set while it is leased). A claim that answered an address leases one no
// one holds; a release frees its address (freeing a free address is a
// no-op, as DELETE /ipranges/:id/:ip is).
//
// Calls that failed are modelled by what they may have done:
//
//   - A claim refused or of unknown outcome is a no-op. If it did lease an
//     address, no one learnt which, so no later answer depends on it: the
//     model cannot tell it from a no-op, and a correct pool never hands
//     that address out again (the end-of-test check of the store, not the
//     model, looks for such leaks).
//   - A release of unknown outcome (a 5xx, a transport error) may take
//     effect at any time after its call or never: porcupine's convention
//     for timeouts, an operation whose return is at the end of time
//     (UnknownReturn) and whose step always succeeds.

// IPOpKind is what an IP operation does.
type IPOpKind int

// The IP operations.
const (
	IPClaim IPOpKind = iota
	IPRelease
)

// IPOutcome is what a client learnt from an IP operation.
type IPOutcome int

// The outcomes of an IP operation.
const (
	// IPOK: a claim answered an address, a release answered 204.
	IPOK IPOutcome = iota
	// IPRefused: the server said it did nothing (a 409 "no free
	// address" for a claim, say).
	IPRefused
	// IPUnknown: no usable answer (a 5xx, a timeout, a reset).
	IPUnknown
)

// UnknownReturn is the return time of an operation of unknown outcome:
// after every other operation of a history.
const UnknownReturn = math.MaxInt64

// IPInput is an operation's input: its range and, for a release, the
// address's index in the range.
type IPInput struct {
	Range string
	Kind  IPOpKind
	Index int
}

// IPOutput is an operation's output: its outcome and, for a claim that
// answered an address, the address's index in the range.
type IPOutput struct {
	Outcome IPOutcome
	Index   int
}

// IPPoolModel is the porcupine model of IP ranges, partitioned by range.
func IPPoolModel() porcupine.Model {
	return porcupine.Model{
		Partition: func(h []porcupine.Operation) [][]porcupine.Operation {
			by := map[string][]porcupine.Operation{}
			var keys []string
			for _, op := range h {
				r := op.Input.(IPInput).Range
				if _, ok := by[r]; !ok {
					keys = append(keys, r)
				}
				by[r] = append(by[r], op)
			}
			sort.Strings(keys)
			out := make([][]porcupine.Operation, 0, len(keys))
			for _, k := range keys {
				out = append(out, by[k])
			}
			return out
		},
		Init: func() any { return uint64(0) },
		Step: func(state, input, output any) (bool, any) {
			s, in, out := state.(uint64), input.(IPInput), output.(IPOutput)
			switch in.Kind {
			case IPClaim:
				if out.Outcome != IPOK {
					return true, s
				}
				bit := uint64(1) << out.Index
				if s&bit != 0 {
					return false, s // leased twice
				}
				return true, s | bit
			default:
				if out.Outcome == IPRefused {
					return true, s
				}
				return true, s &^ (uint64(1) << in.Index)
			}
		},
		DescribeOperation: func(input, output any) string {
			in, out := input.(IPInput), output.(IPOutput)
			outcome := [...]string{"ok", "refused", "unknown"}[out.Outcome]
			if in.Kind == IPClaim {
				if out.Outcome == IPOK {
					return fmt.Sprintf("claim -> #%d", out.Index)
				}
				return "claim -> " + outcome
			}
			return fmt.Sprintf("release #%d -> %s", in.Index, outcome)
		},
		DescribeState: func(state any) string {
			s := state.(uint64)
			var held []int
			for s != 0 {
				i := bits.TrailingZeros64(s)
				held = append(held, i)
				s &^= 1 << i
			}
			return fmt.Sprint(held)
		},
	}
}
