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
	"runtime"
	"runtime/pprof"
	"text/tabwriter"
	"time"
)

func main() {
	if os.Getenv(howlClientsEnv) != "" {
		// A client swarm of the howl section (a child process).
		os.Exit(howlClients(os.Stdin, os.Stdout))
	}
	quick := flag.Bool("quick", false, "smaller loads (a smoke run, not a measurement)")
	only := flag.String("only", "", "run one section: writes, reads, crdt, howl, wiggle, placement, vms, chunter or aae")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	blockprofile := flag.String("blockprofile", "", "write a profile of where goroutines waited (channels, locks) to this file")
	flag.Parse()
	if *blockprofile != "" {
		runtime.SetBlockProfileRate(int(time.Millisecond / 10))
		runtime.SetMutexProfileFraction(1)
		defer writeProfile("block", *blockprofile)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "fifobench:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(os.Stdout, *quick, *only); err != nil {
		fmt.Fprintln(os.Stderr, "fifobench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// writeProfile writes the named runtime profile to path.
func writeProfile(name, path string) {
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup(name).WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fifobench:", err)
	}
}

func run(w io.Writer, quick bool, only string) error {
	dir, err := os.MkdirTemp("", "fifobench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	defer tw.Flush()
	sections := []struct {
		name string
		fn   func() error
	}{
		{"writes", func() error { return benchWrites(tw, dir, quick) }},
		{"reads", func() error { return benchReads(tw, dir, quick) }},
		{"crdt", func() error { return benchCRDT(tw) }},
		{"howl", func() error { return benchHowl(tw, quick) }},
		{"wiggle", func() error { return benchWiggle(tw, quick) }},
		{"placement", func() error { return benchPlacement(tw, quick) }},
		{"vms", func() error { return benchVMs(tw, dir, quick) }},
		{"chunter", func() error { return benchChunter(tw, dir, quick) }},
		{"aae", func() error { return benchAAE(tw, dir, quick) }},
		{"cluster", func() error { return benchCluster(tw, dir, quick) }},
	}
	for _, s := range sections {
		if only != "" && only != s.name {
			continue
		}
		if err := s.fn(); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}
