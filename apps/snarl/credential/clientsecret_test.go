package credential

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestClientSecretRoundTrip(t *testing.T) {
	gen, err := NewClientSecret(bytes.NewReader(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	if len(gen) != 43 {
		t.Fatalf("generated secret has %d chars", len(gen))
	}
	for _, secret := range []string{gen, "chosen-by-client"} {
		enc, err := HashClientSecret(secret, strings.NewReader(fixedSalt))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(enc, "$argon2id$v=19$m=65536,t=1,p=2$") {
			t.Fatalf("HashClientSecret = %s: not the password scheme", enc)
		}
		if strings.Contains(enc, secret) {
			t.Fatal("hash contains the secret")
		}
		if ok, err := VerifyClientSecret(enc, secret); err != nil || !ok {
			t.Fatalf("VerifyClientSecret(right) = %v, %v", ok, err)
		}
		if ok, err := VerifyClientSecret(enc, secret+"x"); err != nil || ok {
			t.Fatalf("VerifyClientSecret(wrong) = %v, %v", ok, err)
		}
	}
}

func TestClientSecretErrors(t *testing.T) {
	if _, err := HashClientSecret("", strings.NewReader(fixedSalt)); !errors.Is(err, ErrEmptyPassword) {
		t.Errorf("empty: %v", err)
	}
	if _, err := NewClientSecret(strings.NewReader("short")); !errors.Is(err, ErrRandom) {
		t.Errorf("short rand: %v", err)
	}
	if _, err := VerifyClientSecret("plain-text-secret", "plain-text-secret"); !errors.Is(err, ErrMalformedHash) {
		t.Errorf("plain stored secret: %v", err)
	}
}
