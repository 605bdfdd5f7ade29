// Package keylock serialises work per key (a VM uuid): commands on one VM
// run one at a time, commands on different VMs in parallel, as the
// original chunter's per-VM lock did.
package keylock

import (
	"context"
	"sync"
)

// Locks is a set of per-key locks; the zero value is ready to use. An
// idle key holds no memory.
type Locks struct {
	mu    sync.Mutex
	locks map[string]*entry
}

type entry struct {
	ch   chan struct{} // holds a token while locked
	refs int
}

// Lock takes key's lock, waiting at most until ctx is done (then it
// returns ctx's error). The returned func releases it.
func (l *Locks) Lock(ctx context.Context, key string) (func(), error) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]*entry{}
	}
	e := l.locks[key]
	if e == nil {
		e = &entry{ch: make(chan struct{}, 1)}
		l.locks[key] = e
	}
	e.refs++
	l.mu.Unlock()
	select {
	case e.ch <- struct{}{}:
	case <-ctx.Done():
		l.drop(key, e)
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-e.ch
			l.drop(key, e)
		})
	}, nil
}

func (l *Locks) drop(key string, e *entry) {
	l.mu.Lock()
	e.refs--
	if e.refs == 0 {
		delete(l.locks, key)
	}
	l.mu.Unlock()
}

// Len is the number of keys locked or waited for.
func (l *Locks) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.locks)
}
