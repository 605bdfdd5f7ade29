package credential

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"io"
)

// TokenBytes is the number of random bytes in a bearer token or generated
// client secret: 256 bits, 43 characters of unpadded base64url.
const TokenBytes = 32

// Token is a freshly minted opaque bearer: the secret, handed to the
// client once, and its ID, the only form that is stored.
//
// The secret is unexported and String, GoString and encoders that use
// exported fields (JSON, CBOR) see only the ID, so printing or logging a
// Token does not leak the bearer. Call Secret to get it for the response.
type Token struct {
	secret string
	// ID is TokenID(Secret()): the storage key and the "token-id" of the
	// API (DELETE /users/:id/tokens/:token-id).
	ID string
}

// NewToken reads TokenBytes from rand (crypto/rand.Reader in production)
// and returns them as an unpadded base64url bearer with its ID. A failing
// rand gives ErrRandom.
func NewToken(rand io.Reader) (Token, error) {
	b, err := readRandom(rand, TokenBytes)
	if err != nil {
		return Token{}, err
	}
	s := base64.RawURLEncoding.EncodeToString(b)
	return Token{secret: s, ID: TokenID(s)}, nil
}

// Secret returns the bearer itself. Send it to the client once; never
// store or log it.
func (t Token) Secret() string { return t.secret }

// String returns "token <ID>", never the secret.
func (t Token) String() string { return "token " + t.ID }

// GoString is String, so %#v does not print the secret either.
func (t Token) GoString() string { return t.String() }

// TokenID returns the storage key of a bearer token: the lowercase hex
// SHA-256 of its bytes (64 characters). Tokens are high-entropy, so a fast
// unsalted digest is enough: the stored ID does not let anyone recover or
// forge the bearer, and the same bearer always maps to the same ID, so a
// request's token is found by hashing it. Any string may be given; lookups
// of unknown IDs simply miss.
func TokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Equal reports whether a and b are equal in time that depends on neither
// their contents nor their lengths: both are hashed with SHA-256 and the
// digests compared with crypto/subtle. Use it for every comparison of a
// secret with a presented value (OTTs, codes, CSRF state).
func Equal(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}
