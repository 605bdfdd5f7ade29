package cloud

import (
	"context"
	"testing"

	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

func newService(t *testing.T) (*Service, context.Context) {
	t.Helper()
	return New(recstore.NewMemory(record.StoreCodec{}), Options{Actor: "test"}), context.Background()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
