package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/internal/recstore"
)

// Classify maps wrapped sentinels to their status; a store that cannot
// reach its replicas is a 503 (try again), never a 500.
func TestClassify(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{fmt.Errorf("create user: claim name: %w", recstore.ErrUnavailable), http.StatusServiceUnavailable},
		{fmt.Errorf("x: %w", ErrUnavailable), http.StatusServiceUnavailable},
		{fmt.Errorf("x: %w", identity.ErrNotFound), http.StatusNotFound},
		{fmt.Errorf("x: %w", identity.ErrConflict), http.StatusConflict},
		{context.DeadlineExceeded, http.StatusServiceUnavailable},
		{errors.New("boom"), http.StatusInternalServerError},
	} {
		if got := Classify(c.err); got.Status != c.want {
			t.Errorf("%v: %d, want %d", c.err, got.Status, c.want)
		}
	}
	if e := Classify(recstore.ErrUnavailable); e.Code != codeUnavailable {
		t.Errorf("code %q", e.Code)
	}
}
