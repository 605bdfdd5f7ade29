package placement

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// Limits on rule values, so a rule from a request body stays small.
const (
	// MaxListItems is the most elements a list value may have.
	MaxListItems = 4096
	// MaxStringBytes is the longest a string value may be, in bytes.
	MaxStringBytes = 4096
)

// normalize returns v as a rule value: nil, a bool, a float64, a string
// or a []any of those. Every Go integer and float type, json.Number and
// *big.Int are numbers (they must be finite and, as float64, are exact up
// to 2^53); []string is a list. Anything else is an error.
func normalize(v any) (any, error) {
	if s, ok := v.([]string); ok {
		if len(s) > MaxListItems {
			return nil, fmt.Errorf("list of %d elements (max %d)", len(s), MaxListItems)
		}
		out := make([]any, len(s))
		for i, e := range s {
			n, err := normalizeScalar(e)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			out[i] = n
		}
		return out, nil
	}
	l, ok := v.([]any)
	if !ok {
		return normalizeScalar(v)
	}
	if len(l) > MaxListItems {
		return nil, fmt.Errorf("list of %d elements (max %d)", len(l), MaxListItems)
	}
	out := make([]any, len(l))
	for i, e := range l {
		n, err := normalizeScalar(e)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out[i] = n
	}
	return out, nil
}

// normalizeScalar is normalize for everything but lists.
func normalizeScalar(v any) (any, error) {
	switch v := v.(type) {
	case nil, bool:
		return v, nil
	case string:
		if len(v) > MaxStringBytes {
			return nil, fmt.Errorf("string of %d bytes (max %d)", len(v), MaxStringBytes)
		}
		if !utf8.ValidString(v) {
			return nil, fmt.Errorf("string %q is not valid UTF-8", v)
		}
		return v, nil
	case []any, []string:
		return nil, fmt.Errorf("a list inside a list is not supported")
	case map[string]any, map[any]any:
		return nil, fmt.Errorf("objects are not supported as values")
	}
	f, ok, err := number(v)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("unsupported value of type %T", v)
	}
	return f, nil
}

// number converts any Go number, json.Number or *big.Int to a finite
// float64; ok is false for other types.
func number(v any) (f float64, ok bool, err error) {
	switch v := v.(type) {
	case float64:
		f = v
	case float32:
		f = float64(v)
	case int:
		f = float64(v)
	case int8:
		f = float64(v)
	case int16:
		f = float64(v)
	case int32:
		f = float64(v)
	case int64:
		f = float64(v)
	case uint:
		f = float64(v)
	case uint8:
		f = float64(v)
	case uint16:
		f = float64(v)
	case uint32:
		f = float64(v)
	case uint64:
		f = float64(v)
	case json.Number:
		f, err = strconv.ParseFloat(string(v), 64)
		if err != nil {
			return 0, true, fmt.Errorf("number %q: %w", string(v), err)
		}
	case *big.Int:
		if v == nil {
			return 0, true, fmt.Errorf("nil big integer")
		}
		f, _ = new(big.Float).SetInt(v).Float64()
	default:
		return 0, false, nil
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, true, fmt.Errorf("number %v is not finite", f)
	}
	return f, true, nil
}

// integer converts a number to an int64 within ±limit; non-integral,
// non-numeric and out-of-range values are errors.
func integer(v any, limit int64) (int64, error) {
	if n, ok := v.(json.Number); ok {
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			if i < -limit || i > limit {
				return 0, fmt.Errorf("%d is out of range (±%d)", i, limit)
			}
			return i, nil
		}
	}
	f, ok, err := number(v)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("%s is not a number", describe(v))
	}
	if f != math.Trunc(f) {
		return 0, fmt.Errorf("%v is not an integer", f)
	}
	if f < -float64(limit) || f > float64(limit) {
		return 0, fmt.Errorf("%v is out of range (±%d)", f, limit)
	}
	return int64(f), nil
}

// describe names a value's JSON type for error messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return strconv.Quote(v)
	case []any, []string:
		return "a list"
	case map[string]any, map[any]any:
		return "an object"
	}
	if _, ok, _ := number(v); ok {
		return "a number"
	}
	return fmt.Sprintf("a %T", v)
}
