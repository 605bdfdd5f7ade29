package rest

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/fifogo/fifo/apps/wiggle/openapi"
)

// canned answers every request with one response.
type canned struct {
	status int
	header http.Header
	body   []byte
}

func (c canned) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: c.status, Header: c.header, Body: io.NopCloser(bytes.NewReader(c.body))}, nil
}

// TestValidatingTransportCatches is a test of the test client: answers
// that break the document are reported.
func TestValidatingTransportCatches(t *testing.T) {
	v, err := openapi.NewValidator(mustLoad(t))
	must(t, err)
	const user = "/api/2/users/11111111-2222-4333-8444-555555555555"
	js := http.Header{"Content-Type": {mimeJSON}}
	mp := http.Header{"Content-Type": {mimeMsgpack}}
	badUser, err := jsonToMsgpack([]byte(`{"uuid":"x","name":"n"}`))
	must(t, err)
	goodUser, err := jsonToMsgpack([]byte(`{"uuid":"11111111-2222-4333-8444-555555555555","name":"n"}`))
	must(t, err)
	cases := []struct {
		name, method, path string
		resp               canned
		ok                 bool
	}{
		{"good user", "GET", user, canned{200, js, []byte(`{"uuid":"11111111-2222-4333-8444-555555555555","name":"n"}`)}, true},
		{"good user msgpack", "GET", user, canned{200, mp, goodUser}, true},
		{"bad uuid", "GET", user, canned{200, js, []byte(`{"uuid":"x","name":"n"}`)}, false},
		{"bad uuid msgpack", "GET", user, canned{200, mp, badUser}, false},
		{"a password field", "GET", user, canned{200, js, []byte(`{"uuid":"11111111-2222-4333-8444-555555555555","name":"n","password":"h"}`)}, false},
		{"undeclared status", "POST", "/api/2/users", canned{201, js, nil}, false},
		{"303 without Location", "POST", "/api/2/users", canned{303, http.Header{}, nil}, false},
		{"error of another shape", "GET", user, canned{404, js, []byte(`{"message":"gone"}`)}, false},
		{"error outside the document", "GET", "/api/2/nothing", canned{404, js, []byte(`{"error":"not_found","message":"no"}`)}, true},
		{"bad error outside the document", "GET", "/api/2/nothing", canned{404, js, []byte(`nope`)}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vt := &validatingTransport{env: &env{t: t}, next: c.resp, v: v}
			req, err := http.NewRequest(c.method, "http://x"+c.path, strings.NewReader(""))
			must(t, err)
			res, err := vt.next.RoundTrip(req)
			must(t, err)
			body, _ := io.ReadAll(res.Body)
			err = vt.check(req, res, body)
			if (err == nil) != c.ok {
				t.Fatalf("check: %v, want ok=%v", err, c.ok)
			}
		})
	}
}
