// Package images imports datasets (images) from IMGAPI and DSAPI servers
// (reference fifo.md §5.7 "Images"): POST /datasets {"url": manifest}.
//
// Import fetches the manifest at the URL, creates the dataset with the
// manifest's uuid in status "pending" and returns; the file then
// downloads in the background (through Options.Go, sniffle's runner):
// status "importing", the "imported" fraction advancing, the file
// streamed to <Dir>/<uuid>.part, its size and SHA-1 checked against the
// manifest, renamed to <Dir>/<uuid>, status "imported". Any failure —
// the server, a short or long file, a wrong SHA-1, a stop of sniffle —
// leaves status "failed" and no file. Progress and failures are
// published on the dataset's channel: event "progress" {"imported": f},
// event "error" {"message": m} (fifo.md §6.7).
//
// The file's URL is files[0].url when the manifest has one (DSAPI), else
// <manifest url>/file (IMGAPI). The package knows nothing of actors; its
// HTTP client, store, events and runner are injected.
package images
