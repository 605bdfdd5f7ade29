package credential

import "errors"

// Sentinel errors. Every error this package returns wraps exactly one of
// them, so callers sort errors with errors.Is. Messages name the problem
// and, for stored hashes, the offending parameter; they never contain a
// password, token, secret, OTP or key.
var (
	// ErrEmptyPassword: a password or client secret is the empty string.
	ErrEmptyPassword = errors.New("credential: empty password")

	// ErrPasswordTooLong: a password or client secret is longer than
	// MaxPasswordLength bytes.
	ErrPasswordTooLong = errors.New("credential: password too long")

	// ErrMalformedHash: a stored password hash does not decode, or asks for
	// parameters outside the limits this package accepts. It means stored
	// data is bad (or hostile), not that the user typed a wrong password.
	ErrMalformedHash = errors.New("credential: malformed password hash")

	// ErrUnsupportedHash: a stored password hash names a scheme this
	// package does not verify (only argon2id and bcrypt are supported).
	ErrUnsupportedHash = errors.New("credential: unsupported password hash scheme")

	// ErrInvalidParams: PasswordParams, Options or ThrottleOptions are out
	// of range.
	ErrInvalidParams = errors.New("credential: invalid parameters")

	// ErrRandom: the random source given by the caller failed.
	ErrRandom = errors.New("credential: random source failed")

	// ErrMalformedSSHKey: an SSH public key line does not parse.
	ErrMalformedSSHKey = errors.New("credential: malformed ssh public key")

	// ErrUnsupportedSSHKey: an SSH public key line is well formed but of a
	// type this package does not accept (DSA, certificates, unknown types).
	ErrUnsupportedSSHKey = errors.New("credential: unsupported ssh key type")

	// ErrMalformedOTP: a YubiKey OTP is not 33–64 modhex characters.
	ErrMalformedOTP = errors.New("credential: malformed yubikey otp")
)
