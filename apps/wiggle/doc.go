// Package wiggle is the REST edge of FiFo as an ergo application: it
// serves the REST API (package rest) on the node's HTTP server while the
// application runs — the identity routes over an identity.API and, when
// Options.Sniffle is set, the cloud routes over sniffle's services
// (without it they answer 503).
//
// # Wiring
//
//	srv, err := wiggle.New(api, wiggle.Options{Logger: log, Registry: reg, Version: v,
//		Sniffle: sn, Images: importer})
//	mux.Handle("/api/", srv.Handler())   // before the app starts: 503
//	apps = append(apps, srv.App(v))      // "wiggle": Init enables, Terminate disables
//
// The handler is mounted once, when the node starts; it answers 503
// {"error":"unavailable"} until the application's actor has started and
// again once it has stopped, so the HTTP server never has to change its
// routes. The HTTP logic itself (package rest) does not touch ergo and is
// tested with -race; this package only adds the switch and the actor.
package wiggle
