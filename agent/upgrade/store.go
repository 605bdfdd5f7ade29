package upgrade

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fifogo/fifo/releases/manifest"
)

// Names inside the releases folder.
const (
	// BinaryName is the agent binary in a release: <version>/bin/chunter.
	BinaryName = "chunter"
	// CurrentName is the link to the version the service runs.
	CurrentName = "current"
	// TrialName is the switch on trial.
	TrialName = "upgrade.json"
	// LastName is the outcome of the last switch.
	LastName = "last-upgrade.json"
	// partPrefix starts the name of a binary being received.
	partPrefix = ".chunter-"
	partSuffix = ".part"
)

// DefaultMaxSize bounds a received binary unless StoreOptions says
// otherwise.
const DefaultMaxSize = 1 << 30

// Chunk is bytes [Offset, Offset+len(Data)) of the binary of Version,
// Size bytes long with SHA-256 SHA256; ChunkSHA256 is the SHA-256 of Data.
type Chunk struct {
	Version     string
	Size        int64
	SHA256      string
	Offset      int64
	Data        []byte
	ChunkSHA256 string
}

// Progress is where a transfer stands: Offset is the next byte the
// receiver wants (Size once complete); Refused says why the chunk just
// sent was not taken.
type Progress struct {
	Offset  int64
	Refused string
}

// StoreOptions configure a Store.
type StoreOptions struct {
	// Dir is the releases folder. Required.
	Dir string
	// MaxSize bounds a binary, in bytes. Default DefaultMaxSize.
	MaxSize int64
}

// Store receives binaries into a releases folder (see the package
// comment). It is safe for concurrent use; its methods run one at a time.
type Store struct {
	opts StoreOptions

	mu sync.Mutex
	// hashed remembers, per version, the SHA-256 of its binary on disk
	// once hashed.
	hashed map[string]string
}

// NewStore returns the store of folder o.Dir; it creates nothing yet.
func NewStore(o StoreOptions) (*Store, error) {
	if o.Dir == "" {
		return nil, fmt.Errorf("upgrade store: %w: no folder", ErrInvalid)
	}
	if o.MaxSize <= 0 {
		o.MaxSize = DefaultMaxSize
	}
	return &Store{opts: o, hashed: map[string]string{}}, nil
}

// Dir returns the releases folder.
func (s *Store) Dir() string { return s.opts.Dir }

// BinaryPath is where the binary of version v lives once received.
func (s *Store) BinaryPath(v string) string {
	return filepath.Join(s.opts.Dir, v, "bin", BinaryName)
}

// partPath is where the binary of version v with checksum sum is received.
func (s *Store) partPath(v, sum string) string {
	return filepath.Join(s.opts.Dir, v, "bin", partPrefix+sum+partSuffix)
}

// check refuses a binary description that cannot be right.
func (s *Store) check(v string, size int64, sum string) error {
	switch {
	case !manifest.ValidVersion(v) || v == CurrentName:
		return fmt.Errorf("%w: version %q", ErrInvalid, v)
	case size <= 0 || size > s.opts.MaxSize:
		return fmt.Errorf("%w: size %d: want 1..%d bytes", ErrInvalid, size, s.opts.MaxSize)
	case !validSum(sum):
		return fmt.Errorf("%w: checksum %q: want 64 lower-case hex digits", ErrInvalid, sum)
	}
	return nil
}

// validSum reports a lower-case hex SHA-256.
func validSum(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Begin reports where the transfer of the binary of version v (size
// bytes, SHA-256 sum) stands: size when the verified binary is there, the
// length of its partial file otherwise. Partial files of other checksums
// for v are removed.
func (s *Store) Begin(v string, size int64, sum string) (Progress, error) {
	if err := s.check(v, size, sum); err != nil {
		return Progress{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok, err := s.complete(v, sum); err != nil || ok {
		return Progress{Offset: size}, err
	}
	if err := s.removeParts(v, sum); err != nil {
		return Progress{}, err
	}
	n, err := s.partLen(v, sum)
	if err != nil {
		return Progress{}, err
	}
	if n > size {
		// Longer than announced: not this binary after all.
		if err := os.Remove(s.partPath(v, sum)); err != nil {
			return Progress{}, fmt.Errorf("upgrade %s: %w", v, err)
		}
		n = 0
	}
	return Progress{Offset: n}, nil
}

// Chunk takes one chunk (see the package comment) and answers where the
// transfer stands. The chunk that completes the binary has it synced,
// hashed and, when it matches, moved into place; a mismatch is
// ErrChecksum.
func (s *Store) Chunk(c Chunk) (Progress, error) {
	if err := s.check(c.Version, c.Size, c.SHA256); err != nil {
		return Progress{}, err
	}
	end := c.Offset + int64(len(c.Data))
	if c.Offset < 0 || len(c.Data) == 0 || end > c.Size {
		return Progress{}, fmt.Errorf("%w: chunk [%d, %d) of a %d-byte binary", ErrInvalid, c.Offset, end, c.Size)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok, err := s.complete(c.Version, c.SHA256); err != nil || ok {
		return Progress{Offset: c.Size}, err
	}
	have, err := s.partLen(c.Version, c.SHA256)
	if err != nil {
		return Progress{}, err
	}
	if have > c.Size {
		return Progress{}, fmt.Errorf("%w: partial binary of %s holds %d bytes, more than %d: begin again", ErrInvalid, c.Version, have, c.Size)
	}
	if sumOf(c.Data) != c.ChunkSHA256 {
		return Progress{Offset: have, Refused: fmt.Sprintf("chunk at %d: data does not match its checksum", c.Offset)}, nil
	}
	switch {
	case c.Offset > have:
		return Progress{Offset: have}, nil // a chunk before it was lost
	case end <= have:
		return Progress{Offset: have}, nil // a repeat: already written
	}
	if err := s.write(c, have); err != nil {
		return Progress{}, err
	}
	if end < c.Size {
		return Progress{Offset: end}, nil
	}
	if err := s.finish(c.Version, c.SHA256); err != nil {
		return Progress{}, err
	}
	return Progress{Offset: c.Size}, nil
}

// write appends the part of c from byte have on to the partial file.
func (s *Store) write(c Chunk, have int64) error {
	p := s.partPath(c.Version, c.SHA256)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("upgrade %s: %w", c.Version, err)
	}
	if have == 0 {
		if err := s.removeParts(c.Version, c.SHA256); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("upgrade %s: %w", c.Version, err)
	}
	_, err = f.WriteAt(c.Data[have-c.Offset:], have)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("upgrade %s: write at %d: %w", c.Version, have, err)
	}
	return nil
}

// finish syncs and hashes the complete partial file of v and moves it
// into place, or deletes it when it does not match sum.
func (s *Store) finish(v, sum string) error {
	p := s.partPath(v, sum)
	got, err := syncAndHash(p)
	if err != nil {
		return fmt.Errorf("upgrade %s: %w", v, err)
	}
	if got != sum {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("upgrade %s: %w", v, err)
		}
		return fmt.Errorf("upgrade %s: received binary has SHA-256 %s, want %s: %w", v, got, sum, ErrChecksum)
	}
	if err := os.Chmod(p, 0o755); err != nil {
		return fmt.Errorf("upgrade %s: %w", v, err)
	}
	if err := os.Rename(p, s.BinaryPath(v)); err != nil {
		return fmt.Errorf("upgrade %s: %w", v, err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return fmt.Errorf("upgrade %s: %w", v, err)
	}
	s.hashed[v] = sum
	return nil
}

// complete reports whether the verified binary of v with checksum sum is
// in place. The checksum of the binary of v on disk is hashed once and
// remembered, so chunks do not hash it again (Binary always does).
func (s *Store) complete(v, sum string) (bool, error) {
	if have, ok := s.hashed[v]; ok {
		if _, err := os.Stat(s.BinaryPath(v)); err == nil {
			return have == sum, nil
		}
		delete(s.hashed, v)
	}
	got, err := hashFile(s.BinaryPath(v))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("upgrade %s: %w", v, err)
	}
	// Another binary of v is replaced by the new one when it is complete.
	s.hashed[v] = got
	return got == sum, nil
}

// partLen is the length of the partial file of v and sum (0 when none).
func (s *Store) partLen(v, sum string) (int64, error) {
	st, err := os.Stat(s.partPath(v, sum))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("upgrade %s: %w", v, err)
	}
	return st.Size(), nil
}

// removeParts deletes the partial files of v for checksums other than
// sum.
func (s *Store) removeParts(v, sum string) error {
	dir := filepath.Join(s.opts.Dir, v, "bin")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("upgrade %s: %w", v, err)
	}
	keep := partPrefix + sum + partSuffix
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, partPrefix) && strings.HasSuffix(n, partSuffix) && n != keep {
			if err := os.Remove(filepath.Join(dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("upgrade %s: %w", v, err)
			}
		}
	}
	return nil
}

// Binary returns the path of the received binary of v after checking it
// against sum again: ErrNotReceived when it is not there, ErrChecksum when
// it does not match.
func (s *Store) Binary(v, sum string) (string, error) {
	if !manifest.ValidVersion(v) || v == CurrentName || !validSum(sum) {
		return "", fmt.Errorf("%w: version %q, checksum %q", ErrInvalid, v, sum)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.BinaryPath(v)
	got, err := hashFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("upgrade %s: %w (send it first)", v, ErrNotReceived)
	}
	if err != nil {
		return "", fmt.Errorf("upgrade %s: %w", v, err)
	}
	s.hashed[v] = got
	if got != sum {
		return "", fmt.Errorf("upgrade %s: %s has SHA-256 %s, want %s: %w", v, p, got, sum, ErrChecksum)
	}
	return p, nil
}

// sumOf is the hex SHA-256 of b.
func sumOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// hashFile is the hex SHA-256 of the file at p.
func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// syncAndHash syncs the file at p to disk, then hashes what it holds.
func syncAndHash(p string) (string, error) {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// syncDir syncs a folder, so renames in it last.
func syncDir(p string) error {
	d, err := os.Open(p)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
