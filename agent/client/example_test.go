package client_test

import (
	"context"
	"errors"
	"log"

	"github.com/fifogo/fifo/agent/client"
	"github.com/fifogo/fifo/agent/driver"
	"github.com/fifogo/fifo/internal/runtime"
	"github.com/fifogo/fifo/supervisors"
)

// sniffle is the control plane's Control (a stand-in here).
type sniffle struct{}

func (sniffle) OnRegister(context.Context, client.Registration) error { return nil }
func (sniffle) OnHeartbeat(context.Context, client.Heartbeat) error   { return nil }
func (sniffle) OnVMState(context.Context, client.VMState) error       { return nil }
func (sniffle) OnVMList(context.Context, client.VMList) error         { return nil }

// A control node runs the receiver in its tree and commands the agents
// that registered; a refused reservation sends it to the next candidate.
func Example() {
	var node *runtime.Node // the control node
	rcv, err := client.NewReceiver(client.ReceiverOptions{Control: sniffle{}})
	if err != nil {
		log.Fatal(err)
	}
	tree := supervisors.Supervisor{Name: "sniffle_sup", Children: func() []supervisors.Child {
		return []supervisors.Child{supervisors.ActorChild(rcv.Spec())}
	}}
	_ = tree

	agents := client.New(node).ByHV(rcv)
	ctx := context.Background()
	for _, hv := range []string{"candidate-1", "candidate-2"} {
		err := agents.Reserve(ctx, hv, "vm-uuid", 1024)
		if errors.Is(err, driver.ErrNoMemory) || errors.Is(err, client.ErrUnavailable) {
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		break
	}
}
