// Package snarl is the identity-and-access application (reference fifo.md
// §1, §3): its supervision tree (the token sweeper that deletes expired
// tokens), and the first start of a realm (org, admin role and user, the
// generated admin password). The domain logic lives in identity, the
// credential primitives in credential; wiggle serves it over REST.
package snarl
