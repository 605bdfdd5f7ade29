// Package identity is snarl's domain logic: users, roles, orgs (triggers,
// resource counters, accounting), OAuth2 clients, scopes, tokens, SSH keys
// and the permission check of a request (reference/fifo.md §3), on top of
// the record store's API. It knows nothing of actors or HTTP: the snarl
// application serves it to other nodes and wiggle calls it at the REST
// edge.
package identity
