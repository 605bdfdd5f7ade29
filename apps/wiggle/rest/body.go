package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"
)

// readBody reads the whole request body, at most limit bytes: a longer
// body is a 413.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errorf(http.StatusRequestEntityTooLarge, codeInvalid, "request body larger than %d bytes", limit)
		}
		return nil, badRequest("reading the request body failed")
	}
	return b, nil
}

// requestMediaType is the media type of the request body: msgpack or
// form when the Content-Type says so, JSON otherwise (also when it is
// missing or unknown, as in FiFo).
func requestMediaType(h http.Header) string {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return mimeJSON
	}
	switch mt {
	case mimeMsgpack, mimeForm:
		return mt
	}
	return mimeJSON
}

// bodyJSON turns a raw JSON or msgpack body into its JSON form and the
// generic value it holds (objects as map[string]any, numbers as
// json.Number). An empty body is (nil, nil). The JSON must be exactly one
// value of valid UTF-8.
func bodyJSON(mediaType string, raw []byte) ([]byte, any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil, nil
	}
	js := raw
	if mediaType == mimeMsgpack {
		var err error
		if js, err = msgpackToJSON(raw); err != nil {
			return nil, nil, badRequest("the msgpack body does not decode: %v", errors.Unwrap(err))
		}
	} else if !utf8.Valid(raw) {
		return nil, nil, badRequest("the JSON body is not valid UTF-8")
	}
	v, err := decodeGeneric(js)
	if err != nil {
		return nil, nil, err
	}
	return js, v, nil
}

// decodeGeneric decodes exactly one JSON value.
func decodeGeneric(js []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, badRequest("the JSON body does not decode: %s", jsonProblem(err))
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, badRequest("the JSON body has data after its value")
	}
	return v, nil
}

// jsonProblem describes a JSON syntax or type error without quoting the
// input.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("syntax error at offset %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("field %q has the wrong type (want %s)", te.Field, te.Type)
		}
		return fmt.Sprintf("wrong type (want %s)", te.Type)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of input"
	}
	return "malformed"
}

// decodeInto decodes a body already checked against the document into
// dst, a pointer to the operation's request struct.
func decodeInto(js []byte, dst any) error {
	if len(js) == 0 {
		return nil
	}
	if err := json.Unmarshal(js, dst); err != nil {
		return badRequest("the body does not fit: %s", jsonProblem(err))
	}
	return nil
}
