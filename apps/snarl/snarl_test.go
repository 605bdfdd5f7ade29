package snarl

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/internal/record"
	"github.com/fifogo/fifo/internal/recstore"
	"github.com/fifogo/fifo/internal/runtime/runtimetest"
	"github.com/fifogo/fifo/supervisors"
)

func newService(t *testing.T, now func() time.Time) *identity.Service {
	t.Helper()
	svc, err := identity.New(recstore.NewMemory(record.StoreCodec{}), identity.Options{
		Now: now, Password: credential.PasswordParams{Memory: 8, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestFirstStartGeneratesPassword(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, nil)
	dir := t.TempDir()
	var out bytes.Buffer
	if err := FirstStart(ctx, svc, dir, "", &out); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, PasswordFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file mode %v", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	pw := strings.TrimSpace(string(b))
	if len(pw) < 16 || !strings.Contains(out.String(), pw) {
		t.Fatalf("password %q not announced in %q", pw, out.String())
	}
	if _, err := svc.Password(ctx, identity.PasswordGrant{Username: identity.AdminUser, Password: pw}); err != nil {
		t.Fatalf("admin login with the generated password: %v", err)
	}
	out.Reset()
	if err := FirstStart(ctx, svc, dir, "", &out); err != nil || out.Len() != 0 {
		t.Fatalf("second start: %v, printed %q", err, out.String())
	}
}

func TestFirstStartGivenPasswordWritesNoFile(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, nil)
	dir := t.TempDir()
	var out bytes.Buffer
	if err := FirstStart(ctx, svc, dir, "from-env", &out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, PasswordFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("password file written for a given password: %v", err)
	}
	if strings.Contains(out.String(), "from-env") {
		t.Fatal("a given password was printed")
	}
	if _, err := svc.Password(ctx, identity.PasswordGrant{Username: identity.AdminUser, Password: "from-env"}); err != nil {
		t.Fatal(err)
	}
}

func TestFirstStartReusesAnInterruptedRunsPassword(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, nil)
	dir := t.TempDir()
	// The earlier run wrote the file and created the user, then died.
	if err := writeSecret(filepath.Join(dir, PasswordFile), "earlier"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, identity.Session{}, identity.AdminUser, "earlier"); err != nil {
		t.Fatal(err)
	}
	if err := FirstStart(ctx, svc, dir, "", &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Password(ctx, identity.PasswordGrant{Username: identity.AdminUser, Password: "earlier"}); err != nil {
		t.Fatalf("the file's password no longer logs in: %v", err)
	}
}

func TestSweeperDeletesExpiredTokens(t *testing.T) {
	ctx := context.Background()
	var now atomic.Int64
	now.Store(time.Unix(1_800_000_000, 0).UnixNano())
	st := recstore.NewMemory(record.StoreCodec{})
	svc, err := identity.New(st, identity.Options{Now: func() time.Time { return time.Unix(0, now.Load()) },
		Password: credential.PasswordParams{Memory: 8, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Bootstrap(ctx, "pw"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Password(ctx, identity.PasswordGrant{Username: identity.AdminUser, Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	tokens := func() int {
		n := 0
		if err := st.Fold(ctx, record.BucketToken, func(string, []byte) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if tokens() != 2 {
		t.Fatalf("%d tokens after a login, want access + refresh", tokens())
	}
	node := runtimetest.StartNode(t)
	app := App(svc, "test", Options{SweepEvery: time.Hour})
	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := supervisors.StartApp(actx, node, app); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { supervisors.StopApp(context.Background(), node, app) })

	now.Add(int64(31 * 24 * time.Hour))
	if err := node.Send(SweeperName, Sweep{}); err != nil {
		t.Fatal(err)
	}
	runtimetest.WaitFor(t, "the sweeper deletes both expired tokens", func() bool { return tokens() == 0 })
}
