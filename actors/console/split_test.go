package console

import (
	"errors"
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"   ", nil},
		{"status", []string{"status"}},
		{"  users  add\talice  secret ", []string{"users", "add", "alice", "secret"}},
		{`users add bob 'a b "c'`, []string{"users", "add", "bob", `a b "c`}},
		{`users add bob "a \"b\" \\ \n"`, []string{"users", "add", "bob", `a "b" \ \n`}},
		{`a\ b c\'d`, []string{"a b", "c'd"}},
		{`x''y ""`, []string{"xy", ""}},
		{"grant ü/é", []string{"grant", "ü/é"}},
	}
	for _, c := range cases {
		got, err := Split(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Split(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{`'open`, `"open`, `trailing\`, `"a\"`} {
		if _, err := Split(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("Split(%q): %v, want ErrSyntax", bad, err)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"users add 'a b' \"c\\\"d\"", `a\ b`, "'", "\"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := Split(s)
		if err != nil {
			return
		}
		// Quoting every word with single quotes (and ' as '\'') splits back
		// to the same words.
		line := ""
		for _, w := range words {
			q := "'"
			for _, r := range w {
				if r == '\'' {
					q += `'\''`
				} else {
					q += string(r)
				}
			}
			line += q + "' "
		}
		again, err := Split(line)
		if err != nil || !slices.Equal(again, words) {
			t.Fatalf("%q -> %q -> %q -> %q, %v", s, words, line, again, err)
		}
	})
}
