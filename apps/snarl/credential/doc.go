// Package credential holds the security-sensitive primitives of snarl,
// FiFo's identity service: password and client-secret hashing, bearer
// tokens and the grants they stand for, SSH public keys, YubiKey OTP
// public ids, and login throttling.
//
// # Contract
//
// The package does no I/O, starts no goroutines of its own (argon2id uses
// Threads goroutines inside a call), keeps no global mutable state and
// never reads the clock or a global random source: every function that
// needs randomness takes an io.Reader (crypto/rand.Reader in production,
// a fixed reader in tests) and every function that needs time takes now.
// Everything is safe for concurrent use; Throttle guards itself with a
// mutex.
//
// No error message, String or GoString of this package contains a
// password, client secret, bearer token, OTP or key line: errors name the
// problem (and, for stored hashes, the offending parameter) and wrap one
// of the Err* sentinels, to be tested with errors.Is.
//
// # Passwords and client secrets
//
// HashPassword makes an argon2id PHC string
// ($argon2id$v=19$m=65536,t=1,p=2$salt$hash); VerifyPassword checks a
// password against such a string or against a legacy bcrypt hash of an
// imported FiFo user, comparing in constant time. Parameters read from a
// stored hash are bounded (MaxArgon2Memory, MaxArgon2Time, MaxArgon2Work,
// MaxBcryptCost) before anything is hashed, so a stored hash cannot ask
// for 100 GiB or an hour of CPU. NeedsRehash tells when to re-hash after a
// successful login (moving users off bcrypt). Client secrets are chosen by
// clients in FiFo, so they are hashed exactly like passwords (see
// HashClientSecret).
//
// Default parameters, measured on the 2-core reference server (Go 1.26,
// x/crypto v0.57.0, one hash at a time):
//
//	m=19 MiB  t=2 p=1   43 ms   (OWASP minimum)
//	m=64 MiB  t=1 p=1   73 ms
//	m=64 MiB  t=1 p=2   37 ms   <- default: 64 MiB, ~75 ms CPU on both cores
//	m=64 MiB  t=2 p=2   73 ms
//	m=64 MiB  t=3 p=4  108 ms   (RFC 9106 second recommendation)
//	m=256 MiB t=4 p=2  762 ms   (near the verification limit)
//	bcrypt cost 12 280 ms, cost 14 1.1 s
//
// (Those are one-at-a-time numbers on an idle machine; BenchmarkHashPassword
// gives 45 to 57 ms for the default while other builds load both cores.)
// Each hash holds Memory KiB while it runs, so the caller bounds how many
// run at once (for example a semaphore of a few per core).
//
// # Tokens
//
// NewToken makes a 256-bit base64url bearer; only TokenID (its SHA-256)
// is stored, as the key of a Grant, which records kind, user, client,
// scopes, issue and expiry times. Options holds the lifetimes per Kind
// (access 1 h, refresh 30 d, code 60 s, one-time 30 s, MFA 120 s, API key
// never). Single use of codes and one-time tokens is the store's job.
// Equal compares secrets in constant time.
//
// # SSH keys and YubiKeys
//
// ParseSSHKey checks a public key line and gives its FiFo key id (hex MD5
// of the decoded blob: an identifier, not a security check); ValidKeyName
// checks key names. YubikeyID extracts the public id of a YubiKey OTP.
//
// # Throttling
//
// Throttle counts failed logins per key and returns how long the next
// attempt must wait: free for the first failures, then exponential
// backoff with a cap, forgotten on success or after a quiet period, with
// a bounded number of keys.
package credential
