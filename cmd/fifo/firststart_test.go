package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The first start of an empty data dir creates the admin with a generated
// password: printed once on stdout (not in the log), written 0600 to the
// data dir; the next start prints nothing. FIFO_ADMIN_PASSWORD skips the
// generation.
func TestFirstStartAdminPassword(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	env, addr := nodeEnv(t, data)
	cmd, stdout, stderr := startNodeIO(t, env, addr)
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, stderr.String())
	}
	path := filepath.Join(data, "admin-password")
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("admin-password file: %v %v", st, err)
	}
	b, _ := os.ReadFile(path)
	pw := strings.TrimSpace(string(b))
	if len(pw) < 16 || !strings.Contains(stdout.String(), pw) {
		t.Fatalf("password %q not printed on stdout: %q", pw, stdout.String())
	}
	if strings.Contains(stderr.String(), pw) {
		t.Fatal("the generated password is in the log")
	}

	cmd, stdout, _ = startNodeIO(t, env, addr)
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if strings.Contains(stdout.String(), pw) {
		t.Fatal("the password was printed again on the second start")
	}

	data2 := filepath.Join(t.TempDir(), "data")
	env2, addr2 := nodeEnv(t, data2)
	cmd, stdout, _ = startNodeIO(t, with(env2, "FIFO_ADMIN_PASSWORD=given-secret"), addr2)
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if _, err := os.Stat(filepath.Join(data2, "admin-password")); !os.IsNotExist(err) {
		t.Fatalf("a password file was written although FIFO_ADMIN_PASSWORD was set: %v", err)
	}
	if strings.Contains(stdout.String(), "given-secret") {
		t.Fatal("the given password was printed")
	}
}
