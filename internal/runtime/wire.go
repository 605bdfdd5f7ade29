package runtime

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/ergo-services/ergo/etf"
	"github.com/ergo-services/ergo/lib"
)

// WirePrefix starts the name of every message type registered for the
// network. The version in it changes only when a message's layout changes
// incompatibly; a new layout gets a new name and both are registered during
// a rolling upgrade.
const WirePrefix = "fifo.v1."

// RegisterMessage registers a message struct for the network under
// WirePrefix+name. Register nested struct types first. Registering the same
// type under the same name again is a no-op, so packages may register their
// types from init. It must run on every node that sends or receives the
// type.
func RegisterMessage(name string, v any) error {
	full := WirePrefix + name
	_, err := etf.RegisterType(v, etf.RegisterTypeOptions{Name: etf.Atom(full), Strict: true})
	if errors.Is(err, lib.ErrTaken) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("register message %s (%T): %w", full, v, err)
	}
	return nil
}

// MustRegisterMessage is RegisterMessage for init functions: a failure is a
// programming error.
func MustRegisterMessage(name string, v any) {
	if err := RegisterMessage(name, v); err != nil {
		panic(err)
	}
}

// CheckWire reports whether msg can be sent to another node. ergo
// v1.999.224 loops forever encoding a top-level empty list, slice or nil
// (and silently loses every later message of that connection), so those
// are refused with ErrEmptyList. Nested empty slices are fine.
func CheckWire(msg any) error {
	if msg == nil {
		return fmt.Errorf("%w: nil message", ErrEmptyList)
	}
	v := reflect.ValueOf(msg)
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		if v.Len() == 0 {
			return fmt.Errorf("%w: %T", ErrEmptyList, msg)
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return fmt.Errorf("%w: nil %T", ErrEmptyList, msg)
		}
	}
	return nil
}

// Request is the wire form of a call between processes: the callee
// answers with a Response carrying the same Ref to From.
type Request struct {
	Ref  etf.Ref
	From etf.Pid
	Body etf.Term
}

// Response answers a Request. ErrCode/ErrMsg carry an error (see
// RemoteError); Body is meaningful only without one.
type Response struct {
	Ref     etf.Ref
	Body    etf.Term
	ErrCode string
	ErrMsg  string
}

func init() {
	MustRegisterMessage("runtime.Request", Request{})
	MustRegisterMessage("runtime.Response", Response{})
}
