package credential

import "fmt"

// YubiKey OTP lengths: the last 32 modhex characters are the encrypted
// part; everything before it is the key's public id (normally 12
// characters, at most 16 bytes = 32 characters).
const (
	yubikeyOTPSecretLength = 32
	// MinYubikeyOTPLength is the shortest OTP YubikeyID accepts (fifo.md:
	// "≥ 33 chars").
	MinYubikeyOTPLength = yubikeyOTPSecretLength + 1
	// MaxYubikeyOTPLength is the longest: a 32-character public id plus
	// the 32-character encrypted part.
	MaxYubikeyOTPLength = 64
)

// YubikeyID returns the public id of a YubiKey OTP, as PUT
// /users/:id/yubikeys stores it: the OTP minus its last 32 characters.
// The OTP must be 33 to 64 characters of modhex ("cbdefghijklnrtuv");
// upper case is folded to lower case (a key typed with caps lock on), so
// the id is always lower case. Anything else gives ErrMalformedOTP, whose
// message never quotes the OTP. Checking the OTP itself against YubiCloud
// is not done here.
func YubikeyID(otp string) (string, error) {
	if len(otp) < MinYubikeyOTPLength || len(otp) > MaxYubikeyOTPLength {
		return "", fmt.Errorf("%w: length %d not in %d..%d", ErrMalformedOTP, len(otp), MinYubikeyOTPLength, MaxYubikeyOTPLength)
	}
	id := make([]byte, len(otp)-yubikeyOTPSecretLength)
	for i := 0; i < len(otp); i++ {
		c := otp[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if !isModhex(c) {
			return "", fmt.Errorf("%w: not modhex", ErrMalformedOTP)
		}
		if i < len(id) {
			id[i] = c
		}
	}
	return string(id), nil
}

// isModhex reports whether c is one of the 16 modhex digits.
func isModhex(c byte) bool {
	switch c {
	case 'c', 'b', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'n', 'r', 't', 'u', 'v':
		return true
	}
	return false
}
