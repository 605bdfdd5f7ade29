// Package howl is FiFo's websocket event hub (reference/fifo.md §6.7):
// websocket clients join channels (a VM's uuid, "command", …) and receive
// the events that any actor of the cluster publishes on them.
//
// Pieces:
//
//   - Publish / PublishEvent send an Event, a registered wire message with
//     its data already encoded as JSON, to the registered "howl" actor of
//     the local node (PublishEventTo: of another node). Sending never
//     waits for websocket clients: the actor's mailbox takes the event and
//     the hub only queues frames.
//   - The howl actor (app "howl", one per node) hands every event it
//     receives to its hub (package hub): one encoding per format in use,
//     shared by all subscribers. The actor owns the hub: when it stops (or
//     the application stops), every connection is closed with "going
//     away" and Handler answers 503 until a new incarnation runs.
//   - Handler serves the websocket endpoint (mounted at Path):
//     authentication only by the query parameter fifo_ott, a one-time
//     token resolved through the injected Auth (401 "ott required",
//     403 "permission denied", before the upgrade); subprotocols "json"
//     (text frames, the default) and "msgpack" (binary frames); client
//     frames {"join": ch} (allowed iff the principal holds
//     ["channels", ch, "join"]), {"leave": ch}, {"ping": v}.
//   - Each connection has a bounded queue of outbound frames; a client
//     that does not keep up is disconnected (close 1008 "slow consumer"
//     when the close frame still fits) and nobody else slows down.
//
// Cross-node fan-out arrives in a later issue: the howl actor is already
// the receiving endpoint for events sent from other nodes.
package howl
