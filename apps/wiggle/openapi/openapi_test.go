package openapi

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestDocumentValidates(t *testing.T) {
	doc := load(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi %q, want 3.0.3", doc.OpenAPI)
	}
}

func TestLoadReturnsFreshDocuments(t *testing.T) {
	a, b := load(t), load(t)
	if a == b {
		t.Fatal("Load returned the same document twice")
	}
	a.Paths.Find("/users").Get.OperationID = "changed"
	if got := b.Paths.Find("/users").Get.OperationID; got != "listUsers" {
		t.Fatalf("changing one document changed another: %q", got)
	}
	if got := load(t).Paths.Find("/users").Get.OperationID; got != "listUsers" {
		t.Fatalf("changing a document changed the next Load: %q", got)
	}
}

func TestRawIsACopy(t *testing.T) {
	r := Raw()
	if !bytes.HasPrefix(r, []byte("openapi: 3.0.3")) {
		t.Fatalf("Raw starts with %q", r[:20])
	}
	r[0] = 'X'
	if Raw()[0] != 'o' {
		t.Fatal("changing Raw's result changed the document")
	}
}

// TestVersions keeps BasePath and Versions in step with the servers block:
// one server, /api/{version}, version ∈ {"2","3"}.
func TestVersions(t *testing.T) {
	doc := load(t)
	if len(doc.Servers) != 1 {
		t.Fatalf("%d servers, want 1", len(doc.Servers))
	}
	s := doc.Servers[0]
	if s.URL != BasePath {
		t.Errorf("server URL %q, want %q", s.URL, BasePath)
	}
	v := s.Variables["version"]
	if v == nil || !reflect.DeepEqual(v.Enum, Versions()) || v.Default != "2" {
		t.Errorf("version variable %+v, want enum %v default 2", v, Versions())
	}
}

func TestErrInvalidWraps(t *testing.T) {
	_, err := Routes(nil)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Routes(nil): %v", err)
	}
	if _, err := NewRouter(nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("NewRouter(nil): %v", err)
	}
}
