// Package openapi holds the OpenAPI 3.0.3 document of wiggle's REST API
// (FiFo API v2, reference fifo.md §2.3: auth, sessions, scopes, cloud,
// users, roles, orgs, clients; hypervisors, VMs, datasets, packages,
// networks, IP ranges, groupings, DTrace) and the small amount of Go that
// reads it. The document, fifo.yaml, is the source: it is edited by hand and
// the wiggle router, its handlers and its tests follow it (STYLE.md §5).
//
// # Go API
//
//   - Raw returns the document's bytes; Load parses and validates them and
//     returns a fresh *openapi3.T on every call (nothing is cached in the
//     package, so callers may change their copy).
//   - Routes lists every operation as a Route: method, path template,
//     operationId, required permissions, success status and whether a token
//     is needed, read from the document and its x-fifo-* extensions.
//   - NewRouter finds the operation of an *http.Request (it implements
//     kin-openapi's routers.Router, tail parameters included); Methods
//     lists the methods of a path (OPTIONS, the Allow of a 405).
//   - NewValidator checks a request, or a response to a request, against
//     the document with openapi3filter; ValidateRouted checks a request the
//     caller has routed already, with its body in JSON form (wiggle turns
//     msgpack bodies into JSON first).
//
// # Conventions of the document
//
// Versions. Paths are relative to the single server URL "/api/{version}",
// whose variable "version" enumerates "2" and "3" (BasePath, Versions). The
// two versions serve the same operations identically; only a Location header
// repeats the version of the request. The document describes each operation
// once: two path sets would double every operationId.
//
// Tail parameters. OpenAPI cannot express a parameter spanning several path
// segments. A path parameter marked "x-fifo-tail: true" is the last segment
// of its template and matches the rest of the path: one or more non-empty
// segments, each percent-encoded on its own. Its routed value is the
// still-escaped remainder ("vms/_/get"); SplitTail turns it into elements.
// Permission paths (/…/permissions/{permission}) and metadata paths
// (/…/metadata/{path}) use it; PUT on the metadata root has its own path.
//
// Errors. Every non-OAuth error body is the Error schema
// {"error": code, "message": text} with a code from a closed list; OAuth
// endpoints answer RFC 6749 §5.2 bodies. Each operation lists the statuses
// it can return (400, 401, 403, 404, 409) and a "default" response for the
// ones any route can give (405, 406, 415, 500, 503), also in the Error shape.
//
// Permissions. "x-fifo-permission" on an operation is "none" (no token),
// "auth" (any valid bearer token) or a list of templates that are all
// required (FiFo's {multiple, …}). A template is a list of elements: a
// literal; "{name}", the value of path parameter name; "{name...}", the
// elements of tail parameter name spliced in; "{name[]}", the elements of
// tail parameter name as one nested element (wiggle's role grant checks
// ["permissions", P, "grant"] with P a list, which only a "_" or "..." grant
// matches); "{body.f}", the value of body field f, a string the body schema
// requires (PUT /vms/{id}/state checks vms/<id>/<action>, PUT
// /vms/{id}/owner orgs/<org>/edit). "x-fifo-permission-by-body" adds the
// templates of the case named by a body field (org triggers), where
// "{body.f}" may appear too. "x-fifo-filter" on list operations is the per-item permission,
// "{uuid}" standing for the item. Routes checks every template against the
// operation's parameters.
//
// Success. An operation's success status is its only 2xx or 3xx response,
// or its "x-fifo-success" where it has several (oauth/auth: 302, the login
// form being 200). An operation without one is routed but not supported: it
// checks its permission and then always answers 400 not_supported
// (PUT /roles/{id} and PUT /orgs/{id}, which wiggle routes but never
// implemented; PUT /packages/{id}, packages being immutable; and what this
// server leaves out: backups, firewall rules, metrics, SMF services,
// storing a VM, image export and upload).
//
// Media types. Only JSON bodies are written in the document; wiggle also
// accepts and sends msgpack with the same schemas, and treats a body without
// Content-Type as JSON. The Validator checks JSON only.
//
// Property names. "x-fifo-property-names" on an object schema is a regular
// expression every property name must match (OpenAPI 3.0 has no
// propertyNames); the Validator enforces it on request bodies.
//
// # Contract
//
// Load fails, with an error wrapping ErrInvalid, if the document does not
// validate or an extension is malformed; a test keeps the embedded document
// loadable, so callers may treat that error as a bug. Router and Validator
// are safe for concurrent use once built; they keep the *openapi3.T they
// were built from, which the caller must not change afterwards.
package openapi
