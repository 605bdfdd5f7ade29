// Package ops is a node's operational HTTP surface: liveness, readiness and
// Prometheus metrics. Every release serves it; the REST API is mounted beside
// it on the same listener.
//
// Endpoints (GET or HEAD; any other method gets 405 with an Allow header):
//
//	/healthz  200 "ok" while the process serves HTTP at all.
//	/readyz   200 {"status":"ready"} when every readiness check passes, else
//	          503 {"status":"unready","checks":{"store":"opening"}} naming
//	          each failing check and its error.
//	/metrics  the Prometheus text exposition of one registry.
//
// Contract:
//   - No global state: NewRegistry returns a fresh prometheus.Registry (never
//     the default one), and components register their collectors on the
//     registry they are handed. Metric names follow fifo_<app>_<thing>
//     with base units; the build is fifo_build_info{version,commit,goversion} 1.
//   - Checks is safe for concurrent use. A component reports readiness either
//     by setting a named state (Set) or by registering a named function
//     (Register) that /readyz calls with the request's context.
//   - Server binds (Listen) separately from serving (Serve), so a start-up
//     fails early and clearly on a taken port, and a listener handed over by a
//     previous process can be served as is. Shutdown drains gracefully;
//     Drain stops serving for a live upgrade without closing the listening
//     socket and without closing a connection a client may be sending on,
//     so connections made meanwhile wait for the next process.
package ops
