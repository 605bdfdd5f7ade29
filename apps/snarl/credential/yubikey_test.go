package credential

import (
	"errors"
	"strings"
	"testing"
)

func TestYubikeyID(t *testing.T) {
	// A real-shaped OTP: 12-character public id + 32-character token
	// (Yubico's documentation example).
	const otp = "ccccccjlkgjhhfrdtbihdnjvnrkdhrjcdfkftlebtcvu"
	tests := []struct {
		name, otp, want string
		err             error
	}{
		{"standard", otp, "ccccccjlkgjh", nil},
		{"caps lock", strings.ToUpper(otp), "ccccccjlkgjh", nil},
		{"mixed case", "CcCcCcjlkgjh" + otp[12:], "ccccccjlkgjh", nil},
		{"shortest", "v" + strings.Repeat("c", 32), "v", nil},
		{"longest", strings.Repeat("b", 32) + strings.Repeat("c", 32), strings.Repeat("b", 32), nil},
		{"all modhex digits", "cbdefghijklnrtuv" + strings.Repeat("u", 32), "cbdefghijklnrtuv", nil},
		{"empty", "", "", ErrMalformedOTP},
		{"token only", strings.Repeat("c", 32), "", ErrMalformedOTP},
		{"too long", strings.Repeat("c", 65), "", ErrMalformedOTP},
		{"hex not modhex", "0123456789ab" + otp[12:], "", ErrMalformedOTP},
		{"bad char in token part", otp[:40] + "aaaa", "", ErrMalformedOTP},
		{"space", otp[:20] + " " + otp[21:], "", ErrMalformedOTP},
		{"trailing newline", otp[:43] + "\n", "", ErrMalformedOTP},
		{"non-ascii", "ccccccjlkgjh" + otp[12:42] + "é", "", ErrMalformedOTP},
	}
	for _, tt := range tests {
		got, err := YubikeyID(tt.otp)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("%s: YubikeyID = %q, %v; want %q, %v", tt.name, got, err, tt.want, tt.err)
		}
		if err != nil && len(tt.otp) > 8 && strings.Contains(err.Error(), tt.otp[len(tt.otp)-8:]) {
			t.Errorf("%s: error %q quotes the otp", tt.name, err)
		}
	}
}

// FuzzYubikeyID: no panics; an accepted OTP's id is its lower-cased
// prefix, 32 characters shorter, all modhex; errors wrap ErrMalformedOTP.
func FuzzYubikeyID(f *testing.F) {
	for _, s := range []string{"ccccccjlkgjhhfrdtbihdnjvnrkdhrjcdfkftlebtcvu", "", strings.Repeat("c", 33), strings.Repeat("C", 64), "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, otp string) {
		id, err := YubikeyID(otp)
		if err != nil {
			if !errors.Is(err, ErrMalformedOTP) || id != "" {
				t.Fatalf("YubikeyID = %q, %v", id, err)
			}
			return
		}
		if len(id) != len(otp)-32 || len(id) < 1 || len(id) > 32 {
			t.Fatalf("id length %d for otp length %d", len(id), len(otp))
		}
		if !strings.HasPrefix(strings.ToLower(otp), id) {
			t.Fatalf("id %q is not the lower-cased prefix of %q", id, otp)
		}
		for i := 0; i < len(id); i++ {
			if !isModhex(id[i]) {
				t.Fatalf("id %q holds a non-modhex byte", id)
			}
		}
	})
}
