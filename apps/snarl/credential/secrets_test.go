package credential

import (
	"errors"
	"strings"
	"testing"
)

// TestErrorsNeverContainSecrets feeds recognisable secrets to every
// function that takes one, in inputs that make it fail, and checks that no
// error message contains the secret.
func TestErrorsNeverContainSecrets(t *testing.T) {
	const pw = "Tr0ub4dor&3-SECRET"
	long := strings.Repeat(pw, MaxPasswordLength/len(pw)+1)
	// A stored hash whose fields carry the secret text.
	hostile := []string{
		"$argon2id$v=19$m=8,t=1,p=1$" + pw + "$" + pw,
		"$argon2id$v=19$m=" + pw + ",t=1,p=1$Zmlmb3NhbHRmaWZvc2FsdA$" + pw,
		"$argon2id$v=" + pw + "$m=8,t=1,p=1$x$y",
		"$2a$05$" + pw + strings.Repeat(".", 60-7-len(pw)),
		"$2a$" + pw,
		pw,
		"$" + pw + "$",
	}
	type call struct {
		name string
		err  error
	}
	var calls []call
	add := func(name string, err error) { calls = append(calls, call{name, err}) }

	_, err := cheap.Hash(long, strings.NewReader(fixedSalt))
	add("Hash(too long)", err)
	_, err = cheap.Hash(pw, strings.NewReader("x"))
	add("Hash(short rand)", err)
	_, err = HashClientSecret(long, strings.NewReader(fixedSalt))
	add("HashClientSecret(too long)", err)
	for _, h := range hostile {
		_, err = VerifyPassword(h, pw)
		add("VerifyPassword("+h[:min(len(h), 12)]+")", err)
		_, err = VerifyClientSecret(h, pw)
		add("VerifyClientSecret", err)
	}
	otp := "ccccccjlkgjh" + "hfrdtbihdnjvnrkdhrjcdfkftlebtcvu"
	for _, bad := range []string{otp + "!", otp[:40] + "0000", otp + otp} {
		_, err = YubikeyID(bad)
		add("YubikeyID", err)
	}
	for _, l := range []string{
		"ssh-ed25519 " + pw,
		"ssh-ed25519 " + pw + "== " + pw,
		"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4 " + pw,
		pw + " AAAA",
		ed25519Line + " " + pw + "\n" + pw,
	} {
		_, err = ParseSSHKey(l)
		add("ParseSSHKey", err)
	}

	for _, c := range calls {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := c.err.Error()
		for _, secret := range []string{pw, "SECRET", "Tr0ub4dor", otp[12:], "AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7"} {
			if strings.Contains(msg, secret) {
				t.Errorf("%s: error %q contains %q", c.name, msg, secret)
			}
		}
		if !strings.HasPrefix(msg, "credential: ") {
			t.Errorf("%s: error %q lacks the package prefix", c.name, msg)
		}
	}
	// Wrapped errors from the random source are passed on (they are the
	// caller's own), but still under ErrRandom.
	_, err = NewToken(iotestErrReader{})
	if !errors.Is(err, ErrRandom) {
		t.Errorf("NewToken: %v", err)
	}
}
