package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/wiggle/openapi"
	"github.com/fifogo/fifo/internal/perm"
)

// gate lets only Resolve and Allowed through to the real service: every
// other method is the nil embedded API's and panics if called.
type gate struct {
	identity.API
	real *identity.Service
}

func (g gate) Resolve(ctx context.Context, bearer string) (identity.Session, error) {
	return g.real.Resolve(ctx, bearer)
}

func (g gate) Allowed(ctx context.Context, s identity.Session, c perm.Check) (bool, error) {
	return g.real.Allowed(ctx, s, c)
}

// cloudGate is a Cloud whose every method panics (the nil embedded
// interface's): no cloud call may happen before the check.
type cloudGate struct{ Cloud }

// TestNothingBeforeTheCheck: for every operation that needs a token, a
// request without one, with a bad one, or with one that lacks the
// permission is refused having called nothing of snarl but Resolve and
// Allowed, and nothing of sniffle.
func TestNothingBeforeTheCheck(t *testing.T) {
	f := newWalkFixture(t)
	h, err := New(gate{real: f.svc}, Options{CacheTTL: -1, Cloud: cloudGate{}})
	must(t, err)
	doc := mustLoad(t)
	routes, err := openapi.Routes(doc)
	must(t, err)
	checked := 0
	for _, r := range routes {
		if !r.Auth {
			continue
		}
		path, body := f.target(t, doc, r, "2")
		tokens := map[string]int{"": 401, "bad": 401}
		if r.Access == openapi.AccessPermission {
			tokens[f.plainToken] = 403
		}
		for tok, want := range tokens {
			var rd *bytes.Reader
			ctype := mimeJSON
			switch b := body.(type) {
			case nil:
				rd = bytes.NewReader(nil)
			case url.Values:
				rd, ctype = bytes.NewReader([]byte(b.Encode())), mimeForm
			default:
				js, _ := json.Marshal(b)
				rd = bytes.NewReader(js)
			}
			req := httptest.NewRequest(r.Method, path, rd)
			req.Header.Set("Content-Type", ctype)
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			w := httptest.NewRecorder()
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("%s with token %q: called snarl beyond Resolve and Allowed, or sniffle: %v", r.OperationID, short(tok), p)
					}
				}()
				h.ServeHTTP(w, req)
			}()
			if w.Code != want {
				t.Errorf("%s with token %q: %d %s, want %d", r.OperationID, short(tok), w.Code, w.Body, want)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d requests checked", checked)
	}
}

func short(tok string) string {
	if len(tok) > 6 {
		return tok[:6] + "…"
	}
	return tok
}

var _ http.Handler = (*Handler)(nil)
