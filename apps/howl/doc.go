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
// Cluster fan-out: with Options.Peers (the other live control nodes; the
// release feeds it from the ring), an event published on a node goes to
// its own hub and once to the howl actor of each peer, as a Relayed
// message that the peer hands to its hub and forwards no further (no
// loops). Each peer has its own bounded queue and sending goroutine, so
// events of one publisher keep their order per channel on every node (as
// far as ergo keeps the order of one connection: NumHandlers 1), and a
// peer that is down or slow to connect never holds publishing up: its
// queue fills and the overflow is dropped. Events are best-effort, as in
// the original: drops and failed sends are counted
// (fifo_howl_relay_events_total{outcome}), never retried.
package howl
