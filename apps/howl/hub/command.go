package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// Op is what a client frame asks for.
type Op uint8

// The client operations of the howl protocol.
const (
	// OpJoin: {"join": channel}, answered {"ok": "channel joined"} or an
	// error.
	OpJoin Op = iota + 1
	// OpLeave: {"leave": channel}, answered {"ok": "channel left"}.
	OpLeave
	// OpPing: {"ping": v}, answered {"pong": v}.
	OpPing
)

// Command is a decoded client frame.
type Command struct {
	Op Op
	// Channel of a join or leave.
	Channel string
	// Ping is the value of a ping, still encoded (in the frame's
	// encoding), to be echoed by Pong.
	Ping []byte
}

// ErrBadCommand: a client frame that is not one of join, leave, ping.
var ErrBadCommand = errors.New("hub: bad command")

// Texts of the reply frames.
const (
	TextJoined           = "channel joined"
	TextLeft             = "channel left"
	TextPermissionDenied = "permission denied"
	TextBadCommand       = "bad command"
	TextTooManyChannels  = "too many channels"
	TextAuthFailed       = "permission check failed"
)

// DecodeCommand decodes a client frame of encoding e: an object (map) of
// exactly one key, "join" or "leave" with a channel name, or "ping" with
// any value.
func DecodeCommand(e Encoding, frame []byte) (Command, error) {
	var (
		key string
		val []byte
		err error
	)
	switch e {
	case JSON:
		key, val, err = jsonPair(frame)
	case MsgPack:
		key, val, err = msgpackPair(frame)
	default:
		err = fmt.Errorf("unknown encoding %d", e)
	}
	if err != nil {
		return Command{}, fmt.Errorf("%w: %v", ErrBadCommand, err)
	}
	var c Command
	switch key {
	case "join":
		c.Op = OpJoin
	case "leave":
		c.Op = OpLeave
	case "ping":
		return Command{Op: OpPing, Ping: val}, nil
	default:
		return Command{}, fmt.Errorf("%w: unknown key %.40q", ErrBadCommand, key)
	}
	if c.Channel, err = stringValue(e, val); err != nil {
		return Command{}, fmt.Errorf("%w: %s: %v", ErrBadCommand, key, err)
	}
	if err := ValidChannel(c.Channel); err != nil {
		return Command{}, fmt.Errorf("%w: %s: %v", ErrBadCommand, key, err)
	}
	return c, nil
}

// jsonPair splits a JSON object of one member into its key and value.
func jsonPair(frame []byte) (string, []byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(frame, &m); err != nil {
		return "", nil, err
	}
	if len(m) != 1 {
		return "", nil, fmt.Errorf("want an object of one key, got %d keys", len(m))
	}
	for k, v := range m {
		return k, v, nil
	}
	panic("unreachable")
}

// msgpackPair splits a msgpack map of one entry into its string key and
// its raw value; nothing may follow the map.
func msgpackPair(frame []byte) (string, []byte, error) {
	r := bytes.NewReader(frame)
	dec := msgpack.NewDecoder(r)
	if c, err := dec.PeekCode(); err != nil {
		return "", nil, err
	} else if !msgpcode.IsFixedMap(c) && c != msgpcode.Map16 && c != msgpcode.Map32 {
		return "", nil, fmt.Errorf("want a map, got code %#x", c)
	}
	n, err := dec.DecodeMapLen()
	if err != nil {
		return "", nil, err
	}
	if n != 1 {
		return "", nil, fmt.Errorf("want a map of one key, got %d keys", n)
	}
	key, err := msgpackString(dec)
	if err != nil {
		return "", nil, fmt.Errorf("key: %w", err)
	}
	val, err := dec.DecodeRaw()
	if err != nil {
		return "", nil, err
	}
	if r.Len() != 0 {
		return "", nil, fmt.Errorf("%d bytes after the map", r.Len())
	}
	return key, val, nil
}

// msgpackString decodes a msgpack str (not bin, not nil).
func msgpackString(dec *msgpack.Decoder) (string, error) {
	c, err := dec.PeekCode()
	if err != nil {
		return "", err
	}
	if !msgpcode.IsFixedString(c) && c != msgpcode.Str8 && c != msgpcode.Str16 && c != msgpcode.Str32 {
		return "", fmt.Errorf("want a string, got code %#x", c)
	}
	return dec.DecodeString()
}

// stringValue decodes an encoded string value.
func stringValue(e Encoding, val []byte) (string, error) {
	if e == JSON {
		var s string
		if err := json.Unmarshal(val, &s); err != nil {
			return "", err
		}
		return s, nil
	}
	return msgpackString(msgpack.NewDecoder(bytes.NewReader(val)))
}

// Reply returns the frame {key: text} in encoding e ("ok" or "error").
func Reply(e Encoding, key, text string) []byte {
	if e == JSON {
		b := append([]byte{'{'}, appendJSONString(nil, key)...)
		b = append(b, ':')
		return append(appendJSONString(b, text), '}')
	}
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	// Writes to a bytes.Buffer do not fail.
	_ = enc.EncodeMapLen(1)
	_ = enc.EncodeString(key)
	_ = enc.EncodeString(text)
	return buf.Bytes()
}

// OK returns the frame {"ok": text}.
func OK(e Encoding, text string) []byte { return Reply(e, "ok", text) }

// Error returns the frame {"error": text}.
func Error(e Encoding, text string) []byte { return Reply(e, "error", text) }

// Pong returns the frame {"pong": v} for the value of a ping decoded from
// a frame of the same encoding.
func Pong(e Encoding, ping []byte) []byte {
	if e == JSON {
		b := make([]byte, 0, len(ping)+10)
		b = append(b, `{"pong":`...)
		b = append(b, ping...)
		return append(b, '}')
	}
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	_ = enc.EncodeMapLen(1)
	_ = enc.EncodeString("pong")
	buf.Write(ping)
	return buf.Bytes()
}
