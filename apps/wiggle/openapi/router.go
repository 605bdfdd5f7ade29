package openapi

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// Router finds the operation of a request. It implements routers.Router, so
// openapi3filter can use it, and understands tail parameters, which
// kin-openapi's own routers do not. A literal segment beats a parameter and
// a parameter beats a tail, segment by segment from the left, so
// /sessions/one_time_token is not /sessions/{token}. The path is matched
// first and the method second: a known path with an unknown method is
// routers.ErrMethodNotAllowed, an unknown path routers.ErrPathNotFound. HEAD
// finds the GET operation.
//
// The path parameters FindRoute returns are percent-decoded, except a tail
// parameter, which keeps its escaped segments (see SplitTail). They also
// hold the server variables ("version").
type Router struct {
	doc    *openapi3.T
	server *openapi3.Server
	prefix []segment
	paths  []pathEntry
}

var _ routers.Router = (*Router)(nil)

type segKind int

const (
	segLiteral segKind = iota
	segParam
	segTail
)

type segment struct {
	kind  segKind
	text  string   // literal text, or parameter name
	allow []string // for server variables: the allowed values, nil for any
}

type pathEntry struct {
	path string
	item *openapi3.PathItem
	segs []segment
}

// NewRouter builds a Router for doc, which must have exactly one server
// whose URL is an absolute path ("/api/{version}").
func NewRouter(doc *openapi3.T) (*Router, error) {
	if doc == nil || doc.Paths == nil || len(doc.Servers) != 1 {
		return nil, fmt.Errorf("%w: router needs paths and exactly one server", ErrInvalid)
	}
	r := &Router{doc: doc, server: doc.Servers[0]}
	base := r.server.URL
	if !strings.HasPrefix(base, "/") {
		return nil, fmt.Errorf("%w: server URL %q is not an absolute path", ErrInvalid, base)
	}
	for _, s := range strings.Split(strings.Trim(base, "/"), "/") {
		name, ok := variable(s)
		if !ok {
			r.prefix = append(r.prefix, segment{kind: segLiteral, text: s})
			continue
		}
		v := r.server.Variables[name]
		if v == nil {
			return nil, fmt.Errorf("%w: server variable %q not declared", ErrInvalid, name)
		}
		allow := v.Enum
		if len(allow) == 0 {
			allow = nil
		}
		r.prefix = append(r.prefix, segment{kind: segParam, text: name, allow: allow})
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		tail := tailParam(item)
		e := pathEntry{path: path, item: item}
		for _, s := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
			name, ok := variable(s)
			switch {
			case !ok:
				e.segs = append(e.segs, segment{kind: segLiteral, text: s})
			case name == tail:
				e.segs = append(e.segs, segment{kind: segTail, text: name})
			default:
				e.segs = append(e.segs, segment{kind: segParam, text: name})
			}
		}
		r.paths = append(r.paths, e)
	}
	return r, nil
}

// tailParam names the path parameter marked x-fifo-tail among the path
// item's and its operations' parameters, "" if none. Routes checks that it
// is the template's last segment.
func tailParam(item *openapi3.PathItem) string {
	lists := []openapi3.Parameters{item.Parameters}
	for _, op := range item.Operations() {
		lists = append(lists, op.Parameters)
	}
	for _, list := range lists {
		for _, ref := range list {
			if p := ref.Value; p != nil && p.In == openapi3.ParameterInPath {
				if t, _ := p.Extensions[ExtTail].(bool); t {
					return p.Name
				}
			}
		}
	}
	return ""
}

func variable(s string) (string, bool) {
	if len(s) > 2 && s[0] == '{' && s[len(s)-1] == '}' {
		return s[1 : len(s)-1], true
	}
	return "", false
}

// FindRoute returns the operation of req and its path parameters.
func (r *Router) FindRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	best, rest, vars, err := r.find(req)
	if err != nil {
		return nil, nil, err
	}
	method := strings.ToUpper(req.Method)
	if method == http.MethodHead {
		method = http.MethodGet
	}
	op := best.item.GetOperation(method)
	if op == nil {
		return nil, nil, routers.ErrMethodNotAllowed
	}
	params := best.params(rest)
	for k, v := range vars {
		params[k] = v
	}
	return &routers.Route{
		Spec:      r.doc,
		Server:    r.server,
		Path:      best.path,
		PathItem:  best.item,
		Method:    method,
		Operation: op,
	}, params, nil
}

// Methods returns the path template matching req's path, whatever req's
// method, and the methods of its operations in the order GET, HEAD
// (wherever there is a GET), POST, PUT, PATCH, DELETE;
// routers.ErrPathNotFound for an unknown path. It answers OPTIONS and the
// Allow header of a 405.
func (r *Router) Methods(req *http.Request) (string, []string, error) {
	best, _, _, err := r.find(req)
	if err != nil {
		return "", nil, err
	}
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if best.item.GetOperation(m) == nil {
			continue
		}
		out = append(out, m)
		if m == http.MethodGet {
			out = append(out, http.MethodHead)
		}
	}
	return best.path, out, nil
}

// find matches req's path: the most specific path entry, the escaped
// segments after the base path and the server variables.
func (r *Router) find(req *http.Request) (*pathEntry, []string, map[string]string, error) {
	escaped := req.URL.EscapedPath()
	if !strings.HasPrefix(escaped, "/") {
		return nil, nil, nil, routers.ErrPathNotFound
	}
	segs := strings.Split(escaped[1:], "/")
	if len(segs) < len(r.prefix) {
		return nil, nil, nil, routers.ErrPathNotFound
	}
	vars := make(map[string]string, len(r.prefix))
	for i, p := range r.prefix {
		v, err := url.PathUnescape(segs[i])
		if err != nil {
			return nil, nil, nil, routers.ErrPathNotFound
		}
		switch {
		case p.kind == segLiteral && v != p.text:
			return nil, nil, nil, routers.ErrPathNotFound
		case p.kind == segParam && (v == "" || p.allow != nil && !slices.Contains(p.allow, v)):
			return nil, nil, nil, routers.ErrPathNotFound
		case p.kind == segParam:
			vars[p.text] = v
		}
	}
	rest := segs[len(r.prefix):]

	var best *pathEntry
	for i := range r.paths {
		e := &r.paths[i]
		if !e.match(rest) {
			continue
		}
		if best == nil || compareSegs(e.segs, best.segs) < 0 {
			best = e
		}
	}
	if best == nil {
		return nil, nil, nil, routers.ErrPathNotFound
	}
	return best, rest, vars, nil
}

// match reports whether the escaped segments after the base path match e.
func (e *pathEntry) match(segs []string) bool {
	if len(segs) < len(e.segs) {
		return false
	}
	for i, s := range e.segs {
		if s.kind == segTail {
			_, err := SplitTail(strings.Join(segs[i:], "/"))
			return err == nil
		}
		if s.kind == segLiteral {
			// Literal segments of the document need no escaping, so the
			// escaped form equals the text iff the decoded one does,
			// except for needlessly escaped characters, decoded here.
			if segs[i] == s.text {
				continue
			}
			if v, err := url.PathUnescape(segs[i]); err != nil || v != s.text {
				return false
			}
			continue
		}
		if v, err := url.PathUnescape(segs[i]); err != nil || v == "" {
			return false
		}
	}
	return len(segs) == len(e.segs)
}

// params returns the path parameters of segs, which match e: decoded
// values, and the still-escaped remainder for the tail.
func (e *pathEntry) params(segs []string) map[string]string {
	params := make(map[string]string, len(e.segs)+1)
	for i, s := range e.segs {
		switch s.kind {
		case segTail:
			params[s.text] = strings.Join(segs[i:], "/")
			return params
		case segParam:
			params[s.text], _ = url.PathUnescape(segs[i])
		}
	}
	return params
}

// compareSegs orders templates by specificity: segment by segment, literal
// before parameter before tail.
func compareSegs(a, b []segment) int {
	for i := range min(len(a), len(b)) {
		if c := cmp.Compare(a[i].kind, b[i].kind); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// SplitTail splits the routed value of a tail parameter into its elements,
// percent-decoding each segment on its own: "vms/_/get" is
// ["vms","_","get"] and "a%2Fb/c" is ["a/b","c"]. An empty value, an empty
// segment or a bad escape is an error.
func SplitTail(raw string) ([]string, error) {
	if raw == "" {
		return nil, fmt.Errorf("openapi: empty tail")
	}
	parts := strings.Split(raw, "/")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		v, err := url.PathUnescape(p)
		if err != nil {
			return nil, fmt.Errorf("openapi: tail %q: %w", raw, err)
		}
		if v == "" {
			return nil, fmt.Errorf("openapi: tail %q has an empty segment", raw)
		}
		out = append(out, v)
	}
	return out, nil
}
