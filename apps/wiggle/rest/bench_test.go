package rest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkGetUser is the handler's cost of an authenticated GET
// /api/2/users/<id>, in process (no sockets), with and without wiggle's
// own caches (snarl caches sessions and permission sets itself).
func BenchmarkGetUser(b *testing.B) {
	for _, c := range []struct {
		name string
		ttl  int
	}{{"cache", 0}, {"nocache", -1}} {
		b.Run(c.name, func(b *testing.B) {
			e := newEnv(b, func(_ *identityOptions, o *Options) {
				if c.ttl < 0 {
					o.CacheTTL = -1
				}
			})
			path := "/api/2/users/" + e.adminID
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest("GET", path, nil)
					req.Header.Set("Authorization", "Bearer "+e.adminToken)
					w := httptest.NewRecorder()
					e.handler.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("status %d", w.Code)
					}
				}
			})
		})
	}
}
