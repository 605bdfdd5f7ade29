package openapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

func validator(t testing.TB) *Validator {
	t.Helper()
	v, err := NewValidator(load(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func example(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// edit decodes a JSON object, lets f change it and encodes it again.
func edit(t testing.TB, doc string, f func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func jsonHeader() http.Header {
	return http.Header{"Content-Type": {"application/json"}}
}

type respCase struct {
	name           string
	method, target string
	status         int
	header         http.Header
	body           string
	ok             bool
}

func TestValidateResponse(t *testing.T) {
	v := validator(t)
	user, role, org, client := example(t, "user.json"), example(t, "role.json"), example(t, "org.json"), example(t, "client.json")
	loc := func(s string) http.Header { return http.Header{"Location": {s}} }
	users := "/api/2/users/" + uuidA
	cases := []respCase{
		// Records, and what must not be in them.
		{"user", "GET", users, 200, jsonHeader(), user, true},
		{"user under v3", "GET", "/api/3/users/" + uuidA, 200, jsonHeader(), user, true},
		{"session user", "GET", "/api/2/sessions", 200, jsonHeader(), user, true},
		{"user with password", "GET", users, 200, jsonHeader(),
			edit(t, user, func(m map[string]any) { m["password"] = "secret" }), false},
		{"user with unknown field", "GET", users, 200, jsonHeader(),
			edit(t, user, func(m map[string]any) { m["shoe_size"] = 44 }), false},
		{"user without name", "GET", users, 200, jsonHeader(),
			edit(t, user, func(m map[string]any) { delete(m, "name") }), false},
		{"user token with its value", "GET", users, 200, jsonHeader(),
			edit(t, user, func(m map[string]any) { m["tokens"].([]any)[0].(map[string]any)["token"] = "abc" }), false},
		{"user with a bad active org", "GET", users, 200, jsonHeader(),
			edit(t, user, func(m map[string]any) { m["org"] = "nope" }), false},
		{"user without active org", "GET", users, 200, jsonHeader(),
			edit(t, user, func(m map[string]any) { m["org"] = "" }), true},
		{"user without content type", "GET", users, 200, http.Header{}, user, false},
		{"role", "GET", "/api/2/roles/" + uuidB, 200, jsonHeader(), role, true},
		{"role with unknown field", "GET", "/api/2/roles/" + uuidB, 200, jsonHeader(),
			edit(t, role, func(m map[string]any) { m["members"] = []any{} }), false},
		{"org", "GET", "/api/2/orgs/" + uuidA, 200, jsonHeader(), org, true},
		{"org trigger without target", "GET", "/api/2/orgs/" + uuidA, 200, jsonHeader(),
			edit(t, org, func(m map[string]any) {
				for _, tr := range m["triggers"].(map[string]any) {
					delete(tr.(map[string]any), "target")
				}
			}), false},
		{"client", "GET", "/api/2/clients/" + uuidA, 200, jsonHeader(), client, true},
		{"client with secret", "GET", "/api/2/clients/" + uuidA, 200, jsonHeader(),
			edit(t, client, func(m map[string]any) { m["secret"] = "s3cr3t" }), false},

		// Lists.
		{"uuid list", "GET", "/api/2/users", 200, jsonHeader(), `["` + uuidA + `","` + uuidB + `"]`, true},
		{"empty list", "GET", "/api/2/users", 200, jsonHeader(), `[]`, true},
		{"full list", "GET", "/api/2/users?full-list=true", 200, jsonHeader(), "[" + user + "]", true},
		{"projected full list", "GET", "/api/2/users?full-list=true&full-list-fields=name", 200, jsonHeader(), `[{"name":"admin"}]`, true},
		{"projected list with password", "GET", "/api/2/users", 200, jsonHeader(), `[{"name":"admin","password":"x"}]`, false},
		{"list of non-uuids", "GET", "/api/2/users", 200, jsonHeader(), `["admin"]`, false},
		{"mixed list", "GET", "/api/2/users", 200, jsonHeader(), `["` + uuidA + `",{"name":"a"}]`, false},
		{"roles full list", "GET", "/api/2/roles", 200, jsonHeader(), "[" + role + "]", true},
		{"orgs full list", "GET", "/api/2/orgs", 200, jsonHeader(), "[" + org + "]", true},
		{"clients full list", "GET", "/api/2/clients", 200, jsonHeader(), "[" + client + "]", true},
		{"clients list with secret", "GET", "/api/2/clients", 200, jsonHeader(), `[{"uuid":"` + uuidA + `","secret":"s"}]`, false},

		// Creates: 303 + Location, no body.
		{"create user", "POST", "/api/2/users", 303, loc("/api/2/users/" + uuidA), "", true},
		{"create user v3", "POST", "/api/3/users", 303, loc("/api/3/users/" + uuidA), "", true},
		{"create user without Location", "POST", "/api/2/users", 303, nil, "", false},
		{"create user pointing at a role", "POST", "/api/2/users", 303, loc("/api/2/roles/" + uuidA), "", false},
		{"create user with a body", "POST", "/api/2/users", 303, loc("/api/2/users/" + uuidA), `{"uuid":"x"}`, false},
		{"create user 201", "POST", "/api/2/users", 201, loc("/api/2/users/" + uuidA), "", false},
		{"create user 200", "POST", "/api/2/users", 200, jsonHeader(), user, false},
		{"create role", "POST", "/api/2/roles", 303, loc("/api/2/roles/" + uuidB), "", true},
		{"create org", "POST", "/api/2/orgs", 303, loc("/api/2/orgs/" + uuidB), "", true},
		{"create client", "POST", "/api/2/clients", 303, loc("/api/2/clients/" + uuidB), "", true},
		{"add trigger", "POST", "/api/2/orgs/" + uuidA + "/triggers/vm_create", 303, loc("/api/2/orgs/" + uuidA), "", true},
		{"add uri", "POST", "/api/2/clients/" + uuidA + "/uris", 303, loc("/api/2/clients/" + uuidA), "", true},

		// Updates and deletes: 204, no body.
		{"password", "PUT", users, 204, nil, "", true},
		{"password with body", "PUT", users, 204, jsonHeader(), `{}`, false},
		{"password 200", "PUT", users, 200, jsonHeader(), `{"error":"internal","message":"x"}`, false},
		{"delete user", "DELETE", users, 204, nil, "", true},
		{"grant", "PUT", users + "/permissions/vms/_/get", 204, nil, "", true},

		// Errors.
		{"forbidden", "GET", users, 403, jsonHeader(), `{"error":"forbidden","message":"permission denied"}`, true},
		{"not found", "GET", users, 404, jsonHeader(), `{"error":"not_found","message":"no such user"}`, true},
		{"error without message", "GET", users, 403, jsonHeader(), `{"error":"forbidden"}`, false},
		{"unknown error code", "GET", users, 404, jsonHeader(), `{"error":"gone","message":"x"}`, false},
		{"error with extra field", "GET", users, 404, jsonHeader(), `{"error":"not_found","message":"x","id":1}`, false},
		{"unavailable through default", "GET", users, 503, jsonHeader(), `{"error":"unavailable","message":"no snarl"}`, true},
		{"conflict on key", "PUT", users + "/keys", 409, jsonHeader(), `{"error":"conflict","message":"key registered"}`, true},
		{"not supported", "PUT", "/api/2/roles/" + uuidB, 400, jsonHeader(), `{"error":"not_supported","message":"roles cannot be changed"}`, true},
		{"not supported cannot succeed", "PUT", "/api/2/roles/" + uuidB, 204, nil, "", false},

		// Tokens and friends.
		{"oauth token", "POST", "/api/2/oauth/token", 200, http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}},
			`{"access_token":"a","token_type":"bearer","expires_in":3600,"scope":"*","refresh_token":"r"}`, true},
		{"oauth token without expiry", "POST", "/api/2/oauth/token", 200, jsonHeader(), `{"access_token":"a","token_type":"bearer","scope":"*"}`, false},
		{"oauth invalid client", "POST", "/api/2/oauth/token", 401,
			http.Header{"Content-Type": {"application/json"}, "Www-Authenticate": {"Basic"}},
			`{"error":"invalid_client","error_description":"Client authentication failed."}`, true},
		{"oauth invalid client without challenge", "POST", "/api/2/oauth/token", 401, jsonHeader(), `{"error":"invalid_client"}`, false},
		{"oauth unknown error", "POST", "/api/2/oauth/token", 400, jsonHeader(), `{"error":"bad","error_description":"x"}`, false},
		{"oauth redirect", "POST", "/api/2/oauth/auth", 302, loc("https://client.example/cb?code=c&state=s"), "", true},
		{"oauth login form", "GET", "/api/2/oauth/auth?response_type=code&client_id=c", 200,
			http.Header{"Content-Type": {"text/html"}}, "<html></html>", true},
		{"one time token", "GET", "/api/2/sessions/one_time_token", 200, jsonHeader(), `{"token":"ott","expiery":30}`, true},
		{"one time token spelled right", "GET", "/api/2/sessions/one_time_token", 200, jsonHeader(), `{"token":"ott","expiry":30}`, false},
		{"api token", "POST", users + "/tokens", 200, jsonHeader(), `{"token":"t","token-id":"` + uuidB + `"}`, true},
		{"client cert", "POST", users + "/tokens", 200, jsonHeader(), `{"cert":"-----BEGIN CERTIFICATE-----","token-id":"i"}`, true},
		{"permission allowed", "GET", users + "/permissions/vms/_/get", 200, jsonHeader(), `{"ok":"allowed"}`, true},
		{"permission forbidden", "GET", users + "/permissions/vms/_/get", 200, jsonHeader(), `{"error":"forbidden"}`, true},
		{"scopes", "GET", "/api/2/scopes", 200, jsonHeader(), `[{"scope":"*","description":"Everything","default":true}]`, true},
		{"connection", "GET", "/api/2/cloud/connection", 200, jsonHeader(), `{"sniffle":1,"snarl":1}`, true},
		{"cloud", "GET", "/api/2/cloud", 200, jsonHeader(),
			`{"versions":{"wiggle":"0.1.0","snarl":"0.1.0"},"metrics":[],"warnings":[{"category":"sniffle","element":"all","message":"The Sniffle subsystem could not be reached."}]}`, true},
		{"accounting", "GET", "/api/2/orgs/" + uuidA + "/accounting?start=0&end=10", 200, jsonHeader(),
			`[{"action":"create","metadata":{},"resource":"` + uuidB + `","timestamp":1467883200000000}]`, true},
		{"accounting bad action", "GET", "/api/2/orgs/" + uuidA + "/accounting?start=0&end=10", 200, jsonHeader(),
			`[{"action":"explode","resource":"` + uuidB + `","timestamp":1}]`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.target, nil)
			err := v.ValidateResponse(req, c.status, c.header, []byte(c.body))
			if c.ok && err != nil {
				t.Fatalf("want valid, got %v", err)
			}
			if !c.ok {
				var re *openapi3filter.ResponseError
				if !errors.As(err, &re) {
					t.Fatalf("want a ResponseError, got %v", err)
				}
			}
		})
	}
}

type reqCase struct {
	name           string
	method, target string
	header         http.Header
	body           string
	want           string // "" valid, "request", "security", "msgpack"
}

func bearer(extra ...string) http.Header {
	h := http.Header{"Authorization": {"Bearer tkn"}, "Content-Type": {"application/json"}}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return h
}

func TestValidateRequest(t *testing.T) {
	v := validator(t)
	users := "/api/2/users/" + uuidA
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	cases := []reqCase{
		{"create user", "POST", "/api/2/users", bearer(), `{"user":"a","password":"b"}`, ""},
		{"create user without token", "POST", "/api/2/users", http.Header{"Content-Type": {"application/json"}}, `{"user":"a","password":"b"}`, "security"},
		{"create user with basic", "POST", "/api/2/users", bearer("Authorization", "Basic eDp5"), `{"user":"a","password":"b"}`, "security"},
		{"create user with extra key", "POST", "/api/2/users", bearer(), `{"user":"a","password":"b","admin":true}`, "request"},
		{"create user without password", "POST", "/api/2/users", bearer(), `{"user":"a"}`, "request"},
		{"create user without content type", "POST", "/api/2/users", http.Header{"Authorization": {"Bearer t"}}, `{"user":"a","password":"b"}`, ""},
		{"create user as msgpack", "POST", "/api/2/users", bearer("Content-Type", "application/x-msgpack"), "\x82", "msgpack"},
		{"create user without body", "POST", "/api/2/users", bearer(), "", "request"},
		{"get user", "GET", users, bearer(), "", ""},
		{"get non-uuid user", "GET", "/api/2/users/admin", bearer(), "", "request"},
		{"list full", "GET", "/api/2/users?full-list=True&full-list-fields=uuid,name", bearer(), "", ""},
		{"list full by header", "GET", "/api/2/users", bearer("X-Full-List", "true", "X-Full-List-Fields", "uuid,name"), "", ""},
		{"list with bad full-list", "GET", "/api/2/users?full-list=maybe", bearer(), "", "request"},
		{"password", "PUT", users, bearer(), `{"password":"p"}`, ""},
		{"password with name", "PUT", users, bearer(), `{"password":"p","name":"n"}`, "request"},
		{"grant", "PUT", users + "/permissions/vms/_/get", bearer(), "", ""},
		{"join org", "PUT", users + "/orgs/" + uuidB, bearer(), "", ""},
		{"join org active", "PUT", users + "/orgs/" + uuidB, bearer(), `{"active":true}`, ""},
		{"join org inactive", "PUT", users + "/orgs/" + uuidB, bearer(), `{"active":false}`, "request"},
		{"join non-uuid org", "PUT", users + "/orgs/default", bearer(), "", "request"},

		// SSH keys: one key, named by ^[a-zA-Z@_.,-]+$, three fields.
		{"key", "PUT", users + "/keys", bearer(), `{"me@laptop":"ssh-ed25519 AAAAC3Nz me@laptop"}`, ""},
		{"key with bad name", "PUT", users + "/keys", bearer(), `{"my laptop":"ssh-ed25519 AAAAC3Nz me@laptop"}`, "request"},
		{"key with digits in name", "PUT", users + "/keys", bearer(), `{"laptop2":"ssh-ed25519 AAAAC3Nz me@laptop"}`, "request"},
		{"key without comment", "PUT", users + "/keys", bearer(), `{"laptop":"ssh-ed25519 AAAAC3Nz"}`, "request"},
		{"two keys", "PUT", users + "/keys", bearer(), `{"a":"x y z","b":"x y z"}`, "request"},
		{"no key", "PUT", users + "/keys", bearer(), `{}`, "request"},
		{"yubikey", "PUT", users + "/yubikeys", bearer(), `{"otp":"cccccchbkrgbvhfvgjhdkbihtlkdrkhltjvkjrlgrkbj"}`, ""},
		{"yubikey short otp", "PUT", users + "/yubikeys", bearer(), `{"otp":"ccccc"}`, "request"},
		{"api token", "POST", users + "/tokens", bearer(), `{"comment":"ci","scope":["*"]}`, ""},
		{"cert token", "POST", users + "/tokens", bearer(), `{"comment":"ci","csr":"-----BEGIN","scope":["*"]}`, ""},
		{"token without scope", "POST", users + "/tokens", bearer(), `{"comment":"ci"}`, "request"},
		{"metadata", "PUT", users + "/metadata/cerberus", bearer(), `{"ui":{"theme":"dark"}}`, ""},
		{"metadata root", "PUT", users + "/metadata", bearer(), `{"a":1}`, ""},
		{"metadata two keys", "PUT", users + "/metadata", bearer(), `{"a":1,"b":2}`, "request"},
		{"metadata no key", "PUT", users + "/metadata/x", bearer(), `{}`, "request"},
		{"delete metadata", "DELETE", users + "/metadata/cerberus/ui", bearer(), "", ""},

		// Orgs.
		{"trigger role grant", "POST", "/api/2/orgs/" + uuidA + "/triggers/vm_create", bearer(),
			`{"action":"role_grant","base":"vms","permission":["..."],"target":"` + uuidB + `"}`, ""},
		{"trigger join org", "POST", "/api/2/orgs/" + uuidA + "/triggers/user_create", bearer(),
			`{"action":"join_org","target":"` + uuidB + `"}`, ""},
		{"trigger grant without base", "POST", "/api/2/orgs/" + uuidA + "/triggers/vm_create", bearer(),
			`{"action":"user_grant","permission":["..."],"target":"` + uuidB + `"}`, "request"},
		{"trigger unknown action", "POST", "/api/2/orgs/" + uuidA + "/triggers/vm_create", bearer(),
			`{"action":"explode","target":"` + uuidB + `"}`, "request"},
		{"trigger unknown event", "POST", "/api/2/orgs/" + uuidA + "/triggers/vm_destroy", bearer(),
			`{"action":"join_org","target":"` + uuidB + `"}`, "request"},
		{"delete trigger", "DELETE", "/api/2/orgs/" + uuidA + "/triggers/" + uuidB, bearer(), "", ""},
		{"resource inc", "PUT", "/api/2/orgs/" + uuidA + "/resources/vms", bearer(), `{"inc":2}`, ""},
		{"resource zero", "PUT", "/api/2/orgs/" + uuidA + "/resources/vms", bearer(), `{"dec":0}`, "request"},
		{"resource both", "PUT", "/api/2/orgs/" + uuidA + "/resources/vms", bearer(), `{"inc":1,"dec":1}`, "request"},
		{"docker network", "PUT", "/api/2/orgs/" + uuidA + "/docker/networks/private", bearer(), `{"network":"` + uuidB + `"}`, ""},
		{"docker network scope", "PUT", "/api/2/orgs/" + uuidA + "/docker/networks/shared", bearer(), `{"network":"` + uuidB + `"}`, "request"},
		{"accounting", "GET", "/api/2/orgs/" + uuidA + "/accounting?start=1&end=2", bearer(), "", ""},
		{"accounting without end", "GET", "/api/2/orgs/" + uuidA + "/accounting?start=1", bearer(), "", "request"},
		{"create org", "POST", "/api/3/orgs", bearer(), `{"name":"o"}`, ""},

		// Clients.
		{"create client", "POST", "/api/2/clients", bearer(), `{"client":"c","secret":"s"}`, ""},
		{"create client without secret", "POST", "/api/2/clients", bearer(), `{"client":"c"}`, "request"},
		{"client uri", "POST", "/api/2/clients/" + uuidA + "/uris", bearer(), `{"uri":"https://x"}`, ""},
		{"delete client uri", "DELETE", "/api/2/clients/" + uuidA + "/uris/0a1b2c3d4e5f6789", bearer(), "", ""},
		{"delete client uri by value", "DELETE", "/api/2/clients/" + uuidA + "/uris/https", bearer(), "", "request"},

		// OAuth and public routes.
		{"password grant", "POST", "/api/2/oauth/token", form, "grant_type=password&username=u&password=p&client_id=c", ""},
		{"password grant without password", "POST", "/api/2/oauth/token", form, "grant_type=password&username=u", "request"},
		{"client credentials with basic", "POST", "/api/2/oauth/token",
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Basic Yzpz"}}, "grant_type=client_credentials", ""},
		{"code grant", "POST", "/api/2/oauth/token", form, "grant_type=authorization_code&code=x&redirect_uri=https://c", ""},
		{"refresh grant", "POST", "/api/2/oauth/token", form, "grant_type=refresh_token&refresh_token=r", ""},
		{"unknown grant", "POST", "/api/2/oauth/token", form, "grant_type=magic", "request"},
		{"authorize form", "GET", "/api/2/oauth/auth?response_type=code&client_id=c&redirect_uri=https://c&state=s", nil, "", ""},
		{"authorize", "POST", "/api/2/oauth/auth", form, "response_type=token&client_id=c&username=u&password=p", ""},
		{"second factor", "POST", "/api/2/oauth/2fa", form, "fifo_otp_token=t&fifo_otp=o", ""},
		{"scopes", "GET", "/api/2/scopes", nil, "", ""},
		{"connection", "GET", "/api/2/cloud/connection", nil, "", ""},
		{"cloud without token", "GET", "/api/2/cloud", nil, "", "security"},
		{"one time token", "GET", "/api/2/sessions/one_time_token", bearer(), "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
			for k, vs := range c.header {
				req.Header[k] = vs
			}
			err := v.ValidateRequest(req)
			var reqErr *openapi3filter.RequestError
			var secErr *openapi3filter.SecurityRequirementsError
			switch c.want {
			case "":
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
			case "request":
				if !errors.As(err, &reqErr) {
					t.Fatalf("want a RequestError, got %v", err)
				}
			case "security":
				if !errors.As(err, &secErr) || !errors.Is(err, ErrNoCredentials) {
					t.Fatalf("want a SecurityRequirementsError for missing credentials, got %v", err)
				}
			case "msgpack":
				if !errors.Is(err, ErrMsgpack) {
					t.Fatalf("want ErrMsgpack, got %v", err)
				}
			}
			// The body is still there for the handler.
			if b, _ := io.ReadAll(req.Body); string(b) != c.body {
				t.Fatalf("body after validation %q, want %q", b, c.body)
			}
		})
	}
}

func TestValidateUnroutable(t *testing.T) {
	v := validator(t)
	if v.Router() == nil {
		t.Fatal("no router")
	}
	req := httptest.NewRequest("GET", "/api/2/nothing", nil)
	if err := v.ValidateRequest(req); err == nil {
		t.Fatal("validated a request for an unknown path")
	}
	if err := v.ValidateResponse(req, 200, jsonHeader(), []byte("[]")); err == nil {
		t.Fatal("validated a response for an unknown path")
	}
}

// TestValidatorConcurrent backs the "safe for concurrent use" claim (run
// with -race).
func TestValidatorConcurrent(t *testing.T) {
	v := validator(t)
	user := example(t, "user.json")
	done := make(chan error)
	for i := range 4 {
		go func() {
			var err error
			for range 20 {
				req := httptest.NewRequest("PUT", "/api/2/users/"+uuidA+"/keys", strings.NewReader(`{"k":"a b c"}`))
				req.Header.Set("Authorization", "Bearer t")
				if err = v.ValidateRequest(req); err != nil {
					break
				}
				get := httptest.NewRequest("GET", "/api/"+Versions()[i%2]+"/users/"+uuidA, nil)
				if err = v.ValidateResponse(get, 200, jsonHeader(), []byte(user)); err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
