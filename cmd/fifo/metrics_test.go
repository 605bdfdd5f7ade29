package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The node's /metrics passes `promtool check metrics` (Prometheus naming
// and format rules). promtool comes from Debian's prometheus package,
// installed by .ci/run and `make deps`.
func TestMetricsPassPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian package prometheus; make deps installs it)")
	}
	env, addr := nodeEnv(t, filepath.Join(t.TempDir(), "data"))
	startNode(t, env, addr)
	code, body := get(t, "http://"+addr+"/metrics")
	if code != 200 {
		t.Fatalf("metrics %d", code)
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewBufferString(body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// A real Prometheus server scrapes the node and can query its metrics.
func TestPrometheusScrapesNode(t *testing.T) {
	prom, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (Debian package prometheus; make deps installs it)")
	}
	env, addr := nodeEnv(t, filepath.Join(t.TempDir(), "data"))
	startNode(t, env, addr)

	dir := t.TempDir()
	cfg := fmt.Sprintf("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: fifo\n    static_configs:\n      - targets: [%q]\n", addr)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	promAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cmd := exec.Command(prom, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "tsdb"), "--web.listen-address="+promAddr)
	logs := &logBuf{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	q := "http://" + promAddr + "/api/v1/query?query=" + url.QueryEscape(`fifo_build_info{job="fifo"}`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if n, up := querySamples(q); n > 0 {
			if up != "" {
				t.Logf("scraped: %s", up)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus never had fifo_build_info from the node\n%s", logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// querySamples runs an instant query and returns the number of samples and
// the first one's labels.
func querySamples(q string) (int, string) {
	resp, err := http.Get(q)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	var r struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
			} `json:"result"`
		} `json:"data"`
	}
	if json.NewDecoder(resp.Body).Decode(&r) != nil || len(r.Data.Result) == 0 {
		return 0, ""
	}
	return len(r.Data.Result), fmt.Sprint(r.Data.Result[0].Metric)
}
