package config

import (
	"errors"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load as a config file. Load must not
// panic; its errors must be one line and match ErrInvalid (the file always
// exists); a loaded Config must survive Validate.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		Example(),
		"",
		"[http]\nadress = 1",
		"[dist]\nlisten_port = \"x\"",
		"node = { name = \"a@b\" }",
		"[[node]]\n[node.name]\nx = 1",
		"store.partitions = 99999999999999999999",
		"[shutdown]\ntimeout = \"-5m\"",
		"\"node.name\" = 1\n'' = 2",
		"[dist]\nroutes = [\"a@b=h:1\", \"x\"]",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := Load(writeFile(t, string(doc)), nil)
		if err != nil {
			assertOneLine(t, err)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			assertOneLine(t, err)
		}
	})
}
