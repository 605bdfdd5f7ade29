// Package archtest holds tests of the repository's house rules (see
// shared/STYLE.md): which packages may import ergo, and that every package
// and exported name is documented. It has no code of its own.
package archtest
