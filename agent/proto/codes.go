package proto

import (
	"context"
	"errors"

	"github.com/fifogo/fifo/agent/driver"
)

// Error codes of Reply and Ack. The empty code means success.
const (
	// CodeNotFound: driver.ErrNotFound.
	CodeNotFound = "not_found"
	// CodeConflict: driver.ErrConflict.
	CodeConflict = "conflict"
	// CodeNoMemory: driver.ErrNoMemory, the host refused the memory.
	CodeNoMemory = "no_memory"
	// CodeInvalid: driver.ErrInvalid, an argument that can never work
	// (also a request for another hypervisor, a payload that does not
	// decode).
	CodeInvalid = "invalid"
	// CodeFailed: driver.ErrFailed, the hypervisor could not carry the
	// command out.
	CodeFailed = "failed"
	// CodeTimeout: context.DeadlineExceeded, the command ran out of time
	// on the agent.
	CodeTimeout = "timeout"
	// CodeCanceled: context.Canceled, the command was cut short (the
	// agent stopped).
	CodeCanceled = "canceled"
	// CodeUnavailable: ErrUnavailable, the receiver cannot serve now.
	CodeUnavailable = "unavailable"
	// CodeUnsupported: ErrUnsupported, the receiver does not know the
	// request (an older version).
	CodeUnsupported = "unsupported"
	// CodeInternal: ErrInternal, anything else.
	CodeInternal = "internal"
)

// Errors of this protocol that are not the driver's.
var (
	// ErrUnavailable marks an agent or control actor that cannot serve:
	// not registered, unreachable, stopping, overloaded. Another
	// hypervisor (or a later retry) may do.
	ErrUnavailable = errors.New("agent: unavailable")
	// ErrUnsupported marks a request the receiver does not know.
	ErrUnsupported = errors.New("agent: unsupported request")
	// ErrInternal marks a failure without a category.
	ErrInternal = errors.New("agent: internal error")
)

// codes maps each code to its sentinel, most specific first: CodeOf
// picks the first sentinel an error matches.
var codes = []struct {
	code string
	err  error
}{
	{CodeNoMemory, driver.ErrNoMemory},
	{CodeNotFound, driver.ErrNotFound},
	{CodeConflict, driver.ErrConflict},
	{CodeInvalid, driver.ErrInvalid},
	{CodeFailed, driver.ErrFailed},
	{CodeTimeout, context.DeadlineExceeded},
	{CodeCanceled, context.Canceled},
	{CodeUnavailable, ErrUnavailable},
	{CodeUnsupported, ErrUnsupported},
	{CodeInternal, ErrInternal},
}

// CodeOf returns the code of err: "" for nil, the code of the first
// sentinel err matches (an *Error keeps its own), CodeInternal otherwise.
func CodeOf(err error) string {
	if err == nil {
		return ""
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return CodeInternal
}

// Sentinel returns the error a code stands for: nil for "", ErrInternal
// for a code this version does not know.
func Sentinel(code string) error {
	if code == "" {
		return nil
	}
	for _, c := range codes {
		if c.code == code {
			return c.err
		}
	}
	return ErrInternal
}

// Error is an error received over the wire: its code and the message the
// sender wrote. It unwraps to the sentinel of its code, so errors.Is
// works as on the sender's node.
type Error struct {
	Code    string
	Message string
}

// Error returns the sender's message (the code when there is none).
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Message
}

// Unwrap returns the sentinel of the code.
func (e *Error) Unwrap() error { return Sentinel(e.Code) }

// ErrorOf returns the error a code and message stand for: nil when both
// are empty, else an *Error (a message without a code is CodeInternal).
func ErrorOf(code, msg string) error {
	if code == "" && msg == "" {
		return nil
	}
	if code == "" {
		code = CodeInternal
	}
	return &Error{Code: code, Message: msg}
}
