package openapi

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// reference is fifo.md §2.3 written out by hand: one row per method and
// path (the sniffle rows also name the routes this server leaves
// unsupported, success 0). perm is x-fifo-permission with templates joined by " & " and
// elements by "/"; filter is x-fifo-filter of list operations.
var reference = []struct {
	method, path string
	success      int
	perm         string
	filter       string
}{
	// Auth / session / cloud
	{"POST", "/oauth/token", 200, "none", ""},
	{"GET", "/oauth/auth", 302, "none", ""},
	{"POST", "/oauth/auth", 302, "none", ""},
	{"GET", "/oauth/2fa", 200, "none", ""},
	{"POST", "/oauth/2fa", 302, "none", ""},
	{"GET", "/sessions", 200, "auth", ""},
	{"GET", "/sessions/one_time_token", 200, "auth", ""},
	{"DELETE", "/sessions/{token}", 204, "auth", ""},
	{"GET", "/scopes", 200, "none", ""},
	{"GET", "/cloud/connection", 200, "none", ""},
	{"GET", "/cloud", 200, "cloud/cloud/status", ""},

	// Users
	{"GET", "/users", 200, "cloud/users/list", "users/{uuid}/get"},
	{"POST", "/users", 303, "cloud/users/create", ""},
	{"GET", "/users/{id}", 200, "users/{id}/get", ""},
	{"PUT", "/users/{id}", 204, "users/{id}/passwd", ""},
	{"DELETE", "/users/{id}", 204, "users/{id}/delete", ""},
	{"GET", "/users/{id}/permissions/{permission}", 200, "users/{id}/get", ""},
	{"PUT", "/users/{id}/permissions/{permission}", 204, "users/{id}/grant & {permission...}", ""},
	{"DELETE", "/users/{id}/permissions/{permission}", 204, "users/{id}/revoke & {permission...}", ""},
	{"PUT", "/users/{id}/roles/{role}", 204, "users/{id}/join & roles/{role}/join", ""},
	{"DELETE", "/users/{id}/roles/{role}", 204, "users/{id}/leave & roles/{role}/leave", ""},
	{"PUT", "/users/{id}/orgs/{org}", 204, "users/{id}/join & orgs/{org}/join", ""},
	{"DELETE", "/users/{id}/orgs/{org}", 204, "users/{id}/leave & orgs/{org}/leave", ""},
	{"PUT", "/users/{id}/keys", 204, "users/{id}/edit", ""},
	{"DELETE", "/users/{id}/keys/{key}", 204, "users/{id}/edit", ""},
	{"PUT", "/users/{id}/yubikeys", 204, "users/{id}/edit", ""},
	{"DELETE", "/users/{id}/yubikeys/{key}", 204, "users/{id}/edit", ""},
	{"POST", "/users/{id}/tokens", 200, "users/{id}/edit", ""},
	{"DELETE", "/users/{id}/tokens/{token}", 204, "users/{id}/edit", ""},
	{"PUT", "/users/{id}/metadata", 204, "users/{id}/edit", ""},
	{"PUT", "/users/{id}/metadata/{path}", 204, "users/{id}/edit", ""},
	{"DELETE", "/users/{id}/metadata/{path}", 204, "users/{id}/edit", ""},

	// Roles
	{"GET", "/roles", 200, "cloud/roles/list", "roles/{uuid}/get"},
	{"POST", "/roles", 303, "cloud/roles/create", ""},
	{"GET", "/roles/{id}", 200, "roles/{id}/get", ""},
	{"PUT", "/roles/{id}", 0, "roles/{id}/create", ""},
	{"DELETE", "/roles/{id}", 204, "roles/{id}/delete", ""},
	{"PUT", "/roles/{id}/permissions/{permission}", 204, "roles/{id}/grant & permissions/{permission[]}/grant", ""},
	{"DELETE", "/roles/{id}/permissions/{permission}", 204, "roles/{id}/revoke & permissions/{permission[]}/revoke", ""},
	{"PUT", "/roles/{id}/metadata", 204, "roles/{id}/edit", ""},
	{"PUT", "/roles/{id}/metadata/{path}", 204, "roles/{id}/edit", ""},
	{"DELETE", "/roles/{id}/metadata/{path}", 204, "roles/{id}/edit", ""},

	// Orgs
	{"GET", "/orgs", 200, "cloud/orgs/list", "orgs/{uuid}/get"},
	{"POST", "/orgs", 303, "cloud/orgs/create", ""},
	{"GET", "/orgs/{id}", 200, "orgs/{id}/get", ""},
	{"PUT", "/orgs/{id}", 0, "orgs/{id}/create", ""},
	{"DELETE", "/orgs/{id}", 204, "orgs/{id}/delete", ""},
	{"GET", "/orgs/{id}/accounting", 200, "orgs/{id}/get", ""},
	{"POST", "/orgs/{id}/triggers/{trigger}", 303, "orgs/{id}/edit", ""},
	{"DELETE", "/orgs/{id}/triggers/{trigger}", 204, "orgs/{id}/edit", ""},
	{"PUT", "/orgs/{id}/resources/{resource}", 204, "orgs/{id}/edit", ""},
	{"PUT", "/orgs/{id}/docker/networks/{scope}", 204, "orgs/{id}/edit", ""},
	{"PUT", "/orgs/{id}/metadata", 204, "orgs/{id}/edit", ""},
	{"PUT", "/orgs/{id}/metadata/{path}", 204, "orgs/{id}/edit", ""},
	{"DELETE", "/orgs/{id}/metadata/{path}", 204, "orgs/{id}/edit", ""},

	// Clients
	{"GET", "/clients", 200, "cloud/clients/list", "clients/{uuid}/get"},
	{"POST", "/clients", 303, "cloud/clients/create", ""},
	{"GET", "/clients/{id}", 200, "clients/{id}/get", ""},
	{"PUT", "/clients/{id}", 204, "clients/{id}/edit", ""},
	{"DELETE", "/clients/{id}", 204, "clients/{id}/delete", ""},
	{"PUT", "/clients/{id}/permissions/{permission}", 204, "clients/{id}/grant", ""},
	{"DELETE", "/clients/{id}/permissions/{permission}", 204, "clients/{id}/revoke", ""},
	{"POST", "/clients/{id}/uris", 303, "clients/{id}/edit", ""},
	{"DELETE", "/clients/{id}/uris/{uri}", 204, "clients/{id}/edit", ""},
	{"PUT", "/clients/{id}/metadata", 204, "clients/{id}/edit", ""},
	{"PUT", "/clients/{id}/metadata/{path}", 204, "clients/{id}/edit", ""},
	{"DELETE", "/clients/{id}/metadata/{path}", 204, "clients/{id}/edit", ""},

	// Hypervisors, VMs, datasets, packages, networks, IP ranges, groupings,
	// DTrace (sniffle). Success 0: routed but not supported.
	{"GET", "/hypervisors", 200, "cloud/hypervisors/list", "hypervisors/{uuid}/get"},
	{"GET", "/hypervisors/{id}", 200, "hypervisors/{id}/get", ""},
	{"DELETE", "/hypervisors/{id}", 204, "hypervisors/{id}/edit", ""},
	{"GET", "/hypervisors/{id}/metrics", 0, "hypervisors/{id}/get", ""},
	{"PUT", "/hypervisors/{id}/config", 204, "hypervisors/{id}/edit", ""},
	{"PUT", "/hypervisors/{id}/characteristics", 204, "hypervisors/{id}/edit", ""},
	{"PUT", "/hypervisors/{id}/characteristics/{path}", 204, "hypervisors/{id}/edit", ""},
	{"DELETE", "/hypervisors/{id}/characteristics/{path}", 204, "hypervisors/{id}/edit", ""},
	{"PUT", "/hypervisors/{id}/metadata", 204, "hypervisors/{id}/edit", ""},
	{"PUT", "/hypervisors/{id}/metadata/{path}", 204, "hypervisors/{id}/edit", ""},
	{"DELETE", "/hypervisors/{id}/metadata/{path}", 204, "hypervisors/{id}/edit", ""},
	{"PUT", "/hypervisors/{id}/services", 0, "hypervisors/{id}/edit", ""},
	{"GET", "/vms", 200, "cloud/vms/list", "vms/{uuid}/get"},
	{"POST", "/vms", 303, "cloud/vms/create", ""},
	{"PUT", "/vms/dry_run", 201, "cloud/vms/create", ""},
	{"GET", "/vms/{id}", 200, "vms/{id}/get", ""},
	{"DELETE", "/vms/{id}", 204, "vms/{id}/delete", ""},
	{"DELETE", "/vms/{id}/hypervisor", 0, "vms/{id}/delete", ""},
	{"PUT", "/vms/{id}/state", 204, "vms/{id}/{body.action}", ""},
	{"PUT", "/vms/{id}/config", 204, "vms/{id}/edit", ""},
	{"PUT", "/vms/{id}/package", 204, "vms/{id}/edit", ""},
	{"PUT", "/vms/{id}/owner", 204, "vms/{id}/edit & orgs/{body.org}/edit", ""},
	{"PUT", "/vms/{id}/services", 0, "vms/{id}/edit", ""},
	{"POST", "/vms/{id}/nics", 303, "vms/{id}/edit", ""},
	{"PUT", "/vms/{id}/nics/{mac}", 204, "vms/{id}/edit", ""},
	{"DELETE", "/vms/{id}/nics/{mac}", 204, "vms/{id}/edit", ""},
	{"POST", "/vms/{id}/snapshots", 303, "vms/{id}/snapshot", ""},
	{"PUT", "/vms/{id}/snapshots/{snap}", 204, "vms/{id}/rollback", ""},
	{"DELETE", "/vms/{id}/snapshots/{snap}", 204, "vms/{id}/snapshot_delete", ""},
	{"GET", "/vms/{id}/backups", 200, "vms/{id}/get", ""},
	{"POST", "/vms/{id}/backups", 0, "vms/{id}/backup", ""},
	{"GET", "/vms/{id}/backups/{backup}", 200, "vms/{id}/get", ""},
	{"PUT", "/vms/{id}/backups/{backup}", 0, "vms/{id}/rollback", ""},
	{"DELETE", "/vms/{id}/backups/{backup}", 0, "vms/{id}/backup_delete", ""},
	{"POST", "/vms/{id}/fw_rules", 0, "vms/{id}/edit", ""},
	{"DELETE", "/vms/{id}/fw_rules/{rule}", 0, "vms/{id}/edit", ""},
	{"GET", "/vms/{id}/metrics", 0, "vms/{id}/get", ""},
	{"PUT", "/vms/{id}/metadata", 204, "vms/{id}/edit", ""},
	{"PUT", "/vms/{id}/metadata/{path}", 204, "vms/{id}/edit", ""},
	{"DELETE", "/vms/{id}/metadata/{path}", 204, "vms/{id}/edit", ""},
	{"GET", "/datasets", 200, "cloud/datasets/list", "datasets/{uuid}/get"},
	{"POST", "/datasets", 303, "cloud/datasets/create", ""},
	{"GET", "/datasets/{id}", 200, "datasets/{id}/get", ""},
	{"PUT", "/datasets/{id}", 201, "datasets/{id}/edit", ""},
	{"POST", "/datasets/{id}", 303, "datasets/{id}/create", ""},
	{"DELETE", "/datasets/{id}", 204, "datasets/{id}/delete", ""},
	{"GET", "/datasets/{id}/dataset.gz", 0, "datasets/{id}/export", ""},
	{"PUT", "/datasets/{id}/dataset.gz", 0, "datasets/{id}/create", ""},
	{"PUT", "/datasets/{id}/networks/{nic}", 204, "datasets/{id}/edit", ""},
	{"DELETE", "/datasets/{id}/networks/{nic}", 204, "datasets/{id}/edit", ""},
	{"PUT", "/datasets/{id}/metadata", 204, "datasets/{id}/edit", ""},
	{"PUT", "/datasets/{id}/metadata/{path}", 204, "datasets/{id}/edit", ""},
	{"DELETE", "/datasets/{id}/metadata/{path}", 204, "datasets/{id}/edit", ""},
	{"GET", "/packages", 200, "cloud/packages/list", "packages/{uuid}/get"},
	{"POST", "/packages", 303, "cloud/packages/create", ""},
	{"GET", "/packages/{id}", 200, "packages/{id}/get", ""},
	{"PUT", "/packages/{id}", 0, "cloud/packages/create", ""},
	{"DELETE", "/packages/{id}", 204, "packages/{id}/delete", ""},
	{"PUT", "/packages/{id}/metadata", 204, "packages/{id}/edit", ""},
	{"PUT", "/packages/{id}/metadata/{path}", 204, "packages/{id}/edit", ""},
	{"DELETE", "/packages/{id}/metadata/{path}", 204, "packages/{id}/edit", ""},
	{"GET", "/networks", 200, "cloud/networks/list", "networks/{uuid}/get"},
	{"POST", "/networks", 303, "cloud/networks/create", ""},
	{"GET", "/networks/{id}", 200, "networks/{id}/get", ""},
	{"DELETE", "/networks/{id}", 204, "networks/{id}/delete", ""},
	{"PUT", "/networks/{id}/ipranges/{iprange}", 204, "networks/{id}/edit", ""},
	{"DELETE", "/networks/{id}/ipranges/{iprange}", 204, "networks/{id}/edit", ""},
	{"PUT", "/networks/{id}/metadata", 204, "networks/{id}/edit", ""},
	{"PUT", "/networks/{id}/metadata/{path}", 204, "networks/{id}/edit", ""},
	{"DELETE", "/networks/{id}/metadata/{path}", 204, "networks/{id}/edit", ""},
	{"GET", "/ipranges", 200, "cloud/ipranges/list", "ipranges/{uuid}/get"},
	{"POST", "/ipranges", 303, "cloud/ipranges/create", ""},
	{"GET", "/ipranges/{id}", 200, "ipranges/{id}/get", ""},
	{"PUT", "/ipranges/{id}", 200, "ipranges/{id}/edit", ""},
	{"DELETE", "/ipranges/{id}", 204, "ipranges/{id}/delete", ""},
	{"DELETE", "/ipranges/{id}/{ip}", 204, "ipranges/{id}/edit", ""},
	{"PUT", "/ipranges/{id}/metadata", 204, "ipranges/{id}/edit", ""},
	{"PUT", "/ipranges/{id}/metadata/{path}", 204, "ipranges/{id}/edit", ""},
	{"DELETE", "/ipranges/{id}/metadata/{path}", 204, "ipranges/{id}/edit", ""},
	{"GET", "/groupings", 200, "cloud/groupings/list", "groupings/{uuid}/get"},
	{"POST", "/groupings", 303, "cloud/groupings/create", ""},
	{"GET", "/groupings/{id}", 200, "groupings/{id}/get", ""},
	{"DELETE", "/groupings/{id}", 204, "groupings/{id}/delete", ""},
	{"PUT", "/groupings/{id}/elements/{element}", 204, "groupings/{id}/edit", ""},
	{"DELETE", "/groupings/{id}/elements/{element}", 204, "groupings/{id}/edit", ""},
	{"PUT", "/groupings/{id}/groupings/{grouping}", 204, "groupings/{id}/edit", ""},
	{"DELETE", "/groupings/{id}/groupings/{grouping}", 204, "groupings/{id}/edit", ""},
	{"PUT", "/groupings/{id}/config", 204, "groupings/{id}/edit", ""},
	{"PUT", "/groupings/{id}/config/{path}", 204, "groupings/{id}/edit", ""},
	{"DELETE", "/groupings/{id}/config/{path}", 204, "groupings/{id}/edit", ""},
	{"PUT", "/groupings/{id}/metadata", 204, "groupings/{id}/edit", ""},
	{"PUT", "/groupings/{id}/metadata/{path}", 204, "groupings/{id}/edit", ""},
	{"DELETE", "/groupings/{id}/metadata/{path}", 204, "groupings/{id}/edit", ""},
	{"GET", "/dtraces", 200, "cloud/dtraces/list", "dtraces/{uuid}/get"},
	{"POST", "/dtraces", 303, "cloud/dtraces/create", ""},
	{"GET", "/dtraces/{id}", 200, "dtraces/{id}/get", ""},
	{"PUT", "/dtraces/{id}", 204, "dtraces/{id}/edit", ""},
	{"DELETE", "/dtraces/{id}", 204, "dtraces/{id}/delete", ""},
	{"PUT", "/dtraces/{id}/metadata", 204, "dtraces/{id}/edit", ""},
	{"PUT", "/dtraces/{id}/metadata/{path}", 204, "dtraces/{id}/edit", ""},
	{"DELETE", "/dtraces/{id}/metadata/{path}", 204, "dtraces/{id}/edit", ""},
}

// public are the operations that need no token.
var public = map[string]bool{
	"oauthToken":         true,
	"oauthAuthorizeForm": true,
	"oauthAuthorize":     true,
	"oauth2faForm":       true,
	"oauth2fa":           true,
	"listScopes":         true,
	"getCloudConnection": true,
}

// minted are the operations whose response carries a fresh secret.
var minted = map[string]bool{
	"oauthToken":      true,
	"getOneTimeToken": true,
	"createUserToken": true,
}

func load(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func routes(t testing.TB, doc *openapi3.T) []Route {
	t.Helper()
	rs, err := Routes(doc)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func permString(r Route) string {
	switch r.Access {
	case AccessNone:
		return "none"
	case AccessAuth:
		return "auth"
	}
	parts := make([]string, len(r.Permissions))
	for i, t := range r.Permissions {
		parts[i] = strings.Join(t, "/")
	}
	return strings.Join(parts, " & ")
}

func TestRoutesMatchReference(t *testing.T) {
	got := make(map[string]Route)
	for _, r := range routes(t, load(t)) {
		got[r.Method+" "+r.Path] = r
	}
	for _, w := range reference {
		key := w.method + " " + w.path
		r, ok := got[key]
		if !ok {
			t.Errorf("%s: missing from the document", key)
			continue
		}
		delete(got, key)
		if r.Success != w.success {
			t.Errorf("%s: success %d, want %d", key, r.Success, w.success)
		}
		if p := permString(r); p != w.perm {
			t.Errorf("%s: permission %q, want %q", key, p, w.perm)
		}
		if f := strings.Join(r.Filter, "/"); f != w.filter {
			t.Errorf("%s: filter %q, want %q", key, f, w.filter)
		}
		if r.Auth == public[r.OperationID] {
			t.Errorf("%s (%s): auth %v, public list says %v", key, r.OperationID, r.Auth, public[r.OperationID])
		}
	}
	for key := range got {
		t.Errorf("%s: in the document but not in the reference table", key)
	}
	if len(reference) != 168 {
		t.Errorf("reference has %d rows", len(reference))
	}
}

func TestTriggerPermissionsByBody(t *testing.T) {
	var r Route
	for _, x := range routes(t, load(t)) {
		if x.OperationID == "createOrgTrigger" {
			r = x
		}
	}
	want := &BodyPermissions{Field: "action", Cases: map[string][]Template{
		"role_grant": {{"roles", "{body.target}", "grant"}},
		"user_grant": {{"users", "{body.target}", "grant"}},
		"join_role":  {{"roles", "{body.target}", "join"}},
		"join_org":   {{"orgs", "{body.target}", "join"}},
	}}
	if !reflect.DeepEqual(r.ByBody, want) {
		t.Fatalf("by body %+v, want %+v", r.ByBody, want)
	}
	// Every case is an action the body schema allows, and vice versa.
	doc := load(t)
	op := doc.Paths.Find("/orgs/{id}/triggers/{trigger}").Post
	schema := op.RequestBody.Value.Content.Get("application/json").Schema.Value
	actions := map[string]bool{}
	for _, s := range schema.OneOf {
		for _, e := range s.Value.Properties["action"].Value.Enum {
			actions[e.(string)] = true
		}
	}
	if len(actions) != len(want.Cases) {
		t.Errorf("body actions %v, cases %v", actions, want.Cases)
	}
	for a := range actions {
		if _, ok := want.Cases[a]; !ok {
			t.Errorf("action %q has no permission case", a)
		}
	}
}

// TestOperationsComplete checks what every operation must carry.
func TestOperationsComplete(t *testing.T) {
	doc := load(t)
	for _, r := range routes(t, doc) {
		op := doc.Paths.Find(r.Path).GetOperation(r.Method)
		name := r.Method + " " + r.Path
		if _, ok := op.Extensions[ExtPermission]; !ok {
			t.Errorf("%s: no %s", name, ExtPermission)
		}
		if op.Responses.Default() == nil {
			t.Errorf("%s: no default response", name)
		}
		has := func(code int) bool { return op.Responses.Status(code) != nil }
		if r.Auth {
			if !has(401) {
				t.Errorf("%s: needs a token but has no 401", name)
			}
			sec := doc.Security
			if op.Security != nil {
				sec = *op.Security
			}
			if len(sec) != 1 || len(sec[0]) != 1 || sec[0]["bearerAuth"] == nil {
				t.Errorf("%s: security %v, want bearerAuth only", name, sec)
			}
		}
		if r.Access == AccessPermission && !has(403) {
			t.Errorf("%s: checks a permission but has no 403", name)
		}
		if strings.Contains(r.Path, "{") && r.Auth && !has(400) {
			t.Errorf("%s: has path parameters but no 400", name)
		}
		if strings.Contains(r.Path, "{id}") && !has(404) {
			t.Errorf("%s: names an object but has no 404", name)
		}
		if r.Success == 303 {
			h := op.Responses.Status(303).Value.Headers["Location"]
			if h == nil || !h.Value.Required {
				t.Errorf("%s: 303 without a required Location", name)
			}
		}
		if r.Success == 0 && !has(400) {
			t.Errorf("%s: unsupported operation without 400", name)
		}
		// Error responses of non-OAuth routes use Error.
		if !strings.HasPrefix(r.Path, "/oauth/") {
			for code, ref := range op.Responses.Map() {
				if code[0] != '4' && code[0] != '5' && code != "default" {
					continue
				}
				mt := ref.Value.Content.Get("application/json")
				if mt == nil || mt.Schema.Ref != "#/components/schemas/Error" {
					t.Errorf("%s %s: error body is not Error", name, code)
				}
			}
		}
	}
}

// TestNoSecretsInResponses walks every response schema: no password or
// secret anywhere, and token values only where the API mints them.
func TestNoSecretsInResponses(t *testing.T) {
	doc := load(t)
	secret := map[string]bool{"password": true, "secret": true, "client_secret": true}
	minting := map[string]bool{"token": true, "access_token": true, "refresh_token": true, "cert": true}
	for _, r := range routes(t, doc) {
		op := doc.Paths.Find(r.Path).GetOperation(r.Method)
		for code, ref := range op.Responses.Map() {
			for mime, mt := range ref.Value.Content {
				walkProperties(mt.Schema, map[*openapi3.Schema]bool{}, func(prop string) {
					if secret[prop] || minting[prop] && !minted[r.OperationID] {
						t.Errorf("%s %s %s %s: response has property %q", r.Method, r.Path, code, mime, prop)
					}
				})
			}
		}
	}
}

func walkProperties(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool, f func(string)) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	for name, p := range s.Properties {
		f(name)
		walkProperties(p, seen, f)
	}
	for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
		for _, x := range list {
			walkProperties(x, seen, f)
		}
	}
	walkProperties(s.Items, seen, f)
	walkProperties(s.AdditionalProperties.Schema, seen, f)
}

func TestRoutesRejectsBadExtensions(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(doc *openapi3.T)
	}{
		{"unknown placeholder", func(doc *openapi3.T) {
			doc.Paths.Find("/users/{id}").Get.Extensions[ExtPermission] = []any{[]any{"users", "{nope}", "get"}}
		}},
		{"splice of a non-tail", func(doc *openapi3.T) {
			doc.Paths.Find("/users/{id}").Get.Extensions[ExtPermission] = []any{[]any{"{id...}"}}
		}},
		{"tail used whole", func(doc *openapi3.T) {
			doc.Paths.Find("/users/{id}/permissions/{permission}").Put.Extensions[ExtPermission] = []any{[]any{"{permission}"}}
		}},
		{"empty template", func(doc *openapi3.T) {
			doc.Paths.Find("/users/{id}").Get.Extensions[ExtPermission] = []any{[]any{}}
		}},
		{"unknown word", func(doc *openapi3.T) {
			doc.Paths.Find("/users/{id}").Get.Extensions[ExtPermission] = "everyone"
		}},
		{"missing", func(doc *openapi3.T) {
			delete(doc.Paths.Find("/users/{id}").Get.Extensions, ExtPermission)
		}},
		{"public with permission", func(doc *openapi3.T) {
			doc.Paths.Find("/scopes").Get.Extensions[ExtPermission] = []any{[]any{"cloud", "scopes", "list"}}
		}},
		{"secured but none", func(doc *openapi3.T) {
			doc.Paths.Find("/users/{id}").Get.Extensions[ExtPermission] = "none"
		}},
		{"body placeholder in a filter", func(doc *openapi3.T) {
			doc.Paths.Find("/users").Get.Extensions[ExtFilter] = []any{"users", "{body.x}", "get"}
		}},
		{"body placeholder without a field", func(doc *openapi3.T) {
			doc.Paths.Find("/users/{id}").Get.Extensions[ExtPermission] = []any{[]any{"users", "{body.}"}}
		}},
		{"success not a response", func(doc *openapi3.T) {
			doc.Paths.Find("/oauth/auth").Get.Extensions[ExtSuccess] = 201.0
		}},
		{"two successes", func(doc *openapi3.T) {
			delete(doc.Paths.Find("/oauth/auth").Get.Extensions, ExtSuccess)
		}},
		{"duplicate operationId", func(doc *openapi3.T) {
			doc.Paths.Find("/users/{id}").Get.OperationID = "getRole"
		}},
		{"by-body case placeholder", func(doc *openapi3.T) {
			doc.Paths.Find("/orgs/{id}/triggers/{trigger}").Post.Extensions[ExtPermissionByBody] = map[string]any{
				"field": "action", "cases": map[string]any{"join_org": []any{[]any{"orgs", "{target}", "join"}}},
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			doc := load(t)
			c.mutate(doc)
			if _, err := Routes(doc); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Routes: %v, want ErrInvalid", err)
			}
		})
	}
}

func TestAccessString(t *testing.T) {
	for a, want := range map[Access]string{AccessNone: "none", AccessAuth: "auth", AccessPermission: "permission", 0: "Access(0)"} {
		if got := fmt.Sprint(a); got != want {
			t.Errorf("%d: %q, want %q", int(a), got, want)
		}
	}
}
