package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/vmihailenco/msgpack/v5"
)

// Encoding is the wire format of a subscriber's frames, chosen by the
// websocket subprotocol.
type Encoding uint8

// The encodings of the howl protocol.
const (
	// JSON frames travel as websocket text messages (subprotocol "json",
	// the default).
	JSON Encoding = iota
	// MsgPack frames travel as binary messages (subprotocol "msgpack").
	MsgPack
	numEncodings
)

// String returns the subprotocol name.
func (e Encoding) String() string {
	switch e {
	case JSON:
		return "json"
	case MsgPack:
		return "msgpack"
	}
	return "encoding(" + strconv.Itoa(int(e)) + ")"
}

// Limits of event and channel names.
const (
	// MaxChannelLen bounds a channel name in bytes.
	MaxChannelLen = 256
	// MaxEventLen bounds an event name in bytes.
	MaxEventLen = 256
)

// ErrInvalidEvent: an event that cannot be published (empty or too long
// channel or event name, invalid UTF-8, data that is not JSON).
var ErrInvalidEvent = errors.New("hub: invalid event")

// Event is one message for the subscribers of a channel. Clients receive
// it as {"channel": Channel, "message": {"event": Event, "uuid": ID,
// "data": Data}}; "uuid" appears only when ID is set (the event id of the
// "command" channel), "data" only when Data is not empty.
type Event struct {
	Channel string
	Event   string
	// ID is an optional event id.
	ID string
	// Data is the event's payload as JSON (nil: none).
	Data []byte
}

// Validate reports why ev cannot be published.
func (ev Event) Validate() error {
	if err := ValidChannel(ev.Channel); err != nil {
		return err
	}
	if ev.Event == "" || len(ev.Event) > MaxEventLen || !utf8.ValidString(ev.Event) {
		return fmt.Errorf("%w: event name %.40q", ErrInvalidEvent, ev.Event)
	}
	if !utf8.ValidString(ev.ID) || len(ev.ID) > MaxEventLen {
		return fmt.Errorf("%w: event id %.40q", ErrInvalidEvent, ev.ID)
	}
	if len(ev.Data) > 0 && !json.Valid(ev.Data) {
		return fmt.Errorf("%w: data of %s/%s is not JSON", ErrInvalidEvent, ev.Channel, ev.Event)
	}
	return nil
}

// ValidChannel reports whether name can be a channel: 1 to MaxChannelLen
// bytes of UTF-8.
func ValidChannel(name string) error {
	if name == "" || len(name) > MaxChannelLen || !utf8.ValidString(name) {
		return fmt.Errorf("%w: channel %.40q", ErrInvalidEvent, name)
	}
	return nil
}

// Encode returns the frame of a valid event in encoding e.
func (ev Event) Encode(e Encoding) ([]byte, error) {
	switch e {
	case JSON:
		return ev.appendJSON(make([]byte, 0, 64+len(ev.Channel)+len(ev.Event)+len(ev.ID)+len(ev.Data))), nil
	case MsgPack:
		return ev.msgpack()
	}
	return nil, fmt.Errorf("hub: unknown encoding %d", e)
}

func (ev Event) appendJSON(b []byte) []byte {
	b = append(b, `{"channel":`...)
	b = appendJSONString(b, ev.Channel)
	b = append(b, `,"message":{"event":`...)
	b = appendJSONString(b, ev.Event)
	if ev.ID != "" {
		b = append(b, `,"uuid":`...)
		b = appendJSONString(b, ev.ID)
	}
	if len(ev.Data) > 0 {
		b = append(b, `,"data":`...)
		b = append(b, ev.Data...)
	}
	return append(b, "}}"...)
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

func (ev Event) msgpack() ([]byte, error) {
	var data any
	if len(ev.Data) > 0 {
		var err error
		if data, err = jsonValue(ev.Data); err != nil {
			return nil, fmt.Errorf("%w: data of %s/%s: %v", ErrInvalidEvent, ev.Channel, ev.Event, err)
		}
	}
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.SetSortMapKeys(true)
	n := 1
	if ev.ID != "" {
		n++
	}
	if len(ev.Data) > 0 {
		n++
	}
	err := errors.Join(
		enc.EncodeMapLen(2),
		enc.EncodeString("channel"), enc.EncodeString(ev.Channel),
		enc.EncodeString("message"), enc.EncodeMapLen(n),
		enc.EncodeString("event"), enc.EncodeString(ev.Event),
	)
	if ev.ID != "" {
		err = errors.Join(err, enc.EncodeString("uuid"), enc.EncodeString(ev.ID))
	}
	if len(ev.Data) > 0 {
		err = errors.Join(err, enc.EncodeString("data"), enc.Encode(data))
	}
	if err != nil {
		return nil, fmt.Errorf("hub: msgpack %s/%s: %w", ev.Channel, ev.Event, err)
	}
	return buf.Bytes(), nil
}

// jsonValue decodes JSON into plain values for msgpack: objects, arrays,
// strings, booleans, nil, and numbers as int64 when integral (uint64
// above int64's range), float64 otherwise.
func jsonValue(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return numbers(v), nil
}

// numbers replaces json.Number values in v.
func numbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return i
		}
		if u, err := strconv.ParseUint(string(t), 10, 64); err == nil {
			return u
		}
		f, _ := strconv.ParseFloat(string(t), 64) // ±Inf beyond float64's range
		return f
	case map[string]any:
		for k, e := range t {
			t[k] = numbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = numbers(e)
		}
	}
	return v
}
