package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"
)

// decodeFile overlays the TOML document doc onto c.
//
// The document is decoded into a generic map and then checked key by key, in
// file order, against the schema. Decoding straight into a struct would be
// shorter but the TOML library matches struct fields case-insensitively, so
// toml.MetaData.Undecoded would let "[HTTP] Addr" through silently; walking
// MetaData.Keys keeps keys exact and lets every error name its key.
func decodeFile(doc string, c *Config) error {
	var raw map[string]any
	md, err := toml.Decode(doc, &raw)
	if err != nil {
		return syntaxError(err)
	}
	sections := make(map[string]bool)
	byKey := make(map[string]field)
	for _, f := range fields(c) {
		sections[f.section] = true
		byKey[f.key()] = f
	}
	for _, k := range md.Keys() {
		switch {
		case len(k) == 1 && sections[k[0]]:
			if t := md.Type(k...); t != "Hash" {
				return invalid(fmt.Sprintf("key %q: expected table, got %s", k[0], typeName(t)))
			}
		case len(k) == 2 && hasField(byKey, k):
			f := byKey[k.String()]
			if err := setFromTOML(f, raw, md.Type(k...)); err != nil {
				return err
			}
		case len(k) > 2 && hasField(byKey, k[:2]):
			// A table where a value belongs: "[node.name]" or node.name.x = 1.
			f := byKey[k[:2].String()]
			return invalid(fmt.Sprintf("key %q: expected %s, got table", f.key(), f.val.kind()))
		default:
			return invalid(fmt.Sprintf("unknown key %q", k.String()))
		}
	}
	return nil
}

// hasField reports whether k (two parts) names a schema field.
func hasField(byKey map[string]field, k toml.Key) bool {
	_, ok := byKey[k.String()]
	return ok
}

// setFromTOML stores the decoded value of f, whose TOML type is tomlType.
func setFromTOML(f field, raw map[string]any, tomlType string) error {
	table, ok := raw[f.section].(map[string]any)
	if !ok {
		return invalid(fmt.Sprintf("key %q: expected table", f.section))
	}
	err := f.val.setTOML(table[f.name])
	switch {
	case errors.Is(err, errWrongType):
		return invalid(fmt.Sprintf("key %q: expected %s, got %s", f.key(), f.val.kind(), typeName(tomlType)))
	case err != nil:
		return invalid(fmt.Sprintf("key %q: %v", f.key(), err))
	}
	return nil
}

// typeName turns a toml.MetaData.Type result into the words of the TOML spec.
func typeName(t string) string {
	switch t {
	case "Integer":
		return "integer"
	case "Float":
		return "float"
	case "Datetime":
		return "datetime"
	case "String":
		return "string"
	case "Bool":
		return "boolean"
	case "Array":
		return "array"
	case "Hash":
		return "table"
	case "ArrayHash":
		return "array of tables"
	case "":
		return "nothing"
	}
	return strings.ToLower(t)
}

// syntaxError turns a TOML parse error into one line: "line N: message".
func syntaxError(err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return invalid(fmt.Sprintf("line %d: %s", pe.Position.Line, oneLine(pe.Message)))
	}
	return invalid(oneLine(err.Error()))
}

// oneLine collapses every run of white space, newlines included, to a space.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
