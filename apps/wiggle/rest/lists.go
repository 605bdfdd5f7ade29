package rest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/internal/perm"
)

// fullList reports whether the request asks for objects instead of UUIDs
// (query full-list=true|True, or the 2015 header x-full-list) and the
// fields to keep (full-list-fields or x-full-list-fields, comma
// separated; none: all).
func fullList(r *http.Request) (bool, []string) {
	q := r.URL.Query()
	full := isTrue(q.Get("full-list")) || isTrue(r.Header.Get("X-Full-List"))
	fields := q.Get("full-list-fields")
	if fields == "" {
		fields = r.Header.Get("X-Full-List-Fields")
	}
	var out []string
	for _, f := range strings.Split(fields, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return full, out
}

func isTrue(s string) bool { return s == "true" || s == "True" }

// list answers GET /<coll> for snarl's kind k (listOf).
func (h *Handler) list(c *call, k identity.Kind) error {
	ids, err := h.api.List(c.ctx, k)
	if err != nil {
		return err
	}
	return h.listOf(c, ids, func(id string) (any, error) {
		rec, err := h.api.Get(c.ctx, k, id)
		if err != nil {
			return nil, err
		}
		return render(k, rec)
	})
}

// listOf answers GET /<coll> over ids: the ones the caller's user may get
// (the route's x-fifo-filter), or their objects (view renders one) with a
// full list. An object gone since it was listed (ErrNotFound) is left out.
// A JSON full list is streamed item by item; msgpack is buffered.
func (h *Handler) listOf(c *call, ids []string, view func(id string) (any, error)) error {
	visible := make([]string, 0, len(ids))
	for _, id := range ids {
		p, err := expand(c.op.Filter, templateArgs{params: map[string]string{"uuid": id}})
		if err != nil {
			return err
		}
		ok, err := h.visible(c.ctx, c.sess, p)
		if err != nil {
			return err
		}
		if ok {
			visible = append(visible, id)
		}
	}
	full, fields := fullList(c.r)
	if !full {
		return c.ok(visible)
	}
	objects := func(yield func(json.RawMessage) error) error {
		for _, id := range visible {
			v, err := view(id)
			if errors.Is(err, identity.ErrNotFound) {
				continue // deleted since it was listed
			}
			if err != nil {
				return err
			}
			b, err := project(v, fields)
			if err != nil {
				return err
			}
			if err := yield(b); err != nil {
				return err
			}
		}
		return nil
	}
	if c.format == formatMsgpack {
		var all []json.RawMessage
		if err := objects(func(b json.RawMessage) error { all = append(all, b); return nil }); err != nil {
			return err
		}
		if len(all) == 0 {
			return c.ok([]string{})
		}
		return c.ok(all)
	}
	return streamJSON(c.w, objects)
}

// streamJSON writes the items objects yields as a JSON array, starting
// the answer with the first item (so an early error is still a proper
// error answer). An error after that cuts the answer (see Handler.fail).
func streamJSON(w http.ResponseWriter, objects func(yield func(json.RawMessage) error) error) error {
	n := 0
	err := objects(func(b json.RawMessage) error {
		sep := []byte{','}
		if n == 0 {
			w.Header().Set("Content-Type", mimeJSON)
			w.WriteHeader(http.StatusOK)
			sep = []byte{'['}
		}
		n++
		if _, err := w.Write(sep); err != nil {
			return err
		}
		_, err := w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		writeBody(w, http.StatusOK, formatJSON, []byte("[]"))
		return nil
	}
	_, _ = w.Write([]byte{']'})
	return nil
}

// project encodes v keeping only fields (all fields when none are given).
func project(v any, fields []string) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil || len(fields) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(fields))
	for _, f := range fields {
		if x, ok := m[f]; ok {
			out[f] = x
		}
	}
	return json.Marshal(out)
}

// get answers GET /<coll>/{id} with the object's view.
func (h *Handler) get(c *call, k identity.Kind) error {
	rec, err := h.api.Get(c.ctx, k, c.param("id"))
	if err != nil {
		return err
	}
	v, err := render(k, rec)
	if err != nil {
		return err
	}
	return c.object(v)
}

// grant and revoke answer PUT and DELETE /<coll>/{id}/permissions/...
func (h *Handler) grant(c *call, k identity.Kind) error {
	p, err := c.permission()
	if err != nil {
		return err
	}
	if err := h.api.Grant(c.ctx, k, c.param("id"), p); err != nil {
		return err
	}
	return c.noContent()
}

func (h *Handler) revoke(c *call, k identity.Kind) error {
	p, err := c.permission()
	if err != nil {
		return err
	}
	if err := h.api.Revoke(c.ctx, k, c.param("id"), p); err != nil {
		return err
	}
	return c.noContent()
}

// permission is the permission of a /permissions/... path.
func (c *call) permission() (perm.Permission, error) {
	p, err := perm.ParsePath(c.params["permission"])
	if err != nil {
		return nil, badRequest("permission: %v", err)
	}
	return p, nil
}

// remove answers DELETE /<coll>/{id}.
func (h *Handler) remove(c *call, k identity.Kind) error {
	if err := h.api.Delete(c.ctx, k, c.param("id")); err != nil {
		return err
	}
	return c.noContent()
}

// notSupported answers the routes FiFo routes but never implemented.
func notSupported(*Handler, *call) error {
	return errorf(http.StatusBadRequest, codeNotSupported, "this operation is not supported")
}
