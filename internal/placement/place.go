package placement

import "github.com/fifogo/fifo/internal/record"

// Place compiles req and ranks hvs with it: New then Rank, for a caller
// that places once. A caller that ranks several snapshots with one
// request (retries of a create) keeps the Placer instead.
func Place(hvs []record.Hypervisor, req Request, seed uint64) (Result, error) {
	p, err := New(req)
	if err != nil {
		return Result{}, err
	}
	return p.Rank(hvs, seed), nil
}
