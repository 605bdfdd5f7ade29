package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/wiggle/openapi"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

// recordCodec merges records as production nodes do (releases.RecordCodec
// without importing releases).
type recordCodec struct{}

func (recordCodec) Check(v []byte) error                    { return record.Check(v) }
func (recordCodec) Merge(old, delta []byte) ([]byte, error) { return record.MergeBytes(old, delta) }

// cheap are argon2id parameters fast enough for tests.
var cheap = credential.PasswordParams{Memory: 8, Time: 1, Threads: 1}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// exchange is one request and response the test client saw.
type exchange struct {
	method, path string
	reqBody      []byte
	status       int
	header       http.Header
	body         []byte
}

// env is a wiggle Handler over the real identity service on an in-memory
// store, served on loopback, with an admin (bootstrap) logged in.
type env struct {
	t       testing.TB
	svc     *identity.Service
	store   *recstore.Memory
	handler *Handler
	srv     *httptest.Server
	client  *http.Client
	logs    *syncBuffer
	ctx     context.Context

	adminID, adminToken string
	// world is the cloud behind the handler (newCloudEnv), nil otherwise.
	world *cloudWorld

	mu       sync.Mutex
	seen     []exchange
	validate bool
}

// adminPassword is the bootstrap admin's password in every env.
const adminPassword = "admin-pw-Xq7!secret"

type envOption func(*identity.Options, *Options)

func newEnv(t testing.TB, mods ...envOption) *env {
	t.Helper()
	return buildEnv(t, false, mods...)
}

// newCloudEnv is newEnv with a Cloud over the real sniffle services
// (cloudWorld) on the same store.
func newCloudEnv(t testing.TB, mods ...envOption) *env {
	t.Helper()
	return buildEnv(t, true, mods...)
}

func buildEnv(t testing.TB, withCloud bool, mods ...envOption) *env {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	idOpts := identity.Options{Actor: "test", Password: cheap, Logger: logger.With("app", "snarl")}
	ro := Options{Logger: logger.With("app", "wiggle"), Version: "test"}
	for _, m := range mods {
		m(&idOpts, &ro)
	}
	st := recstore.NewMemory(recordCodec{})
	svc, err := identity.New(st, idOpts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := svc.Bootstrap(ctx, adminPassword); err != nil {
		t.Fatal(err)
	}
	var world *cloudWorld
	if withCloud {
		world = newCloudWorld(t, st, svc)
		ro.Cloud = world.api
	}
	h, err := New(svc, ro)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, svc: svc, store: st, handler: h, logs: logs, ctx: ctx, validate: true, world: world}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	v, err := openapi.NewValidator(mustLoad(t))
	if err != nil {
		t.Fatal(err)
	}
	e.client = &http.Client{
		Transport:     &validatingTransport{env: e, next: e.srv.Client().Transport, v: v},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	e.adminToken = e.login("admin", adminPassword)
	e.adminID = e.sessionUser(e.adminToken)
	return e
}

func mustLoad(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// validatingTransport records every exchange and checks every response
// against the document: routed requests with the Validator (msgpack
// bodies in their JSON form), the others (404, 405, OPTIONS, the
// document) for the shape of their errors. No 5xx is ever expected.
type validatingTransport struct {
	env  *env
	next http.RoundTripper
	v    *openapi.Validator
}

func (vt *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body.Close()
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := vt.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	e := vt.env
	e.mu.Lock()
	e.seen = append(e.seen, exchange{method: req.Method, path: req.URL.Path, reqBody: reqBody,
		status: resp.StatusCode, header: resp.Header.Clone(), body: body})
	check := e.validate
	e.mu.Unlock()
	if !check {
		return resp, nil
	}
	t := e.t
	if resp.StatusCode >= 500 {
		t.Errorf("%s %s: status %d: %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	if err := vt.check(req, resp, body); err != nil {
		t.Errorf("%s %s -> %d: response does not match the document: %v\nbody: %.500s",
			req.Method, req.URL.Path, resp.StatusCode, err, body)
	}
	return resp, nil
}

func (vt *validatingTransport) check(req *http.Request, resp *http.Response, body []byte) error {
	header, jsBody := resp.Header, body
	if mt, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mt == mimeMsgpack && len(body) > 0 {
		js, err := msgpackToJSON(body)
		if err != nil {
			return err
		}
		header = header.Clone()
		header.Set("Content-Type", mimeJSON)
		jsBody = js
	}
	if _, _, err := vt.v.Router().FindRoute(req); err != nil || strings.HasSuffix(req.URL.Path, "/openapi.json") {
		// Outside the document: errors still have the Error shape.
		if resp.StatusCode >= 400 {
			var eb errorBody
			dec := json.NewDecoder(bytes.NewReader(jsBody))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&eb); err != nil || eb.Error == "" || eb.Message == "" {
				return errFormat("not an Error body")
			}
		}
		return nil
	}
	r := req.Clone(req.Context())
	return vt.v.ValidateResponse(r, resp.StatusCode, header, jsBody)
}

type errFormat string

func (e errFormat) Error() string { return string(e) }

// exchanges returns what the client saw so far.
func (e *env) exchanges() []exchange {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]exchange(nil), e.seen...)
}

// resp is a response with its body read.
type resp struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v.
func (r resp) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// errorCode is the "error" field of an error body.
func (r resp) errorCode(t testing.TB) string {
	t.Helper()
	var m map[string]any
	r.json(t, &m)
	s, _ := m["error"].(string)
	return s
}

// do sends a request; body is JSON-encoded unless it is []byte or
// url.Values (a form). hdr holds "Header: value" strings.
func (e *env) do(method, path, token string, body any, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case url.Values:
		rd = strings.NewReader(b.Encode())
		ctype = mimeForm
	default:
		js, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(js)
		ctype = mimeJSON
	}
	req, err := http.NewRequestWithContext(e.ctx, method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range hdr {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// must checks the status of r.
func (e *env) must(r resp, status int) resp {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

// login runs the password grant and returns the access token.
func (e *env) login(user, password string) string {
	e.t.Helper()
	r := e.must(e.do("POST", "/api/2/oauth/token", "", url.Values{
		"grant_type": {"password"}, "username": {user}, "password": {password}}), 200)
	var tr identity.TokenResponse
	r.json(e.t, &tr)
	if tr.AccessToken == "" {
		e.t.Fatalf("no access token in %s", r.body)
	}
	return tr.AccessToken
}

// sessionUser returns the user of a token (GET /sessions).
func (e *env) sessionUser(token string) string {
	e.t.Helper()
	var u struct{ UUID string }
	e.must(e.do("GET", "/api/2/sessions", token, nil), 200).json(e.t, &u)
	return u.UUID
}

// created checks a 303 to /api/<v>/<coll>/<uuid> and returns the uuid.
func (e *env) created(r resp, v, coll string) string {
	e.t.Helper()
	e.must(r, 303)
	loc := r.header.Get("Location")
	id, ok := strings.CutPrefix(loc, "/api/"+v+"/"+coll+"/")
	if !ok || id == "" {
		e.t.Fatalf("Location %q is not /api/%s/%s/<uuid>", loc, v, coll)
	}
	return id
}

// newUser creates a user through the API (as admin) and logs it in.
func (e *env) newUser(name, password string) (id, token string) {
	e.t.Helper()
	id = e.created(e.do("POST", "/api/2/users", e.adminToken, map[string]string{"user": name, "password": password}), "2", "users")
	return id, e.login(name, password)
}

// user returns the decoded user.
func (e *env) user(id string) userJSON {
	e.t.Helper()
	var u userJSON
	e.must(e.do("GET", "/api/2/users/"+id, e.adminToken, nil), 200).json(e.t, &u)
	return u
}

// identityOptions shortens envOption literals.
type identityOptions = identity.Options

// urlValues builds a form from key, value pairs.
func urlValues(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// identityAccounting is an accounting entry of a VM.
func identityAccounting(ts int64, action string) identity.AccountingEntry {
	return identity.AccountingEntry{Timestamp: ts, Action: action, Resource: nobodyID, Metadata: map[string]any{"ram": int64(1024)}}
}
