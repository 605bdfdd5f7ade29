// Command fifobench is `make bench`: it measures, in one run on this
// machine's disk, the record store against raw Pebble, and the costs of
// CRDT merges and CBOR encoding. Figures are reported next to their
// baselines as ratios; they are measurements, not pass/fail tests.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
)

func main() {
	quick := flag.Bool("quick", false, "smaller loads (a smoke run, not a measurement)")
	flag.Parse()
	if err := run(os.Stdout, *quick); err != nil {
		fmt.Fprintln(os.Stderr, "fifobench:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, quick bool) error {
	dir, err := os.MkdirTemp("", "fifobench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	defer tw.Flush()
	if err := benchWrites(tw, dir, quick); err != nil {
		return err
	}
	if err := benchReads(tw, dir, quick); err != nil {
		return err
	}
	return benchCRDT(tw)
}
