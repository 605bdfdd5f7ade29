package drivertest

import (
	"context"
	"testing"
	"time"
)

func TestManualClock(t *testing.T) {
	c := NewManualClock(time.Unix(100, 0))
	if ch := c.After(0); len(ch) != 1 {
		t.Fatal("a zero wait must fire at once")
	}
	a, b := c.After(time.Second), c.After(2*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if err := c.BlockUntil(ctx, 2); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Second)
	if got := <-a; !got.Equal(time.Unix(101, 0)) {
		t.Fatalf("fired at %v", got)
	}
	if len(b) != 0 || c.Pending() != 1 {
		t.Fatal("the later timer fired early")
	}
	done := make(chan error, 1)
	go func() { done <- c.BlockUntil(ctx, 2) }()
	c.After(time.Hour)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Hour)
	<-b
	if c.Pending() != 0 || !c.Now().Equal(time.Unix(3701, 0)) {
		t.Fatalf("pending %d, now %v", c.Pending(), c.Now())
	}
	short, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := c.BlockUntil(short, 5); err == nil {
		t.Fatal("BlockUntil ignored its context")
	}
}
