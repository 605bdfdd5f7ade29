package runtime

import "errors"

// Errors returned by calls and sends. Callers test them with errors.Is.
var (
	// ErrTimeout: the callee did not answer within the call's timeout.
	ErrTimeout = errors.New("runtime: call timed out")
	// ErrNoProc: no process with that name or pid exists (or it died before
	// the request reached it).
	ErrNoProc = errors.New("runtime: no such process")
	// ErrStopped: the callee stopped before it answered.
	ErrStopped = errors.New("runtime: process stopped before replying")
	// ErrActorPanic: the callee's handler panicked while serving the request.
	ErrActorPanic = errors.New("runtime: handler panicked")
	// ErrNodeDown: the connection to the callee's node was lost.
	ErrNodeDown = errors.New("runtime: node down")
	// ErrMailboxFull: the target's mailbox was full and the message was
	// dropped (and counted).
	ErrMailboxFull = errors.New("runtime: mailbox full, message dropped")
	// ErrBusy: the target's direct-request queue was full.
	ErrBusy = errors.New("runtime: process busy")
	// ErrEmptyList: the message is a bare empty list or slice, which ergo
	// v1.999.224 can never encode for the network (it loops forever and
	// wedges the connection); wrap it in a struct.
	ErrEmptyList = errors.New("runtime: bare empty list cannot cross nodes")
	// ErrUnsupported: the actor does not handle this request type.
	ErrUnsupported = errors.New("runtime: unsupported request")
	// ErrUnreachable: Connect found no node to talk to (no registrar or
	// name at the registrar, nothing listening at the address).
	ErrUnreachable = errors.New("runtime: node unreachable")
	// ErrHandshake: Connect reached the node but the distribution
	// handshake failed. A peer closes the connection without a word when
	// the cookie is wrong, so this is almost always a cookie mismatch.
	ErrHandshake = errors.New("runtime: handshake refused (wrong cookie?)")
)

// Deferred is returned by Actor.HandleCall (as the error) to say the reply
// will be sent later with Process.Reply.
var Deferred = errors.New("runtime: reply deferred")

// RemoteError carries an error from another node. Its Code is the text of
// the innermost error the remote error wrapped (a sentinel such as
// ErrNoProc or a package's ErrNotFound), so errors.Is keeps working across
// nodes for sentinel errors: two errors match when their texts are equal.
type RemoteError struct {
	Code string
	Msg  string
}

// Error implements error.
func (e *RemoteError) Error() string { return e.Msg }

// Is matches the sentinel named by Code.
func (e *RemoteError) Is(target error) bool {
	return e.Code != "" && target != nil && target.Error() == e.Code
}

// encodeError turns an error into wire fields.
func encodeError(err error) (code, msg string) {
	if err == nil {
		return "", ""
	}
	var re *RemoteError
	if errors.As(err, &re) {
		return re.Code, err.Error()
	}
	root := err
	for {
		next := errors.Unwrap(root)
		if next == nil {
			break
		}
		root = next
	}
	return root.Error(), err.Error()
}

// decodeError is the inverse of encodeError.
func decodeError(code, msg string) error {
	if code == "" && msg == "" {
		return nil
	}
	return &RemoteError{Code: code, Msg: msg}
}
