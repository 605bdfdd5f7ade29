package systest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"
)

// API is a logged-in REST client of a node (API version 2).
type API struct {
	t     testing.TB
	Base  string // e.g. http://127.0.0.1:8080/api/2
	Token string
	http  *http.Client
}

// Login gets a token with the password grant from the node at root
// (http://host:port).
func Login(t testing.TB, root, user, password string) *API {
	t.Helper()
	base := root + "/api/2"
	resp, err := http.PostForm(base+"/oauth/token", url.Values{"grant_type": {"password"}, "username": {user}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("login to %s: %d %v", root, resp.StatusCode, err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	return &API{t: t, Base: base, Token: tok.AccessToken, http: &http.Client{Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Response is an answer, read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Location is the id at the end of the Location header (of a 303).
func (r Response) Location() string { return path.Base(r.Header.Get("Location")) }

// Decode unmarshals the JSON body into v.
func (r Response) Decode(v any) error { return json.Unmarshal(r.Body, v) }

// Send sends a request with a JSON body (none when body is empty) and
// returns the answer; a transport error is returned, not fatal, so it
// may run outside the test's goroutine.
func (a *API) Send(method, p, body string) (Response, error) {
	req, err := http.NewRequest(method, a.Base+p, strings.NewReader(body))
	if err != nil {
		return Response{}, err
	}
	req.Header.Set("Authorization", "Bearer "+a.Token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return Response{}, fmt.Errorf("%s %s: %w", method, p, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// Do is Send from the test's goroutine: a transport error or a 5xx
// fails the test.
func (a *API) Do(method, p, body string) Response {
	a.t.Helper()
	r, err := a.Send(method, p, body)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, p, err)
	}
	if r.Status >= 500 {
		a.t.Fatalf("%s %s: %d %s", method, p, r.Status, r.Body)
	}
	return r
}

// Expect is Do that fails the test unless the status is want.
func (a *API) Expect(want int, method, p, body string) Response {
	a.t.Helper()
	r := a.Do(method, p, body)
	if r.Status != want {
		a.t.Fatalf("%s %s: %d %s, want %d", method, p, r.Status, r.Body, want)
	}
	return r
}

// Get decodes the 200 answer of GET p into v.
func (a *API) Get(p string, v any) {
	a.t.Helper()
	r := a.Expect(http.StatusOK, "GET", p, "")
	if err := r.Decode(v); err != nil {
		a.t.Fatalf("GET %s: %v: %s", p, err, r.Body)
	}
}

// Create POSTs body to collection p and returns the new element's id
// (the 303's Location).
func (a *API) Create(p, body string) string {
	a.t.Helper()
	return a.Expect(http.StatusSeeOther, "POST", p, body).Location()
}

// Find returns the uuid of the element of collection coll called name.
func (a *API) Find(coll, name string) string {
	a.t.Helper()
	var all []struct {
		UUID string `json:"uuid"`
		Name string `json:"name"`
	}
	a.Get(coll+"?full-list=true&full-list-fields=uuid,name", &all)
	for _, e := range all {
		if e.Name == name {
			return e.UUID
		}
	}
	a.t.Fatalf("no %s called %q in %+v", coll, name, all)
	return ""
}

// OTT mints a one-time token for the websocket.
func (a *API) OTT() string {
	a.t.Helper()
	var v struct {
		Token string `json:"token"`
	}
	a.Get("/sessions/one_time_token", &v)
	return v.Token
}
