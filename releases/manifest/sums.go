package manifest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// MaxSumsSize bounds a checksums file; ParseSums refuses larger input.
const MaxSumsSize = 1 << 20

// Sum is one line of a checksums file.
type Sum struct {
	// Path is the file's path in the release.
	Path string
	// SHA256 is the lower-case hex SHA-256 of its bytes.
	SHA256 string
}

// FormatSums renders sums as `sha256sum` prints them ("<hex>  <path>\n"),
// sorted by path, so that `sha256sum -c SHA256SUMS` checks an unpacked
// release. It does not validate.
func FormatSums(sums []Sum) []byte {
	s := slices.Clone(sums)
	slices.SortFunc(s, func(a, b Sum) int { return strings.Compare(a.Path, b.Path) })
	var b bytes.Buffer
	for _, e := range s {
		fmt.Fprintf(&b, "%s  %s\n", e.SHA256, e.Path)
	}
	return b.Bytes()
}

// ParseSums reads a checksums file as FormatSums writes it: one
// "<64 hex>  <path>" line per file, each ending in a newline, paths valid
// (manifest.json included, SHA256SUMS not), sorted and unique. Anything
// else wraps ErrInvalid.
func ParseSums(data []byte) ([]Sum, error) {
	if len(data) > MaxSumsSize {
		return nil, fmt.Errorf("%w: %s is %d bytes, more than %d", ErrInvalid, SumsPath, len(data), MaxSumsSize)
	}
	if len(data) == 0 || data[len(data)-1] != '\n' {
		return nil, fmt.Errorf("%w: %s: empty or no final newline", ErrInvalid, SumsPath)
	}
	lines := strings.Split(string(data[:len(data)-1]), "\n")
	out := make([]Sum, 0, len(lines))
	for i, line := range lines {
		hash, path, ok := strings.Cut(line, "  ")
		if !ok || !validSHA256(hash) || !(ValidPath(path) || path == Path) {
			return nil, fmt.Errorf("%w: %s line %d: want \"<sha256>  <path>\"", ErrInvalid, SumsPath, i+1)
		}
		if i > 0 && out[i-1].Path >= path {
			return nil, fmt.Errorf("%w: %s line %d: %q not sorted after %q, or listed twice", ErrInvalid, SumsPath, i+1, path, out[i-1].Path)
		}
		out = append(out, Sum{Path: path, SHA256: hash})
	}
	return out, nil
}
