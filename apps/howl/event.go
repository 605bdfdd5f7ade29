package howl

import (
	"encoding/json"
	"fmt"

	"github.com/fifogo/fifo/apps/howl/hub"
	"github.com/fifogo/fifo/internal/runtime"
)

// Name is the registered name of the howl actor on every node running the
// howl application: the endpoint of published events.
const Name = "howl"

// Event is the message that publishes an event, registered for the
// network as "howl.Event". Clients on Channel receive {"channel":
// Channel, "message": {"event": Event, "uuid": ID, "data": Data}}.
type Event struct {
	Channel string
	Event   string
	// ID is an optional event id ("uuid" of the message), used on the
	// "command" channel.
	ID string
	// Data is the payload encoded as JSON; empty for none.
	Data []byte
}

func init() {
	runtime.MustRegisterMessage("howl.Event", Event{})
}

// NewEvent builds an event, encoding data as JSON (nil: no data; a
// json.RawMessage is taken as it is, if valid).
func NewEvent(channel, event string, data any) (Event, error) {
	ev := Event{Channel: channel, Event: event}
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return Event{}, fmt.Errorf("howl event %s/%s: data: %w", channel, event, err)
		}
		ev.Data = b
	}
	if err := ev.hub().Validate(); err != nil {
		return Event{}, fmt.Errorf("howl event: %w", err)
	}
	return ev, nil
}

// hub converts the wire event into the hub's.
func (ev Event) hub() hub.Event {
	return hub.Event{Channel: ev.Channel, Event: ev.Event, ID: ev.ID, Data: ev.Data}
}

// Sender sends messages to processes; *runtime.Node (from plain Go) and
// *runtime.Process (inside an actor) are both Senders.
type Sender interface {
	Send(to any, msg any) error
}

var (
	_ Sender = (*runtime.Node)(nil)
	_ Sender = (*runtime.Process)(nil)
)

// Publish publishes event on channel with data (encoded as JSON) to the
// howl actor of the sender's node. It returns once the event is in the
// actor's mailbox and never waits for websocket clients; a full mailbox
// is runtime.ErrMailboxFull (the event is dropped and counted), a node
// without howl runtime.ErrNoProc.
func Publish(s Sender, channel, event string, data any) error {
	ev, err := NewEvent(channel, event, data)
	if err != nil {
		return err
	}
	return PublishEvent(s, ev)
}

// PublishEvent publishes a prepared event to the local howl actor.
func PublishEvent(s Sender, ev Event) error {
	return PublishEventTo(s, "", ev)
}

// PublishEventTo publishes a prepared event to the howl actor of node
// ("" = the sender's node).
func PublishEventTo(s Sender, node string, ev Event) error {
	if err := s.Send(runtime.ProcessID{Name: Name, Node: node}, ev); err != nil {
		return fmt.Errorf("howl publish %s/%s: %w", ev.Channel, ev.Event, err)
	}
	return nil
}
