// Package hub is the pure core of howl, the websocket event hub: which
// subscriber (one websocket connection) listens on which channel, the
// fan-out of events to them, and the frames of the howl protocol
// (reference/fifo.md §6.7). It does no I/O, imports no ergo and reads no
// clock; the howl package wraps it in an actor and websocket connections.
//
// Contract:
//
//   - A subscriber (Sub) has a bounded queue of outbound frames (Out). The
//     hub never blocks on it: when an event or a reply does not fit, the
//     subscriber is disconnected (Done closes with ReasonSlowConsumer) and
//     every other subscriber goes on as before.
//   - Publish encodes an event once per encoding in use on its channel
//     (JSON, msgpack) and queues the same bytes to every subscriber of
//     that encoding. Frames queued by one Publish call stay in order with
//     those of earlier calls from the same goroutine.
//   - Join and Leave take effect for every Publish that starts after they
//     return: a frame queued after Leave's reply is never an event of the
//     channel left.
//   - Close disconnects every subscriber (ReasonShutdown) and refuses new
//     ones; a hub is not reused.
//
// Every method is safe for concurrent use.
package hub
