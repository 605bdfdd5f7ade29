package credential

import (
	"bytes"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math/big"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// Real public keys. The ed25519 one is derived below from a fixed seed;
// the others were made with ssh-keygen (OpenSSH), and every id is the MD5
// fingerprint `ssh-keygen -E md5 -lf` printed, without colons.
const (
	ed25519Line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
	ed25519ID   = "f10217deefc13083118b82a00e677fd5"
	ed25519FP   = "SHA256:lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg"

	rsa2048Line = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCt/3J3H3nhDA4I2FpkUa5ynFaudrd2sCyQIw2uLaGDa4mXHf4ZjKJwniw9vDuboYb4GqWvZN8P5JWhTVZWOZpmlEZgUXzatjJ1xoQ15Mf9IhfOMEu6qUsOxgSuziImFFGlHj4eMT9reVg/Y6kM75BOorUPTbW4/YZUZZvGUZFgXgJTfghPA8qL7adyLONsGmpwvIP+ZaysPPkkB2wJwVV6e57rlyvjoQgfOuWcUaBvqBtccOtUFmmKGsu12NlH5C+5kK/ztxdihX7yXTgdRmdp1M6u8J2G8rizkUoamVxGv/RAru2H+rv1Qt88Qb558vLcCjt3drtl006QbXAjIl55 rsa@fifo"
	rsa2048ID   = "a799398f1957d3625b7f30a319fcdf81"

	rsa1024Line = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCsPplrT0V89l/uAEZl+dNp/EroyDQXziMR5/X67hfO87cf1/kVQOiM+GIXOZOdPrAveUvZdXfXgRePdGa5sVQaq8I3GZramDb4EnGNkNlVEbhEzMvqEdtepIIYSLo+nFdcRr+C5zlxVsiCiGm4RKpY2rh/OHcYI+dtYvvIJ8Eiyw== root@vm"
	rsa1024ID   = "975042f65c79b4fde5dbf1f5a93ff191"

	ecdsa384Line = "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBOOP19EzeorZYg2zMqTjG8pCHb0LXZqxWAH8LBrBObi/6TkKg906m+i1n43tPXv08y5NgQPGXDXZFdQ1M0SbaijHVIOu+/BobeSW7TFXZ1q66BN4LWGFcRGuNLiHqzV3HQ== ecdsa@fifo"
	ecdsa384ID   = "104312adb583e6d01fd5abcc5967dd4b"

	dsaLine = "ssh-dss AAAAB3NzaC1kc3MAAACBANDjH0WOFzpWHKUToVg89wC1K9ZM7vGNLQgxFcpaZnSXve/aeLRsu0sWyjDasGciqEmn/MQaGUE9dfTiiLfojOaPbA++HprE31GXfIohGrCdkMEe9MOZuztFtqFI5JyRSe0ntETUyexJw6R6tmAYkSwARa4klWughswxohzhJPvNAAAAFQD+/MpdrSMkHXKfGl5K7B8y5CXPJwAAAIAJwafvMsH2TxA2Xw2VFIcbu5vX00bU6hDdUuH7sVNNJlhgcrtmkldhijWI8L56DTgtTkXgA5RgYlRrh0aObH9fICfwv8UIbL6+IQMCIpCK6b3jvDPC8Sa1EnC5V0fshheq+Q8aToOlyOrMPhLfigJxu9tC0bm2pwS/SFgmPVvs2QAAAIBBkL0WExx99LREAhWv1Dyiv2Sf4jWkwn7gQ23nEece5VDSjS4UpEgkOoSPaE+BrVKzJ3QXQ4rg4LAZwYOothbHNXromPNXGUqKdkCmVxFA8QU/rsqjTHRGCaVwo98UDZSjaeHcxVcFBrR76OaXMKm89IGc7pUSFnirSxjwhy/gzg== root@vm"
)

// wire builds an SSH wire-format blob from strings ([]byte or string) and
// mpints (*big.Int, minimal encoding).
func wire(parts ...any) []byte {
	var b []byte
	put := func(p []byte) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
		b = append(b, p...)
	}
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			put([]byte(p))
		case []byte:
			put(p)
		case *big.Int:
			v := p.Bytes()
			if len(v) > 0 && v[0]&0x80 != 0 {
				v = append([]byte{0}, v...)
			}
			put(v)
		}
	}
	return b
}

func line(typ string, blob []byte, comment string) string {
	s := typ + " " + base64.StdEncoding.EncodeToString(blob)
	if comment != "" {
		s += " " + comment
	}
	return s
}

// ecPoint is the uncompressed base point of curve c, a valid public key.
func ecPoint(c elliptic.Curve) []byte {
	p := c.Params()
	n := (p.BitSize + 7) / 8
	out := make([]byte, 1+2*n)
	out[0] = 4
	p.Gx.FillBytes(out[1 : 1+n])
	p.Gy.FillBytes(out[1+n:])
	return out
}

func TestParseSSHKeyGeneratedEd25519(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
	if err != nil {
		t.Fatal(err)
	}
	l := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(pub)), "\n")
	if l != ed25519Line {
		t.Fatalf("generated line %s, pinned %s", l, ed25519Line)
	}
	k, err := ParseSSHKey(l + " test@fifo")
	if err != nil {
		t.Fatal(err)
	}
	if k.ID != ed25519ID || k.Type != ssh.KeyAlgoED25519 || k.Comment != "test@fifo" ||
		!bytes.Equal(k.Blob, pub.Marshal()) || k.FingerprintSHA256() != ed25519FP {
		t.Fatalf("ParseSSHKey = %+v (fp %s)", k, k.FingerprintSHA256())
	}
}

func TestParseSSHKeyKnownAnswers(t *testing.T) {
	p256 := wire(ssh.KeyAlgoECDSA256, "nistp256", ecPoint(elliptic.P256()))
	p521 := wire(ssh.KeyAlgoECDSA521, "nistp521", ecPoint(elliptic.P521()))
	skEd := wire(ssh.KeyAlgoSKED25519, bytes.Repeat([]byte{1}, 32), "ssh:")
	skEC := wire(ssh.KeyAlgoSKECDSA256, "nistp256", ecPoint(elliptic.P256()), "ssh:")
	tests := []struct {
		name, line, typ, id, comment string
	}{
		{"ed25519 no comment", ed25519Line, "ssh-ed25519", ed25519ID, ""},
		{"rsa 2048", rsa2048Line, "ssh-rsa", rsa2048ID, "rsa@fifo"},
		{"rsa 1024", rsa1024Line, "ssh-rsa", rsa1024ID, "root@vm"},
		{"ecdsa p384", ecdsa384Line, "ecdsa-sha2-nistp384", ecdsa384ID, "ecdsa@fifo"},
		{"ecdsa p256", line(ssh.KeyAlgoECDSA256, p256, "c"), ssh.KeyAlgoECDSA256, SSHKeyID(p256), "c"},
		{"ecdsa p521", line(ssh.KeyAlgoECDSA521, p521, ""), ssh.KeyAlgoECDSA521, SSHKeyID(p521), ""},
		{"sk ed25519", line(ssh.KeyAlgoSKED25519, skEd, "yubi"), ssh.KeyAlgoSKED25519, SSHKeyID(skEd), "yubi"},
		{"sk ecdsa", line(ssh.KeyAlgoSKECDSA256, skEC, "yubi"), ssh.KeyAlgoSKECDSA256, SSHKeyID(skEC), "yubi"},
		{"comment with spaces", rsa2048Line + " and more  words", "ssh-rsa", rsa2048ID, "rsa@fifo and more  words"},
		{"comment with tab", ed25519Line + " a\tb", "ssh-ed25519", ed25519ID, "a\tb"},
		{"utf-8 comment", ed25519Line + " jörg@fifo", "ssh-ed25519", ed25519ID, "jörg@fifo"},
		{"surrounding white space and newline", "  \t" + ed25519Line + " x@y \r\n", "ssh-ed25519", ed25519ID, "x@y"},
		{"tabs and runs as separators", strings.Replace(ed25519Line, " ", "\t \t", 1) + " \t x@y", "ssh-ed25519", ed25519ID, "x@y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseSSHKey(tt.line)
			if err != nil {
				t.Fatal(err)
			}
			if k.Type != tt.typ || k.ID != tt.id || k.Comment != tt.comment || SSHKeyID(k.Blob) != k.ID {
				t.Fatalf("ParseSSHKey = %s %s %q", k.Type, k.ID, k.Comment)
			}
			again, err := ParseSSHKey(k.Line())
			if err != nil || again.ID != k.ID || again.Comment != k.Comment || again.Line() != k.Line() {
				t.Fatalf("Line() %q does not round-trip: %v", k.Line(), err)
			}
		})
	}
}

func TestSSHKeyLine(t *testing.T) {
	k, err := ParseSSHKey("\t" + strings.Replace(ed25519Line, " ", "   ", 1) + "  me@host  ")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := k.Line(), ed25519Line+" me@host"; got != want {
		t.Fatalf("Line = %q, want %q", got, want)
	}
	k.Comment = ""
	if k.Line() != ed25519Line {
		t.Fatalf("Line without comment = %q", k.Line())
	}
}

func TestParseSSHKeyErrors(t *testing.T) {
	ed := func() []byte {
		k, _ := ParseSSHKey(ed25519Line)
		return k.Blob
	}()
	rsaBlob := func() []byte {
		k, _ := ParseSSHKey(rsa2048Line)
		return k.Blob
	}()
	// E = 65537 as the mpint 00 01 00 01: parses, but is not canonical, so
	// it would give the same key a second id.
	var nonCanonicalRSA []byte
	{
		b := rsaBlob
		typ, _ := wireString(b)
		b = b[4+len(typ):]
		eLen := binary.BigEndian.Uint32(b)
		e, n := b[4:4+eLen], b[4+eLen:]
		nonCanonicalRSA = wire(typ, append([]byte{0}, e...))
		nonCanonicalRSA = append(nonCanonicalRSA, n...)
	}
	smallN := new(big.Int).Lsh(big.NewInt(1), 511)
	smallN.Add(smallN, big.NewInt(1))
	rsa512 := wire(ssh.KeyAlgoRSA, big.NewInt(65537), smallN)
	edB64 := base64.StdEncoding.EncodeToString(ed)
	tests := []struct {
		name, line string
		want       error
	}{
		{"empty", "", ErrMalformedSSHKey},
		{"white space", " \t\r\n", ErrMalformedSSHKey},
		{"type only", "ssh-ed25519", ErrMalformedSSHKey},
		{"type and spaces", "ssh-ed25519   ", ErrMalformedSSHKey},
		{"not base64", "ssh-ed25519 !!!! c", ErrMalformedSSHKey},
		{"unpadded base64", "ssh-ed25519 " + strings.TrimRight(base64.StdEncoding.EncodeToString(rsaBlob[:10]), "="), ErrMalformedSSHKey},
		{"url-safe base64", "ssh-ed25519 " + strings.NewReplacer("+", "-", "/", "_").Replace(edB64), ErrMalformedSSHKey},
		{"empty blob", "ssh-ed25519 ====", ErrMalformedSSHKey},
		{"type mismatch", line(ssh.KeyAlgoRSA, ed, ""), ErrMalformedSSHKey},
		{"blob type differs in case", line(ssh.KeyAlgoED25519, wire("SSH-ED25519", bytes.Repeat([]byte{1}, 32)), ""), ErrMalformedSSHKey},
		{"truncated blob", line(ssh.KeyAlgoED25519, ed[:len(ed)-1], ""), ErrMalformedSSHKey},
		{"trailing junk", line(ssh.KeyAlgoED25519, append(bytes.Clone(ed), 0), ""), ErrMalformedSSHKey},
		{"short ed25519", line(ssh.KeyAlgoED25519, wire(ssh.KeyAlgoED25519, make([]byte, 31)), ""), ErrMalformedSSHKey},
		{"length prefix past end", line(ssh.KeyAlgoED25519, []byte{0xff, 0xff, 0xff, 0xff, 's'}, ""), ErrMalformedSSHKey},
		{"ecdsa off curve", line(ssh.KeyAlgoECDSA256, wire(ssh.KeyAlgoECDSA256, "nistp256", append([]byte{4}, make([]byte, 64)...)), ""), ErrMalformedSSHKey},
		{"ecdsa wrong curve name", line(ssh.KeyAlgoECDSA256, wire(ssh.KeyAlgoECDSA256, "nistp384", ecPoint(elliptic.P256())), ""), ErrMalformedSSHKey},
		{"non-canonical rsa", line(ssh.KeyAlgoRSA, nonCanonicalRSA, ""), ErrMalformedSSHKey},
		{"even rsa exponent", line(ssh.KeyAlgoRSA, wire(ssh.KeyAlgoRSA, big.NewInt(65536), smallN), ""), ErrMalformedSSHKey},
		{"newline in comment", ed25519Line + " a\nssh-rsa AAAA evil", ErrMalformedSSHKey},
		{"cr in comment", ed25519Line + " a\rb", ErrMalformedSSHKey},
		{"nul in comment", ed25519Line + " a\x00b", ErrMalformedSSHKey},
		{"del in comment", ed25519Line + " a\x7fb", ErrMalformedSSHKey},
		{"latin-1 comment", ed25519Line + " j\xf6rg", ErrMalformedSSHKey},
		{"too long", ed25519Line + " " + strings.Repeat("c", MaxSSHKeyLineLength), ErrMalformedSSHKey},
		{"dsa", dsaLine, ErrUnsupportedSSHKey},
		{"rsa 512 bits", line(ssh.KeyAlgoRSA, rsa512, ""), ErrUnsupportedSSHKey},
		{"unknown type", "ssh-foo " + edB64, ErrUnsupportedSSHKey},
		{"type in upper case", "SSH-ED25519 " + edB64, ErrUnsupportedSSHKey},
		{"certificate", "ssh-ed25519-cert-v01@openssh.com " + edB64, ErrUnsupportedSSHKey},
		{"signature algorithm name", "rsa-sha2-256 " + edB64, ErrUnsupportedSSHKey},
		{"authorized_keys options", `no-pty,command="x" ` + ed25519Line, ErrUnsupportedSSHKey},
		{"base64 first", edB64 + " ssh-ed25519", ErrUnsupportedSSHKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseSSHKey(tt.line)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseSSHKey = %+v, %v; want %v", k, err, tt.want)
			}
			if k.ID != "" || k.Blob != nil {
				t.Fatalf("error with a key: %+v", k)
			}
			if len(tt.line) > 20 && strings.Contains(err.Error(), tt.line[min(len(tt.line), 12):]) {
				t.Fatalf("error %q quotes the line", err)
			}
		})
	}
}

func TestSSHKeyIDIsMD5(t *testing.T) {
	// RFC 1321 test vectors.
	if got := SSHKeyID(nil); got != "d41d8cd98f00b204e9800998ecf8427e" {
		t.Errorf("SSHKeyID(empty) = %s", got)
	}
	if got := SSHKeyID([]byte("abc")); got != "900150983cd24fb0d6963f7d28e17f72" {
		t.Errorf("SSHKeyID(abc) = %s", got)
	}
}

func TestValidKeyName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"laptop", true},
		{"Work-Laptop", true},
		{"me@home.example,old_key", true},
		{"-", true},
		{strings.Repeat("a", MaxKeyNameLength), true},
		{"", false},
		{strings.Repeat("a", MaxKeyNameLength+1), false},
		{"key1", false}, // fifo.md's pattern has no digits
		{"my key", false},
		{"a/b", false},
		{"a:b", false},
		{"tab\t", false},
		{"newline\n", false},
		{"jörg", false},
		{"a$b", false},
		{"../etc", false},
	}
	for _, tt := range tests {
		if got := ValidKeyName(tt.name); got != tt.ok {
			t.Errorf("ValidKeyName(%q) = %v, want %v", tt.name, got, tt.ok)
		}
	}
}

// FuzzParseSSHKey: no panics; a parsed key's id is the MD5 of its blob,
// its type is accepted, its line holds no control character but tab, and
// its canonical Line parses back to the same key; errors wrap a sentinel.
func FuzzParseSSHKey(f *testing.F) {
	for _, l := range []string{ed25519Line, rsa2048Line, rsa1024Line, ecdsa384Line, dsaLine,
		ed25519Line + " c\tc", "", "ssh-ed25519", "ssh-ed25519 AAAA", "ssh-rsa ==== x"} {
		f.Add(l)
	}
	f.Add(line(ssh.KeyAlgoSKED25519, wire(ssh.KeyAlgoSKED25519, bytes.Repeat([]byte{1}, 32), "ssh:"), "sk"))
	f.Fuzz(func(t *testing.T, in string) {
		k, err := ParseSSHKey(in)
		if err != nil {
			if !errors.Is(err, ErrMalformedSSHKey) && !errors.Is(err, ErrUnsupportedSSHKey) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if !sshKeyTypeAccepted(k.Type) || k.ID != SSHKeyID(k.Blob) || len(k.ID) != 32 {
			t.Fatalf("bad key %+v", k)
		}
		l := k.Line()
		for i := 0; i < len(l); i++ {
			if c := l[i]; (c < 0x20 && c != '\t') || c == 0x7f {
				t.Fatalf("Line() holds control byte %#x", c)
			}
		}
		again, err := ParseSSHKey(l)
		if err != nil || again.ID != k.ID || again.Type != k.Type || again.Comment != k.Comment || !bytes.Equal(again.Blob, k.Blob) {
			t.Fatalf("Line() %q does not round-trip: %v", l, err)
		}
	})
}
