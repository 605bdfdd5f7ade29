package ops_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/fifogo/fifo/internal/ops"
	"github.com/fifogo/fifo/internal/version"
)

func ExampleChecks_Set() {
	checks := ops.NewChecks()
	h := ops.Handler(ops.NewRegistry(version.Get()), checks)
	readyz := func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		fmt.Print(rec.Code, " ", rec.Body)
	}

	checks.Set("store", errors.New("opening"))
	readyz()
	checks.Set("store", nil)
	readyz()
	// Output:
	// 503 {"status":"unready","checks":{"store":"opening"}}
	// 200 {"status":"ready"}
}
