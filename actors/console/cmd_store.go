package console

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fifogo/fifo/internal/storage"
)

// maxQuarantineShown bounds the quarantined records `store` lists.
const maxQuarantineShown = 20

func storeCommands() []command {
	return []command{
		{path: []string{"store"}, help: "store sizes, partitions and quarantined records", run: runStore},
		{path: []string{"store", "partitions"}, help: "records and bytes per partition (scans the store)", run: runStorePartitions},
	}
}

// storeData is the structured result of store.
type storeData struct {
	Stats            storage.Stats             `json:"stats"`
	QuarantinedCount int                       `json:"quarantined_count"`
	Quarantined      []storage.QuarantineEntry `json:"quarantined"`
}

func runStore(_ context.Context, s *Shell, _ []string) (result, error) {
	if err := need(s.deps.Store != nil, "store"); err != nil {
		return result{}, err
	}
	st, err := s.deps.Store.Stats()
	if err != nil {
		return result{}, fmt.Errorf("store stats: %w", err)
	}
	q, err := s.deps.Store.Quarantined()
	if err != nil {
		return result{}, fmt.Errorf("store quarantine: %w", err)
	}
	d := storeData{Stats: st, QuarantinedCount: len(q), Quarantined: q}
	if d.Quarantined == nil {
		d.Quarantined = []storage.QuarantineEntry{}
	}
	var b strings.Builder
	b.WriteString(st.String())
	fmt.Fprintf(&b, "quarantined records: %d\n", len(q))
	if len(q) > 0 {
		w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "PARTITION\tBUCKET\tID\tBYTES\tAT\tREASON")
		for i, e := range q {
			if i == maxQuarantineShown {
				fmt.Fprintf(w, "… %d more\n", len(q)-i)
				break
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\n", e.Partition, e.Bucket, e.ID, e.Size,
				e.At.Format(time.RFC3339), oneLine(e.Reason, 80))
		}
		w.Flush()
	}
	return result{text: b.String(), data: d}, nil
}

func runStorePartitions(ctx context.Context, s *Shell, _ []string) (result, error) {
	if err := need(s.deps.Store != nil, "store"); err != nil {
		return result{}, err
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "PARTITION\tRECORDS\tBYTES\tNAMES\tQUARANTINED\tDISK BYTES (EST.)\t")
	out := make([]storage.PartitionStats, 0, s.deps.Store.Partitions())
	var total storage.PartitionStats
	for p := 0; p < s.deps.Store.Partitions(); p++ {
		if err := ctx.Err(); err != nil {
			return result{}, fmt.Errorf("store partitions: %w", err)
		}
		ps, err := s.deps.Store.PartitionStats(p)
		if err != nil {
			return result{}, err
		}
		out = append(out, ps)
		total.Records += ps.Records
		total.RecordBytes += ps.RecordBytes
		total.IndexEntries += ps.IndexEntries
		total.Quarantined += ps.Quarantined
		total.EstimatedDiskBytes += ps.EstimatedDiskBytes
		fmt.Fprintf(w, "%d\t%d\t%d\t%d\t%d\t%d\t\n", p, ps.Records, ps.RecordBytes, ps.IndexEntries, ps.Quarantined, ps.EstimatedDiskBytes)
	}
	fmt.Fprintf(w, "total\t%d\t%d\t%d\t%d\t%d\t\n", total.Records, total.RecordBytes, total.IndexEntries, total.Quarantined, total.EstimatedDiskBytes)
	w.Flush()
	return result{text: b.String(), data: out}, nil
}

// oneLine flattens s to one line of at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
