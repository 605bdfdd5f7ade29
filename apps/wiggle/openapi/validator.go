package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// ErrMsgpack is returned for an application/x-msgpack body: the Validator
// checks the JSON form of bodies only.
var ErrMsgpack = errors.New("openapi: msgpack bodies are validated in their JSON form")

// ErrNoCredentials is the cause inside an openapi3filter
// SecurityRequirementsError when a request lacks the Authorization header
// its operation needs.
var ErrNoCredentials = errors.New("openapi: no credentials")

const (
	mimeJSON    = "application/json"
	mimeMsgpack = "application/x-msgpack"
)

// Validator checks requests and responses against the document with
// openapi3filter, routing with Router. It is safe for concurrent use.
//
// A request is checked for its parameters, its body and the presence of
// the credentials its security asks for (an "Authorization: Bearer …" or
// "Basic …" header; whether the token is valid is wiggle's business). A
// request body without Content-Type is checked as JSON. A response must
// use a status the operation declares (below 400 explicitly; an error
// status may fall to "default", which the document keeps for errors),
// carry the declared required headers and match the schema of its status;
// a status whose response has no content must come with an empty body.
//
// Errors are those of openapi3filter (*openapi3filter.RequestError,
// *openapi3filter.SecurityRequirementsError, *openapi3filter.ResponseError),
// routers.ErrPathNotFound, routers.ErrMethodNotAllowed and ErrMsgpack.
type Validator struct {
	router *Router
	// names holds the compiled x-fifo-property-names of each operation's
	// JSON request body schema.
	names map[*openapi3.Operation]*regexp.Regexp
}

// NewValidator builds a Validator for doc (from Load).
func NewValidator(doc *openapi3.T) (*Validator, error) {
	r, err := NewRouter(doc)
	if err != nil {
		return nil, err
	}
	v := &Validator{router: r, names: make(map[*openapi3.Operation]*regexp.Regexp)}
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			mt := op.RequestBody.Value.Content.Get(mimeJSON)
			if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			raw, ok := mt.Schema.Value.Extensions[ExtPropertyNames]
			if !ok {
				continue
			}
			pattern, _ := raw.(string)
			re, err := regexp.Compile(pattern)
			if pattern == "" || err != nil {
				return nil, fmt.Errorf("%w: %s %s: %s %v", ErrInvalid, method, path, ExtPropertyNames, raw)
			}
			v.names[op] = re
		}
	}
	return v, nil
}

// Router returns the Router the Validator finds operations with.
func (v *Validator) Router() *Router {
	return v.router
}

func options() *openapi3filter.Options {
	return &openapi3filter.Options{
		AuthenticationFunc:    authenticate,
		IncludeResponseStatus: true,
	}
}

// authenticate accepts a request that carries the header its security
// scheme asks for: "Authorization: Bearer <token>" or "Basic <creds>".
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s == nil || s.Type != "http" {
		return fmt.Errorf("%w: unsupported security scheme %q", ErrNoCredentials, in.SecuritySchemeName)
	}
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, s.Scheme) || strings.TrimSpace(cred) == "" {
		return fmt.Errorf("%w: want Authorization: %s", ErrNoCredentials, s.Scheme)
	}
	return nil
}

// ValidateRequest checks req against its operation. req.Body is read and
// put back, so the caller can still read it.
func (v *Validator) ValidateRequest(req *http.Request) error {
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return err
	}
	body, err := takeBody(req)
	if err != nil {
		return err
	}
	mt := mediaType(req.Header)
	if len(body) > 0 && req.Header.Get("Content-Type") == "" {
		mt = mimeJSON
	}
	if mt == mimeMsgpack && len(body) > 0 {
		return ErrMsgpack
	}
	return v.ValidateRouted(req, route, params, mt, body)
}

// ValidateRouted checks a request that v.Router() has already routed:
// route and params are what FindRoute returned, body the request body
// (already read; req.Body is not touched) and mediaType the media type to
// check it as, such as "application/json" for a msgpack body converted to
// JSON by the caller. The body is checked only if the operation has one;
// req's parameters and credentials always are.
func (v *Validator) ValidateRouted(req *http.Request, route *routers.Route, params map[string]string, mediaType string, body []byte) error {
	r := req
	if route.Operation.RequestBody != nil {
		r = req.Clone(req.Context())
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		if len(body) > 0 {
			r.Header.Set("Content-Type", mediaType)
		} else {
			r.Header.Del("Content-Type")
		}
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options:    options(),
	}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		return err
	}
	return v.checkPropertyNames(in, body)
}

// checkPropertyNames enforces x-fifo-property-names on the body's keys.
func (v *Validator) checkPropertyNames(in *openapi3filter.RequestValidationInput, body []byte) error {
	re := v.names[in.Route.Operation]
	if re == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		// The schema check has passed, so the body is not an object only
		// if the schema allows that; nothing to check.
		return nil
	}
	for k := range obj {
		if !re.MatchString(k) {
			return &openapi3filter.RequestError{
				Input:       in,
				RequestBody: in.Route.Operation.RequestBody.Value,
				Reason:      fmt.Sprintf("property name %q does not match %s", k, re),
			}
		}
	}
	return nil
}

// ValidateResponse checks a response (status, header, body) to req against
// req's operation. req is only routed, not validated.
func (v *Validator) ValidateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return err
	}
	if header == nil {
		header = http.Header{}
	}
	if mediaType(header) == mimeMsgpack && len(body) > 0 {
		return ErrMsgpack
	}
	opts := options()
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
			Options:    opts,
		},
		Status:  status,
		Header:  header,
		Options: opts,
	}
	in.SetBodyBytes(body)
	if status < 400 && route.Operation.Responses.Status(status) == nil {
		// "default" stands for errors only: a success must be declared.
		return &openapi3filter.ResponseError{
			Input:  in,
			Reason: fmt.Sprintf("status %d is not a declared response of %s", status, route.Operation.OperationID),
		}
	}
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		return err
	}
	if len(body) > 0 && req.Method != http.MethodHead {
		if resp := responseFor(route, status); resp != nil && len(resp.Content) == 0 {
			return &openapi3filter.ResponseError{
				Input:  in,
				Reason: fmt.Sprintf("status %d has no body, got %d bytes", status, len(body)),
			}
		}
	}
	return nil
}

func responseFor(route *routers.Route, status int) *openapi3.Response {
	ref := route.Operation.Responses.Status(status)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref == nil {
		return nil
	}
	return ref.Value
}

func mediaType(h http.Header) string {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}

// takeBody reads req.Body and replaces it with a reader of the same bytes.
func takeBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("openapi: read request body: %w", err)
	}
	return body, nil
}
