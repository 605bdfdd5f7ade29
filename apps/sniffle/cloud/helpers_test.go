package cloud

import (
	"context"
	"testing"

	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
)

type recordCodec struct{}

func (recordCodec) Check(v []byte) error                    { return record.Check(v) }
func (recordCodec) Merge(old, delta []byte) ([]byte, error) { return record.MergeBytes(old, delta) }

func newService(t *testing.T) (*Service, context.Context) {
	t.Helper()
	return New(recstore.NewMemory(recordCodec{}), Options{Actor: "test"}), context.Background()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
