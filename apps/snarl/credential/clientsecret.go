package credential

import (
	"encoding/base64"
	"io"
)

// Client secrets.
//
// Decision: FiFo lets a client choose its own secret (POST /clients
// {"client", "secret"}, PUT /clients/:id {"secret"}), so a stored secret
// may be as weak as a password, and a fast digest of it could be brute
// forced from a leaked store. Client secrets are therefore hashed exactly
// like passwords (argon2id, same PasswordParams, same limits), whether the
// client chose them or NewClientSecret made them; one scheme means no
// secret is ever misfiled as high-entropy. The cost is one argon2id hash
// per client authentication, that is per token request, not per API call.

// NewClientSecret returns a random client secret for clients that let the
// server choose: TokenBytes from rand as unpadded base64url. Store only
// HashClientSecret of it.
func NewClientSecret(rand io.Reader) (string, error) {
	b, err := readRandom(rand, TokenBytes)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashClientSecret hashes an OAuth2 client secret for storage. It is
// HashPassword: argon2id with the default PasswordParams (use
// PasswordParams.Hash for others) and the same rules (1 to
// MaxPasswordLength bytes).
func HashClientSecret(secret string, rand io.Reader) (string, error) {
	return HashPassword(secret, rand)
}

// VerifyClientSecret reports whether secret matches the stored hash
// encoded. It is VerifyPassword: constant-time, bounded, and a wrong
// secret is (false, nil).
func VerifyClientSecret(encoded, secret string) (bool, error) {
	return VerifyPassword(encoded, secret)
}
