package rest

import (
	"encoding/json"
	"strconv"

	"github.com/fifogo/fifo/apps/snarl/identity"
)

// setMetadata answers PUT /<coll>/{id}/metadata[/path...] of snarl's
// kinds: the body's single key is set under metadata.public[.path...].
func (h *Handler) setMetadata(c *call, k identity.Kind) error {
	return setFromBody(c, func(path []string, v any) error {
		return h.api.SetMetadata(c.ctx, k, c.param("id"), append([]string{metadataRoot}, path...), v)
	})
}

// deleteMetadata answers DELETE /<coll>/{id}/metadata/path... of snarl's
// kinds.
func (h *Handler) deleteMetadata(c *call, k identity.Kind) error {
	path := append([]string{metadataRoot}, c.tail...)
	if err := h.api.DeleteMetadata(c.ctx, k, c.param("id"), path); err != nil {
		return err
	}
	return c.noContent()
}

// setFromBody answers a PUT of a map entry (metadata, characteristics,
// config): the body's single key, below the route's tail, gets the
// body's value (an object value sets a subtree); set stores it.
func setFromBody(c *call, set func(path []string, v any) error) error {
	obj, ok := c.value.(map[string]any)
	if !ok || len(obj) != 1 {
		return badRequest("the body must be an object with exactly one key")
	}
	for key, v := range obj {
		if key == "" {
			return badRequest("the key is empty")
		}
		val, err := storable(v)
		if err != nil {
			return err
		}
		if err := set(append(append([]string{}, c.tail...), key), val); err != nil {
			return err
		}
	}
	return c.noContent()
}

// storable converts a decoded JSON value for the record store: integers
// become int64 (or uint64), other numbers float64, recursively; an empty
// object key is refused (metadata paths have no empty elements).
func storable(v any) (any, error) {
	switch v := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return i, nil
		}
		if u, err := strconv.ParseUint(string(v), 10, 64); err == nil {
			return u, nil
		}
		f, err := v.Float64()
		if err != nil {
			return nil, badRequest("number out of range")
		}
		return f, nil
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			s, err := storable(x)
			if err != nil {
				return nil, err
			}
			out[i] = s
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if k == "" {
				return nil, badRequest("a metadata key is empty")
			}
			s, err := storable(x)
			if err != nil {
				return nil, err
			}
			out[k] = s
		}
		return out, nil
	}
	return v, nil
}
