package proto

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/fifogo/fifo/agent/driver"
)

func TestCodesRoundTrip(t *testing.T) {
	for _, c := range codes {
		wrapped := fmt.Errorf("vm x: start: %w", c.err)
		code := CodeOf(wrapped)
		if code != c.code {
			t.Fatalf("CodeOf(%v) = %q, want %q", wrapped, code, c.code)
		}
		back := ErrorOf(code, wrapped.Error())
		if !errors.Is(back, c.err) {
			t.Fatalf("ErrorOf(%q) does not match %v", code, c.err)
		}
		if back.Error() != wrapped.Error() {
			t.Fatalf("message %q, want %q", back.Error(), wrapped.Error())
		}
		// Across a second hop the code is kept.
		if again := CodeOf(fmt.Errorf("agent: %w", back)); again != c.code {
			t.Fatalf("second hop code %q, want %q", again, c.code)
		}
	}
}

func TestCodeOfSpecialCases(t *testing.T) {
	if CodeOf(nil) != "" || ErrorOf("", "") != nil {
		t.Fatal("nil must map to no code and back")
	}
	if c := CodeOf(errors.New("boom")); c != CodeInternal {
		t.Fatalf("plain error code %q", c)
	}
	// A driver error cut by its context: the driver's category wins
	// when it is named, else the context's.
	if c := CodeOf(fmt.Errorf("vm: %w", context.DeadlineExceeded)); c != CodeTimeout {
		t.Fatalf("deadline code %q", c)
	}
	both := fmt.Errorf("%w: %w", driver.ErrNoMemory, driver.ErrConflict)
	if c := CodeOf(both); c != CodeNoMemory {
		t.Fatalf("no_memory must win, got %q", c)
	}
	// A code from a newer version is an internal error here, and keeps
	// its code when passed on.
	e := ErrorOf("quota_exceeded", "too big")
	if !errors.Is(e, ErrInternal) || CodeOf(e) != "quota_exceeded" {
		t.Fatalf("unknown code: %v / %q", e, CodeOf(e))
	}
	if e := ErrorOf("", "lost"); !errors.Is(e, ErrInternal) {
		t.Fatalf("message without code: %v", e)
	}
	if (&Error{Code: CodeConflict}).Error() != CodeConflict {
		t.Fatal("an error without message shows its code")
	}
}

func TestReplyAndAck(t *testing.T) {
	r := ReplyOf(nil, fmt.Errorf("vm a: %w", driver.ErrNotFound))
	if r.Code != CodeNotFound || !errors.Is(r.Err(), driver.ErrNotFound) {
		t.Fatalf("reply %+v", r)
	}
	var vm driver.VM
	if err := r.Decode(&vm); !errors.Is(err, driver.ErrNotFound) {
		t.Fatalf("Decode of an error reply = %v", err)
	}
	ok := ReplyOf(driver.VM{Spec: driver.Spec{UUID: "u"}, State: driver.StateRunning}, nil)
	if ok.Code != "" || ok.Err() != nil {
		t.Fatalf("ok reply %+v", ok)
	}
	if err := ok.Decode(&vm); err != nil || vm.UUID != "u" || vm.State != driver.StateRunning {
		t.Fatalf("decode %v %+v", err, vm)
	}
	if r := ReplyOf(nil, nil); r.Code != "" || r.Body != nil {
		t.Fatalf("empty reply %+v", r)
	}
	if r := ReplyOf(make(chan int), nil); r.Code != CodeInternal {
		t.Fatalf("unencodable body %+v", r)
	}
	if a := AckOf(nil); a.Err() != nil {
		t.Fatal("ack of nil")
	}
	if a := AckOf(ErrUnavailable); a.Code != CodeUnavailable || !errors.Is(a.Err(), ErrUnavailable) {
		t.Fatalf("ack %+v", a)
	}
}
