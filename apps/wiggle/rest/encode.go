package rest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// Media types wiggle reads and writes.
const (
	mimeJSON    = "application/json"
	mimeMsgpack = "application/x-msgpack"
	mimeForm    = "application/x-www-form-urlencoded"
)

// format is the encoding of a response body.
type format int

const (
	formatJSON format = iota
	formatMsgpack
)

// contentType is the Content-Type of f.
func (f format) contentType() string {
	if f == formatMsgpack {
		return mimeMsgpack
	}
	return mimeJSON
}

// negotiate picks the response format from an Accept header: JSON unless
// msgpack is preferred (higher quality, or equal quality and listed
// first); ok is false when Accept names neither, nor a wildcard covering
// them (406).
func negotiate(accept string) (f format, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return formatJSON, true
	}
	bestQ, best, found := -1.0, formatJSON, false
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		if q <= 0 {
			continue
		}
		var cand format
		switch mt {
		case mimeJSON, "application/*", "*/*":
			cand = formatJSON
		case mimeMsgpack:
			cand = formatMsgpack
		default:
			continue
		}
		if q > bestQ {
			bestQ, best, found = q, cand, true
		}
	}
	return best, found
}

// encodeBody returns v's body in format f; it is JSON first, so both
// formats carry the same document.
func encodeBody(f format, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if f == formatMsgpack {
		return jsonToMsgpack(b)
	}
	return b, nil
}

// writeBody writes a response whose body is already encoded.
func writeBody(w http.ResponseWriter, status int, f format, body []byte) {
	h := w.Header()
	h.Set("Content-Type", f.contentType())
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	// A write error means the client went away; nobody is left to tell.
	_, _ = w.Write(body)
}

// etag is the strong entity tag of a JSON body: a digest of its bytes.
func etag(jsonBody []byte) string {
	sum := sha256.Sum256(jsonBody)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// writeError writes e's Error body in format f (JSON when f cannot be
// honoured), with the headers its status needs.
func writeError(w http.ResponseWriter, f format, e *Error) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fifo"`)
	}
	body, err := encodeBody(f, errorBody{Error: e.Code, Message: e.Message})
	if err != nil {
		f = formatJSON
		body, _ = json.Marshal(errorBody{Error: codeInternal, Message: "internal error"})
	}
	writeBody(w, e.Status, f, body)
}
