package rest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// validationError turns a failed check against the document into a 400
// whose message names the parameter or body location and the rule, never
// the offending value (which may be a password).
func validationError(err error) *Error {
	var sec *openapi3filter.SecurityRequirementsError
	if errors.As(err, &sec) {
		return errorf(http.StatusUnauthorized, codeUnauthorized, "no valid bearer token")
	}
	return badRequest("%s", describeValidation(err))
}

// describeValidation renders err from kin-openapi with reasons and JSON
// pointers only: a SchemaError's Reason never holds the value, its
// Error() does.
func describeValidation(err error) string {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return "the request does not match the API document"
	}
	var where string
	switch {
	case re.Parameter != nil:
		where = fmt.Sprintf("parameter %q in %s", re.Parameter.Name, re.Parameter.In)
	case re.RequestBody != nil:
		where = "body"
	default:
		where = "request"
	}
	if detail := schemaReason(re.Err); detail != "" {
		return where + ": " + detail
	}
	if re.Reason != "" {
		return where + ": " + re.Reason
	}
	return where + ": does not match the API document"
}

// schemaReason finds the first SchemaError in err and renders its path and
// reason.
func schemaReason(err error) string {
	var me openapi3.MultiError
	if errors.As(err, &me) && len(me) > 0 {
		return schemaReason(me[0])
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return ""
	}
	reason := se.Reason
	if reason == "" {
		reason = fmt.Sprintf("does not match %q", se.SchemaField)
	}
	if p := se.JSONPointer(); len(p) > 0 {
		return "/" + strings.Join(p, "/") + ": " + reason
	}
	return reason
}
