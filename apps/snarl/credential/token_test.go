package credential

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestNewTokenKnownAnswer(t *testing.T) {
	// 32 bytes 0x00..0x1f as unpadded base64url; ID is its SHA-256
	// (printf %s "$secret" | sha256sum).
	seq := make([]byte, 32)
	for i := range seq {
		seq[i] = byte(i)
	}
	tok, err := NewToken(bytes.NewReader(seq))
	if err != nil {
		t.Fatal(err)
	}
	const secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
	if tok.Secret() != secret {
		t.Fatalf("Secret = %s, want %s", tok.Secret(), secret)
	}
	if tok.ID != TokenID(secret) {
		t.Fatalf("ID = %s, want TokenID(secret) %s", tok.ID, TokenID(secret))
	}
	if tok.ID != "ea866a757e4c38babfa8127cbe9a409d3e1f93a00ff1488ff735fcf917afffd0" {
		t.Fatalf("ID = %s", tok.ID)
	}
}

func TestNewTokenShape(t *testing.T) {
	seen := map[string]bool{}
	for i := range 50 {
		r := bytes.NewReader(bytes.Repeat([]byte{byte(i), byte(i * 7)}, 16))
		tok, err := NewToken(r)
		if err != nil {
			t.Fatal(err)
		}
		s := tok.Secret()
		if len(s) != 43 || strings.ContainsAny(s, "+/=") {
			t.Fatalf("secret %q is not 43 chars of unpadded base64url", s)
		}
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(raw) != TokenBytes {
			t.Fatalf("secret decodes to %d bytes, %v", len(raw), err)
		}
		if len(tok.ID) != 64 || strings.Trim(tok.ID, "0123456789abcdef") != "" {
			t.Fatalf("ID %q is not 64 lowercase hex", tok.ID)
		}
		if seen[s] {
			t.Fatal("duplicate token from different randomness")
		}
		seen[s] = true
	}
}

func TestNewTokenErrors(t *testing.T) {
	for name, r := range map[string]interface{ Read([]byte) (int, error) }{
		"short":   strings.NewReader("not 32 bytes"),
		"failing": iotestErrReader{},
	} {
		tok, err := NewToken(r)
		if !errors.Is(err, ErrRandom) || tok != (Token{}) {
			t.Errorf("%s: NewToken = %v, %v", name, tok, err)
		}
	}
	if _, err := NewToken(nil); !errors.Is(err, ErrRandom) {
		t.Errorf("nil reader: %v", err)
	}
}

func TestTokenDoesNotPrintSecret(t *testing.T) {
	tok, err := NewToken(bytes.NewReader(bytes.Repeat([]byte{0xab}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s %q", tok, tok, tok, tok, tok),
		fmt.Sprintf("%v", &tok), fmt.Sprintf("%+v", []Token{tok}), string(js),
	} {
		if strings.Contains(s, tok.Secret()) {
			t.Errorf("%q contains the secret", s)
		}
		if !strings.Contains(s, tok.ID) {
			t.Errorf("%q lacks the ID", s)
		}
	}
}

func TestTokenID(t *testing.T) {
	tests := []struct{ in, want string }{
		// FIPS 180-2 SHA-256 test vectors.
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		if got := TokenID(tt.in); got != tt.want {
			t.Errorf("TokenID(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if TokenID("a") == TokenID("b") {
		t.Error("TokenID collides")
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"secret", "secret", true},
		{"secret", "Secret", false},
		{"secret", "secret ", false},
		{"secret", "", false},
		{"", "x", false},
		{"a\x00", "a", false},
		{strings.Repeat("x", 10000), strings.Repeat("x", 10000), true},
		{strings.Repeat("x", 10000), strings.Repeat("x", 9999) + "y", false},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(len %d, len %d) = %v, want %v", len(tt.a), len(tt.b), got, tt.want)
		}
		if got := Equal(tt.b, tt.a); got != tt.want {
			t.Errorf("Equal not symmetric for len %d, len %d", len(tt.a), len(tt.b))
		}
	}
}

func BenchmarkTokenID(b *testing.B) {
	tok := "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
	for b.Loop() {
		_ = TokenID(tok)
	}
}

func BenchmarkNewToken(b *testing.B) {
	r := bytes.NewReader(make([]byte, 32))
	for b.Loop() {
		r.Reset(make([]byte, 32))
		if _, err := NewToken(r); err != nil {
			b.Fatal(err)
		}
	}
}
