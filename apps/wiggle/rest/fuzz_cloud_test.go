package rest

import (
	"bytes"
	"net/http/httptest"
	"testing"
)

// FuzzCloudBodies sends arbitrary bodies, as JSON and as msgpack, to the
// cloud operations with the richest bodies, as the admin, over the real
// sniffle services: the answer is never a 5xx.
func FuzzCloudBodies(f *testing.F) {
	s := newCloudSetup(f)
	vm := s.created(s.do("POST", "/api/2/vms", s.adminToken, s.vmBody("fuzz", nil)), "2", "vms")
	paths := []string{
		"POST /api/2/vms", "PUT /api/2/vms/dry_run", "PUT /api/2/vms/" + vm + "/config",
		"PUT /api/2/vms/" + vm + "/state", "POST /api/2/packages", "POST /api/2/ipranges",
		"PUT /api/2/datasets/00000000-0000-4000-8000-0000000000fa", "PUT /api/2/hypervisors/" + walkHV + "/config",
		"PUT /api/2/vms/" + vm + "/metadata/a", "POST /api/2/dtraces",
	}
	for i := range paths {
		f.Add(uint8(i), false, []byte(`{"package":"`+s.pkg+`","dataset":"`+setupImage+`","config":{"alias":"x"}}`))
		f.Add(uint8(i), false, []byte(`{"alias":"y","set_routes":[{"10.0.0.0/8":"nics[0]"}],"metadata":{"n":1e400}}`))
		f.Add(uint8(i), true, []byte{0x81, 0xa1, 'k', 0xa1, 'v'})
	}
	f.Fuzz(func(t *testing.T, which uint8, packed bool, body []byte) {
		method, path, _ := bytes.Cut([]byte(paths[int(which)%len(paths)]), []byte(" "))
		req := httptest.NewRequest(string(method), string(path), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+s.adminToken)
		if packed {
			req.Header.Set("Content-Type", mimeMsgpack)
		}
		w := httptest.NewRecorder()
		s.handler.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, w.Code, w.Body)
		}
	})
}
