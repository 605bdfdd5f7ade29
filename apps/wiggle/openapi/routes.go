package openapi

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Names of the document's extensions.
const (
	ExtPermission       = "x-fifo-permission"
	ExtPermissionByBody = "x-fifo-permission-by-body"
	ExtFilter           = "x-fifo-filter"
	ExtSuccess          = "x-fifo-success"
	ExtTail             = "x-fifo-tail"
	ExtPropertyNames    = "x-fifo-property-names"
)

// Access says what an operation needs from the caller.
type Access int

const (
	// AccessNone ("none"): no token; the operation is public.
	AccessNone Access = iota + 1
	// AccessAuth ("auth"): any valid bearer token, no permission.
	AccessAuth
	// AccessPermission: a valid bearer token whose scope and user allow
	// every template of Route.Permissions (and of Route.ByBody).
	AccessPermission
)

// String returns the extension's word for a: "none", "auth", "permission".
func (a Access) String() string {
	switch a {
	case AccessNone:
		return "none"
	case AccessAuth:
		return "auth"
	case AccessPermission:
		return "permission"
	}
	return fmt.Sprintf("Access(%d)", int(a))
}

// Template is a permission template: one string per element. An element is
// a literal, "{name}" (path parameter name), "{name...}" (tail parameter
// name, its elements spliced in), "{name[]}" (tail parameter name as one
// nested element), "{body.f}" (body field f, a string; in Permissions and
// BodyPermissions) or "{uuid}" (the list item, only in Route.Filter). See
// the package doc.
type Template []string

// BodyPermissions are permissions chosen by a field of the request body:
// the value of Field selects the templates in Cases, all of which are
// required in addition to Route.Permissions. A body whose field has no case
// does not match the request schema.
type BodyPermissions struct {
	Field string
	Cases map[string][]Template
}

// Route is one operation of the document.
type Route struct {
	// Method is the HTTP method in upper case.
	Method string
	// Path is the path template relative to BasePath, e.g. "/users/{id}".
	Path string
	// OperationID is the operation's unique operationId.
	OperationID string
	// Auth is true when the operation needs a bearer token (its security
	// has no empty alternative); it equals Access != AccessNone.
	Auth bool
	// Access is what the operation needs from the caller.
	Access Access
	// Permissions are the required templates, all of them; nil unless
	// Access is AccessPermission.
	Permissions []Template
	// ByBody are further required templates selected by the body; nil for
	// most operations.
	ByBody *BodyPermissions
	// Filter is the per-item permission of a list operation; nil otherwise.
	Filter Template
	// Success is the success status; 0 for an operation that is routed but
	// not supported (it always answers 400 not_supported).
	Success int
	// Tail names the tail path parameter ("x-fifo-tail"), "" if none.
	Tail string
}

// Routes lists the document's operations, sorted by path and method, with
// their extensions parsed and checked. Errors wrap ErrInvalid.
func Routes(doc *openapi3.T) ([]Route, error) {
	if doc == nil || doc.Paths == nil {
		return nil, fmt.Errorf("%w: no paths", ErrInvalid)
	}
	var routes []Route
	seen := make(map[string]string)
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			r, err := route(doc, path, method, item, op)
			if err != nil {
				return nil, fmt.Errorf("%w: %s %s: %w", ErrInvalid, method, path, err)
			}
			if prev, ok := seen[r.OperationID]; ok {
				return nil, fmt.Errorf("%w: operationId %q used by %s and %s %s",
					ErrInvalid, r.OperationID, prev, method, path)
			}
			seen[r.OperationID] = method + " " + path
			routes = append(routes, r)
		}
	}
	slices.SortFunc(routes, func(a, b Route) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method))
	})
	return routes, nil
}

func route(doc *openapi3.T, path, method string, item *openapi3.PathItem, op *openapi3.Operation) (Route, error) {
	r := Route{Method: method, Path: path, OperationID: op.OperationID}
	if r.OperationID == "" {
		return r, fmt.Errorf("no operationId")
	}
	params, tail, err := pathParams(path, item, op)
	if err != nil {
		return r, err
	}
	r.Tail = tail

	r.Auth = authRequired(doc, op)
	if r.Access, r.Permissions, err = permission(op.Extensions[ExtPermission], params, tail); err != nil {
		return r, err
	}
	if r.Auth != (r.Access != AccessNone) {
		return r, fmt.Errorf("security says auth=%v but %s is %s", r.Auth, ExtPermission, r.Access)
	}
	if v, ok := op.Extensions[ExtPermissionByBody]; ok {
		if r.Access != AccessPermission {
			return r, fmt.Errorf("%s without permissions", ExtPermissionByBody)
		}
		if r.ByBody, err = byBody(v, params, tail); err != nil {
			return r, err
		}
	}
	if v, ok := op.Extensions[ExtFilter]; ok {
		if r.Filter, err = template(v, nil, "", "uuid"); err != nil {
			return r, fmt.Errorf("%s: %w", ExtFilter, err)
		}
	}
	if r.Success, err = success(op); err != nil {
		return r, err
	}
	return r, nil
}

// pathParams checks that the template's parameters and the declared path
// parameters agree and returns them and the tail parameter's name.
func pathParams(path string, item *openapi3.PathItem, op *openapi3.Operation) (map[string]bool, string, error) {
	declared := make(map[string]*openapi3.Parameter)
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range list {
			if p := ref.Value; p != nil && p.In == openapi3.ParameterInPath {
				declared[p.Name] = p
			}
		}
	}
	params := make(map[string]bool)
	tail := ""
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, s := range segs {
		name, ok := strings.CutPrefix(s, "{")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, "}")
		p := declared[name]
		if p == nil {
			return nil, "", fmt.Errorf("path parameter %q not declared", name)
		}
		params[name] = true
		if isTail, _ := p.Extensions[ExtTail].(bool); isTail {
			if i != len(segs)-1 {
				return nil, "", fmt.Errorf("tail parameter %q is not the last segment", name)
			}
			tail = name
		}
	}
	return params, tail, nil
}

func authRequired(doc *openapi3.T, op *openapi3.Operation) bool {
	sec := doc.Security
	if op.Security != nil {
		sec = *op.Security
	}
	if len(sec) == 0 {
		return false
	}
	for _, req := range sec {
		if len(req) == 0 {
			return false
		}
	}
	return true
}

func permission(v any, params map[string]bool, tail string) (Access, []Template, error) {
	switch v := v.(type) {
	case nil:
		return 0, nil, fmt.Errorf("no %s", ExtPermission)
	case string:
		switch v {
		case "none":
			return AccessNone, nil, nil
		case "auth":
			return AccessAuth, nil, nil
		}
		return 0, nil, fmt.Errorf("%s: unknown word %q", ExtPermission, v)
	}
	ts, err := templates(v, params, tail, "body.")
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", ExtPermission, err)
	}
	return AccessPermission, ts, nil
}

func byBody(v any, params map[string]bool, tail string) (*BodyPermissions, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: not an object", ExtPermissionByBody)
	}
	field, _ := m["field"].(string)
	cases, _ := m["cases"].(map[string]any)
	if field == "" || len(cases) == 0 || len(m) != 2 {
		return nil, fmt.Errorf("%s: want exactly a field and non-empty cases", ExtPermissionByBody)
	}
	bp := &BodyPermissions{Field: field, Cases: make(map[string][]Template, len(cases))}
	for k, c := range cases {
		ts, err := templates(c, params, tail, "body.")
		if err != nil {
			return nil, fmt.Errorf("%s case %q: %w", ExtPermissionByBody, k, err)
		}
		bp.Cases[k] = ts
	}
	return bp, nil
}

func templates(v any, params map[string]bool, tail, extra string) ([]Template, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("want a non-empty list of templates")
	}
	ts := make([]Template, 0, len(list))
	for _, e := range list {
		t, err := template(e, params, tail, extra)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// template parses one template. A placeholder must name a path parameter,
// the tail parameter (with "..." or "[]"), or start with extra (a prefix
// like "body." when it ends in ".", else a whole name like "uuid").
func template(v any, params map[string]bool, tail, extra string) (Template, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("template %v: want a non-empty list of strings", v)
	}
	t := make(Template, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok || s == "" {
			return nil, fmt.Errorf("template %v: element %v is not a non-empty string", v, e)
		}
		if err := checkElement(s, params, tail, extra); err != nil {
			return nil, fmt.Errorf("template %v: %w", v, err)
		}
		t = append(t, s)
	}
	return t, nil
}

func checkElement(s string, params map[string]bool, tail, extra string) error {
	inner, ok := strings.CutPrefix(s, "{")
	if !ok {
		if strings.ContainsAny(s, "{}") {
			return fmt.Errorf("element %q: stray brace", s)
		}
		return nil
	}
	inner, ok = strings.CutSuffix(inner, "}")
	if !ok || inner == "" {
		return fmt.Errorf("element %q: unterminated placeholder", s)
	}
	if name, ok := strings.CutSuffix(inner, "..."); ok {
		if name != tail || tail == "" {
			return fmt.Errorf("element %q: not the tail parameter", s)
		}
		return nil
	}
	if name, ok := strings.CutSuffix(inner, "[]"); ok {
		if name != tail || tail == "" {
			return fmt.Errorf("element %q: not the tail parameter", s)
		}
		return nil
	}
	switch {
	case params[inner] && inner != tail:
		return nil
	case extra != "" && strings.HasSuffix(extra, ".") && strings.HasPrefix(inner, extra) && len(inner) > len(extra):
		return nil
	case extra != "" && !strings.HasSuffix(extra, ".") && inner == extra:
		return nil
	}
	return fmt.Errorf("element %q: unknown placeholder", s)
}

func success(op *openapi3.Operation) (int, error) {
	var codes []int
	if op.Responses != nil {
		for code := range op.Responses.Map() {
			if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 400 {
				codes = append(codes, n)
			}
		}
	}
	slices.Sort(codes)
	if v, ok := op.Extensions[ExtSuccess]; ok {
		n, ok := number(v)
		if !ok || !slices.Contains(codes, n) {
			return 0, fmt.Errorf("%s %v is not one of the responses %v", ExtSuccess, v, codes)
		}
		return n, nil
	}
	switch len(codes) {
	case 0:
		return 0, nil
	case 1:
		return codes[0], nil
	}
	return 0, fmt.Errorf("several success responses %v and no %s", codes, ExtSuccess)
}

func number(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case float64:
		if v == float64(int(v)) {
			return int(v), true
		}
	}
	return 0, false
}
