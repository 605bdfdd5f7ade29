package store

import (
	"sync"

	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/supervisors"
)

// AppName is the store application's name.
const AppName = "store"

// Tree is the supervision tree of the store: the WAL syncer, then one
// vnode per partition of db, each restarted on its own (one for one).
func Tree(db *storage.DB, codec Codec, m *Metrics) supervisors.Supervisor {
	return supervisors.Supervisor{
		Name:      "store_sup",
		Strategy:  supervisors.OneForOne,
		Intensity: 10,
		Period:    10,
		Children: func() []supervisors.Child {
			wal := newWALQueue(db, m)
			locks := make([]sync.Mutex, db.Partitions())
			children := make([]supervisors.Child, 0, db.Partitions()+1)
			children = append(children, supervisors.ActorChild(runtime.Spec{
				Name: WALName,
				New:  func() runtime.Actor { return &walSyncer{q: wal} },
			}))
			for p := 0; p < db.Partitions(); p++ {
				p := p
				children = append(children, supervisors.ActorChild(runtime.Spec{
					Name:          VnodeName(p),
					New:           func() runtime.Actor { return newVnode(p, db, codec, m, wal, &locks[p]) },
					MailboxSize:   4096,
					DirectboxSize: 8192,
				}))
			}
			return children
		},
	}
}

// App is the store application.
func App(db *storage.DB, codec Codec, m *Metrics, version string) supervisors.App {
	return supervisors.App{
		Name:        AppName,
		Description: "record store: one vnode per ring partition",
		Version:     version,
		Top:         Tree(db, codec, m),
	}
}
