package rest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/wiggle/openapi"
)

// Handler serves the REST API (package doc). Build it with New; it is
// safe for concurrent use.
type Handler struct {
	api       identity.API
	cloud     Cloud // nil: the cloud routes answer 503
	opts      Options
	log       *slog.Logger
	router    *openapi.Router
	validator *openapi.Validator
	ops       map[*openapi3.Operation]*operation
	docJSON   []byte
	metrics   *Metrics
	sessions  *ttlCache[identity.Session]
	allowed   *ttlCache[bool]
}

// operation is a route of the document bound to its handler.
type operation struct {
	openapi.Route
	// label is the route's metric label and log name.
	label string
	serve handlerFunc
	// form: an OAuth endpoint, which answers RFC 6749 errors; its
	// handler checks the form or query against the document itself.
	form bool
	// mutates: a success changes identities, so the caches are emptied.
	mutates bool
}

// handlerFunc serves one operation: it writes the success answer and
// returns nil, or returns the error to answer instead.
type handlerFunc func(h *Handler, c *call) error

// New builds the Handler of the document in package openapi over api.
// Every operation of the document must have a handler here and every
// handler an operation, so the two cannot drift: New fails otherwise.
func New(api identity.API, opts Options) (*Handler, error) {
	if api == nil {
		return nil, errors.New("rest: nil identity API")
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	doc, err := openapi.Load()
	if err != nil {
		return nil, fmt.Errorf("rest: %w", err)
	}
	routes, err := openapi.Routes(doc)
	if err != nil {
		return nil, fmt.Errorf("rest: %w", err)
	}
	v, err := openapi.NewValidator(doc)
	if err != nil {
		return nil, fmt.Errorf("rest: %w", err)
	}
	docJSON, err := doc.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("rest: document as JSON: %w", err)
	}
	m, err := NewMetrics(o.Registry)
	if err != nil {
		return nil, fmt.Errorf("rest: metrics: %w", err)
	}
	h := &Handler{
		api: api, cloud: o.Cloud, opts: o, log: o.Logger, router: v.Router(), validator: v,
		ops: make(map[*openapi3.Operation]*operation, len(routes)), docJSON: docJSON, metrics: m,
		sessions: newTTLCache[identity.Session](o.CacheTTL, o.CacheSize),
		allowed:  newTTLCache[bool](o.CacheTTL, o.CacheSize),
	}
	table := handlers()
	for id, fn := range cloudHandlers() {
		table[id] = needsCloud(fn)
	}
	for _, r := range routes {
		fn, ok := table[r.OperationID]
		if !ok {
			return nil, fmt.Errorf("rest: operation %s (%s %s) has no handler", r.OperationID, r.Method, r.Path)
		}
		delete(table, r.OperationID)
		op := doc.Paths.Value(r.Path).GetOperation(r.Method)
		form := oauthErrors(op)
		h.ops[op] = &operation{
			Route: r, label: openapi.BasePath + r.Path, serve: fn, form: form,
			mutates: r.Auth && r.Method != http.MethodGet,
		}
	}
	for id := range table {
		return nil, fmt.Errorf("rest: handler %s has no operation in the document", id)
	}
	return h, nil
}

// Metrics returns the handler's metrics.
func (h *Handler) Metrics() *Metrics { return h.metrics }

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := h.opts.Now()
	sw := &statusWriter{ResponseWriter: w}
	label := labelUnmatched
	defer func() { h.metrics.observe(label, methodLabel(r.Method), sw.code(), h.opts.Now().Sub(start)) }()
	label, err := h.serve(sw, r)
	if err != nil {
		h.fail(sw, r, label, err)
	}
}

// labelUnmatched is the route label of a request outside the document.
const labelUnmatched = "unmatched"

// serve runs the pipeline: CORS, the document itself, OPTIONS, routing,
// content negotiation, the body, authentication, validation against the
// document, the permission check, the operation. It returns the route
// label and the error to answer, if any.
func (h *Handler) serve(w *statusWriter, r *http.Request) (string, error) {
	setCORS(w.Header())
	if v, ok := docPath(r.URL.Path); ok {
		return openapi.BasePath + "/openapi.json", h.serveDoc(w, r, v)
	}
	if r.Method == http.MethodOptions {
		return h.options(w, r)
	}
	route, params, err := h.router.FindRoute(r)
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		path, methods, _ := h.router.Methods(r)
		w.Header().Set("Allow", allowMethods(methods))
		return openapi.BasePath + path, errorf(http.StatusMethodNotAllowed, codeMethodNotAllowed, "method %s not allowed here", r.Method)
	case err != nil:
		return labelUnmatched, errorf(http.StatusNotFound, codeNotFound, "no such resource")
	}
	op := h.ops[route.Operation]
	if op == nil {
		return labelUnmatched, fmt.Errorf("rest: routed operation %s has no handler", route.Operation.OperationID)
	}
	c := &call{h: h, w: w, r: r, ctx: r.Context(), op: op, route: route, params: params, version: params["version"]}
	f, ok := negotiate(r.Header.Get("Accept"))
	if !ok && !op.form {
		return op.label, errorf(http.StatusNotAcceptable, codeNotAcceptable, "only %s and %s are served", mimeJSON, mimeMsgpack)
	}
	c.format = f
	if op.form {
		c.format = formatJSON
	}
	if err := h.prepare(c); err != nil {
		return op.label, err
	}
	if err := op.serve(h, c); err != nil {
		return op.label, err
	}
	if op.mutates {
		h.sessions.clear()
		h.allowed.clear()
	}
	return op.label, nil
}

// prepare reads the body, authenticates, validates and checks the
// permission, in that order: no identity call but Resolve happens for an
// anonymous request, and the permission check sees a valid body.
func (h *Handler) prepare(c *call) error {
	if c.route.Operation.RequestBody != nil {
		raw, err := readBody(c.w, c.r, h.opts.MaxBodyBytes)
		if err != nil {
			return err
		}
		c.raw = raw
	}
	if c.op.Auth {
		s, err := h.authenticate(c.ctx, c.r)
		if err != nil {
			return err
		}
		c.sess = s
	}
	if c.op.form {
		// The OAuth handlers answer RFC 6749 errors; they validate the
		// form themselves (formValues).
		return nil
	}
	if c.route.Operation.RequestBody != nil {
		js, v, err := bodyJSON(requestMediaType(c.r.Header), c.raw)
		if err != nil {
			return err
		}
		c.body, c.value = js, v
	}
	if err := h.validator.ValidateRouted(c.r, c.route, c.params, mimeJSON, c.body); err != nil {
		return validationError(err)
	}
	if c.op.Tail != "" {
		tail, err := openapi.SplitTail(c.params[c.op.Tail])
		if err != nil {
			return badRequest("path: %v", err)
		}
		c.tail = tail
	}
	if c.op.Access != openapi.AccessPermission {
		return nil
	}
	obj, _ := c.value.(map[string]any)
	check, err := requirement(c.op.Route, templateArgs{params: c.params, tail: c.tail, body: obj})
	if err != nil {
		return err
	}
	return h.authorize(c.ctx, c.sess, check)
}

// fail answers err (mapped by Classify) and logs it: 5xx at error level
// with the cause, the rest at debug level.
func (h *Handler) fail(w *statusWriter, r *http.Request, label string, err error) {
	var oe *OAuthError
	if errors.As(err, &oe) {
		h.log.Debug("oauth request refused", "route", label, "method", r.Method, "status", oe.Status, "code", oe.Code)
		if !w.wrote {
			oe.write(w)
		}
		return
	}
	e := Classify(err)
	if e.Status >= 500 {
		h.log.Error("request failed", "route", label, "method", r.Method, "status", e.Status, "err", err)
	} else {
		h.log.Debug("request refused", "route", label, "method", r.Method, "status", e.Status, "code", e.Code)
	}
	if w.wrote {
		// The answer has begun (a streamed list): all we can do is cut it.
		panic(http.ErrAbortHandler)
	}
	f, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		f = formatJSON
	}
	writeError(w, f, e)
}

// docPath reports whether path is /api/<version>/openapi.json.
func docPath(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/api/")
	if !ok {
		return "", false
	}
	v, file, ok := strings.Cut(rest, "/")
	if !ok || file != "openapi.json" {
		return "", false
	}
	for _, known := range openapi.Versions() {
		if v == known {
			return v, true
		}
	}
	return "", false
}

// serveDoc answers GET /api/<v>/openapi.json with the document as JSON.
func (h *Handler) serveDoc(w http.ResponseWriter, r *http.Request, _ string) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		w.Header().Set("Access-Control-Allow-Methods", allowMethods([]string{http.MethodGet}))
		w.WriteHeader(http.StatusNoContent)
		return nil
	default:
		w.Header().Set("Allow", allowMethods([]string{http.MethodGet}))
		return errorf(http.StatusMethodNotAllowed, codeMethodNotAllowed, "method %s not allowed here", r.Method)
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeBody(w, http.StatusOK, formatJSON, h.docJSON)
	return nil
}

// options answers OPTIONS without authentication: the methods of the
// path's operations.
func (h *Handler) options(w http.ResponseWriter, r *http.Request) (string, error) {
	path, methods, err := h.router.Methods(r)
	if err != nil {
		return labelUnmatched, errorf(http.StatusNotFound, codeNotFound, "no such resource")
	}
	allow := allowMethods(methods)
	w.Header().Set("Access-Control-Allow-Methods", allow)
	w.Header().Set("Allow", allow)
	w.WriteHeader(http.StatusNoContent)
	return openapi.BasePath + path, nil
}

// statusWriter remembers the status written, for metrics and for knowing
// whether an answer has begun.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

// WriteHeader implements http.ResponseWriter.
func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

// Flush implements http.Flusher when the underlying writer does.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// code is the status answered (200 if nothing was written).
func (w *statusWriter) code() int {
	if !w.wrote {
		return http.StatusOK
	}
	return w.status
}

// methodLabel bounds the method label: the methods HTTP defines, or
// "OTHER".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// oauthErrors reports whether op answers its 400 with the document's
// OAuthError schema (the OAuth endpoints) rather than Error.
func oauthErrors(op *openapi3.Operation) bool {
	r := op.Responses.Status(http.StatusBadRequest)
	if r == nil || r.Value == nil {
		return false
	}
	mt := r.Value.Content.Get(mimeJSON)
	return mt != nil && mt.Schema != nil && strings.HasSuffix(mt.Schema.Ref, "/OAuthError")
}
