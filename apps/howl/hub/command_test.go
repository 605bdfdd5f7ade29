package hub

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

func mp(t testing.TB, v any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		enc  Encoding
		in   []byte
		want Command
	}{
		{"json join", JSON, []byte(`{"join":"vm-1"}`), Command{Op: OpJoin, Channel: "vm-1"}},
		{"json leave", JSON, []byte(` { "leave" : "vm-1" } `), Command{Op: OpLeave, Channel: "vm-1"}},
		{"json ping number", JSON, []byte(`{"ping":42}`), Command{Op: OpPing, Ping: []byte(`42`)}},
		{"json ping object", JSON, []byte(`{"ping":{"a":[1,"x"]}}`), Command{Op: OpPing, Ping: []byte(`{"a":[1,"x"]}`)}},
		{"msgpack join", MsgPack, mp(t, map[string]any{"join": "vm-1"}), Command{Op: OpJoin, Channel: "vm-1"}},
		{"msgpack ping", MsgPack, mp(t, map[string]any{"ping": 7}), Command{Op: OpPing, Ping: mp(t, 7)}},
	} {
		got, err := DecodeCommand(tc.enc, tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got.Op != tc.want.Op || got.Channel != tc.want.Channel || string(got.Ping) != string(tc.want.Ping) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestDecodeCommandRefusesTheRest(t *testing.T) {
	for _, tc := range []struct {
		name string
		enc  Encoding
		in   []byte
	}{
		{"empty", JSON, nil},
		{"not json", JSON, []byte(`hello`)},
		{"array", JSON, []byte(`["join","x"]`)},
		{"two keys", JSON, []byte(`{"join":"a","leave":"b"}`)},
		{"no keys", JSON, []byte(`{}`)},
		{"unknown key", JSON, []byte(`{"auth":"x"}`)},
		{"join number", JSON, []byte(`{"join":1}`)},
		{"join empty", JSON, []byte(`{"join":""}`)},
		{"trailing", JSON, []byte(`{"join":"a"} x`)},
		{"msgpack trailing", MsgPack, append(mp(t, map[string]any{"join": "a"}), 0xc0)},
		{"msgpack bin channel", MsgPack, mp(t, map[string]any{"join": []byte("a")})},
		{"msgpack array", MsgPack, mp(t, []any{"join", "a"})},
		{"msgpack nil", MsgPack, []byte{0xc0}},
		{"msgpack truncated", MsgPack, mp(t, map[string]any{"join": "abc"})[:5]},
		{"msgpack bad utf8 channel", MsgPack, mp(t, map[string]any{"join": "a\xff"})},
		{"json frame on msgpack", MsgPack, []byte(`{"join":"a"}`)},
	} {
		if c, err := DecodeCommand(tc.enc, tc.in); !errors.Is(err, ErrBadCommand) {
			t.Errorf("%s: got %+v, %v; want ErrBadCommand", tc.name, c, err)
		}
	}
}

func TestReplies(t *testing.T) {
	if got := string(OK(JSON, TextJoined)); got != `{"ok":"channel joined"}` {
		t.Errorf("ok: %s", got)
	}
	if got := string(Error(JSON, TextPermissionDenied)); got != `{"error":"permission denied"}` {
		t.Errorf("error: %s", got)
	}
	if got := string(Pong(JSON, []byte(`{"a":1}`))); got != `{"pong":{"a":1}}` {
		t.Errorf("pong: %s", got)
	}
	var m map[string]any
	if err := msgpack.Unmarshal(OK(MsgPack, TextLeft), &m); err != nil || m["ok"] != TextLeft {
		t.Errorf("msgpack ok: %v %v", m, err)
	}
	if err := msgpack.Unmarshal(Pong(MsgPack, mp(t, "x")), &m); err != nil || m["pong"] != "x" {
		t.Errorf("msgpack pong: %v %v", m, err)
	}
}

// FuzzDecodeCommand: the decoder never panics, whatever it decodes is a
// well-formed command, and the pong of a ping is a valid frame of the
// same encoding.
func FuzzDecodeCommand(f *testing.F) {
	for _, s := range []string{`{"join":"vm-1"}`, `{"leave":"x"}`, `{"ping":{"a":[1,2]}}`, `{"ping":null}`, `{}`, `[]`, `{"join":1}`} {
		f.Add(byte(JSON), []byte(s))
	}
	for _, v := range []any{map[string]any{"join": "vm-1"}, map[string]any{"ping": []any{1, "a", nil}}, map[string]any{"leave": "c"}} {
		f.Add(byte(MsgPack), mp(f, v))
	}
	f.Fuzz(func(t *testing.T, e byte, frame []byte) {
		enc := Encoding(e % byte(numEncodings))
		c, err := DecodeCommand(enc, frame)
		if err != nil {
			if !errors.Is(err, ErrBadCommand) {
				t.Fatalf("error %v is not ErrBadCommand", err)
			}
			return
		}
		switch c.Op {
		case OpJoin, OpLeave:
			if err := ValidChannel(c.Channel); err != nil {
				t.Fatalf("decoded an invalid channel: %v", err)
			}
		case OpPing:
			pong := Pong(enc, c.Ping)
			if enc == JSON {
				var m map[string]json.RawMessage
				if err := json.Unmarshal(pong, &m); err != nil || len(m) != 1 {
					t.Fatalf("pong %q is not a JSON object of one key: %v", pong, err)
				}
			} else if _, _, err := msgpackPair(pong); err != nil {
				t.Fatalf("pong %q is not a msgpack map of one key: %v", pong, err)
			}
		default:
			t.Fatalf("decoded op %d", c.Op)
		}
	})
}
