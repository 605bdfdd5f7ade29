package record

import (
	"errors"

	"github.com/fifogo/fifo/internal/crdt"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// nil2map returns an UpdateMap function writing one nested register.
func nil2map(actor string) func(*crdt.ORMap) crdt.ORMap {
	return func(m *crdt.ORMap) crdt.ORMap {
		return m.SetLWW(actor, "k", crdt.Timestamp{Wall: 1, Node: actor}, []byte{0x01})
	}
}
