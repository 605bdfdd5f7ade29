package rest

import (
	"net/http"
	"strings"
)

// setCORS adds FiFo's CORS headers (reference §2.1) to every answer. The
// API authenticates with bearer tokens, not cookies, so any origin may
// call it.
func setCORS(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Full-List, X-Full-List-Fields")
	h.Set("Access-Control-Expose-Headers", "Location, ETag, X-Full-List, X-Full-List-Fields")
	h.Set("Access-Control-Allow-Credentials", "true")
}

// allowMethods is the value of Access-Control-Allow-Methods for a path
// whose operations have methods: HEAD and OPTIONS, then those methods.
func allowMethods(methods []string) string {
	out := []string{http.MethodHead, http.MethodOptions}
	for _, m := range methods {
		if m != http.MethodHead {
			out = append(out, m)
		}
	}
	return strings.Join(out, ", ")
}
