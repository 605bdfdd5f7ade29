package replica

import (
	"errors"
	"fmt"

	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/recstore"
	"github.com/fifogo/fifo/internal/runtime"
)

// Errors of the replicated store; test with errors.Is (the store's own,
// ErrNotFound and the others, pass through unchanged).
var (
	// ErrUnavailable: too few replicas answered (fewer than W for a
	// write, R for a read), or the owner of a name's partition is
	// unreachable or refused.
	// It is recstore.ErrUnavailable, which the apps' callers know.
	ErrUnavailable = recstore.ErrUnavailable
	// ErrNotOwner: a name claim reached a node that does not own the
	// name's partition per its own ring (a handoff moved it, say).
	ErrNotOwner = errors.New("replica: not the partition's owner")
	// ErrHasData: a join was refused because the node's store holds
	// records written since its first start (force drops them).
	ErrHasData = errors.New("replica: the store holds data of its own")
)

// definitive reports whether a replica's error would be every replica's
// answer (the codec refused the delta, the key is malformed): the request
// fails at once with it instead of trying other replicas.
func definitive(err error) bool {
	return errors.Is(err, store.ErrBadValue) || errors.Is(err, store.ErrInvalidKey) ||
		errors.Is(err, store.ErrNameTaken)
}

// unavailable wraps what made a request fail for want of replicas.
func unavailable(op string, got, need int, last error) error {
	if last != nil {
		return fmt.Errorf("%s: %w: %d of %d replicas answered (last error: %w)", op, ErrUnavailable, got, need, last)
	}
	return fmt.Errorf("%s: %w: %d of %d replicas answered", op, ErrUnavailable, got, need)
}

// unreachable reports whether a call failed because the callee's node
// (or process) could not be reached in time.
func unreachable(err error) bool {
	return errors.Is(err, runtime.ErrNodeDown) || errors.Is(err, runtime.ErrNoProc) ||
		errors.Is(err, runtime.ErrTimeout) || errors.Is(err, runtime.ErrStopped) ||
		errors.Is(err, runtime.ErrUnreachable) || errors.Is(err, runtime.ErrBusy)
}
