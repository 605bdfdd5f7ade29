package credential

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// cheap are argon2id parameters small enough for tests (8 KiB, one pass).
var cheap = PasswordParams{Memory: 8, Time: 1, Threads: 1}

// fixedSalt is the salt of the known-answer vectors below.
const fixedSalt = "fifosaltfifosalt"

// argon2Vectors were made with the reference C implementation (the argon2
// command of Debian's argon2 package), not with this package, e.g.
//
//	echo -n "correct horse battery staple" | argon2 fifosaltfifosalt -id -t 1 -k 64 -p 1 -l 32 -e
var argon2Vectors = []struct {
	name    string
	params  PasswordParams
	pw      string
	encoded string
}{
	{"cheap", PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLength: 16, KeyLength: 32},
		"correct horse battery staple",
		"$argon2id$v=19$m=64,t=1,p=1$Zmlmb3NhbHRmaWZvc2FsdA$G2KcOOPnn8aKMedbODDoWuQuDyEfAA3o9rqBWloL4qk"},
	{"defaults", PasswordParams{},
		"correct horse battery staple",
		"$argon2id$v=19$m=65536,t=1,p=2$Zmlmb3NhbHRmaWZvc2FsdA$zm2yF3LRSa3jFQfKk4XrMSZASo99VtqMyN5EXAKvr/w"},
	{"utf8 t=3 p=4 16-byte key", PasswordParams{Memory: 256, Time: 3, Threads: 4, KeyLength: 16},
		"pässwörd",
		"$argon2id$v=19$m=256,t=3,p=4$Zmlmb3NhbHRmaWZvc2FsdA$F5xErvDnLT2kP5Pv7UEOFg"},
}

func TestHashPasswordKnownAnswers(t *testing.T) {
	for _, v := range argon2Vectors {
		t.Run(v.name, func(t *testing.T) {
			got, err := v.params.Hash(v.pw, strings.NewReader(fixedSalt))
			if err != nil {
				t.Fatal(err)
			}
			if got != v.encoded {
				t.Fatalf("Hash = %s\nwant   %s", got, v.encoded)
			}
			ok, err := VerifyPassword(v.encoded, v.pw)
			if err != nil || !ok {
				t.Fatalf("VerifyPassword(right) = %v, %v", ok, err)
			}
			ok, err = VerifyPassword(v.encoded, v.pw+"x")
			if err != nil || ok {
				t.Fatalf("VerifyPassword(wrong) = %v, %v", ok, err)
			}
		})
	}
}

func TestHashPasswordUsesDefaults(t *testing.T) {
	got, err := HashPassword("correct horse battery staple", strings.NewReader(fixedSalt))
	if err != nil {
		t.Fatal(err)
	}
	if want := argon2Vectors[1].encoded; got != want {
		t.Fatalf("HashPassword = %s, want %s", got, want)
	}
}

func TestHashPasswordRoundTrip(t *testing.T) {
	for _, pw := range []string{"a", "hunter2", "pässwörd 🔑", strings.Repeat("x", MaxPasswordLength), "with\x00nul"} {
		enc, err := cheap.Hash(pw, bytes.NewReader(make([]byte, 64)))
		if err != nil {
			t.Fatalf("Hash(len %d): %v", len(pw), err)
		}
		if !strings.HasPrefix(enc, "$argon2id$v=19$m=8,t=1,p=1$") {
			t.Fatalf("Hash(len %d) = %s", len(pw), enc)
		}
		for _, c := range []struct {
			try  string
			want bool
		}{{pw, true}, {pw + "!", false}, {pw[:len(pw)-1] + "?", false}, {strings.ToUpper(pw) + "Q", false}} {
			ok, err := VerifyPassword(enc, c.try)
			if err != nil || ok != c.want {
				t.Errorf("VerifyPassword(len %d, try len %d) = %v, %v; want %v", len(pw), len(c.try), ok, err, c.want)
			}
		}
	}
}

func TestHashPasswordSaltsDiffer(t *testing.T) {
	a, err := cheap.Hash("same", strings.NewReader("0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := cheap.Hash("same", strings.NewReader("fedcba9876543210"))
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("different salts gave the same hash")
	}
}

func TestHashPasswordErrors(t *testing.T) {
	tests := []struct {
		name   string
		params PasswordParams
		pw     string
		rand   io.Reader
		want   error
	}{
		{"empty", cheap, "", strings.NewReader(fixedSalt), ErrEmptyPassword},
		{"too long", cheap, strings.Repeat("x", MaxPasswordLength+1), strings.NewReader(fixedSalt), ErrPasswordTooLong},
		{"short rand", cheap, "pw", strings.NewReader("short"), ErrRandom},
		{"failing rand", cheap, "pw", iotestErrReader{}, ErrRandom},
		{"nil rand", cheap, "pw", nil, ErrRandom},
		{"memory over limit", PasswordParams{Memory: MaxArgon2Memory + 1, Time: 1}, "pw", strings.NewReader(fixedSalt), ErrInvalidParams},
		{"time over limit", PasswordParams{Memory: 8, Time: MaxArgon2Time + 1}, "pw", strings.NewReader(fixedSalt), ErrInvalidParams},
		{"threads over limit", PasswordParams{Memory: 1024, Threads: MaxArgon2Threads + 1}, "pw", strings.NewReader(fixedSalt), ErrInvalidParams},
		{"memory under 8 per lane", PasswordParams{Memory: 15, Threads: 2}, "pw", strings.NewReader(fixedSalt), ErrInvalidParams},
		{"salt too short", PasswordParams{Memory: 8, Threads: 1, SaltLength: 4}, "pw", strings.NewReader(fixedSalt), ErrInvalidParams},
		{"key too long", PasswordParams{Memory: 8, Threads: 1, KeyLength: 65}, "pw", strings.NewReader(fixedSalt), ErrInvalidParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.params.Hash(tt.pw, tt.rand)
			if !errors.Is(err, tt.want) || got != "" {
				t.Fatalf("Hash = %q, %v; want error %v", got, err, tt.want)
			}
		})
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("entropy pool on fire") }

func TestPasswordParamsValidate(t *testing.T) {
	tests := []struct {
		name string
		p    PasswordParams
		ok   bool
		// substrings the error must name
		names []string
	}{
		{"zero is the defaults", PasswordParams{}, true, nil},
		{"cheap", cheap, true, nil},
		{"at limits", PasswordParams{Memory: MaxArgon2Memory, Time: 2, Threads: MaxArgon2Threads, SaltLength: 64, KeyLength: 64}, true, nil},
		{"work over limit", PasswordParams{Memory: MaxArgon2Memory, Time: 3}, false, []string{"work"}},
		{"all bad at once", PasswordParams{Memory: MaxArgon2Memory + 1, Time: 99, Threads: 200, SaltLength: 1, KeyLength: 1},
			false, []string{"threads", "memory", "time", "work", "salt", "key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidParams) {
				t.Fatalf("Validate = %v, not ErrInvalidParams", err)
			}
			for _, n := range tt.names {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("Validate = %v, does not name %s", err, n)
				}
			}
		})
	}
}

// validCheap is the hash of "pw" with cheap parameters and fixedSalt
// (argon2 command: -id -t 1 -k 8 -p 1 -l 32).
const validCheap = "$argon2id$v=19$m=8,t=1,p=1$Zmlmb3NhbHRmaWZvc2FsdA$TZl6KKp3+VwtRwidt5BfepqTiHbEct/VNQ2wWDIl6TQ"

func TestVerifyPasswordMalformed(t *testing.T) {
	const salt = "Zmlmb3NhbHRmaWZvc2FsdA"
	const key = "G2KcOOPnn8aKMedbODDoWuQuDyEfAA3o9rqBWloL4qk"
	tests := []struct {
		name    string
		encoded string
		want    error
	}{
		{"empty", "", ErrMalformedHash},
		{"plain text", "hunter2", ErrMalformedHash},
		{"dollar only", "$", ErrMalformedHash},
		{"empty scheme", "$$v=19", ErrMalformedHash},
		{"scheme with capitals", "$Argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"argon2i", "$argon2i$v=19$m=8,t=1,p=1$" + salt + "$" + key, ErrUnsupportedHash},
		{"argon2d", "$argon2d$v=19$m=8,t=1,p=1$" + salt + "$" + key, ErrUnsupportedHash},
		{"scrypt", "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E", ErrUnsupportedHash},
		{"sha512crypt", "$6$rounds=5000$salt$hash", ErrUnsupportedHash},
		{"bcrypt 2x", "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrUnsupportedHash},
		{"version 16", "$argon2id$v=16$m=8,t=1,p=1$" + salt + "$" + key, ErrUnsupportedHash},
		{"no version", "$argon2id$m=8,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"version not number", "$argon2id$v=x$m=8,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"version leading zero", "$argon2id$v=019$m=8,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"too many fields", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key + "$", ErrMalformedHash},
		{"too few fields", "$argon2id$v=19$m=8,t=1,p=1$" + salt, ErrMalformedHash},
		{"params out of order", "$argon2id$v=19$t=1,m=8,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"params missing p", "$argon2id$v=19$m=8,t=1$" + salt + "$" + key, ErrMalformedHash},
		{"params extra", "$argon2id$v=19$m=8,t=1,p=1,k=2$" + salt + "$" + key, ErrMalformedHash},
		{"negative time", "$argon2id$v=19$m=8,t=-1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"plus sign", "$argon2id$v=19$m=+8,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"leading zero", "$argon2id$v=19$m=08,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"space", "$argon2id$v=19$m=8, t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"memory overflows uint32", "$argon2id$v=19$m=4294967296,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"100 GiB", "$argon2id$v=19$m=104857600,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"memory above limit", "$argon2id$v=19$m=262145,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"time zero", "$argon2id$v=19$m=8,t=0,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"time above limit", "$argon2id$v=19$m=8,t=9,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"a billion passes", "$argon2id$v=19$m=8,t=1000000000,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"work above limit", "$argon2id$v=19$m=262144,t=3,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"threads zero", "$argon2id$v=19$m=8,t=1,p=0$" + salt + "$" + key, ErrMalformedHash},
		{"threads 256", "$argon2id$v=19$m=4096,t=1,p=256$" + salt + "$" + key, ErrMalformedHash},
		{"threads above limit", "$argon2id$v=19$m=4096,t=1,p=17$" + salt + "$" + key, ErrMalformedHash},
		{"memory under 8 per lane", "$argon2id$v=19$m=8,t=1,p=2$" + salt + "$" + key, ErrMalformedHash},
		{"empty salt", "$argon2id$v=19$m=8,t=1,p=1$$" + key, ErrMalformedHash},
		{"short salt", "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$" + key, ErrMalformedHash},
		{"padded salt", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "==$" + key, ErrMalformedHash},
		{"url-safe salt", "$argon2id$v=19$m=8,t=1,p=1$" + "Zmlm_3NhbHRmaWZvc2FsdA" + "$" + key, ErrMalformedHash},
		{"newline in salt", "$argon2id$v=19$m=8,t=1,p=1$" + salt[:4] + "\n" + salt[4:] + "$" + key, ErrMalformedHash},
		{"non-canonical trailing bits", "$argon2id$v=19$m=8,t=1,p=1$" + salt[:len(salt)-1] + "B$" + key, ErrMalformedHash},
		{"empty hash", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "$", ErrMalformedHash},
		{"short hash", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key[:20], ErrMalformedHash},
		{"long hash", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + strings.Repeat("A", 87), ErrMalformedHash},
		{"huge string", "$argon2id$v=19$m=8,t=1,p=1$" + strings.Repeat("A", 10000) + "$" + key, ErrMalformedHash},
		{"bcrypt short", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe", ErrMalformedHash},
		{"bcrypt long", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeWW", ErrMalformedHash},
		{"bcrypt cost 3", "$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrMalformedHash},
		{"bcrypt cost 15", "$2a$15$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrMalformedHash},
		{"bcrypt cost 31", "$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrMalformedHash},
		{"bcrypt cost letters", "$2a$1x$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrMalformedHash},
		{"bcrypt no cost separator", "$2a$05CCCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrMalformedHash},
		{"bcrypt bad alphabet", "$2a$05$CCCCCCCCCCCCCCCCCCCCC+E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", ErrMalformedHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			ok, err := VerifyPassword(tt.encoded, "correct horse battery staple")
			if ok || !errors.Is(err, tt.want) {
				t.Fatalf("VerifyPassword = %v, %v; want %v", ok, err, tt.want)
			}
			// Rejected before hashing: far below even one cheap argon2id run
			// on a loaded machine.
			if d := time.Since(start); d > 100*time.Millisecond {
				t.Errorf("rejecting took %v", d)
			}
			if strings.Contains(err.Error(), "correct horse") {
				t.Errorf("error %q quotes the password", err)
			}
		})
	}
}

func TestVerifyPasswordCheapVector(t *testing.T) {
	if ok, err := VerifyPassword(validCheap, "pw"); err != nil || !ok {
		t.Fatalf("VerifyPassword(validCheap) = %v, %v", ok, err)
	}
	got, err := cheap.Hash("pw", strings.NewReader(fixedSalt))
	if err != nil || got != validCheap {
		t.Fatalf("Hash = %s, %v", got, err)
	}
}

func TestVerifyPasswordBadInputPassword(t *testing.T) {
	// A password no hash can match is (false, nil), after the hash itself
	// has been checked.
	for _, pw := range []string{"", strings.Repeat("p", MaxPasswordLength+1)} {
		ok, err := VerifyPassword(validCheap, pw)
		if ok || err != nil {
			t.Errorf("VerifyPassword(len %d) = %v, %v; want false, nil", len(pw), ok, err)
		}
		ok, err = VerifyPassword(bcryptVectors[0].encoded, pw)
		if ok || err != nil {
			t.Errorf("VerifyPassword(bcrypt, len %d) = %v, %v; want false, nil", len(pw), ok, err)
		}
	}
	// A malformed hash is reported even with a bad password.
	if _, err := VerifyPassword("garbage", ""); !errors.Is(err, ErrMalformedHash) {
		t.Errorf("VerifyPassword(garbage, \"\") = %v", err)
	}
}

// bcryptVectors are the crypt_blowfish (Openwall) test vectors at cost 5,
// made by an implementation other than x/crypto; the $2b$ and $2y$ forms
// hash identically.
var bcryptVectors = []struct {
	encoded, pw string
}{
	{"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"},
	{"$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK", "U*U*"},
	{"$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a", "U*U*U"},
	{"$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui",
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored"},
	{"$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"},
	{"$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"},
	// htpasswd -nbBC 4 u 'fifo legacy password' (Apache's bcrypt).
	{"$2y$04$8w6wpNG/fnbyC7VbCxX2Fuvs8VCxH9td6q2gNbBm2ftLgg6mK.4EG", "fifo legacy password"},
}

func TestVerifyPasswordBcryptLegacy(t *testing.T) {
	for _, v := range bcryptVectors {
		ok, err := VerifyPassword(v.encoded, v.pw)
		if err != nil || !ok {
			t.Errorf("VerifyPassword(%s, right) = %v, %v", v.encoded, ok, err)
		}
		ok, err = VerifyPassword(v.encoded, "U*U*U*U")
		if err != nil || ok {
			t.Errorf("VerifyPassword(%s, wrong) = %v, %v", v.encoded, ok, err)
		}
	}
	// bcrypt ignores bytes past 72, as erlang-bcrypt did; NeedsRehash moves
	// such users to argon2id.
	long := bcryptVectors[3]
	if ok, err := VerifyPassword(long.encoded, long.pw[:72]+"something else"); err != nil || !ok {
		t.Errorf("bcrypt 72-byte truncation: %v, %v", ok, err)
	}
	if !NeedsRehash(long.encoded, PasswordParams{}) {
		t.Error("NeedsRehash(bcrypt) = false")
	}
}

func TestNeedsRehash(t *testing.T) {
	def, err := HashPassword("pw", strings.NewReader(fixedSalt))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		encoded string
		p       PasswordParams
		want    bool
	}{
		{"same defaults", def, PasswordParams{}, false},
		{"explicit defaults", def, PasswordParams{Memory: 65536, Time: 1, Threads: 2, SaltLength: 16, KeyLength: 32}, false},
		{"more memory", def, PasswordParams{Memory: 128 * 1024}, true},
		{"more time", def, PasswordParams{Time: 2}, true},
		{"fewer threads", def, PasswordParams{Threads: 1}, true},
		{"longer salt", def, PasswordParams{SaltLength: 32}, true},
		{"longer key", def, PasswordParams{KeyLength: 64}, true},
		{"cheap vs defaults", validCheap, PasswordParams{}, true},
		{"cheap vs cheap", validCheap, cheap, false},
		{"bcrypt", bcryptVectors[0].encoded, PasswordParams{}, true},
		{"garbage", "garbage", PasswordParams{}, true},
	}
	for _, tt := range tests {
		if got := NeedsRehash(tt.encoded, tt.p); got != tt.want {
			t.Errorf("%s: NeedsRehash = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// FuzzVerifyPassword feeds arbitrary stored hashes and passwords. It must
// never panic; whatever parses must re-encode to itself; and, with limits
// far below production ones, every run stays cheap, which shows that
// parameters are checked before hashing.
func FuzzVerifyPassword(f *testing.F) {
	for _, v := range argon2Vectors {
		f.Add(v.encoded, v.pw)
	}
	for _, v := range bcryptVectors {
		f.Add(v.encoded, v.pw)
	}
	f.Add(validCheap, "pw")
	f.Add("$argon2id$v=19$m=104857600,t=1,p=1$Zmlmb3NhbHRmaWZvc2FsdA$G2KcOOPnn8aKMedbODDoWuQuDyEfAA3o9rqBWloL4qk", "x")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$$", "")
	f.Add("$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U")
	f.Add("", "")
	f.Add("$", "$")
	tight := hashLimits{maxMemory: 64, maxTime: 2, maxWork: 128, maxBcryptCost: 4}
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		if h, err := defaultLimits().parseArgon2id(encoded); err == nil {
			if re := h.encode(); re != encoded {
				t.Fatalf("parsed %q re-encodes as %q", encoded, re)
			}
		}
		ok, err := tight.verify(encoded, pw)
		if err != nil {
			if ok {
				t.Fatal("ok with an error")
			}
			if !errors.Is(err, ErrMalformedHash) && !errors.Is(err, ErrUnsupportedHash) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
		}
		// Production limits: only parse (hashing could take up to a second).
		_, _ = defaultLimits().parseArgon2id(encoded)
		_ = defaultLimits().checkBcrypt(encoded)
	})
}

func BenchmarkHashPassword(b *testing.B) {
	rand := bytes.NewReader(make([]byte, 16))
	for b.Loop() {
		rand.Reset(make([]byte, 16))
		if _, err := HashPassword("correct horse battery staple", rand); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPasswordBcrypt12(b *testing.B) {
	// A cost-12 hash, erlang-bcrypt's default, as imported FiFo users have
	// (htpasswd -nbBC 12 u 'fifo legacy password').
	const enc = "$2y$12$du0NO/yoSVVUBJGg9bUVy.mIkjps4MHEmUnQLJBsnN5fdisYf8iaa"
	for b.Loop() {
		if ok, err := VerifyPassword(enc, "fifo legacy password"); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}
