// Package recstore is the API of the record store, free of actors: the
// Store interface applications program against, the Codec that gives
// records their meaning, the errors callers test with errors.Is, and
// Memory, an in-memory Store for unit tests and tools.
//
// The production Store is actors/store (partitioned vnodes over Pebble);
// it re-exports these names, so code written against either package works
// with both.
package recstore
