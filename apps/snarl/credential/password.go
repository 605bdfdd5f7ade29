package credential

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// MaxPasswordLength is the longest password or client secret, in bytes,
// that HashPassword accepts and VerifyPassword will try. Longer input is
// refused before any hashing, so it cannot be used to burn CPU.
const MaxPasswordLength = 1024

// Default argon2id parameters, used for every zero field of PasswordParams.
//
// 64 MiB, one pass, two lanes is at the RFC 9106 §4 "memory-constrained"
// memory size and above the OWASP floor for argon2id (46 MiB, t=1, p=1).
// On the 2-core reference server one hash takes about 37 ms of wall time
// when idle (both lanes run, so about 75 ms of CPU) and 64 MiB of memory;
// see the package doc for the measurements. Callers bound how many hashes run at
// once, because each one holds Memory KiB until it returns.
const (
	DefaultArgon2Memory     uint32 = 64 * 1024 // KiB
	DefaultArgon2Time       uint32 = 1
	DefaultArgon2Threads    uint8  = 2
	DefaultArgon2SaltLength uint32 = 16
	DefaultArgon2KeyLength  uint32 = 32
)

// Limits on the parameters of an argon2id hash. PasswordParams.Validate
// enforces them when hashing and VerifyPassword enforces them on the
// parameters read from a stored hash before it hashes anything, so a
// stored (possibly hostile) hash cannot make a login allocate more than
// 256 MiB or run more than 512 MiB-passes (the worst case, m=256 MiB,
// t=2, p=1, took 0.6 to 1.4 s on the reference server, idle to busy).
const (
	MaxArgon2Memory     uint32 = 256 * 1024 // KiB
	MaxArgon2Time       uint32 = 8
	MaxArgon2Work       uint64 = 512 * 1024 // Memory (KiB) × Time
	MaxArgon2Threads    uint8  = 16
	MinArgon2SaltLength uint32 = 8
	MaxArgon2SaltLength uint32 = 64
	MinArgon2KeyLength  uint32 = 16
	MaxArgon2KeyLength  uint32 = 64
)

// MaxBcryptCost is the highest bcrypt cost VerifyPassword will compute
// for a legacy hash (cost 14 takes about 1.1 s on the reference server;
// FiFo's erlang-bcrypt default was 12, about 0.3 s). Higher costs are
// reported as ErrMalformedHash without hashing.
const MaxBcryptCost = 14

// argon2Version is the only argon2 version x/crypto/argon2 computes (1.3).
const argon2Version = argon2.Version

// maxEncodedLength bounds an encoded hash before it is parsed. The longest
// valid argon2id string within the limits above is under 230 bytes, and a
// bcrypt string is always 60.
const maxEncodedLength = 256

// PasswordParams are the argon2id parameters used to hash new passwords
// and client secrets. A zero field takes its Default* value, so the zero
// PasswordParams is the recommended production setting. Tests use cheap
// values (Memory: 8, Time: 1, Threads: 1).
//
// The parameters are stored in every hash, so changing them affects only
// new hashes; NeedsRehash tells a caller that a stored hash was made with
// other parameters, so it can re-hash after a successful login.
type PasswordParams struct {
	// Memory is the memory size in KiB. Default 65536 (64 MiB); at least
	// 8 × Threads, at most MaxArgon2Memory.
	Memory uint32
	// Time is the number of passes. Default 1; at most MaxArgon2Time, and
	// Memory × Time at most MaxArgon2Work.
	Time uint32
	// Threads is the number of lanes (and goroutines). Default 2; at most
	// MaxArgon2Threads.
	Threads uint8
	// SaltLength is the salt size in bytes. Default 16; 8 to 64.
	SaltLength uint32
	// KeyLength is the derived hash size in bytes. Default 32; 16 to 64.
	KeyLength uint32
}

func (p PasswordParams) withDefaults() PasswordParams {
	if p.Memory == 0 {
		p.Memory = DefaultArgon2Memory
	}
	if p.Time == 0 {
		p.Time = DefaultArgon2Time
	}
	if p.Threads == 0 {
		p.Threads = DefaultArgon2Threads
	}
	if p.SaltLength == 0 {
		p.SaltLength = DefaultArgon2SaltLength
	}
	if p.KeyLength == 0 {
		p.KeyLength = DefaultArgon2KeyLength
	}
	return p
}

// Validate reports every parameter (after defaults are applied) that is
// outside the limits above, joined into one error wrapping
// ErrInvalidParams. It does not judge strength: cheap parameters are
// valid so that tests can use them.
func (p PasswordParams) Validate() error {
	p = p.withDefaults()
	problems := defaultLimits().problems(p.Memory, p.Time, uint32(p.Threads), p.SaltLength, p.KeyLength)
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: argon2id %s", ErrInvalidParams, strings.Join(problems, "; "))
}

// problems lists the ways an argon2id parameter set breaks the limits l.
func (l hashLimits) problems(m, t, p, saltLen, keyLen uint32) []string {
	var out []string
	if p < 1 || p > uint32(MaxArgon2Threads) {
		out = append(out, fmt.Sprintf("threads %d not in 1..%d", p, MaxArgon2Threads))
	}
	if minMem := 8 * uint64(p); uint64(m) < minMem || m > l.maxMemory {
		out = append(out, fmt.Sprintf("memory %d KiB not in %d..%d", m, minMem, l.maxMemory))
	}
	if t < 1 || t > l.maxTime {
		out = append(out, fmt.Sprintf("time %d not in 1..%d", t, l.maxTime))
	}
	if w := uint64(m) * uint64(t); w > l.maxWork {
		out = append(out, fmt.Sprintf("work %d KiB-passes above %d", w, l.maxWork))
	}
	if saltLen < MinArgon2SaltLength || saltLen > MaxArgon2SaltLength {
		out = append(out, fmt.Sprintf("salt length %d not in %d..%d", saltLen, MinArgon2SaltLength, MaxArgon2SaltLength))
	}
	if keyLen < MinArgon2KeyLength || keyLen > MaxArgon2KeyLength {
		out = append(out, fmt.Sprintf("key length %d not in %d..%d", keyLen, MinArgon2KeyLength, MaxArgon2KeyLength))
	}
	return out
}

// checkPassword refuses the empty password and over-long ones.
func checkPassword(pw string) error {
	switch {
	case pw == "":
		return ErrEmptyPassword
	case len(pw) > MaxPasswordLength:
		return fmt.Errorf("%w: longer than %d bytes", ErrPasswordTooLong, MaxPasswordLength)
	}
	return nil
}

// HashPassword hashes pw with argon2id and the default PasswordParams,
// reading the salt from rand (crypto/rand.Reader in production). The
// result is a PHC string:
//
//	$argon2id$v=19$m=65536,t=1,p=2$<salt>$<hash>
//
// with salt and hash in unpadded standard base64. pw must be 1 to
// MaxPasswordLength bytes (ErrEmptyPassword, ErrPasswordTooLong); a failing
// rand gives ErrRandom.
func HashPassword(pw string, rand io.Reader) (string, error) {
	return PasswordParams{}.Hash(pw, rand)
}

// Hash is HashPassword with the parameters p (zero fields take defaults).
// Invalid parameters give ErrInvalidParams.
func (p PasswordParams) Hash(pw string, rand io.Reader) (string, error) {
	if err := checkPassword(pw); err != nil {
		return "", err
	}
	p = p.withDefaults()
	if err := p.Validate(); err != nil {
		return "", err
	}
	salt, err := readRandom(rand, int(p.SaltLength))
	if err != nil {
		return "", err
	}
	h := argon2Hash{
		memory:  p.Memory,
		time:    p.Time,
		threads: p.Threads,
		salt:    salt,
		key:     argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLength),
	}
	return h.encode(), nil
}

// readRandom reads exactly n bytes from rand.
func readRandom(rand io.Reader, n int) ([]byte, error) {
	if rand == nil {
		return nil, fmt.Errorf("%w: nil reader", ErrRandom)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(rand, b); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRandom, err)
	}
	return b, nil
}

// VerifyPassword reports whether pw matches the stored hash encoded.
//
// encoded is either an argon2id PHC string made by HashPassword or a
// legacy bcrypt hash ($2a$, $2b$ or $2y$, as FiFo's erlang-bcrypt stored
// them for imported users; bcrypt, as always, looks only at the first 72
// bytes of pw). The hash is parsed and its parameters checked against the
// limits above before any hashing: a malformed or out-of-bounds hash gives
// ErrMalformedHash, an unknown scheme ErrUnsupportedHash, and neither
// spends more than a few microseconds. A password that is empty or longer
// than MaxPasswordLength cannot match any hash HashPassword made and gives
// (false, nil) without hashing. The final comparison is constant-time.
//
// A wrong password is (false, nil), never an error. When the user does not
// exist, callers still verify against a fixed dummy hash so the response
// time does not reveal which user names exist.
func VerifyPassword(encoded, pw string) (bool, error) {
	return defaultLimits().verify(encoded, pw)
}

// NeedsRehash reports whether encoded was made with something other than
// argon2id and the parameters p (zero fields take defaults): a legacy
// bcrypt hash, other argon2id parameters, or a hash that does not parse.
// Callers re-hash the password after a successful VerifyPassword when it
// returns true, which moves imported users off bcrypt.
func NeedsRehash(encoded string, p PasswordParams) bool {
	h, err := defaultLimits().parseArgon2id(encoded)
	if err != nil {
		return true
	}
	p = p.withDefaults()
	return h.memory != p.Memory || h.time != p.Time || h.threads != p.Threads ||
		uint32(len(h.salt)) != p.SaltLength || uint32(len(h.key)) != p.KeyLength
}

// hashLimits are the verification bounds. Production uses defaultLimits;
// the fuzz test uses tighter ones so each run stays cheap.
type hashLimits struct {
	maxMemory     uint32
	maxTime       uint32
	maxWork       uint64
	maxBcryptCost int
}

// defaultLimits are the exported Max* limits.
func defaultLimits() hashLimits {
	return hashLimits{
		maxMemory:     MaxArgon2Memory,
		maxTime:       MaxArgon2Time,
		maxWork:       MaxArgon2Work,
		maxBcryptCost: MaxBcryptCost,
	}
}

func (l hashLimits) verify(encoded, pw string) (bool, error) {
	switch scheme(encoded) {
	case "argon2id":
		h, err := l.parseArgon2id(encoded)
		if err != nil {
			return false, err
		}
		if checkPassword(pw) != nil {
			return false, nil
		}
		got := argon2.IDKey([]byte(pw), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
		return subtle.ConstantTimeCompare(got, h.key) == 1, nil
	case "2a", "2b", "2y":
		if err := l.checkBcrypt(encoded); err != nil {
			return false, err
		}
		if checkPassword(pw) != nil {
			return false, nil
		}
		err := bcrypt.CompareHashAndPassword([]byte(encoded), []byte(pw))
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
			return false, nil
		default:
			// checkBcrypt accepted it, so this is unexpected; the library's
			// message may quote hash bytes, so it is not passed on.
			return false, fmt.Errorf("%w: bcrypt rejected the hash", ErrMalformedHash)
		}
	case "":
		return false, fmt.Errorf("%w: no $scheme$ prefix", ErrMalformedHash)
	default:
		return false, ErrUnsupportedHash
	}
}

// scheme returns the PHC/crypt identifier between the first two '$', or ""
// when encoded does not start with a well-formed one.
func scheme(encoded string) string {
	rest, ok := strings.CutPrefix(encoded, "$")
	if !ok {
		return ""
	}
	id, _, ok := strings.Cut(rest, "$")
	if !ok || id == "" || len(id) > 32 {
		return ""
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return ""
		}
	}
	return id
}

// argon2Hash is a decoded argon2id PHC string.
type argon2Hash struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

func (h argon2Hash) encode() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2Version, h.memory, h.time, h.threads,
		base64.RawStdEncoding.EncodeToString(h.salt),
		base64.RawStdEncoding.EncodeToString(h.key))
}

// parseArgon2id decodes a PHC argon2id string strictly: fields in the
// order v, m, t, p; decimal numbers without sign or leading zeros;
// canonical unpadded base64. Any string it accepts re-encodes to itself.
func (l hashLimits) parseArgon2id(encoded string) (argon2Hash, error) {
	var h argon2Hash
	if len(encoded) > maxEncodedLength {
		return h, fmt.Errorf("%w: longer than %d bytes", ErrMalformedHash, maxEncodedLength)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return h, fmt.Errorf("%w: argon2id: want $argon2id$v=..$m=..,t=..,p=..$salt$hash", ErrMalformedHash)
	}
	v, ok := strings.CutPrefix(parts[2], "v=")
	if !ok {
		return h, fmt.Errorf("%w: argon2id: missing version", ErrMalformedHash)
	}
	version, ok := parseDecimal(v)
	if !ok {
		return h, fmt.Errorf("%w: argon2id: bad version", ErrMalformedHash)
	}
	if version != argon2Version {
		return h, fmt.Errorf("%w: argon2id version %d (only %d)", ErrUnsupportedHash, version, argon2Version)
	}
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return h, fmt.Errorf("%w: argon2id: want m=..,t=..,p=..", ErrMalformedHash)
	}
	var nums [3]uint32
	for i, name := range []string{"m=", "t=", "p="} {
		s, ok := strings.CutPrefix(fields[i], name)
		if !ok {
			return h, fmt.Errorf("%w: argon2id: want m=..,t=..,p=..", ErrMalformedHash)
		}
		if nums[i], ok = parseDecimal(s); !ok {
			return h, fmt.Errorf("%w: argon2id: bad %s value", ErrMalformedHash, name[:1])
		}
	}
	m, t, p := nums[0], nums[1], nums[2]
	salt, ok := decodeCanonical(parts[4])
	if !ok {
		return h, fmt.Errorf("%w: argon2id: bad salt encoding", ErrMalformedHash)
	}
	key, ok := decodeCanonical(parts[5])
	if !ok {
		return h, fmt.Errorf("%w: argon2id: bad hash encoding", ErrMalformedHash)
	}
	if problems := l.problems(m, t, p, uint32(len(salt)), uint32(len(key))); len(problems) > 0 {
		return h, fmt.Errorf("%w: argon2id %s", ErrMalformedHash, strings.Join(problems, "; "))
	}
	return argon2Hash{memory: m, time: t, threads: uint8(p), salt: salt, key: key}, nil
}

// parseDecimal parses a canonical unsigned decimal that fits in uint32:
// digits only, no leading zeros (except "0" itself).
func parseDecimal(s string) (uint32, bool) {
	if s == "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}

// decodeCanonical decodes unpadded standard base64 and accepts it only if
// it re-encodes to the same text (the decoder skips newlines, and strict
// mode alone does not reject them).
func decodeCanonical(s string) ([]byte, bool) {
	b, err := base64.RawStdEncoding.Strict().DecodeString(s)
	if err != nil || base64.RawStdEncoding.EncodeToString(b) != s {
		return nil, false
	}
	return b, true
}

// checkBcrypt validates a modular-crypt bcrypt string without hashing:
// $2a$, $2b$ or $2y$, a two-digit cost from 4 to the limit, then 53
// characters of bcrypt's base64 alphabet (22 of salt, 31 of hash).
func (l hashLimits) checkBcrypt(encoded string) error {
	const size = 60
	if len(encoded) != size {
		return fmt.Errorf("%w: bcrypt: length %d, want %d", ErrMalformedHash, len(encoded), size)
	}
	// encoded[0:4] is "$2x$", checked by scheme.
	c1, c2 := encoded[4], encoded[5]
	if c1 < '0' || c1 > '9' || c2 < '0' || c2 > '9' || encoded[6] != '$' {
		return fmt.Errorf("%w: bcrypt: bad cost field", ErrMalformedHash)
	}
	cost := int(c1-'0')*10 + int(c2-'0')
	if cost < bcrypt.MinCost || cost > l.maxBcryptCost {
		return fmt.Errorf("%w: bcrypt cost %d not in %d..%d", ErrMalformedHash, cost, bcrypt.MinCost, l.maxBcryptCost)
	}
	for i := 7; i < size; i++ {
		c := encoded[i]
		if !(c == '.' || c == '/' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return fmt.Errorf("%w: bcrypt: bad character in salt or hash", ErrMalformedHash)
		}
	}
	return nil
}
