// Package entity is the record-store plumbing the applications' domain
// services share: a Repo loads, creates, updates and deletes typed records
// of internal/record over a recstore.Store, stamps changes with a hybrid
// logical clock, serialises read-modify-writes of one record on this node
// (so two writers never mint the same CRDT dot) — writers of a busy record
// share one synced write per round (herd.go) — and keeps unique names.
// It knows nothing of users or VMs; identity (snarl) and cloud (sniffle)
// build on it.
package entity
