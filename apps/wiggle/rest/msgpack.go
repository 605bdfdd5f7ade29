package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// maxDepth bounds the nesting of a msgpack body (arrays and maps), so a
// small hostile body cannot recurse deeply. JSON bodies are bounded by
// encoding/json's own limit and by the body size.
const maxDepth = 64

// errMsgpack marks a msgpack body that does not decode or has no JSON
// form.
var errMsgpack = errors.New("msgpack")

// msgpackToJSON decodes b, which must be exactly one msgpack value, and
// returns the JSON form of it: maps with string keys become objects,
// binary strings become strings (they must be UTF-8, as every string
// must), integers stay exact. Extensions, non-string keys, NaN and
// infinities have no JSON form and are errors wrapping errMsgpack.
func msgpackToJSON(b []byte) ([]byte, error) {
	r := bytes.NewReader(b)
	d := msgpack.NewDecoder(r)
	v, err := decodeMsgpackValue(d, r, 0)
	if err != nil {
		return nil, err
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the value", errMsgpack, r.Len())
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errMsgpack, err)
	}
	return out, nil
}

// decodeMsgpackValue decodes one value of r as JSON-shaped Go values
// (json.Number for numbers).
func decodeMsgpackValue(d *msgpack.Decoder, r *bytes.Reader, depth int) (any, error) {
	c, err := d.PeekCode()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errMsgpack, err)
	}
	switch {
	case c == msgpcode.Nil:
		return nil, wrapMsgpack(d.DecodeNil())
	case c == msgpcode.True || c == msgpcode.False:
		v, err := d.DecodeBool()
		return v, wrapMsgpack(err)
	case c == msgpcode.Uint64:
		v, err := d.DecodeUint64()
		return json.Number(strconv.FormatUint(v, 10)), wrapMsgpack(err)
	case msgpcode.IsFixedNum(c) || c == msgpcode.Uint8 || c == msgpcode.Uint16 || c == msgpcode.Uint32 ||
		c == msgpcode.Int8 || c == msgpcode.Int16 || c == msgpcode.Int32 || c == msgpcode.Int64:
		v, err := d.DecodeInt64()
		return json.Number(strconv.FormatInt(v, 10)), wrapMsgpack(err)
	case c == msgpcode.Float || c == msgpcode.Double:
		v, err := d.DecodeFloat64()
		if err != nil {
			return nil, wrapMsgpack(err)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: NaN or infinity", errMsgpack)
		}
		if v == 0 {
			v = 0 // -0 has no JSON form of its own
		}
		return json.Number(strconv.FormatFloat(v, 'g', -1, 64)), nil
	case msgpcode.IsString(c) || msgpcode.IsBin(c):
		return decodeMsgpackString(d, r)
	case msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32:
		if depth >= maxDepth {
			return nil, fmt.Errorf("%w: nested deeper than %d", errMsgpack, maxDepth)
		}
		n, err := d.DecodeArrayLen()
		if err != nil {
			return nil, wrapMsgpack(err)
		}
		// n comes from the input: never allocate by it.
		out := make([]any, 0, min(max(n, 0), 16))
		for i := 0; i < n; i++ {
			v, err := decodeMsgpackValue(d, r, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32:
		if depth >= maxDepth {
			return nil, fmt.Errorf("%w: nested deeper than %d", errMsgpack, maxDepth)
		}
		n, err := d.DecodeMapLen()
		if err != nil {
			return nil, wrapMsgpack(err)
		}
		out := make(map[string]any, min(max(n, 0), 16))
		for i := 0; i < n; i++ {
			kc, err := d.PeekCode()
			if err != nil {
				return nil, wrapMsgpack(err)
			}
			if !msgpcode.IsString(kc) && !msgpcode.IsBin(kc) {
				return nil, fmt.Errorf("%w: a map key is not a string", errMsgpack)
			}
			k, err := decodeMsgpackString(d, r)
			if err != nil {
				return nil, err
			}
			v, err := decodeMsgpackValue(d, r, depth+1)
			if err != nil {
				return nil, err
			}
			out[k.(string)] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: type code 0x%02x has no JSON form", errMsgpack, c)
}

// decodeMsgpackString decodes a str or bin value, which must be UTF-8.
// The length comes from the input, so it is checked against what is left
// of it before anything is allocated (msgpack's DecodeBytes would
// allocate a claimed 4 GiB for a five-byte input).
func decodeMsgpackString(d *msgpack.Decoder, r *bytes.Reader) (any, error) {
	n, err := d.DecodeBytesLen()
	if err != nil {
		return nil, wrapMsgpack(err)
	}
	if n < 0 || n > r.Len() {
		return nil, fmt.Errorf("%w: a string of %d bytes in %d bytes of input", errMsgpack, n, r.Len())
	}
	b := make([]byte, n)
	if err := d.ReadFull(b); err != nil {
		return nil, wrapMsgpack(err)
	}
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("%w: a string is not UTF-8", errMsgpack)
	}
	return string(b), nil
}

func wrapMsgpack(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %v", errMsgpack, err)
}

// jsonToMsgpack converts a JSON document (a response body) to msgpack:
// objects become maps with keys in sorted order, integers are encoded as
// integers and other numbers as float64.
func jsonToMsgpack(b []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("msgpack from json: %w", err)
	}
	var buf bytes.Buffer
	e := msgpack.NewEncoder(&buf)
	if err := encodeMsgpackValue(e, v); err != nil {
		return nil, fmt.Errorf("msgpack from json: %w", err)
	}
	return buf.Bytes(), nil
}

func encodeMsgpackValue(e *msgpack.Encoder, v any) error {
	switch v := v.(type) {
	case nil:
		return e.EncodeNil()
	case bool:
		return e.EncodeBool(v)
	case string:
		return e.EncodeString(v)
	case json.Number:
		if i, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return e.EncodeInt(i)
		}
		if u, err := strconv.ParseUint(string(v), 10, 64); err == nil {
			return e.EncodeUint(u)
		}
		f, err := v.Float64()
		if err != nil {
			return err
		}
		return e.EncodeFloat64(f)
	case []any:
		if err := e.EncodeArrayLen(len(v)); err != nil {
			return err
		}
		for _, x := range v {
			if err := encodeMsgpackValue(e, x); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		if err := e.EncodeMapLen(len(v)); err != nil {
			return err
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if err := e.EncodeString(k); err != nil {
				return err
			}
			if err := encodeMsgpackValue(e, v[k]); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unexpected %T", v)
}
