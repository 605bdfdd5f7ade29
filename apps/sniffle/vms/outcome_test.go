package vms

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/agent/proto"
)

func TestAmbiguous(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{fmt.Errorf("agent x: create: %w", driver.ErrNoMemory), false},
		{fmt.Errorf("agent x: create: %w", driver.ErrInvalid), false},
		{fmt.Errorf("agent x: create: %w", driver.ErrConflict), false},
		{fmt.Errorf("agent x: create: %w", driver.ErrNotFound), false},
		{fmt.Errorf("agent x: create: %w", driver.ErrFailed), false},
		{proto.ErrorOf(proto.CodeNoMemory, "no room"), false},
		{fmt.Errorf("agent x: create: %w: node down", proto.ErrUnavailable), true},
		{proto.ErrorOf(proto.CodeTimeout, "too slow"), true},
		{proto.ErrorOf(proto.CodeCanceled, "agent stopped"), true},
		{fmt.Errorf("create: %w", context.DeadlineExceeded), true},
		{errors.New("something else"), true},
	} {
		if got := ambiguous(c.err); got != c.want {
			t.Errorf("ambiguous(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
