package snarl

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fifogo/fifo/apps/snarl/identity"
)

// PasswordFile is the file in the data dir that receives a generated
// admin password.
const PasswordFile = "admin-password"

// FirstStart initialises an empty realm (identity.Bootstrap). The admin
// password is password when set; otherwise one is generated, written to
// dataDir/PasswordFile with mode 0600 and announced once on out (never
// through the logger, so it is in no log line). On a realm already
// initialised it does nothing.
func FirstStart(ctx context.Context, svc *identity.Service, dataDir, password string, out io.Writer) error {
	done, err := svc.Initialized(ctx)
	if err != nil || done {
		return err
	}
	path := filepath.Join(dataDir, PasswordFile)
	generated := password == ""
	if generated {
		// An earlier first start may have stopped after writing the file:
		// its password may already be the admin's.
		if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			password = strings.TrimSpace(string(b))
		} else if password, err = newPassword(); err != nil {
			return err
		}
		// Written before the user exists, so a crash cannot leave an admin
		// nobody knows the password of.
		if err := writeSecret(path, password); err != nil {
			return err
		}
	}
	created, err := svc.Bootstrap(ctx, password)
	if err != nil {
		return fmt.Errorf("first start: %w", err)
	}
	if created && generated {
		fmt.Fprintf(out, "\nFirst start: created user %q with password %s\n(also in %s, readable only by this user)\n\n",
			identity.AdminUser, password, path)
	}
	return nil
}

// newPassword returns 128 random bits as unpadded base64url.
func newPassword() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate admin password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// writeSecret writes s to path with mode 0600, replacing an older file.
func writeSecret(path, s string) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("admin password file: %w", err)
	}
	_, werr := f.WriteString(s + "\n")
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("admin password file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("admin password file: %w", err)
	}
	return nil
}
