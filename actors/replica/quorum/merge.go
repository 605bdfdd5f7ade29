package quorum

import "bytes"

// MergeFunc joins two encoded states (the store's Codec.Merge).
type MergeFunc func(a, b []byte) ([]byte, error)

// Merge joins every answer that holds a value (nil answers are replicas
// without the record) and returns nil when none does. The result does not
// depend on the answers' order when merge is a join.
func Merge(merge MergeFunc, answers [][]byte) ([]byte, error) {
	var out []byte
	for _, a := range answers {
		switch {
		case a == nil:
		case out == nil:
			out = a
		case bytes.Equal(out, a):
		default:
			m, err := merge(out, a)
			if err != nil {
				return nil, err
			}
			out = m
		}
	}
	return out, nil
}

// Stale returns the indexes of the answers that differ from merged: the
// replicas a read repair must send merged to. Nothing is stale when
// merged is nil (no replica holds the record).
func Stale(answers [][]byte, merged []byte) []int {
	if merged == nil {
		return nil
	}
	var out []int
	for i, a := range answers {
		if !bytes.Equal(a, merged) {
			out = append(out, i)
		}
	}
	return out
}
