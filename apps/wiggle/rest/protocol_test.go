package rest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

func TestCORSAndOptions(t *testing.T) {
	e := newEnv(t)
	r := e.must(e.do("OPTIONS", "/api/2/users/"+e.adminID, "", nil), 204)
	if got := r.header.Get("Access-Control-Allow-Methods"); got != "HEAD, OPTIONS, GET, PUT, DELETE" {
		t.Errorf("allow-methods %q", got)
	}
	if r.header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("CORS headers %v", r.header)
	}
	e.must(e.do("OPTIONS", "/api/3/users/"+e.adminID+"/permissions/a/b/c", "", nil), 204)
	e.must(e.do("OPTIONS", "/api/2/nowhere", "", nil), 404)
	// Every answer carries CORS, errors too.
	r = e.must(e.do("GET", "/api/2/users", "", nil), 401)
	if r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("401 without CORS headers")
	}
}

func TestStatusesOutsideOperations(t *testing.T) {
	e := newEnv(t, func(_ *identityOptions, o *Options) { o.MaxBodyBytes = 1024 })
	r := e.must(e.do("PATCH", "/api/2/users", e.adminToken, nil), 405)
	if got := r.header.Get("Allow"); got != "HEAD, OPTIONS, GET, POST" {
		t.Errorf("Allow %q", got)
	}
	e.must(e.do("GET", "/api/2/nothing", e.adminToken, nil), 404)
	e.must(e.do("GET", "/api/4/users", e.adminToken, nil), 404)
	e.must(e.do("GET", "/api/2/users/not-a-uuid", e.adminToken, nil), 400)
	r = e.must(e.do("GET", "/api/2/users", e.adminToken, nil, "Accept: text/html"), 406)
	if r.errorCode(t) != codeNotAcceptable {
		t.Errorf("406 body %s", r.body)
	}
	big := `{"user":"x","password":"` + strings.Repeat("p", 2000) + `"}`
	r = e.must(e.do("POST", "/api/2/users", e.adminToken, []byte(big), "Content-Type: application/json"), 413)
	if r.errorCode(t) != codeInvalid {
		t.Errorf("413 body %s", r.body)
	}
	e.must(e.do("PUT", "/api/2/roles/"+e.adminID, e.adminToken, nil), 400)
}

func TestDocumentServed(t *testing.T) {
	e := newEnv(t)
	for _, v := range []string{"2", "3"} {
		r := e.must(e.do("GET", "/api/"+v+"/openapi.json", "", nil), 200)
		var doc struct {
			OpenAPI string         `json:"openapi"`
			Paths   map[string]any `json:"paths"`
		}
		r.json(t, &doc)
		if doc.OpenAPI != "3.0.3" || doc.Paths["/users/{id}"] == nil {
			t.Fatalf("document: %.200s", r.body)
		}
	}
	e.must(e.do("POST", "/api/2/openapi.json", "", nil), 405)
}

func TestMsgpack(t *testing.T) {
	e := newEnv(t)
	body, err := msgpack.Marshal(map[string]string{"name": "packed"})
	must(t, err)
	id := e.created(e.do("POST", "/api/2/roles", e.adminToken, body, "Content-Type: application/x-msgpack"), "2", "roles")
	r := e.must(e.do("GET", "/api/2/roles/"+id, e.adminToken, nil, "Accept: application/x-msgpack"), 200)
	if r.header.Get("Content-Type") != mimeMsgpack {
		t.Fatalf("Content-Type %q", r.header.Get("Content-Type"))
	}
	var role map[string]any
	must(t, msgpack.Unmarshal(r.body, &role))
	if role["name"] != "packed" || role["uuid"] != id {
		t.Fatalf("role %v", role)
	}
	// Preference by quality; errors follow Accept too.
	r = e.must(e.do("GET", "/api/2/roles/"+id, e.adminToken, nil, "Accept: application/json;q=0.5, application/x-msgpack"), 200)
	if r.header.Get("Content-Type") != mimeMsgpack {
		t.Errorf("q-values: Content-Type %q", r.header.Get("Content-Type"))
	}
	r = e.must(e.do("GET", "/api/2/roles/"+nobodyID, e.adminToken, nil, "Accept: application/x-msgpack"), 404)
	var eb map[string]string
	must(t, msgpack.Unmarshal(r.body, &eb))
	if eb["error"] != codeNotFound || eb["message"] == "" {
		t.Errorf("msgpack error %+v", eb)
	}
	// Metadata with nested values and big integers survives msgpack.
	md, err := msgpack.Marshal(map[string]any{"k": map[string]any{"n": int64(1) << 60, "f": 1.5, "s": []any{"a", true, nil}}})
	must(t, err)
	e.must(e.do("PUT", "/api/2/roles/"+id+"/metadata", e.adminToken, md, "Content-Type: application/x-msgpack"), 204)
	var rj struct{ Metadata json.RawMessage }
	e.must(e.do("GET", "/api/2/roles/"+id, e.adminToken, nil), 200).json(t, &rj)
	got := rj.Metadata
	if string(got) != `{"k":{"f":1.5,"n":1152921504606846976,"s":["a",true,null]}}` {
		t.Errorf("metadata %s", got)
	}
}

func TestFullList(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"r1", "r2", "r3"} {
		e.created(e.do("POST", "/api/2/roles", e.adminToken, map[string]string{"name": n}), "2", "roles")
	}
	var ids []string
	e.must(e.do("GET", "/api/2/roles", e.adminToken, nil), 200).json(t, &ids)
	if len(ids) != 4 { // with the bootstrap's admin role
		t.Fatalf("roles %v", ids)
	}
	for _, q := range []struct{ query, header []string }{
		{[]string{"full-list=true"}, nil},
		{[]string{"full-list=True"}, nil},
		{nil, []string{"X-Full-List: true"}},
	} {
		path := "/api/2/roles"
		if q.query != nil {
			path += "?" + strings.Join(q.query, "&")
		}
		var full []roleJSON
		e.must(e.do("GET", path, e.adminToken, nil, q.header...), 200).json(t, &full)
		if len(full) != 4 || full[0].UUID == "" || full[0].Name == "" {
			t.Fatalf("%v %v: %+v", q.query, q.header, full)
		}
	}
	for _, c := range []struct {
		path string
		hdr  []string
	}{
		{"/api/2/roles?full-list=true&full-list-fields=name,nope", nil},
		{"/api/2/roles", []string{"X-Full-List: true", "X-Full-List-Fields: name"}},
	} {
		var proj []map[string]any
		e.must(e.do("GET", c.path, e.adminToken, nil, c.hdr...), 200).json(t, &proj)
		for _, p := range proj {
			if len(p) != 1 || p["name"] == nil {
				t.Fatalf("projection %v", proj)
			}
		}
	}
	// msgpack full lists are buffered, same content.
	r := e.must(e.do("GET", "/api/2/roles?full-list=true", e.adminToken, nil, "Accept: application/x-msgpack"), 200)
	var packed []map[string]any
	must(t, msgpack.Unmarshal(r.body, &packed))
	if len(packed) != 4 {
		t.Fatalf("msgpack full list %v", packed)
	}
	// Empty full lists are [] (no visible item).
	_, plain := e.newUser("plain", "plain-pw")
	uid := e.sessionUser(plain)
	e.must(e.do("PUT", "/api/2/users/"+uid+"/permissions/cloud/roles/list", e.adminToken, nil), 204)
	r = e.must(e.do("GET", "/api/2/roles?full-list=true", plain, nil), 200)
	if !bytes.Equal(bytes.TrimSpace(r.body), []byte("[]")) {
		t.Fatalf("empty full list %s", r.body)
	}
}

func TestMetadata(t *testing.T) {
	e := newEnv(t)
	for _, coll := range []string{"users", "roles", "orgs", "clients"} {
		var id string
		switch coll {
		case "users":
			id = e.adminID
		case "clients":
			id = e.created(e.do("POST", "/api/2/clients", e.adminToken, map[string]string{"client": "c1", "secret": "s1"}), "2", coll)
		default:
			id = e.created(e.do("POST", "/api/2/"+coll, e.adminToken, map[string]string{"name": "m-" + coll}), "2", coll)
		}
		base := "/api/2/" + coll + "/" + id
		e.must(e.do("PUT", base+"/metadata", e.adminToken, map[string]any{"a": map[string]any{"b": 1, "c": "x"}}), 204)
		e.must(e.do("PUT", base+"/metadata/a/d", e.adminToken, map[string]any{"e": true}), 204)
		e.must(e.do("DELETE", base+"/metadata/a/c", e.adminToken, nil), 204)
		e.must(e.do("PUT", base+"/metadata", e.adminToken, map[string]any{"a": 1, "b": 2}), 400)
		e.must(e.do("PUT", base+"/metadata", e.adminToken, map[string]any{}), 400)
		var obj struct {
			Metadata map[string]any `json:"metadata"`
		}
		e.must(e.do("GET", base, e.adminToken, nil), 200).json(t, &obj)
		got, _ := json.Marshal(obj.Metadata)
		if string(got) != `{"a":{"b":1,"d":{"e":true}}}` {
			t.Errorf("%s metadata %s", coll, got)
		}
	}
}

func TestClients(t *testing.T) {
	e := newEnv(t)
	id := e.created(e.do("POST", "/api/3/clients", e.adminToken, map[string]string{"client": "app", "secret": "app-secret-1"}), "3", "clients")
	e.must(e.do("POST", "/api/2/clients", e.adminToken, map[string]string{"client": "app", "secret": "x"}), 409)
	loc := e.must(e.do("POST", "/api/3/clients/"+id+"/uris", e.adminToken, map[string]string{"uri": "https://app.example/cb"}), 303).header.Get("Location")
	if loc != "/api/3/clients/"+id {
		t.Fatalf("Location %q", loc)
	}
	var c clientJSON
	e.must(e.do("GET", "/api/2/clients/"+id, e.adminToken, nil), 200).json(t, &c)
	if c.Name != "app" || c.Type != "confidential" || len(c.RedirectURIs) != 1 {
		t.Fatalf("client %+v", c)
	}
	var uriID string
	for k := range c.RedirectURIs {
		uriID = k
	}
	e.must(e.do("PUT", "/api/2/clients/"+id+"/permissions/cloud/users/list", e.adminToken, nil), 204)
	e.must(e.do("PUT", "/api/2/clients/"+id+"/permissions/users/_/get", e.adminToken, nil), 204)

	// client_credentials with HTTP Basic: the client acts for itself.
	req, err := http.NewRequest("POST", e.srv.URL+"/api/2/oauth/token", strings.NewReader("grant_type=client_credentials"))
	must(t, err)
	req.Header.Set("Content-Type", mimeForm)
	req.SetBasicAuth("app", "app-secret-1")
	res, err := e.client.Do(req)
	must(t, err)
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	must(t, json.NewDecoder(res.Body).Decode(&tr))
	res.Body.Close()
	if res.StatusCode != 200 || tr.AccessToken == "" || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("client credentials: %d %v", res.StatusCode, res.Header)
	}
	var ids []string
	e.must(e.do("GET", "/api/2/users", tr.AccessToken, nil), 200).json(t, &ids)
	if !slices.Contains(ids, e.adminID) {
		t.Fatalf("the client lists %v", ids)
	}
	e.must(e.do("GET", "/api/2/sessions", tr.AccessToken, nil), 404)
	e.must(e.do("GET", "/api/2/roles", tr.AccessToken, nil), 403)

	e.must(e.do("PUT", "/api/2/clients/"+id, e.adminToken, map[string]string{"secret": "app-secret-2"}), 204)
	r := e.must(e.do("POST", "/api/2/oauth/token", "", urlValues("grant_type", "client_credentials",
		"client_id", "app", "client_secret", "app-secret-1")), 401)
	if r.header.Get("WWW-Authenticate") != "Basic" || r.errorCode(t) != "invalid_client" {
		t.Fatalf("bad secret: %v %s", r.header, r.body)
	}
	e.must(e.do("POST", "/api/2/oauth/token", "", urlValues("grant_type", "client_credentials",
		"client_id", "app", "client_secret", "app-secret-2")), 200)
	e.must(e.do("DELETE", "/api/2/clients/"+id+"/uris/"+uriID, e.adminToken, nil), 204)
	e.must(e.do("DELETE", "/api/2/clients/"+id+"/uris/"+uriID, e.adminToken, nil), 404)
	e.must(e.do("DELETE", "/api/2/clients/"+id+"/permissions/users/_/get", e.adminToken, nil), 204)
	e.must(e.do("DELETE", "/api/2/clients/"+id, e.adminToken, nil), 204)
}

func TestAccounting(t *testing.T) {
	e := newEnv(t)
	org := e.created(e.do("POST", "/api/2/orgs", e.adminToken, map[string]string{"name": "billed"}), "2", "orgs")
	for i, a := range []string{"create", "update", "destroy"} {
		must(t, e.svc.AddAccounting(e.ctx, org, identityAccounting(int64(1000*(i+1)), a)))
	}
	var entries []accountingJSON
	e.must(e.do("GET", "/api/2/orgs/"+org+"/accounting?start=1500&end=3000", e.adminToken, nil), 200).json(t, &entries)
	if len(entries) != 2 || entries[0].Action != "update" || entries[1].Timestamp != 3000 {
		t.Fatalf("entries %+v", entries)
	}
	e.must(e.do("GET", "/api/2/orgs/"+org+"/accounting?start=x&end=1", e.adminToken, nil), 400)
	e.must(e.do("GET", "/api/2/orgs/"+org+"/accounting", e.adminToken, nil), 400)
	e.must(e.do("GET", "/api/2/orgs/"+nobodyID+"/accounting?start=0&end=0", e.adminToken, nil), 404)
}
