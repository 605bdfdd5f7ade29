package placement

import "github.com/fifogo/fifo/internal/record"

// hostHop is the cost of the last hop of every path: from the innermost
// named element (a rack, say) to the hypervisor itself. It makes two
// hypervisors under the same path 2 apart and one hypervisor 0 from itself.
const hostHop = 1

// distance is how far apart two hypervisors are in the topology (FiFo's
// path distance, reference §5.3): 0 for the same hypervisor; otherwise,
// with the common prefix of their paths stripped (hops compared by name),
// the sum of the costs of both remainders plus hostHop for each. Negative
// costs count as 0.
func distance(aUUID string, a []record.PathElem, bUUID string, b []record.PathElem) float64 {
	if aUUID == bUUID {
		return 0
	}
	i := 0
	for i < len(a) && i < len(b) && a[i].Name == b[i].Name {
		i++
	}
	return float64(2*hostHop) + cost(a[i:]) + cost(b[i:])
}

// cost sums the non-negative costs of hops.
func cost(hops []record.PathElem) float64 {
	var s float64
	for _, h := range hops {
		if h.Cost > 0 {
			s += float64(h.Cost)
		}
	}
	return s
}
