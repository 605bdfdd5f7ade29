package rest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// FuzzMsgpackToJSON: any input either fails with errMsgpack or gives one
// valid JSON value that survives the way back to msgpack and again to
// JSON unchanged.
func FuzzMsgpackToJSON(f *testing.F) {
	seeds := []any{nil, true, int64(-5), uint64(1 << 63), 1.5, "s", []any{1, "a"},
		map[string]any{"user": "u", "password": "p", "n": map[string]any{"x": []any{}}}}
	for _, s := range seeds {
		b, err := msgpack.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0xc1})
	f.Add([]byte{0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Add(bytes.Repeat([]byte{0x91}, 100))
	f.Fuzz(func(t *testing.T, b []byte) {
		js, err := msgpackToJSON(b)
		if err != nil {
			return
		}
		if !json.Valid(js) {
			t.Fatalf("invalid JSON %q from %x", js, b)
		}
		mp, err := jsonToMsgpack(js)
		if err != nil {
			t.Fatalf("back to msgpack: %v", err)
		}
		js2, err := msgpackToJSON(mp)
		if err != nil || !bytes.Equal(js, js2) {
			t.Fatalf("round trip %s -> %s (%v)", js, js2, err)
		}
	})
}

// FuzzBodyJSON: the JSON body decoder either refuses input with a 400 or
// gives a value that encodes back to valid JSON.
func FuzzBodyJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"user":"u","password":"p"}`, `[1,2]`, `{"a":`, "\xff", `1e999`, `{} {}`, ` "x" `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		js, v, err := bodyJSON(mimeJSON, b)
		if err != nil {
			if e := Classify(err); e.Status != http.StatusBadRequest {
				t.Fatalf("status %d for %q", e.Status, b)
			}
			return
		}
		if js == nil {
			return
		}
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("decoded value does not encode: %v", err)
		}
	})
}

// FuzzHandlerBodies sends arbitrary bodies, as JSON and as msgpack, to
// operations with bodies of every shape, as the admin: the answer is
// never a 5xx.
func FuzzHandlerBodies(f *testing.F) {
	e := newEnv(f)
	paths := []string{
		"POST /api/2/users", "PUT /api/2/users/" + e.adminID + "/metadata/a",
		"PUT /api/2/users/" + e.adminID + "/keys", "POST /api/2/orgs/" + nobodyID + "/triggers/user_create",
		"PUT /api/2/orgs/" + nobodyID + "/resources/ram", "POST /api/2/users/" + e.adminID + "/tokens",
		"POST /api/2/oauth/token",
	}
	for i := range paths {
		f.Add(uint8(i), false, []byte(`{"user":"u","password":"p"}`))
		f.Add(uint8(i), true, []byte{0x81, 0xa1, 'k', 0xa1, 'v'})
	}
	f.Fuzz(func(t *testing.T, which uint8, packed bool, body []byte) {
		method, path, _ := bytes.Cut([]byte(paths[int(which)%len(paths)]), []byte(" "))
		req := httptest.NewRequest(string(method), string(path), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.adminToken)
		if packed {
			req.Header.Set("Content-Type", mimeMsgpack)
		}
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, w.Code, w.Body)
		}
	})
}

// TestMsgpackClaimedLengths: lengths the input cannot back are refused
// before anything is allocated.
func TestMsgpackClaimedLengths(t *testing.T) {
	for _, b := range [][]byte{
		{0xc6, 0x3f, 0x4a, 0x30, 0x30, 0x30}, // bin32 of ~1 GiB
		{0xdb, 0xff, 0xff, 0xff, 0xff, 'x'},  // str32 of 4 GiB
		{0x81, 0xdb, 0xff, 0xff, 0xff, 0xff}, // map key of 4 GiB
		{0xdd, 0xff, 0xff, 0xff, 0xff},       // array32 of 4 G items
		{0xdf, 0xff, 0xff, 0xff, 0xff},       // map32 of 4 G pairs
	} {
		allocs := testing.AllocsPerRun(1, func() { _, _ = msgpackToJSON(b) })
		if _, err := msgpackToJSON(b); err == nil {
			t.Errorf("%x decoded", b)
		}
		if allocs > 50 {
			t.Errorf("%x: %v allocations", b, allocs)
		}
	}
}
