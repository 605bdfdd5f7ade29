package rest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/getkin/kin-openapi/routers"

	"github.com/fifogo/fifo/apps/snarl/identity"
)

// call is one request on its way through an operation: what the pipeline
// established (route, session, body) and the ways to answer.
type call struct {
	h       *Handler
	w       http.ResponseWriter
	r       *http.Request
	ctx     context.Context
	op      *operation
	route   *routers.Route
	params  map[string]string
	version string
	format  format
	// sess is the caller's session (operations that need a token).
	sess identity.Session
	// raw is the body as received; body its JSON form, checked against
	// the document, and value its decoded form.
	raw   []byte
	body  []byte
	value any
	// tail holds the elements of the route's tail parameter.
	tail []string
}

// param returns path parameter name (decoded).
func (c *call) param(name string) string { return c.params[name] }

// decode decodes the (validated) body into dst.
func (c *call) decode(dst any) error { return decodeInto(c.body, dst) }

// location is the path of an object of collection coll, in the request's
// API version.
func (c *call) location(coll, id string) string {
	return "/api/" + c.version + "/" + coll + "/" + url.PathEscape(id)
}

// ok answers 200 with v.
func (c *call) ok(v any) error {
	b, err := encodeBody(c.format, v)
	if err != nil {
		return err
	}
	writeBody(c.w, http.StatusOK, c.format, b)
	return nil
}

// object answers 200 with v and its ETag (single-object GETs).
func (c *call) object(v any) error {
	js, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.w.Header().Set("ETag", etag(js))
	if c.format == formatMsgpack {
		if js, err = jsonToMsgpack(js); err != nil {
			return err
		}
	}
	writeBody(c.w, http.StatusOK, c.format, js)
	return nil
}

// seeOther answers 303 to the object coll/id: a creation, or a change to
// a sub-resource of it.
func (c *call) seeOther(coll, id string) error {
	c.w.Header().Set("Location", c.location(coll, id))
	c.w.WriteHeader(http.StatusSeeOther)
	return nil
}

// noContent answers 204.
func (c *call) noContent() error {
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}
