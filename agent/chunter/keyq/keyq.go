// Package keyq is the bookkeeping of work run one item per key at a time,
// in arrival order (commands per VM on an agent, messages per hypervisor
// on a control node), for an actor that runs each item off its mailbox
// and is told when it is done. It holds no goroutines and no locks: one
// owner (an actor) uses it.
package keyq

// Queue holds, per key, whether an item runs and the items waiting behind
// it. The zero value is ready to use; an idle key holds no memory.
type Queue[T any] struct {
	keys map[string]*entry[T]
}

type entry[T any] struct {
	waiting []T
}

// Push adds an item for key. It reports true when the key was idle: the
// caller runs v now and calls Done(key) when it finishes. Otherwise v
// waits behind the running item and is handed out by a later Done.
func (q *Queue[T]) Push(key string, v T) (runNow bool) {
	if q.keys == nil {
		q.keys = map[string]*entry[T]{}
	}
	e, busy := q.keys[key]
	if !busy {
		q.keys[key] = &entry[T]{}
		return true
	}
	e.waiting = append(e.waiting, v)
	return false
}

// Done reports that key's running item finished. It returns the next
// item of key, which the caller runs now, or false when none waits (the
// key is idle again). Done of an idle key returns false.
func (q *Queue[T]) Done(key string) (next T, ok bool) {
	e, busy := q.keys[key]
	if !busy {
		return next, false
	}
	if len(e.waiting) == 0 {
		delete(q.keys, key)
		return next, false
	}
	next = e.waiting[0]
	var zero T
	e.waiting[0] = zero
	e.waiting = e.waiting[1:]
	return next, true
}

// Waiting is the number of items waiting for key (not counting the
// running one).
func (q *Queue[T]) Waiting(key string) int {
	if e, ok := q.keys[key]; ok {
		return len(e.waiting)
	}
	return 0
}

// Busy is the number of keys with a running item.
func (q *Queue[T]) Busy() int { return len(q.keys) }

// Drain removes and returns every waiting item (the running ones are not
// in the queue); the keys stay busy until their Done.
func (q *Queue[T]) Drain() []T {
	var out []T
	for _, e := range q.keys {
		out = append(out, e.waiting...)
		e.waiting = nil
	}
	return out
}
