package handoff

import (
	"encoding/json"
	"fmt"
	"io"
)

// The steps a parent and its child exchange, one JSON object per line.
const (
	stepWaiting = "waiting" // child → parent: set up, waiting for go
	stepGo      = "go"      // parent → child: services released, take over
	stepReady   = "ready"   // child → parent: serving
	stepFailed  = "failed"  // child → parent: could not take over
)

// step is one message of the step channel.
type step struct {
	Step    string `json:"step"`
	PID     int    `json:"pid,omitempty"`
	Version string `json:"version,omitempty"`
	Error   string `json:"error,omitempty"`
}

// stepConn reads and writes steps on one connection.
type stepConn struct {
	c   io.ReadWriteCloser
	dec *json.Decoder
	enc *json.Encoder
}

func newStepConn(c io.ReadWriteCloser) *stepConn {
	return &stepConn{c: c, dec: json.NewDecoder(c), enc: json.NewEncoder(c)}
}

func (s *stepConn) send(st step) error {
	if err := s.enc.Encode(st); err != nil {
		return fmt.Errorf("handoff: send %s: %w", st.Step, err)
	}
	return nil
}

func (s *stepConn) recv() (step, error) {
	var st step
	if err := s.dec.Decode(&st); err != nil {
		return step{}, err
	}
	return st, nil
}
