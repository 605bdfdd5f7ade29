package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/sniffle/vms"
	"github.com/fifogo/fifo/internal/recstore"
)

// Error codes of the document's Error schema.
const (
	codeInvalid          = "invalid_request"
	codeNotSupported     = "not_supported"
	codeUnauthorized     = "unauthorized"
	codeForbidden        = "forbidden"
	codeNotFound         = "not_found"
	codeUserNotFound     = "user_not_found"
	codeBadScope         = "bad_scope"
	codeMethodNotAllowed = "method_not_allowed"
	codeNotAcceptable    = "not_acceptable"
	codeConflict         = "conflict"
	codeUnsupportedMedia = "unsupported_media_type"
	codePrecondition     = "precondition_failed"
	codeLocked           = "locked"
	codeInternal         = "internal"
	codeUnavailable      = "unavailable"
)

// Error is an answer other than success: the status, the Error schema's
// code and a message for people. Handlers return one (or any error, which
// Classify maps) and the pipeline writes it as {"error": code, "message":
// text}.
type Error struct {
	Status  int
	Code    string
	Message string
	// Err is the cause, for the log only; never sent.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %s: %v", e.Status, e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// errorf makes an Error with a formatted message.
func errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// badRequest is a 400 invalid_request.
func badRequest(format string, args ...any) *Error {
	return errorf(http.StatusBadRequest, codeInvalid, format, args...)
}

// Classify is the only place where an error becomes a status code: it
// maps the sentinels of the identity service, of sniffle (packages cloud
// and vms, which share identity's not-found, conflict and invalid) and our
// own Error to the status, code and message of the response, most
// specific first. Messages of
// identity errors are passed on for 4xx answers (the service promises
// they hold no secret); anything unknown is a 500 whose message says
// nothing, to be logged by the caller.
func Classify(err error) *Error {
	var e *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return e
	case errors.Is(err, ErrNotSupported):
		return &Error{Status: http.StatusBadRequest, Code: codeNotSupported, Message: err.Error(), Err: err}
	case errors.Is(err, ErrUnavailable):
		return &Error{Status: http.StatusServiceUnavailable, Code: codeUnavailable, Message: "sniffle is not available", Err: err}
	case errors.Is(err, recstore.ErrUnavailable):
		return &Error{Status: http.StatusServiceUnavailable, Code: codeUnavailable,
			Message: "the record store cannot reach enough replicas; try again", Err: err}
	case errors.Is(err, vms.ErrLocked):
		return &Error{Status: http.StatusLocked, Code: codeLocked, Message: err.Error(), Err: err}
	case errors.Is(err, vms.ErrState):
		return &Error{Status: http.StatusPreconditionFailed, Code: codePrecondition, Message: err.Error(), Err: err}
	case errors.Is(err, identity.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: codeNotFound, Message: err.Error(), Err: err}
	case errors.Is(err, identity.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: codeConflict, Message: err.Error(), Err: err}
	case errors.Is(err, identity.ErrInvalidScope):
		return &Error{Status: http.StatusBadRequest, Code: codeInvalid, Message: err.Error(), Err: err}
	case errors.Is(err, identity.ErrInvalid):
		return &Error{Status: http.StatusBadRequest, Code: codeInvalid, Message: err.Error(), Err: err}
	case errors.Is(err, identity.ErrUnauthorized), errors.Is(err, identity.ErrInvalidGrant),
		errors.Is(err, identity.ErrInvalidClient):
		return &Error{Status: http.StatusUnauthorized, Code: codeUnauthorized, Message: "no valid bearer token", Err: err}
	case errors.Is(err, identity.ErrForbidden):
		return &Error{Status: http.StatusForbidden, Code: codeForbidden, Message: "forbidden", Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &Error{Status: http.StatusServiceUnavailable, Code: codeUnavailable, Message: "snarl did not answer in time", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: codeInternal, Message: "internal error", Err: err}
}

// errorBody is the document's Error schema.
type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}
