// Package replica is the record store replicated over the ring (DESIGN.md
// §6): Cluster implements recstore.Store for the applications, unchanged,
// on a node of any cluster size.
//
// A node alone in its ring (the only live member) serves every request
// from its own store (actors/store.Local), as a single node always did:
// same path, same cost, physical deletes. Once the ring has other members
// every request is coordinated by the node that receives it:
//
//   - Apply sends the delta to the N replicas of the key's partition (the
//     preference list, N capped by the members) and answers after W
//     acknowledged it durably, with the merge of their values. A primary
//     that is unreachable (the ring actor's failure detector) or fails
//     during the request is replaced by a fallback that keeps the delta as
//     a hint for it (sloppy quorum); hints are persisted in their own
//     store (<data dir>/hints, never in a partition's key range, so
//     anti-entropy and handoff never see them) and handed back to the
//     primary once it is reachable again, then dropped (hinted handoff).
//     Fewer than W acknowledgements fail with ErrUnavailable: the write
//     may still have landed on some replicas, which CRDT merges make
//     harmless.
//   - Get asks the N replicas (fallbacks answer with their hints), answers
//     after R with the merge of the answers, then reads the rest and sends
//     the merged value to every primary whose answer differed (read
//     repair, counted).
//   - Read your own writes: writers mint CRDT dots as "one past the
//     highest this node's actor has in the record read", so a node must
//     never read its record from copies that lack its own latest writes,
//     or it mints a dot again and the new add (or counter step) vanishes
//     in the merge. So when this node is a primary of the key, Apply is
//     acknowledged only once its own replica has the delta too, and Get
//     always waits for its own replica's answer, whatever W and R are.
//     A node that is not a replica of a key (more members than N) reads
//     its own writes only when R + W > N.
//   - Delete reads the record from the replicas, then writes its tombstone
//     (record.Tombstone: every field removed, the whole causal context
//     kept) like any delta. Replicas that missed the delete lose what they
//     hold when the tombstone reaches them, by read repair, hint,
//     anti-entropy or handoff: nothing brings a deleted record back except
//     a write made after (or concurrently with) the delete. Reads answer
//     ErrNotFound for a tombstone and Fold skips them. Tombstones are kept
//     (see internal/record).
//   - Fold covers every partition with R reachable primaries (at least
//     one), merging their answers id by id: a listing sees every write
//     acknowledged by W, as a Get does (R + W > N).
//   - Unique names are consistency islands: ClaimName and ReleaseName run
//     only at the owner of the name's partition, which refuses when its
//     own ring says it no longer owns it (ErrNotOwner), never at a
//     fallback: an unreachable owner is ErrUnavailable. The owner then
//     copies the name's state to the partition's other replicas
//     (store.PutNameReq) so that a handoff or anti-entropy from any of them
//     carries it. LookupName asks the owner, and the other replicas only
//     when the owner is unreachable.
//
// Messages between nodes may be lost or reordered (ergo delivers at most
// once): every request has a deadline, every write is a CRDT merge that
// may be repeated, and anti-entropy (actors/aae) is the backstop for
// anything a lost message left behind.
//
// Joining a cluster drops the joining node's records: the cluster's data
// is authoritative, and records left in a partition the node later
// receives by handoff would merge back into the cluster (a second admin
// user, say). Join refuses, unless forced, when the store holds more
// records than after the node's first start (MarkBaseline).
package replica
