package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// recordFormat is the version of the RELEASES file's format.
const recordFormat = 1

// maxRecordSize bounds the RELEASES file.
const maxRecordSize = 1 << 20

// record is the RELEASES file: a format number and the State.
type record struct {
	Format int `json:"format"`
	State
}

// encodeRecord renders s as the RELEASES file.
func encodeRecord(s State) []byte {
	if s.Releases == nil {
		s.Releases = []Release{}
	}
	b, err := json.MarshalIndent(record{Format: recordFormat, State: s}, "", "  ")
	if err != nil {
		panic(fmt.Sprintf("install: encode record: %v", err)) // State has no unsupported types
	}
	return append(b, '\n')
}

// decodeRecord parses and validates a RELEASES file.
func decodeRecord(data []byte) (State, error) {
	if len(data) > maxRecordSize {
		return State{}, fmt.Errorf("%w: %d bytes", ErrRecord, len(data))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r record
	if err := dec.Decode(&r); err != nil {
		return State{}, fmt.Errorf("%w: %v", ErrRecord, err)
	}
	if dec.More() {
		return State{}, fmt.Errorf("%w: data after the record", ErrRecord)
	}
	if r.Format != recordFormat {
		return State{}, fmt.Errorf("%w: format %d, this build reads format %d", ErrRecord, r.Format, recordFormat)
	}
	if err := r.State.Validate(); err != nil {
		return State{}, err
	}
	return r.State, nil
}

// recordFile reads and writes <root>/RELEASES.
type recordFile struct {
	dir string
	// crash, when set (tests), is asked at each step of a write whether
	// the process dies there; a dead write returns errCrashed at once and
	// leaves what a killed process would.
	crash func(step string) bool
}

// errCrashed is what a write returns where a test made it die.
var errCrashed = errors.New("install: simulated crash")

// tmpPrefix starts the names of temporary record files.
const tmpPrefix = "." + RecordName + "-"

// read returns the recorded state; a missing file is the empty state.
func (f recordFile) read() (State, error) {
	p := filepath.Join(f.dir, RecordName)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("read %s: %w", p, err)
	}
	s, err := decodeRecord(data)
	if err != nil {
		return State{}, fmt.Errorf("read %s: %w", p, err)
	}
	return s, nil
}

// write replaces the record with s: a temporary file in the same folder is
// written, synced and renamed over RELEASES, then the folder is synced. A
// crash at any point leaves the old record or the new one, whole.
// Temporary files left by earlier crashes are removed first.
func (f recordFile) write(s State) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	if err := f.removeDebris(); err != nil {
		return err
	}
	data := encodeRecord(s)
	tmp, err := os.CreateTemp(f.dir, tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	if f.dies("write") {
		tmp.Write(data[:len(data)/2])
		tmp.Close()
		return errCrashed
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return fmt.Errorf("write record: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	if f.dies("rename") {
		ok = true
		return errCrashed
	}
	if err := os.Rename(tmp.Name(), filepath.Join(f.dir, RecordName)); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	ok = true
	return syncDir(f.dir)
}

func (f recordFile) dies(step string) bool { return f.crash != nil && f.crash(step) }

// removeDebris deletes temporary record files of crashed writes.
func (f recordFile) removeDebris() error {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			if err := os.Remove(filepath.Join(f.dir, e.Name())); err != nil {
				return fmt.Errorf("write record: %w", err)
			}
		}
	}
	return nil
}
