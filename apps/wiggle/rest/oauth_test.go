package rest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestOAuthTokenErrors(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name   string
		form   url.Values
		raw    []byte // sent as JSON instead of a form
		status int
		code   string
	}{
		{"no grant_type", urlValues("username", "admin"), nil, 400, "invalid_request"},
		{"unknown grant_type", urlValues("grant_type", "magic"), nil, 400, "unsupported_grant_type"},
		{"password without password", urlValues("grant_type", "password", "username", "admin"), nil, 400, "invalid_request"},
		{"bad password", urlValues("grant_type", "password", "username", "admin", "password", "nope"), nil, 400, "invalid_grant"},
		{"unknown user", urlValues("grant_type", "password", "username", "nobody", "password", "nope"), nil, 400, "invalid_grant"},
		{"unknown scope", urlValues("grant_type", "password", "username", "admin", "password", adminPassword, "scope", "nope"), nil, 400, "invalid_scope"},
		{"unknown client", urlValues("grant_type", "password", "username", "admin", "password", adminPassword, "client_id", "nope"), nil, 401, "invalid_client"},
		{"client credentials without client", urlValues("grant_type", "client_credentials"), nil, 401, "invalid_client"},
		{"bad code", urlValues("grant_type", "authorization_code", "code", "x", "client_id", "nope"), nil, 401, "invalid_client"},
		{"bad refresh token", urlValues("grant_type", "refresh_token", "refresh_token", "x"), nil, 400, "invalid_grant"},
		{"repeated parameter", url.Values{"grant_type": {"password", "password"}}, nil, 400, "invalid_request"},
		{"json body", nil, []byte(`{"grant_type":"password"}`), 400, "invalid_request"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			var body any = c.form
			if c.raw != nil {
				body = c.raw
			}
			r := e.must(e.do("POST", "/api/2/oauth/token", "", body), c.status)
			if got := r.errorCode(t); got != c.code {
				t.Errorf("error %q, want %q (%s)", got, c.code, r.body)
			}
			if r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
			}
		})
	}
}

func TestOAuthRefreshAndThrottle(t *testing.T) {
	e := newEnv(t)
	r := e.must(e.do("POST", "/api/2/oauth/token", "", urlValues("grant_type", "password", "username", "admin", "password", adminPassword)), 200)
	var tr struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	r.json(t, &tr)
	if tr.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	r = e.must(e.do("POST", "/api/2/oauth/token", "", urlValues("grant_type", "refresh_token", "refresh_token", tr.RefreshToken)), 200)
	var again struct {
		AccessToken string `json:"access_token"`
	}
	r.json(t, &again)
	if e.sessionUser(again.AccessToken) != e.adminID {
		t.Fatal("the refreshed token is not the admin's")
	}
	// Repeated failures are throttled: 429.
	last := 0
	for i := 0; i < 20 && last != http.StatusTooManyRequests; i++ {
		last = e.do("POST", "/api/2/oauth/token", "", urlValues("grant_type", "password", "username", "admin", "password", "wrong")).status
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("never throttled, last status %d", last)
	}
}

func TestOAuthAuthorizationCode(t *testing.T) {
	e := newEnv(t)
	id := e.created(e.do("POST", "/api/2/clients", e.adminToken, map[string]string{"client": "web", "secret": "web-secret"}), "2", "clients")
	e.must(e.do("POST", "/api/2/clients/"+id+"/uris", e.adminToken, map[string]string{"uri": "https://web.example/cb"}), 303)

	// Without credentials: the login form, escaping what it echoes.
	r := e.must(e.do("GET", "/api/2/oauth/auth?response_type=code&client_id=web&state=%3Cscript%3E", "", nil), 200)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), `name="password"`) {
		t.Fatalf("form: %v %s", r.header, r.body)
	}
	if strings.Contains(string(r.body), "<script>") {
		t.Fatal("the form echoes markup unescaped")
	}
	e.must(e.do("GET", "/api/2/oauth/auth?response_type=bogus", "", nil), 400)

	// The submitted form redirects to the client with a code.
	r = e.must(e.do("POST", "/api/2/oauth/auth", "", urlValues("response_type", "code", "client_id", "web",
		"redirect_uri", "https://web.example/cb", "state", "s1", "username", "admin", "password", adminPassword)), 302)
	loc, err := url.Parse(r.header.Get("Location"))
	must(t, err)
	code := loc.Query().Get("code")
	if loc.Host != "web.example" || code == "" || loc.Query().Get("state") != "s1" {
		t.Fatalf("redirect %s", loc)
	}
	r = e.must(e.do("POST", "/api/2/oauth/token", "", urlValues("grant_type", "authorization_code", "code", code,
		"redirect_uri", "https://web.example/cb", "client_id", "web", "client_secret", "web-secret")), 200)
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	r.json(t, &tr)
	if e.sessionUser(tr.AccessToken) != e.adminID {
		t.Fatal("the code's token is not the admin's")
	}
	// A code works once.
	e.must(e.do("POST", "/api/2/oauth/token", "", urlValues("grant_type", "authorization_code", "code", code,
		"redirect_uri", "https://web.example/cb", "client_id", "web", "client_secret", "web-secret")), 400)

	// GET with credentials (HTTP Basic) authorizes too; the implicit
	// grant puts the token in the fragment.
	req, err := http.NewRequest("GET", e.srv.URL+"/api/3/oauth/auth?response_type=token&client_id=web", nil)
	must(t, err)
	req.SetBasicAuth("admin", adminPassword)
	res, err := e.client.Do(req)
	must(t, err)
	res.Body.Close()
	if res.StatusCode != 302 || !strings.Contains(res.Header.Get("Location"), "#access_token=") {
		t.Fatalf("implicit grant: %d %q", res.StatusCode, res.Header.Get("Location"))
	}

	// Failures: unknown client (no redirect), bad password, bad scope.
	for _, c := range []struct {
		form   url.Values
		status int
		code   string
	}{
		{urlValues("response_type", "code", "client_id", "nope", "username", "admin", "password", adminPassword), 400, "invalid_request"},
		{urlValues("response_type", "code", "client_id", "web", "username", "admin", "password", "wrong"), 403, "access_denied"},
		{urlValues("response_type", "code", "client_id", "web", "scope", "nope", "username", "admin", "password", adminPassword), 400, "invalid_scope"},
		{urlValues("response_type", "code", "client_id", "web", "redirect_uri", "https://evil.example/", "username", "admin", "password", adminPassword), 400, "invalid_request"},
	} {
		if got := e.must(e.do("POST", "/api/2/oauth/auth", "", c.form), c.status).errorCode(t); got != c.code {
			t.Errorf("%v: error %q, want %q", c.form, got, c.code)
		}
	}

	// An unknown pending login is refused.
	e.must(e.do("GET", "/api/2/oauth/2fa?fifo_otp_token=x", "", nil), 200)
	e.must(e.do("POST", "/api/2/oauth/2fa", "", urlValues("fifo_otp_token", "x", "fifo_otp", walkOTP)), 403)
}

// A user with a YubiKey who logs in on oauth/auth without fifo_otp is sent
// to oauth/2fa; the second factor there finishes the authorization, once.
func TestOAuthSecondFactorStep(t *testing.T) {
	e := newEnv(t)
	cid := e.created(e.do("POST", "/api/2/clients", e.adminToken, map[string]string{"client": "web", "secret": "web-secret"}), "2", "clients")
	e.must(e.do("POST", "/api/2/clients/"+cid+"/uris", e.adminToken, map[string]string{"uri": "https://web.example/cb"}), 303)
	id, _ := e.newUser("yubi", "yubi-pw")
	e.must(e.do("PUT", "/api/2/users/"+id+"/yubikeys", e.adminToken, map[string]string{"otp": walkOTP}), 204)

	login := urlValues("response_type", "code", "client_id", "web", "redirect_uri", "https://web.example/cb",
		"state", "s2", "username", "yubi", "password", "yubi-pw")
	r := e.must(e.do("POST", "/api/2/oauth/auth", "", login), 302)
	loc, err := url.Parse(r.header.Get("Location"))
	must(t, err)
	pending := loc.Query().Get("fifo_otp_token")
	if loc.Path != "/api/2/oauth/2fa" || pending == "" {
		t.Fatalf("redirect %s, want oauth/2fa with a pending login", loc)
	}
	e.must(e.do("GET", loc.RequestURI(), "", nil), 200)
	r = e.must(e.do("POST", "/api/2/oauth/2fa", "", urlValues("fifo_otp_token", pending, "fifo_otp", walkOTP)), 302)
	back, err := url.Parse(r.header.Get("Location"))
	must(t, err)
	if back.Host != "web.example" || back.Query().Get("code") == "" || back.Query().Get("state") != "s2" {
		t.Fatalf("redirect after the second factor %s", back)
	}
	e.must(e.do("POST", "/api/2/oauth/token", "", urlValues("grant_type", "authorization_code", "code", back.Query().Get("code"),
		"redirect_uri", "https://web.example/cb", "client_id", "web", "client_secret", "web-secret")), 200)
	// Used once.
	e.must(e.do("POST", "/api/2/oauth/2fa", "", urlValues("fifo_otp_token", pending, "fifo_otp", walkOTP)), 403)
	// A wrong OTP spends the pending login too.
	r = e.must(e.do("POST", "/api/2/oauth/auth", "", login), 302)
	loc, _ = url.Parse(r.header.Get("Location"))
	pending = loc.Query().Get("fifo_otp_token")
	e.must(e.do("POST", "/api/2/oauth/2fa", "", urlValues("fifo_otp_token", pending, "fifo_otp", "cccccccccccc"+walkOTP[12:])), 403)
	e.must(e.do("POST", "/api/2/oauth/2fa", "", urlValues("fifo_otp_token", pending, "fifo_otp", walkOTP)), 403)
}

func TestOAuthYubikey(t *testing.T) {
	e := newEnv(t)
	id, _ := e.newUser("yubi", "yubi-pw")
	e.must(e.do("PUT", "/api/2/users/"+id+"/yubikeys", e.adminToken, map[string]string{"otp": walkOTP}), 204)
	r := e.must(e.do("POST", "/api/2/oauth/token", "", urlValues("grant_type", "password", "username", "yubi", "password", "yubi-pw")), 400)
	if !strings.Contains(string(r.body), "fifo_otp") {
		t.Errorf("OTP required: %s", r.body)
	}
	e.must(e.do("POST", "/api/2/oauth/token", "", urlValues("grant_type", "password", "username", "yubi", "password", "yubi-pw", "fifo_otp", walkOTP)), 200)
	if u := e.user(id); len(u.Yubikeys) != 1 || u.Yubikeys[0] != walkOTP[:12] {
		t.Fatalf("yubikeys %v", u.Yubikeys)
	}
	e.must(e.do("DELETE", "/api/2/users/"+id+"/yubikeys/"+walkOTP[:12], e.adminToken, nil), 204)
	e.login("yubi", "yubi-pw")
}

// A bearer token authorizes on oauth/auth for its user; a bad one is
// refused without a redirect.
func TestOAuthAuthorizeWithBearer(t *testing.T) {
	e := newEnv(t)
	cid := e.created(e.do("POST", "/api/2/clients", e.adminToken, map[string]string{"client": "web", "secret": "web-secret"}), "2", "clients")
	e.must(e.do("POST", "/api/2/clients/"+cid+"/uris", e.adminToken, map[string]string{"uri": "https://web.example/cb"}), 303)
	q := "/api/2/oauth/auth?response_type=token&client_id=web&redirect_uri=" + url.QueryEscape("https://web.example/cb") + "&state=s3"
	r := e.must(e.do("GET", q, e.adminToken, nil), 302)
	loc, err := url.Parse(r.header.Get("Location"))
	must(t, err)
	frag, _ := url.ParseQuery(loc.Fragment)
	if loc.Host != "web.example" || frag.Get("access_token") == "" || frag.Get("state") != "s3" {
		t.Fatalf("redirect %s", loc)
	}
	e.must(e.do("GET", "/api/2/users", frag.Get("access_token"), nil), 200)
	e.must(e.do("GET", q, "not-a-token", nil), 403)
}
