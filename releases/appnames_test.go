package releases

import (
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fifogo/fifo/actors/store"
	"github.com/fifogo/fifo/internal/ops"
	"github.com/fifogo/fifo/internal/storage"
	"github.com/fifogo/fifo/internal/version"
)

// AppNames, which release manifests carry, names what Apps builds.
func TestAppNamesMatchApps(t *testing.T) {
	db, err := storage.Open(filepath.Join(t.TempDir(), "store"), storage.Options{Partitions: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, name := range Names() {
		rel, _ := Lookup(name)
		reg := ops.NewRegistry(version.Get())
		env := &Env{Logger: slog.New(slog.DiscardHandler), Registry: reg, Mux: http.NewServeMux(), Version: "test"}
		env.StoreMetrics = store.NewMetrics(reg)
		env.StoreService = store.NewService(db, RecordCodec{}, env.StoreMetrics)
		env.Store = env.StoreService.Local()
		apps, err := rel.Apps(env)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := appNames(apps); !slices.Equal(got, rel.AppNames) {
			t.Errorf("%s: Apps builds %v, AppNames says %v", name, got, rel.AppNames)
		}
	}
}
