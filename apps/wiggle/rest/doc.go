// Package rest is wiggle's HTTP handler for FiFo's REST API (reference
// fifo.md §2), under /api/2 and /api/3 alike: the identity part (OAuth2,
// sessions, scopes, cloud status, users, roles, orgs, OAuth2 clients)
// over snarl's identity.API, and the cloud part (hypervisors, VMs,
// datasets, packages, networks, IP ranges, groupings, DTrace scripts)
// over a Cloud, sniffle's services (NewCloud). It knows nothing of
// actors: the wiggle application (package wiggle) mounts a Handler and
// switches it on and off.
//
// # The document drives the server
//
// The OpenAPI document of package openapi is the source: New binds every
// operationId to a handler and fails if either side has one the other
// lacks; requests are routed by openapi.Router; parameters and bodies
// are checked against the document's schemas (openapi.Validator); the
// permission a request needs is the operation's x-fifo-permission (and
// x-fifo-permission-by-body), its list filter x-fifo-filter.
//
// # Pipeline
//
// Every request goes through the same steps, in this order:
//
//  1. CORS headers (every answer); GET /api/<v>/openapi.json serves the
//     document as JSON; OPTIONS answers the path's methods without
//     authentication.
//  2. Routing: an unknown path is 404, a known path with another method
//     405 with Allow.
//  3. Content negotiation (Accept: JSON or msgpack, else 406) and the
//     body, at most Options.MaxBodyBytes (else 413).
//  4. Authentication: "Authorization: Bearer <token>" resolved by
//     identity.API.Resolve, for every operation that needs a token (401
//     with WWW-Authenticate otherwise). No other identity call happens
//     for an unauthenticated request.
//  5. The body, JSON or msgpack (a body without a known Content-Type is
//     JSON), is turned into its JSON form and checked, with the
//     parameters, against the document (400 naming the rule, never the
//     value).
//  6. The permission check: the route's templates with the path
//     parameters, the tail and body fields substituted, all required,
//     through identity.API.Allowed (403).
//  7. The operation: one identity or Cloud call (a few for lists), then
//     200, 303 with Location (creations and sub-resource POSTs), 204
//     (updates and deletes), 201 (PUT /vms/dry_run and PUT
//     /datasets/{id}, FiFo's PUT to a missing resource), or an error
//     mapped by Classify, the one table from errors to statuses (412 a VM
//     in the wrong state, 423 a VM being created, 503 sniffle not
//     running). Errors are {"error": code, "message": text}; the OAuth
//     endpoints answer RFC 6749 errors instead (OAuthError).
//
// # The cloud routes
//
// Without Options.Cloud every cloud route answers 503 unavailable (after
// the token and permission checks) and GET /cloud/connection reports
// sniffle 0. A VM create answers 303 as soon as the VM exists, in state
// "pooled"; its create runs in the background. Its config.requirements
// are dropped unless the caller holds cloud/vms/advanced_create. PUT
// /vms/{id}/state checks vms/<id>/<action>, PUT /vms/{id}/owner also
// orgs/<org>/edit. Creating a dataset or a grouping runs the caller's
// active org's dataset_create or grouping_create triggers. Sniffle's
// objects keep the API's metadata at the root of their metadata map (no
// "public" level).
//
// Lists are filtered to the elements whose x-fifo-filter permission the
// caller's user holds (identity.API.UserAllowed, no scope: §3.3 step 5);
// full-list=true|True (or the x-full-list header) answers objects,
// full-list-fields (x-full-list-fields) projects them. JSON full lists
// are streamed.
//
// # Caching
//
// A resolved token and each permission answer are reused for
// Options.CacheTTL (1 s) and the number of entries is bounded. Any
// successful write through the Handler empties both caches, so a grant,
// revocation or token deletion made here takes effect at once; one made
// on another node is seen within CacheTTL (plus snarl's own cache TTL).
//
// # Secrets
//
// Bodies never carry a password hash, a client secret or a token value,
// except the one answer that mints it (oauth/token, POST
// /users/{id}/tokens, sessions/one_time_token, all "Cache-Control:
// no-store"). Log lines name the route template, never the raw path
// (DELETE /sessions/{token} holds a bearer) nor a header, query or body.
//
// # Not supported
//
// Routed (permission checked), then 400 not_supported:
//
//   - VM backups (POST, PUT, DELETE /vms/{id}/backups…; GET lists none),
//     storing a VM (DELETE /vms/{id}/hypervisor, or DELETE /vms/{id} with
//     {"location": "hypervisor"}), firewall rules, VM and hypervisor
//     metrics (DalmatinerDB), SMF service actions, dataset.gz export and
//     upload, promoting a snapshot to a dataset, PUT /packages/{id}
//     (immutable, as in FiFo).
//
// Partly: PUT and DELETE /vms/{id}/nics/{mac} address only interfaces
// added through POST /nics (sniffle chooses their MAC); the MACs of a
// create's interfaces are the hypervisor's and unknown to sniffle: 404.
// PUT /vms/{id}/config takes no remove_nics, update_nics or owner (use
// /nics and /owner: 400).
//
// Not routed at all: the websockets of a VM's console and VNC and of
// DTrace streams (/dtrace/{id}/stream); PUT /vms/{id}/command (pyfi only).
//
// Identity:
//
//   - POST /users/{id}/tokens with a csr (client certificates): 400
//     not_supported.
//   - PUT /roles/{id} and PUT /orgs/{id}: 400 not_supported (as in FiFo).
//   - The legacy x-snarl-token header and POST /sessions.
package rest
