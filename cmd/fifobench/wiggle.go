package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/apps/wiggle/rest"
	"github.com/fifogo/fifo/internal/ops"
	"github.com/fifogo/fifo/internal/recstore"
	"github.com/fifogo/fifo/releases"
)

// wiggleConcurrency is the number of clients of the wiggle section.
const wiggleConcurrency = 32

// benchWiggle measures an authenticated GET /api/2/users/<id> through
// wiggle's REST handler (bearer resolved, users/<id>/get checked, the
// request validated against the OpenAPI document, the user read and
// rendered) over real loopback HTTP, with the real identity service over
// the in-memory record store, beside a bare net/http handler answering
// the same bytes on the same kind of server in the same run. Rounds
// alternate between the kinds; each figure is the median of its rounds.
func benchWiggle(w io.Writer, quick bool) error {
	total := 60000
	if quick {
		total = 6000
	}
	svc, err := identity.New(recstore.NewMemory(releases.RecordCodec{}), identity.Options{
		Password: credential.PasswordParams{Memory: 8, Time: 1, Threads: 1}})
	if err != nil {
		return err
	}
	ctx := context.Background()
	if _, err := svc.Bootstrap(ctx, "bench-password"); err != nil {
		return err
	}
	tok, err := svc.Password(ctx, identity.PasswordGrant{Username: identity.AdminUser, Password: "bench-password"})
	if err != nil {
		return err
	}
	sess, err := svc.Resolve(ctx, tok.AccessToken)
	if err != nil {
		return err
	}
	path := "/api/2/users/" + sess.User

	kinds := []struct {
		name string
		h    func() (http.Handler, error)
	}{
		{"wiggle", func() (http.Handler, error) { return rest.New(svc, rest.Options{}) }},
		{"wiggle, no wiggle cache", func() (http.Handler, error) { return rest.New(svc, rest.Options{CacheTTL: -1}) }},
	}
	// The bare handler answers exactly what wiggle answers.
	wh, err := kinds[0].h()
	if err != nil {
		return err
	}
	body, err := fetchOnce(wh, path, tok.AccessToken)
	if err != nil {
		return err
	}
	bare := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})

	fmt.Fprintf(w, "\nWiggle: authenticated GET %s (%d bytes) over loopback HTTP, %d clients, %d requests per round; medians of %d alternating rounds\n",
		"/api/2/users/<id>", len(body), wiggleConcurrency, total, rounds)
	fmt.Fprintln(w, "handler\treq/s\tp50\tp99\tbare req/s\tbare p50\tbare p99\tratio\t")
	results := make([][]loadResult, len(kinds))
	var bareResults []loadResult
	for r := 0; r < rounds; r++ {
		b, err := loadHTTP(bare, path, "", body, total)
		if err != nil {
			return fmt.Errorf("bare: %w", err)
		}
		bareResults = append(bareResults, b)
		for i, k := range kinds {
			h, err := k.h()
			if err != nil {
				return err
			}
			res, err := loadHTTP(h, path, tok.AccessToken, body, total)
			if err != nil {
				return fmt.Errorf("%s: %w", k.name, err)
			}
			results[i] = append(results[i], res)
		}
	}
	b := median(bareResults)
	for i, k := range kinds {
		m := median(results[i])
		fmt.Fprintf(w, "%s\t%.0f\t%s\t%s\t%.0f\t%s\t%s\t%.2f\t\n", k.name, m.PerSec(), dur(m.P50), dur(m.P99),
			b.PerSec(), dur(b.P50), dur(b.P99), m.PerSec()/b.PerSec())
	}
	return nil
}

// fetchOnce answers one GET through h in-process and returns the body.
func fetchOnce(h http.Handler, path, token string) ([]byte, error) {
	srv, url, err := serve(h)
	if err != nil {
		return nil, err
	}
	defer srv.Shutdown(context.Background())
	c := &http.Client{}
	req, err := http.NewRequest("GET", url+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return b, nil
}

// serve serves h on a loopback port with the node's server settings.
func serve(h http.Handler) (*ops.Server, string, error) {
	srv := ops.NewServer(h, ops.ServerOptions{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	go func() { _ = srv.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), nil
}

// loadHTTP runs total GETs of path against h from wiggleConcurrency
// keep-alive clients and checks every answer is want.
func loadHTTP(h http.Handler, path, token string, want []byte, total int) (loadResult, error) {
	srv, url, err := serve(h)
	if err != nil {
		return loadResult{}, err
	}
	defer srv.Shutdown(context.Background())
	tr := &http.Transport{MaxIdleConns: wiggleConcurrency, MaxIdleConnsPerHost: wiggleConcurrency, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	bufs := make([][]byte, wiggleConcurrency)
	res := closedLoop(wiggleConcurrency, total, func(worker, _ int) error {
		req, err := http.NewRequest("GET", url+path, nil)
		if err != nil {
			return err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		buf := bytes.NewBuffer(bufs[worker][:0])
		_, err = buf.ReadFrom(resp.Body)
		resp.Body.Close()
		bufs[worker] = buf.Bytes()
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 || !bytes.Equal(buf.Bytes(), want) {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
	if res.Errors > 0 {
		return res, fmt.Errorf("%d of %d requests failed", res.Errors, total)
	}
	return res, nil
}
