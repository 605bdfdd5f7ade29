package recbatch

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fifogo/fifo/internal/wirecbor"
)

// FormatVersion is the version of the encodings, their first element.
const FormatVersion = 1

// MaxMessageSize bounds an encoding Unmarshal accepts, in bytes.
const MaxMessageSize = 32 << 20

// MaxItems bounds the entries of one decoded batch.
const MaxItems = 1 << 16

// ErrCorrupt marks an encoding that does not decode or breaks a rule.
var ErrCorrupt = errors.New("recbatch: corrupt batch")

// Key names a record.
type Key struct {
	// Bucket and ID name the record.
	Bucket, ID string
}

// Record is a record's key and value (a CRDT state).
type Record struct {
	// Bucket and ID name the record.
	Bucket, ID string
	// Value is the record's encoded state.
	Value []byte
}

// Name is a unique name and the id holding it.
type Name struct {
	// Bucket and Name name the unique name; ID holds it.
	Bucket, Name, ID string
}

// Size is the encoded size of r, about: what a sender counts to bound a
// batch in bytes.
func (r Record) Size() int { return len(r.Bucket) + len(r.ID) + len(r.Value) + 8 }

// The modes are built once and never changed, so sharing them is safe.
var (
	encMode = wirecbor.EncMode()
	decMode = wirecbor.DecMode(wirecbor.Limits{Nesting: 4, Items: MaxItems})
)

// wireRecord is [bucket, id, value]; wireRecords [version, [record…]].
type wireRecord struct {
	_      struct{} `cbor:",toarray"`
	Bucket string
	ID     string
	Value  []byte
}

type wireRecords struct {
	_       struct{} `cbor:",toarray"`
	Version uint64
	Records []wireRecord
}

// wireKey is [bucket, id]; wireKeys [version, [key…]].
type wireKey struct {
	_      struct{} `cbor:",toarray"`
	Bucket string
	ID     string
}

type wireKeys struct {
	_       struct{} `cbor:",toarray"`
	Version uint64
	Keys    []wireKey
}

// wireName is [bucket, name, id]; wireNames [version, [name…]].
type wireName struct {
	_      struct{} `cbor:",toarray"`
	Bucket string
	Name   string
	ID     string
}

type wireNames struct {
	_       struct{} `cbor:",toarray"`
	Version uint64
	Names   []wireName
}

// MarshalRecords encodes records.
func MarshalRecords(recs []Record) ([]byte, error) {
	w := wireRecords{Version: FormatVersion, Records: make([]wireRecord, len(recs))}
	for i, r := range recs {
		w.Records[i] = wireRecord{Bucket: r.Bucket, ID: r.ID, Value: r.Value}
	}
	b, err := encMode.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("recbatch: encode %d records: %w", len(recs), err)
	}
	return b, nil
}

// UnmarshalRecords decodes records. A record without a value is corrupt.
func UnmarshalRecords(data []byte) ([]Record, error) {
	var w wireRecords
	if err := decode(data, &w, &w.Version); err != nil {
		return nil, err
	}
	out := make([]Record, len(w.Records))
	for i, r := range w.Records {
		if err := checkParts(r.Bucket, r.ID); err != nil {
			return nil, err
		}
		if len(r.Value) == 0 {
			return nil, fmt.Errorf("%w: record %q/%q has no value", ErrCorrupt, r.Bucket, r.ID)
		}
		out[i] = Record{Bucket: r.Bucket, ID: r.ID, Value: r.Value}
	}
	return out, nil
}

// MarshalKeys encodes keys.
func MarshalKeys(keys []Key) ([]byte, error) {
	w := wireKeys{Version: FormatVersion, Keys: make([]wireKey, len(keys))}
	for i, k := range keys {
		w.Keys[i] = wireKey{Bucket: k.Bucket, ID: k.ID}
	}
	b, err := encMode.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("recbatch: encode %d keys: %w", len(keys), err)
	}
	return b, nil
}

// UnmarshalKeys decodes keys.
func UnmarshalKeys(data []byte) ([]Key, error) {
	var w wireKeys
	if err := decode(data, &w, &w.Version); err != nil {
		return nil, err
	}
	out := make([]Key, len(w.Keys))
	for i, k := range w.Keys {
		if err := checkParts(k.Bucket, k.ID); err != nil {
			return nil, err
		}
		out[i] = Key{Bucket: k.Bucket, ID: k.ID}
	}
	return out, nil
}

// MarshalNames encodes unique names.
func MarshalNames(names []Name) ([]byte, error) {
	w := wireNames{Version: FormatVersion, Names: make([]wireName, len(names))}
	for i, n := range names {
		w.Names[i] = wireName{Bucket: n.Bucket, Name: n.Name, ID: n.ID}
	}
	b, err := encMode.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("recbatch: encode %d names: %w", len(names), err)
	}
	return b, nil
}

// UnmarshalNames decodes unique names.
func UnmarshalNames(data []byte) ([]Name, error) {
	var w wireNames
	if err := decode(data, &w, &w.Version); err != nil {
		return nil, err
	}
	out := make([]Name, len(w.Names))
	for i, n := range w.Names {
		if err := checkParts(n.Bucket, n.Name, n.ID); err != nil {
			return nil, err
		}
		out[i] = Name{Bucket: n.Bucket, Name: n.Name, ID: n.ID}
	}
	return out, nil
}

// decode unmarshals with the package's limits and checks the version.
func decode(data []byte, v any, version *uint64) error {
	if len(data) > MaxMessageSize {
		return fmt.Errorf("%w: %d bytes exceeds %d", ErrCorrupt, len(data), MaxMessageSize)
	}
	if err := decMode.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if *version != FormatVersion {
		return fmt.Errorf("%w: format version %d, want %d", ErrCorrupt, *version, FormatVersion)
	}
	return nil
}

// checkParts refuses empty key parts and parts holding 0x00 (the store's
// separator).
func checkParts(parts ...string) error {
	for _, p := range parts {
		if p == "" || strings.IndexByte(p, 0) >= 0 {
			return fmt.Errorf("%w: bad key part %q", ErrCorrupt, p)
		}
	}
	return nil
}
