package rest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/wiggle/openapi"
)

// Fixtures of the route walk.
const (
	walkSSHKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl walk@host"
	walkOTP    = "ccccccbcgujhingjrdejhgfnuetrgigvejhhgbkugded"
	walkURI    = "https://client.example/cb"
	nobodyID   = "00000000-0000-4000-8000-000000000000"
)

// walkFixture is an env with one object of every kind and a user who
// holds no permission at all.
type walkFixture struct {
	*env
	user, role, org, client string
	plainToken              string
	apiKeyID, triggerID     string
	adminExtra              string // a second admin token, for deleteSession
	cloud                   walkCloud
}

func newWalkFixture(t *testing.T) *walkFixture {
	t.Helper()
	e := newCloudEnv(t)
	f := &walkFixture{env: e}
	ctx := e.ctx
	var err error
	f.user, f.plainToken = e.newUser("plain", "plain-pw")
	f.role, err = e.svc.CreateRole(ctx, "walkrole")
	must(t, err)
	f.org, err = e.svc.CreateOrg(ctx, "walkorg")
	must(t, err)
	f.client, err = e.svc.CreateClient(ctx, "walkclient", "walk-client-secret")
	must(t, err)
	must(t, e.svc.AddRedirectURI(ctx, f.client, walkURI))
	must(t, e.svc.AddSSHKey(ctx, f.user, "laptop", walkSSHKey))
	must(t, e.svc.AddYubikey(ctx, f.user, walkOTP))
	must(t, e.svc.JoinRole(ctx, f.user, f.role))
	must(t, e.svc.JoinOrg(ctx, f.user, f.org, false))
	for _, k := range []identity.Kind{identity.Users, identity.Roles, identity.Orgs, identity.Clients} {
		id := map[identity.Kind]string{identity.Users: f.user, identity.Roles: f.role, identity.Orgs: f.org, identity.Clients: f.client}[k]
		must(t, e.svc.SetMetadata(ctx, k, id, []string{"public", "a", "b"}, "c"))
		if k != identity.Orgs {
			must(t, e.svc.Grant(ctx, k, id, []string{"walk", "_", "get"}))
		}
	}
	key, err := e.svc.CreateAPIKey(ctx, f.user, "walk", nil)
	must(t, err)
	f.apiKeyID = key.ID
	f.triggerID, err = e.svc.AddTrigger(ctx, f.org, identity.OrgTrigger{Event: "user_create", Action: "join_role", Target: f.role})
	must(t, err)
	f.adminExtra = e.login("admin", adminPassword)
	f.cloud = newWalkCloud(t, e, f.org)
	return f
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// target is the concrete path of r in version v, and a valid body.
func (f *walkFixture) target(t *testing.T, doc *openapi3.T, r openapi.Route, v string) (string, any) {
	t.Helper()
	coll := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")[0]
	wc := f.cloud
	id := map[string]string{"users": f.user, "roles": f.role, "orgs": f.org, "clients": f.client,
		"hypervisors": wc.hv, "vms": wc.vm, "datasets": wc.dataset, "packages": wc.pkg, "networks": wc.network,
		"ipranges": wc.spareRange, "groupings": wc.cluster, "dtraces": wc.dtrace}[coll]
	params := map[string]string{
		"id": id, "role": f.role, "org": f.org, "permission": "walk/_/get", "path": "a/b",
		"key": "laptop", "resource": "ram", "scope": "public", "uri": identity.URIID(walkURI),
		"trigger": f.triggerID, "token": f.apiKeyID,
		"snap": wc.snap, "mac": wc.mac, "nic": "net0", "backup": nobodyID, "rule": "42",
		"iprange": wc.vmRange, "ip": "10.1.0.200", "element": wc.vm, "grouping": wc.stack,
	}
	switch r.OperationID {
	case "createOrgTrigger":
		params["trigger"] = "user_create"
	case "deleteSession":
		params["token"] = url.PathEscape(f.adminExtra)
	case "deleteUserYubikey":
		params["key"] = walkOTP[:12]
	case "putDatasetManifest", "postDatasetManifest":
		params["id"] = walkNewDataset
	case "addNetworkIPRange":
		params["iprange"] = wc.spareRange
	}
	path := r.Path
	for k, val := range params {
		path = strings.ReplaceAll(path, "{"+k+"}", val)
	}
	if strings.Contains(path, "{") {
		t.Fatalf("%s: unfilled parameter in %s", r.OperationID, path)
	}
	path = "/api/" + v + path
	body, ok := map[string]any{
		"oauthToken": url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {adminPassword}},
		"oauthAuthorize": url.Values{"response_type": {"code"}, "client_id": {"walkclient"}, "redirect_uri": {walkURI},
			"username": {"admin"}, "password": {adminPassword}},
		"oauth2fa":              url.Values{"fifo_otp_token": {"x"}, "fifo_otp": {walkOTP}},
		"createUser":            map[string]string{"user": "walker" + v, "password": "walker-pw"},
		"changeUserPassword":    map[string]string{"password": "plain-pw2"},
		"joinUserOrg":           map[string]bool{"active": true},
		"addUserKey":            map[string]string{"other": strings.Replace(walkSSHKey, "AAAAIOMq", "AAAAIOMr", 1)},
		"addUserYubikey":        map[string]string{"otp": "ccccccdddddd" + walkOTP[12:]},
		"createUserToken":       map[string]any{"comment": "walk", "scope": []string{"*"}},
		"setUserMetadata":       map[string]any{"k": map[string]any{"n": 1}},
		"setUserMetadataPath":   map[string]any{"k": "v"},
		"createRole":            map[string]string{"name": "walker" + v},
		"setRoleMetadata":       map[string]any{"k": "v"},
		"setRoleMetadataPath":   map[string]any{"k": "v"},
		"createOrg":             map[string]string{"name": "walker" + v},
		"createOrgTrigger":      map[string]string{"action": "join_role", "target": f.role},
		"changeOrgResource":     map[string]int{"inc": 2},
		"setOrgDockerNetwork":   map[string]string{"network": nobodyID},
		"setOrgMetadata":        map[string]any{"k": "v"},
		"setOrgMetadataPath":    map[string]any{"k": "v"},
		"createClient":          map[string]string{"client": "walker" + v, "secret": "walker-secret"},
		"changeClientSecret":    map[string]string{"secret": "walk-client-secret2"},
		"addClientURI":          map[string]string{"uri": "https://other.example/cb"},
		"setClientMetadata":     map[string]any{"k": "v"},
		"setClientMetadataPath": map[string]any{"k": "v"},
	}[r.OperationID]
	if b, ok2 := walkCloudBodies(f, v)[r.OperationID]; ok2 {
		body, ok = b, true
	}
	if hasBody(doc, r) && !ok {
		t.Fatalf("%s has a request body but the walk has no example", r.OperationID)
	}
	if r.OperationID == "oauthAuthorizeForm" {
		path += "?" + url.Values{"response_type": {"code"}, "client_id": {"walkclient"}, "redirect_uri": {walkURI},
			"username": {"admin"}, "password": {adminPassword}}.Encode()
	}
	if r.OperationID == "oauth2faForm" {
		path += "?fifo_otp_token=x"
	}
	if r.OperationID == "getOrgAccounting" {
		path += "?start=0&end=0"
	}
	return path, body
}

// hasBody reports whether r's operation takes a request body.
func hasBody(doc *openapi3.T, r openapi.Route) bool {
	return doc.Paths.Value(r.Path).GetOperation(r.Method).RequestBody != nil
}

// malformed are bodies no operation accepts: broken JSON, the wrong JSON
// type, bad msgpack, non-UTF-8.
var malformed = []struct {
	name, ctype string
	body        []byte
}{
	{"truncated json", mimeJSON, []byte(`{"a":`)},
	{"json array", mimeJSON, []byte(`[]`)},
	{"json string", mimeJSON, []byte(`"x"`)},
	{"json number", mimeJSON, []byte(`42`)},
	{"json null", mimeJSON, []byte(`null`)},
	{"two values", mimeJSON, []byte(`{} {}`)},
	{"not utf-8", mimeJSON, []byte("{\"k\":\"\xff\"}")},
	{"no content type", "", []byte(`{"a`)},
	{"msgpack reserved byte", mimeMsgpack, []byte{0xc1}},
	{"msgpack truncated map", mimeMsgpack, []byte{0x81, 0xa1}},
	{"msgpack array", mimeMsgpack, []byte{0x90}},
	{"msgpack int key", mimeMsgpack, []byte{0x81, 0x01, 0x01}},
	{"msgpack ext", mimeMsgpack, []byte{0xd4, 0x01, 0x01}},
	{"msgpack huge array header", mimeMsgpack, []byte{0xdd, 0xff, 0xff, 0xff, 0xff}},
	{"msgpack deep", mimeMsgpack, []byte(strings.Repeat("\x91", 10000))},
}

// TestEveryRoute walks every operation of the document in both versions:
// without a token it is 401 (if it needs one), with a token that lacks
// the permission 403, with malformed bodies 400 and a JSON error, and
// with the admin's token and a valid request its success status. Every
// answer is checked against the document by the test client, and none is
// a 5xx.
func TestEveryRoute(t *testing.T) {
	doc, err := openapi.Load()
	must(t, err)
	routes, err := openapi.Routes(doc)
	must(t, err)
	if len(routes) != 168 {
		t.Fatalf("%d routes, want the 168 operations (67 identity, 101 cloud)", len(routes))
	}
	for _, r := range routes {
		t.Run(r.OperationID, func(t *testing.T) {
			f := newWalkFixture(t)
			for _, v := range openapi.Versions() {
				f.t = t
				path, body := f.target(t, doc, r, v)

				if r.Auth {
					res := f.do(r.Method, path, "", body)
					if res.status != http.StatusUnauthorized || res.header.Get("WWW-Authenticate") == "" {
						t.Errorf("v%s without a token: %d %s, want 401 with WWW-Authenticate", v, res.status, res.body)
					}
					if res := f.do(r.Method, path, "not-a-token", body); res.status != http.StatusUnauthorized {
						t.Errorf("v%s with a bad token: %d, want 401", v, res.status)
					}
				}
				if r.Access == openapi.AccessPermission {
					if res := f.do(r.Method, path, f.plainToken, body); res.status != http.StatusForbidden {
						t.Errorf("v%s without the permission: %d %s, want 403", v, res.status, res.body)
					}
				}
				if hasBody(doc, r) {
					for _, m := range malformed {
						hdr := []string{}
						if m.ctype != "" {
							hdr = append(hdr, "Content-Type: "+m.ctype)
						}
						res := f.do(r.Method, path, f.adminToken, m.body, hdr...)
						if res.status != http.StatusBadRequest {
							t.Errorf("v%s %s body: %d %s, want 400", v, m.name, res.status, res.body)
						}
					}
				}

				res := f.do(r.Method, path, f.adminToken, body)
				want := r.Success
				switch {
				case r.Success == 0:
					want = http.StatusBadRequest
				case r.OperationID == "oauth2fa":
					want = http.StatusForbidden // no login is pending under "x"
				case r.OperationID == "getVMBackup":
					want = http.StatusNotFound // backups are not supported: none exist
				case v != "2" && r.Method != http.MethodGet:
					// The v2 call changed the fixture (deleted it, took
					// the name): any declared answer will do.
					continue
				}
				if res.status != want {
					t.Errorf("v%s with the admin's token: %d %s, want %d", v, res.status, res.body, want)
				}
			}
		})
	}
}
