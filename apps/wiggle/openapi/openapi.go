package openapi

import (
	"context"
	_ "embed"
	"errors"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// ErrInvalid marks a document that does not parse or validate, or whose
// x-fifo-* extensions are malformed.
var ErrInvalid = errors.New("openapi: invalid document")

// BasePath is the server URL every path of the document is relative to.
const BasePath = "/api/{version}"

// spec is fifo.yaml. A string, so that no caller can change it.
//
//go:embed fifo.yaml
var spec string

// Raw returns the document as written (YAML). The slice is the caller's.
func Raw() []byte {
	return []byte(spec)
}

// Versions returns the API versions the document is served under, in the
// order of the server variable's enum ("2", "3").
func Versions() []string {
	return []string{"2", "3"}
}

// Load parses and validates the document and checks its x-fifo-*
// extensions. Every call returns a new *openapi3.T. Errors wrap ErrInvalid.
func Load() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData([]byte(spec))
	if err != nil {
		return nil, fmt.Errorf("%w: parse: %w", ErrInvalid, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if _, err := Routes(doc); err != nil {
		return nil, err
	}
	return doc, nil
}
