package runtime

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CookieFile is the name of the cluster cookie file in a node's data
// directory (the counterpart of Erlang's .erlang.cookie).
const CookieFile = "cookie"

// LoadOrCreateCookie returns the cookie kept in dataDir/cookie, creating the
// file with a fresh random cookie and mode 0600 when it does not exist. An
// existing cookie file that others can read or write is refused, as Erlang
// refuses a loose .erlang.cookie: anyone who can read it can run code on the
// cluster.
func LoadOrCreateCookie(dataDir string) (string, error) {
	path := filepath.Join(dataDir, CookieFile)
	c, err := ReadCookie(path)
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	buf := make([]byte, 20)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("cookie: %w", err)
	}
	c = strings.ToUpper(hex.EncodeToString(buf))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) { // lost a race with another starter
			return ReadCookie(path)
		}
		return "", fmt.Errorf("cookie %s: %w", path, err)
	}
	if _, err := f.WriteString(c + "\n"); err != nil {
		f.Close()
		return "", fmt.Errorf("cookie %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("cookie %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("cookie %s: %w", path, err)
	}
	return c, nil
}

// ReadCookie reads a cookie file, refusing files with group or world
// permissions and empty cookies.
func ReadCookie(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("cookie %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("cookie %s: not a regular file", path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("cookie %s: mode %04o is open to other users, want 0600", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("cookie %s: %w", path, err)
	}
	c := strings.TrimSpace(string(b))
	if c == "" {
		return "", fmt.Errorf("cookie %s: empty", path)
	}
	if len(c) > 255 {
		return "", fmt.Errorf("cookie %s: longer than 255 bytes", path)
	}
	return c, nil
}
