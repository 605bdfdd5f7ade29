package hub

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

func TestEventJSONFrames(t *testing.T) {
	for _, tc := range []struct {
		ev   Event
		want string
	}{
		{Event{Channel: "vm-1", Event: "state", Data: []byte(`"running"`)},
			`{"channel":"vm-1","message":{"event":"state","data":"running"}}`},
		{Event{Channel: "vm-1", Event: "delete"},
			`{"channel":"vm-1","message":{"event":"delete"}}`},
		{Event{Channel: "command", Event: "vm-create", ID: "e-1", Data: []byte(`{"uuid":"vm-1"}`)},
			`{"channel":"command","message":{"event":"vm-create","uuid":"e-1","data":{"uuid":"vm-1"}}}`},
		{Event{Channel: `q"<`, Event: "log", Data: []byte(`{"log":"a","date":1}`)},
			`{"channel":"q\"\u003c","message":{"event":"log","data":{"log":"a","date":1}}}`},
	} {
		f, err := tc.ev.Encode(JSON)
		if err != nil {
			t.Fatal(err)
		}
		if string(f) != tc.want {
			t.Errorf("got  %s\nwant %s", f, tc.want)
		}
		if !json.Valid(f) {
			t.Errorf("%s is not JSON", f)
		}
	}
}

func TestEventMsgpackMatchesJSON(t *testing.T) {
	for _, ev := range []Event{
		{Channel: "vm-1", Event: "update", Data: []byte(`{"config":{"ram":1024,"quota":2.5,"tags":["a",null,true]},"big":18446744073709551615,"neg":-3}`)},
		{Channel: "command", Event: "vm-create", ID: "e-1", Data: []byte(`{"uuid":"vm-1"}`)},
		{Channel: "vm-1", Event: "delete"},
	} {
		jf, err := ev.Encode(JSON)
		if err != nil {
			t.Fatal(err)
		}
		mf, err := ev.Encode(MsgPack)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON, fromMsgpack map[string]any
		if err := json.Unmarshal(jf, &fromJSON); err != nil {
			t.Fatal(err)
		}
		if err := msgpack.Unmarshal(mf, &fromMsgpack); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(normalize(fromJSON), normalize(fromMsgpack)) {
			t.Errorf("msgpack %v\n != json %v", fromMsgpack, fromJSON)
		}
	}
}

// normalize turns every number into a float64 so JSON and msgpack decodes
// compare.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalize(e)
		}
	case []any:
		for i, e := range t {
			t[i] = normalize(e)
		}
	case int8:
		return float64(t)
	case int16:
		return float64(t)
	case int32:
		return float64(t)
	case int64:
		return float64(t)
	case uint8:
		return float64(t)
	case uint16:
		return float64(t)
	case uint32:
		return float64(t)
	case uint64:
		return float64(t)
	case float32:
		return float64(t)
	}
	return v
}
