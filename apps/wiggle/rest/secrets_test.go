package rest

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestNoSecretsInBodiesOrLogs runs requests that carry passwords, client
// secrets and tokens (good and bad ones, valid and invalid bodies, debug
// logging on) and then greps every response body the client saw and
// every log line of wiggle and snarl: passwords and secrets never
// appear, nor password hashes; a token appears only in the one body that
// minted it, and never in a log line.
func TestNoSecretsInBodiesOrLogs(t *testing.T) {
	e := newEnv(t)
	const (
		bobPW     = "bob-Secret-pw-4711"
		bobPW2    = "bob-Secret-pw-0815"
		clientSec = "client-Secret-9988"
		badPW     = "wrong-Secret-pw-1234"
	)
	secrets := []string{adminPassword, bobPW, bobPW2, clientSec, badPW, "$argon2id$"}
	var tokens []string

	bob := e.created(e.do("POST", "/api/2/users", e.adminToken, map[string]string{"user": "bob", "password": bobPW}), "2", "users")
	bobTok := e.login("bob", bobPW)
	tokens = append(tokens, e.adminToken, bobTok)
	e.must(e.do("PUT", "/api/2/users/"+bob, e.adminToken, map[string]string{"password": bobPW2}), 204)
	bobTok2 := e.login("bob", bobPW2)
	tokens = append(tokens, bobTok2)
	// Bad requests that carry secrets.
	e.must(e.do("POST", "/api/2/users", e.adminToken, map[string]any{"user": 5, "password": bobPW}), 400)
	e.must(e.do("POST", "/api/2/users", e.adminToken, map[string]any{"user": "x", "password": bobPW, "admin": badPW}), 400)
	e.must(e.do("POST", "/api/2/users", e.adminToken, []byte(`{"user":"x","password":"`+bobPW+`"`), "Content-Type: application/json"), 400)
	e.must(e.do("PUT", "/api/2/users/"+bob, e.adminToken, map[string]any{"password": 12, "x": badPW}), 400)
	e.must(e.do("PUT", "/api/2/users/"+bob, bobTok, map[string]any{"password": badPW}), 403)
	e.must(e.do("POST", "/api/2/oauth/token", "", url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {badPW}}), 400)
	e.must(e.do("POST", "/api/2/oauth/token", "", url.Values{"grant_type": {"magic"}, "password": {badPW}}), 400)
	e.must(e.do("POST", "/api/2/oauth/token", "", url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {bobPW2}, "scope": {badPW}}), 400)
	e.must(e.do("GET", "/api/2/oauth/auth?response_type=code&client_id=nope&username=bob&password="+url.QueryEscape(badPW), "", nil), 400)
	e.must(e.do("GET", "/api/2/users", badPW, nil), 401)

	// Clients and their secrets.
	cid := e.created(e.do("POST", "/api/2/clients", e.adminToken, map[string]string{"client": "app", "secret": clientSec}), "2", "clients")
	e.must(e.do("PUT", "/api/2/clients/"+cid, e.adminToken, map[string]any{"secret": clientSec, "x": 1}), 400)
	r := e.must(e.do("POST", "/api/2/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {"app"}, "client_secret": {clientSec}}), 200)
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	r.json(t, &tr)
	tokens = append(tokens, tr.AccessToken)
	e.must(e.do("POST", "/api/2/oauth/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {"app"}, "client_secret": {badPW}}), 401)

	// API keys, one-time tokens, refresh tokens, sessions deleted by path.
	var key struct{ Token string }
	e.must(e.do("POST", "/api/2/users/"+bob+"/tokens", e.adminToken, map[string]any{"comment": "k", "scope": []string{}}), 200).json(t, &key)
	tokens = append(tokens, key.Token)
	var ott struct{ Token string }
	e.must(e.do("GET", "/api/2/sessions/one_time_token", bobTok2, nil), 200).json(t, &ott)
	tokens = append(tokens, ott.Token)
	r = e.must(e.do("POST", "/api/2/oauth/token", "", url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {bobPW2}}), 200)
	var full struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	r.json(t, &full)
	tokens = append(tokens, full.AccessToken, full.RefreshToken)
	e.must(e.do("DELETE", "/api/2/sessions/"+url.PathEscape(full.AccessToken), bobTok2, nil), 204)
	e.must(e.do("DELETE", "/api/2/sessions/"+url.PathEscape(full.AccessToken), bobTok2, nil), 404)
	e.must(e.do("GET", "/api/2/users?full-list=true", e.adminToken, nil), 200)
	e.must(e.do("GET", "/api/2/clients?full-list=true", e.adminToken, nil), 200)
	e.must(e.do("GET", "/api/2/users/"+bob, e.adminToken, nil), 200)

	ex := e.exchanges()
	if len(ex) < 25 {
		t.Fatalf("only %d exchanges recorded", len(ex))
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "request refused") {
		t.Fatal("the log holds no request lines: is debug logging on?")
	}
	for _, s := range secrets {
		for _, x := range ex {
			if strings.Contains(string(x.body), s) || strings.Contains(headerText(x), s) {
				t.Errorf("secret %q in the answer to %s %s: %s", s, x.method, x.path, x.body)
			}
		}
		if strings.Contains(logs, s) || strings.Contains(logs, url.QueryEscape(s)) {
			t.Errorf("secret %q in the log", s)
		}
	}
	for _, tok := range tokens {
		n := 0
		for _, x := range ex {
			if strings.Contains(string(x.body), tok) || strings.Contains(string(x.body), jsonEscaped(tok)) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("token %.8s… is in %d bodies, want only the one that minted it", tok, n)
		}
		if strings.Contains(logs, tok) || strings.Contains(logs, url.PathEscape(tok)) {
			t.Errorf("token %.8s… in the log", tok)
		}
	}
}

// headerText is the response headers of x as text.
func headerText(x exchange) string {
	var b strings.Builder
	for k, v := range x.header {
		b.WriteString(k + ": " + strings.Join(v, ",") + "\n")
	}
	return b.String()
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}
