package rest

import (
	"net/url"
	"slices"
	"testing"

	"github.com/fifogo/fifo/apps/snarl/identity"
)

// TestEndToEnd walks FiFo's identity workflows over real HTTP against the
// real identity service: log in, create users, grant and revoke, join and
// leave roles and orgs, org triggers, API keys, one-time tokens.
func TestEndToEnd(t *testing.T) {
	e := newEnv(t)
	for _, v := range []string{"2", "3"} {
		t.Run("api"+v, func(t *testing.T) {
			e.t = t
			base := "/api/" + v

			// The admin's own session.
			var me userJSON
			e.must(e.do("GET", base+"/sessions", e.adminToken, nil), 200).json(t, &me)
			if me.Name != "admin" || me.UUID != e.adminID || me.Org == "" {
				t.Fatalf("session user %+v", me)
			}

			// Create a user: 303 to it; GET follows.
			bob := e.created(e.do("POST", base+"/users", e.adminToken,
				map[string]string{"user": "bob" + v, "password": "bob-pw-" + v}), v, "users")
			u := e.user(bob)
			if u.Name != "bob"+v || len(u.Permissions) != 0 {
				t.Fatalf("new user %+v", u)
			}
			e.must(e.do("POST", base+"/users", e.adminToken,
				map[string]string{"user": "bob" + v, "password": "x"}), 409)
			bobToken := e.login("bob"+v, "bob-pw-"+v)

			// Bob may see himself only with users/<bob>/get.
			e.must(e.do("GET", base+"/users/"+bob, bobToken, nil), 403)
			e.must(e.do("PUT", base+"/users/"+bob+"/permissions/users/"+bob+"/get", e.adminToken, nil), 204)
			e.must(e.do("GET", base+"/users/"+bob, bobToken, nil), 200)
			var allowed map[string]string
			e.must(e.do("GET", base+"/users/"+bob+"/permissions/users/"+bob+"/get", bobToken, nil), 200).json(t, &allowed)
			if allowed["ok"] != "allowed" {
				t.Fatalf("permission test: %v", allowed)
			}
			allowed = nil
			e.must(e.do("GET", base+"/users/"+bob+"/permissions/users/"+bob+"/delete", bobToken, nil), 200).json(t, &allowed)
			if allowed["error"] != "forbidden" {
				t.Fatalf("permission test: %v", allowed)
			}
			// Lists need cloud/users/list and show only what bob may get.
			e.must(e.do("GET", base+"/users", bobToken, nil), 403)
			e.must(e.do("PUT", base+"/users/"+bob+"/permissions/cloud/users/list", e.adminToken, nil), 204)
			var ids []string
			e.must(e.do("GET", base+"/users", bobToken, nil), 200).json(t, &ids)
			if !slices.Equal(ids, []string{bob}) {
				t.Fatalf("bob lists %v, want only himself", ids)
			}
			e.must(e.do("GET", base+"/users", e.adminToken, nil), 200).json(t, &ids)
			if !slices.Contains(ids, bob) || !slices.Contains(ids, e.adminID) {
				t.Fatalf("admin lists %v", ids)
			}
			// Revoke: takes effect at once (the caches are emptied).
			e.must(e.do("DELETE", base+"/users/"+bob+"/permissions/users/"+bob+"/get", e.adminToken, nil), 204)
			e.must(e.do("GET", base+"/users/"+bob, bobToken, nil), 403)
			// Granting needs the granted permission itself: bob holds
			// users/<bob>/grant and cloud/users/list, but not vms/x/get.
			e.must(e.do("PUT", base+"/users/"+bob+"/permissions/users/"+bob+"/grant", e.adminToken, nil), 204)
			e.must(e.do("PUT", base+"/users/"+bob+"/permissions/vms/x/get", bobToken, nil), 403)
			e.must(e.do("PUT", base+"/users/"+bob+"/permissions/cloud/users/list", bobToken, nil), 204)

			// Roles: create, grant, join, leave.
			role := e.created(e.do("POST", base+"/roles", e.adminToken, map[string]string{"name": "ops" + v}), v, "roles")
			e.must(e.do("PUT", base+"/roles/"+role+"/permissions/users/"+bob+"/get", e.adminToken, nil), 204)
			// Granting to a role needs ["permissions", <list>, "grant"],
			// which only a wildcard matches: bob's users/<bob>/grant is not
			// enough, a literal grant of the path cannot be made.
			e.must(e.do("PUT", base+"/users/"+bob+"/permissions/roles/"+role+"/grant", e.adminToken, nil), 204)
			e.must(e.do("PUT", base+"/roles/"+role+"/permissions/users/"+bob+"/get", bobToken, nil), 403)
			e.must(e.do("PUT", base+"/users/"+bob+"/roles/"+role, e.adminToken, nil), 204)
			if u := e.user(bob); !slices.Contains(u.Roles, role) {
				t.Fatalf("bob's roles %v lack %s", u.Roles, role)
			}
			e.must(e.do("GET", base+"/users/"+bob, bobToken, nil), 200) // through the role
			e.must(e.do("DELETE", base+"/users/"+bob+"/roles/"+role, e.adminToken, nil), 204)
			e.must(e.do("GET", base+"/users/"+bob, bobToken, nil), 403)
			e.must(e.do("PUT", base+"/users/"+bob+"/roles/00000000-0000-4000-8000-000000000000", e.adminToken, nil), 404)
			var rj roleJSON
			e.must(e.do("GET", base+"/roles/"+role, e.adminToken, nil), 200).json(t, &rj)
			if len(rj.Permissions) != 1 || !slices.Equal(rj.Permissions[0], []string{"users", bob, "get"}) {
				t.Fatalf("role permissions %v", rj.Permissions)
			}
			e.must(e.do("DELETE", base+"/roles/"+role+"/permissions/users/"+bob+"/get", e.adminToken, nil), 204)

			// Orgs: join with {} and {"active": true}, leave.
			org := e.created(e.do("POST", base+"/orgs", e.adminToken, map[string]string{"name": "acme" + v}), v, "orgs")
			e.must(e.do("PUT", base+"/users/"+bob+"/orgs/"+org, e.adminToken, map[string]any{}), 204)
			if u := e.user(bob); !slices.Contains(u.Orgs, org) || u.Org != "" {
				t.Fatalf("bob after join: orgs %v active %q", u.Orgs, u.Org)
			}
			e.must(e.do("PUT", base+"/users/"+bob+"/orgs/"+org, e.adminToken, map[string]any{"active": true}), 204)
			if u := e.user(bob); u.Org != org {
				t.Fatalf("bob's active org %q, want %s", u.Org, org)
			}
			e.must(e.do("DELETE", base+"/users/"+bob+"/orgs/"+org, e.adminToken, nil), 204)
			if u := e.user(bob); slices.Contains(u.Orgs, org) || u.Org != "" {
				t.Fatalf("bob after leave: orgs %v active %q", u.Orgs, u.Org)
			}

			// Org triggers fire on user creation in the creator's active
			// org: the new user joins a role, and the admin is granted
			// users/<new>/... .
			defOrg := me.Org
			trigRole := e.created(e.do("POST", base+"/roles", e.adminToken, map[string]string{"name": "newcomers" + v}), v, "roles")
			loc := e.must(e.do("POST", base+"/orgs/"+defOrg+"/triggers/user_create", e.adminToken,
				map[string]any{"action": "join_role", "target": trigRole}), 303).header.Get("Location")
			if loc != base+"/orgs/"+defOrg {
				t.Fatalf("trigger Location %q", loc)
			}
			e.must(e.do("POST", base+"/orgs/"+defOrg+"/triggers/user_create", e.adminToken,
				map[string]any{"action": "user_grant", "base": "users", "permission": []string{"..."}, "target": e.adminID}), 303)
			var oj orgJSON
			e.must(e.do("GET", base+"/orgs/"+defOrg, e.adminToken, nil), 200).json(t, &oj)
			found := false
			for _, tr := range oj.Triggers {
				if tr.Action == "user_grant" && tr.Target == e.adminID {
					found = true
					if !slices.Equal(tr.Permission, []string{"users", "$", "..."}) || tr.Trigger != "user_create" {
						t.Fatalf("stored trigger %+v", tr)
					}
				}
			}
			if !found {
				t.Fatalf("org triggers %+v lack the user_grant", oj.Triggers)
			}
			carol := e.created(e.do("POST", base+"/users", e.adminToken,
				map[string]string{"user": "carol" + v, "password": "carol-pw"}), v, "users")
			if u := e.user(carol); !slices.Contains(u.Roles, trigRole) {
				t.Fatalf("carol's roles %v lack the trigger's %s", u.Roles, trigRole)
			}
			if a := e.user(e.adminID); !slices.ContainsFunc(a.Permissions, func(p []string) bool {
				return slices.Equal(p, []string{"users", carol, "..."})
			}) {
				t.Fatalf("admin permissions %v lack users/%s/...", a.Permissions, carol)
			}
			// Adding a trigger needs the target's grant too: bob may edit
			// the org but may not make users join the role.
			e.must(e.do("PUT", base+"/users/"+bob+"/permissions/orgs/"+defOrg+"/edit", e.adminToken, nil), 204)
			e.must(e.do("POST", base+"/orgs/"+defOrg+"/triggers/user_create", bobToken,
				map[string]any{"action": "join_role", "target": trigRole}), 403)
			var lastID string
			for id, tr := range oj.Triggers {
				if tr.Trigger == "user_create" {
					e.must(e.do("DELETE", base+"/orgs/"+defOrg+"/triggers/"+id, e.adminToken, nil), 204)
					lastID = id
				}
			}
			e.must(e.do("DELETE", base+"/orgs/"+defOrg+"/triggers/"+lastID, e.adminToken, nil), 404)

			// Resources and docker networks.
			e.must(e.do("PUT", base+"/orgs/"+org+"/resources/ram", e.adminToken, map[string]int{"inc": 5}), 204)
			e.must(e.do("PUT", base+"/orgs/"+org+"/resources/ram", e.adminToken, map[string]int{"dec": 2}), 204)
			e.must(e.do("PUT", base+"/orgs/"+org+"/resources/ram", e.adminToken, map[string]int{"dec": 0}), 400)
			e.must(e.do("PUT", base+"/orgs/"+org+"/docker/networks/public", e.adminToken,
				map[string]string{"network": "11111111-2222-4333-8444-555555555555"}), 204)
			oj = orgJSON{}
			e.must(e.do("GET", base+"/orgs/"+org, e.adminToken, nil), 200).json(t, &oj)
			if oj.Resources["ram"] != 3 || oj.Docker == nil || oj.Docker.Public != "11111111-2222-4333-8444-555555555555" {
				t.Fatalf("org %+v", oj)
			}
			if len(oj.Metadata) != 0 {
				t.Fatalf("docker networks leak into the public metadata: %v", oj.Metadata)
			}

			// API keys work, and stop working after DELETE.
			var key identity.APIKey
			r := e.must(e.do("POST", base+"/users/"+bob+"/tokens", e.adminToken,
				map[string]any{"comment": "ci", "scope": []string{"*"}}), 200)
			r.json(t, &key)
			if r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("API key answer Cache-Control %q", r.header.Get("Cache-Control"))
			}
			if e.sessionUser(key.Token) != bob {
				t.Fatal("the API key is not bob's")
			}
			if u := e.user(bob); len(u.Tokens) != 1 || u.Tokens[0].ID != key.ID || u.Tokens[0].Comment != "ci" {
				t.Fatalf("bob's tokens %+v", u.Tokens)
			}
			if c := e.must(e.do("POST", base+"/users/"+bob+"/tokens", e.adminToken,
				map[string]any{"comment": "ci", "scope": []string{"nope"}}), 404).errorCode(t); c != codeBadScope {
				t.Errorf("unknown scope: error %q", c)
			}
			if c := e.must(e.do("POST", base+"/users/"+bob+"/tokens", e.adminToken,
				map[string]any{"comment": "ci", "csr": "x", "scope": []string{}}), 400).errorCode(t); c != codeNotSupported {
				t.Errorf("csr: error %q", c)
			}
			e.must(e.do("DELETE", base+"/users/"+bob+"/tokens/"+key.ID, e.adminToken, nil), 204)
			r = e.must(e.do("GET", base+"/sessions", key.Token, nil), 401)
			if r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}

			// One-time tokens resolve to the bearer they were minted from,
			// once.
			var ott struct {
				Token   string
				Expiery int
			}
			e.must(e.do("GET", base+"/sessions/one_time_token", bobToken, nil), 200).json(t, &ott)
			if ott.Token == "" || ott.Expiery != 30 {
				t.Fatalf("one-time token %+v", ott)
			}
			s, err := e.svc.ConsumeOTT(e.ctx, ott.Token)
			if err != nil || s.User != bob {
				t.Fatalf("consume OTT: %+v %v", s, err)
			}
			if _, err := e.svc.ConsumeOTT(e.ctx, ott.Token); err == nil {
				t.Fatal("a one-time token worked twice")
			}

			// Password change, then log in with the new one only.
			e.must(e.do("PUT", base+"/users/"+bob, e.adminToken, map[string]string{"password": "bob-new-" + v}), 204)
			e.login("bob"+v, "bob-new-"+v)
			e.must(e.do("POST", base+"/oauth/token", "", url.Values{"grant_type": {"password"},
				"username": {"bob" + v}, "password": {"bob-pw-" + v}}), 400)

			// DELETE /sessions/{token} ends a session of one's own.
			extra := e.login("bob"+v, "bob-new-"+v)
			e.must(e.do("DELETE", base+"/sessions/"+url.PathEscape(extra), bobToken, nil), 204)
			e.must(e.do("GET", base+"/sessions", extra, nil), 401)
			e.must(e.do("DELETE", base+"/sessions/"+url.PathEscape(e.adminToken), bobToken, nil), 404)

			// Deleting.
			e.must(e.do("DELETE", base+"/users/"+carol, e.adminToken, nil), 204)
			e.must(e.do("GET", base+"/users/"+carol, e.adminToken, nil), 404)
			e.must(e.do("DELETE", base+"/roles/"+trigRole, e.adminToken, nil), 204)
			e.must(e.do("DELETE", base+"/orgs/"+org, e.adminToken, nil), 204)
			e.must(e.do("DELETE", base+"/orgs/"+org, e.adminToken, nil), 404)
		})
	}
}
