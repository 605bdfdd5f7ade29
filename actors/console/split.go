package console

import (
	"errors"
	"fmt"
	"strings"
)

// ErrSyntax: a command line with an unterminated quote or a trailing
// backslash.
var ErrSyntax = errors.New("console: syntax")

// Split splits a command line into words like a POSIX shell does, without
// expansions: blanks separate words; 'single quotes' keep everything;
// "double quotes" keep everything but \" and \\; a backslash outside quotes
// escapes the next character. So a password with blanks can be quoted.
func Split(line string) ([]string, error) {
	var (
		words  []string
		cur    strings.Builder
		inWord bool
	)
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '\\':
			if i+1 == len(rs) {
				return nil, fmt.Errorf("%w: trailing backslash", ErrSyntax)
			}
			i++
			cur.WriteRune(rs[i])
			inWord = true
		case r == '\'':
			end := indexRune(rs, i+1, '\'')
			if end < 0 {
				return nil, fmt.Errorf("%w: unterminated single quote", ErrSyntax)
			}
			cur.WriteString(string(rs[i+1 : end]))
			i = end
			inWord = true
		case r == '"':
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) && (rs[j+1] == '"' || rs[j+1] == '\\') {
					j++
				}
				cur.WriteRune(rs[j])
			}
			if j == len(rs) {
				return nil, fmt.Errorf("%w: unterminated double quote", ErrSyntax)
			}
			i = j
			inWord = true
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// indexRune finds r in rs from index from.
func indexRune(rs []rune, from int, r rune) int {
	for i := from; i < len(rs); i++ {
		if rs[i] == r {
			return i
		}
	}
	return -1
}
