// Package illumos holds the cross-build of the SmartOS agent: build.sh
// (run by `make chunter-illumos`) and, in osdep/, the one file ergo lacks
// for illumos. Its test pins that ergo still lacks it.
package illumos
