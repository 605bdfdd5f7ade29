package openapi

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers"
)

const (
	uuidA = "4a5b2f7e-8c1d-4e2f-9a3b-6c7d8e9f0a1b"
	uuidB = "9d3c0b6a-1e2f-4a5b-8c7d-0e1f2a3b4c5d"
)

func TestRouterFindsOperations(t *testing.T) {
	r, err := NewRouter(load(t))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, target string
		op             string
		params         map[string]string
	}{
		{"GET", "/api/2/users", "listUsers", map[string]string{"version": "2"}},
		{"GET", "/api/3/users?full-list=true", "listUsers", map[string]string{"version": "3"}},
		{"HEAD", "/api/2/users/" + uuidA, "getUser", map[string]string{"version": "2", "id": uuidA}},
		{"GET", "/api/2/sessions/one_time_token", "getOneTimeToken", map[string]string{"version": "2"}},
		{"DELETE", "/api/2/sessions/abc", "deleteSession", map[string]string{"version": "2", "token": "abc"}},
		{"PUT", "/api/2/users/" + uuidA + "/permissions/vms/_/get", "grantUserPermission",
			map[string]string{"version": "2", "id": uuidA, "permission": "vms/_/get"}},
		{"PUT", "/api/2/users/" + uuidA + "/permissions/...", "grantUserPermission",
			map[string]string{"version": "2", "id": uuidA, "permission": "..."}},
		{"DELETE", "/api/3/roles/" + uuidB + "/permissions/a%2Fb/c%20d", "revokeRolePermission",
			map[string]string{"version": "3", "id": uuidB, "permission": "a%2Fb/c%20d"}},
		{"PUT", "/api/2/orgs/" + uuidA + "/metadata", "setOrgMetadata", map[string]string{"version": "2", "id": uuidA}},
		{"PUT", "/api/2/orgs/" + uuidA + "/metadata/cerberus/ui", "setOrgMetadataPath",
			map[string]string{"version": "2", "id": uuidA, "path": "cerberus/ui"}},
		{"POST", "/api/2/orgs/" + uuidA + "/triggers/vm_create", "createOrgTrigger",
			map[string]string{"version": "2", "id": uuidA, "trigger": "vm_create"}},
		{"DELETE", "/api/2/orgs/" + uuidA + "/triggers/" + uuidB, "deleteOrgTrigger",
			map[string]string{"version": "2", "id": uuidA, "trigger": uuidB}},
		{"PUT", "/api/2/users/" + uuidA + "/keys", "addUserKey", map[string]string{"version": "2", "id": uuidA}},
		{"DELETE", "/api/2/users/" + uuidA + "/keys/my%40laptop", "deleteUserKey",
			map[string]string{"version": "2", "id": uuidA, "key": "my@laptop"}},
		{"PUT", "/api/2/orgs/" + uuidA + "/docker/networks/public", "setOrgDockerNetwork",
			map[string]string{"version": "2", "id": uuidA, "scope": "public"}},
		{"POST", "/api/2/oauth/token", "oauthToken", map[string]string{"version": "2"}},
	}
	for _, c := range cases {
		req := httptest.NewRequest(c.method, c.target, nil)
		route, params, err := r.FindRoute(req)
		if err != nil {
			t.Errorf("%s %s: %v", c.method, c.target, err)
			continue
		}
		if route.Operation.OperationID != c.op {
			t.Errorf("%s %s: %s, want %s", c.method, c.target, route.Operation.OperationID, c.op)
		}
		if !reflect.DeepEqual(params, c.params) {
			t.Errorf("%s %s: params %v, want %v", c.method, c.target, params, c.params)
		}
	}
}

func TestRouterMisses(t *testing.T) {
	r, err := NewRouter(load(t))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, target string
		want           error
	}{
		{"GET", "/api/4/users", routers.ErrPathNotFound},
		{"GET", "/api/users", routers.ErrPathNotFound},
		{"GET", "/users", routers.ErrPathNotFound},
		{"GET", "/api/2/nope", routers.ErrPathNotFound},
		{"GET", "/api/2/users/", routers.ErrPathNotFound},
		{"GET", "/api/2/users/" + uuidA + "/permissions", routers.ErrPathNotFound},
		{"GET", "/api/2/users/" + uuidA + "/permissions/vms//get", routers.ErrPathNotFound},
		{"DELETE", "/api/2/users/" + uuidA + "/metadata", routers.ErrMethodNotAllowed},
		{"DELETE", "/api/2/sessions/one_time_token", routers.ErrMethodNotAllowed},
		{"PATCH", "/api/2/users/" + uuidA, routers.ErrMethodNotAllowed},
		{"GET", "/api/2/users/" + uuidA + "/keys", routers.ErrMethodNotAllowed},
		{"OPTIONS", "/api/2/users", routers.ErrMethodNotAllowed},
	}
	for _, c := range cases {
		_, _, err := r.FindRoute(httptest.NewRequest(c.method, c.target, nil))
		if !errors.Is(err, c.want) {
			t.Errorf("%s %s: %v, want %v", c.method, c.target, err, c.want)
		}
	}
}

// TestRouterFindsEveryRoute routes a request built from every Route's
// template, under both versions, back to that operation.
func TestRouterFindsEveryRoute(t *testing.T) {
	doc := load(t)
	r, err := NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range routes(t, doc) {
		for _, v := range Versions() {
			path := rt.Path
			for _, p := range []string{"{id}", "{role}", "{org}"} {
				path = strings.ReplaceAll(path, p, uuidA)
			}
			path = strings.NewReplacer("{permission}", "vms/_/get", "{path}", "a/b", "{scope}", "public",
				"{trigger}", "vm_create", "{uri}", "42", "{key}", "k", "{token}", "t", "{resource}", "vms",
				"{snap}", uuidB, "{backup}", uuidB, "{element}", uuidB, "{grouping}", uuidB, "{iprange}", uuidB,
				"{mac}", "02:00:00:00:00:01", "{ip}", "10.0.0.1", "{nic}", "net0", "{rule}", "42").Replace(path)
			target := "/api/" + v + path
			route, _, err := r.FindRoute(httptest.NewRequest(rt.Method, target, nil))
			if err != nil {
				t.Errorf("%s %s: %v", rt.Method, target, err)
				continue
			}
			if route.Operation.OperationID != rt.OperationID || route.Path != rt.Path {
				t.Errorf("%s %s: %s (%s), want %s", rt.Method, target, route.Operation.OperationID, route.Path, rt.OperationID)
			}
		}
	}
}

func TestSplitTail(t *testing.T) {
	cases := []struct {
		raw  string
		want []string
	}{
		{"vms/_/get", []string{"vms", "_", "get"}},
		{"...", []string{"..."}},
		{"a%2Fb/c%20d", []string{"a/b", "c d"}},
	}
	for _, c := range cases {
		got, err := SplitTail(c.raw)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("SplitTail(%q) = %q, %v; want %q", c.raw, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "/", "a/", "/a", "a//b", "a/%zz"} {
		if got, err := SplitTail(bad); err == nil {
			t.Errorf("SplitTail(%q) = %q, want an error", bad, got)
		}
	}
}

// FuzzSplitTail: SplitTail never panics, and escaping its elements one by
// one gives a tail that splits into the same elements.
func FuzzSplitTail(f *testing.F) {
	for _, s := range []string{"vms/_/get", "a%2Fb/c", "", "%", "a//b", "...", "%E2%82%AC/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		elems, err := SplitTail(raw)
		if err != nil {
			return
		}
		esc := make([]string, len(elems))
		for i, e := range elems {
			if e == "" {
				t.Fatalf("SplitTail(%q) has an empty element", raw)
			}
			esc[i] = url.PathEscape(e)
		}
		again, err := SplitTail(strings.Join(esc, "/"))
		if err != nil || !reflect.DeepEqual(again, elems) {
			t.Fatalf("SplitTail(%q) = %q; re-escaped splits to %q, %v", raw, elems, again, err)
		}
	})
}
