package driver

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Metadata is a VM's customer or internal metadata. vmadm stores string
// values; when decoding, a number or boolean is kept as its JSON text and
// an object or array as its compact JSON, so metadata written by other
// tools still decodes. null values are dropped.
type Metadata map[string]string

// UnmarshalJSON decodes an object of scalar (or JSON) values.
func (m *Metadata) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*m = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	out := make(Metadata, len(raw))
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		switch {
		case len(v) == 0 || bytes.Equal(v, []byte("null")):
			continue
		case v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("metadata %q: %w", k, err)
			}
			out[k] = s
		case v[0] == '{' || v[0] == '[':
			var b bytes.Buffer
			if err := json.Compact(&b, v); err != nil {
				return fmt.Errorf("metadata %q: %w", k, err)
			}
			out[k] = b.String()
		default:
			out[k] = string(v)
		}
	}
	*m = out
	return nil
}
