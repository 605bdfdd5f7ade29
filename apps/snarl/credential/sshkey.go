package credential

import (
	"bytes"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"
)

// MaxSSHKeyLineLength bounds an SSH public key line. A 16384-bit RSA key,
// the largest OpenSSH makes, is about 2.8 KiB of base64.
const MaxSSHKeyLineLength = 8192

// MinRSABits is the smallest RSA modulus ParseSSHKey accepts; it matches
// OpenSSH's own minimum, below which sshd refuses the key anyway. (The
// largest, 16384 bits, is enforced by x/crypto/ssh.)
const MinRSABits = 1024

// MaxKeyNameLength bounds an SSH key name (fifo.md gives no bound).
const MaxKeyNameLength = 255

// SSHKey is a parsed SSH public key line.
type SSHKey struct {
	// Type is the key type, the line's first field and the blob's first
	// string, e.g. "ssh-ed25519".
	Type string
	// Blob is the decoded SSH wire-format public key (the line's second
	// field). It is canonical: re-encoding the parsed key gives the same
	// bytes, so one key has exactly one Blob and one ID.
	Blob []byte
	// Comment is the rest of the line, trimmed; may be empty.
	Comment string
	// ID is SSHKeyID(Blob): the key's globally unique identifier in snarl.
	ID string
}

// accepted key types. DSA is refused (OpenSSH has removed it), and so are
// certificates: a user registers a plain key.
func sshKeyTypeAccepted(t string) bool {
	switch t {
	case ssh.KeyAlgoRSA, ssh.KeyAlgoED25519,
		ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
		ssh.KeyAlgoSKED25519, ssh.KeyAlgoSKECDSA256:
		return true
	}
	return false
}

// ParseSSHKey parses a public key line "<type> <base64> [comment]" as
// PUT /users/:id/keys receives it (authorized_keys options are not
// accepted). Fields are separated by spaces or tabs and surrounding white
// space is ignored. Accepted types: ssh-rsa (1024 to 16384 bits),
// ssh-ed25519, ecdsa-sha2-nistp256/384/521, sk-ssh-ed25519@openssh.com,
// sk-ecdsa-sha2-nistp256@openssh.com; others give ErrUnsupportedSSHKey.
//
// The base64 must be canonical padded standard base64, the blob's first
// string must equal the type, the key must parse (x/crypto/ssh: points on
// the curve, sane RSA exponent) and re-encode to the same bytes; anything
// else, a line over MaxSSHKeyLineLength, control characters (a newline
// could smuggle a second line into an authorized_keys file) or a comment
// that is not UTF-8 give ErrMalformedSSHKey. Errors never quote the line.
func ParseSSHKey(line string) (SSHKey, error) {
	if len(line) > MaxSSHKeyLineLength {
		return SSHKey{}, fmt.Errorf("%w: longer than %d bytes", ErrMalformedSSHKey, MaxSSHKeyLineLength)
	}
	line = strings.Trim(line, " \t\r\n")
	for i := 0; i < len(line); i++ {
		if c := line[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return SSHKey{}, fmt.Errorf("%w: control character", ErrMalformedSSHKey)
		}
	}
	if line == "" {
		return SSHKey{}, fmt.Errorf("%w: empty line", ErrMalformedSSHKey)
	}
	typ, rest := nextField(line)
	if !sshKeyTypeAccepted(typ) {
		return SSHKey{}, ErrUnsupportedSSHKey
	}
	b64, comment := nextField(rest)
	if b64 == "" {
		return SSHKey{}, fmt.Errorf("%w: missing key data", ErrMalformedSSHKey)
	}
	if !utf8.ValidString(comment) {
		return SSHKey{}, fmt.Errorf("%w: comment is not utf-8", ErrMalformedSSHKey)
	}
	blob, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil || base64.StdEncoding.EncodeToString(blob) != b64 {
		return SSHKey{}, fmt.Errorf("%w: key data is not base64", ErrMalformedSSHKey)
	}
	if name, ok := wireString(blob); !ok || name != typ {
		return SSHKey{}, fmt.Errorf("%w: key data does not start with the key type", ErrMalformedSSHKey)
	}
	pk, err := ssh.ParsePublicKey(blob)
	if err != nil {
		// x/crypto's messages describe the structure, never the key, but
		// keep ours uniform.
		return SSHKey{}, fmt.Errorf("%w: key data does not parse as %s", ErrMalformedSSHKey, typ)
	}
	if pk.Type() != typ || !bytes.Equal(pk.Marshal(), blob) {
		return SSHKey{}, fmt.Errorf("%w: key data is not canonical", ErrMalformedSSHKey)
	}
	if ck, ok := pk.(ssh.CryptoPublicKey); ok {
		if rk, ok := ck.CryptoPublicKey().(*rsa.PublicKey); ok && rk.N.BitLen() < MinRSABits {
			return SSHKey{}, fmt.Errorf("%w: rsa key of %d bits, minimum %d", ErrUnsupportedSSHKey, rk.N.BitLen(), MinRSABits)
		}
	}
	return SSHKey{Type: typ, Blob: blob, Comment: comment, ID: SSHKeyID(blob)}, nil
}

// nextField splits s at its first run of spaces and tabs; s has no
// leading white space.
func nextField(s string) (field, rest string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}

// wireString reads the SSH wire string (uint32 length, bytes) at the
// start of b.
func wireString(b []byte) (string, bool) {
	if len(b) < 4 {
		return "", false
	}
	n := binary.BigEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return "", false
	}
	return string(b[4 : 4+n]), true
}

// SSHKeyID returns FiFo's key id for a decoded public key blob: the
// lowercase hex MD5 of the blob, which is the digest `ssh-keygen -E md5 -l`
// prints, without the colons. It is an identifier, kept for FiFo
// compatibility (the secondary index that makes a key globally unique and
// maps it back to its user); it is not a security check, and MD5's
// collision weakness does not matter because ParseSSHKey only admits
// canonical blobs that parse as a public key.
func SSHKeyID(blob []byte) string {
	sum := md5.Sum(blob)
	return hex.EncodeToString(sum[:])
}

// Line returns the key as a canonical one-line authorized_keys entry:
// type, one space, base64, and one space and the comment if there is one.
// Store and hand out this form rather than the text the user sent.
func (k SSHKey) Line() string {
	s := k.Type + " " + base64.StdEncoding.EncodeToString(k.Blob)
	if k.Comment != "" {
		s += " " + k.Comment
	}
	return s
}

// FingerprintSHA256 returns the key's OpenSSH SHA256 fingerprint,
// "SHA256:" and unpadded base64, as `ssh-keygen -l` prints it.
func (k SSHKey) FingerprintSHA256() string {
	sum := sha256.Sum256(k.Blob)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// ValidKeyName reports whether name may name an SSH key of a user:
// fifo.md's schema pattern ^[a-zA-Z@_.,-]+$ (ASCII letters and @ _ . , -;
// no digits, no spaces), at most MaxKeyNameLength bytes.
func ValidKeyName(name string) bool {
	if name == "" || len(name) > MaxKeyNameLength {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '@' || c == '_' || c == '.' || c == ',' || c == '-') {
			return false
		}
	}
	return true
}
