package console

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// fakeUpgrades records the request and answers with canned results.
type fakeUpgrades struct {
	got UpgradeRequest
	res []UpgradeResult
}

func (f *fakeUpgrades) Upgrade(ctx context.Context, r UpgradeRequest, progress func(hv, line string)) ([]UpgradeResult, error) {
	f.got = r
	if _, ok := ctx.Deadline(); !ok {
		panic("upgrade without a deadline")
	}
	for _, res := range f.res {
		progress(res.HV, "sending 30.0 MiB")
		progress(res.HV, "re-registered with "+r.Version)
	}
	return f.res, nil
}

func TestParseUpgrade(t *testing.T) {
	r, err := parseUpgrade(strings.Fields("2.0.0 --hypervisor h1 --parallel=3 --hypervisor=h2"))
	if err != nil || !reflect.DeepEqual(r, UpgradeRequest{Version: "2.0.0", Hypervisors: []string{"h1", "h2"}, Parallel: 3}) {
		t.Fatalf("%+v %v", r, err)
	}
	if r, err := parseUpgrade([]string{"2.0.0"}); err != nil || r.Parallel != 1 || r.Hypervisors != nil {
		t.Fatalf("defaults %+v %v", r, err)
	}
	for _, bad := range []string{"--parallel 2", "2.0.0 3.0.0", "2.0.0 --parallel 0", "2.0.0 --parallel x", "2.0.0 --hypervisor", "2.0.0 --force"} {
		if _, err := parseUpgrade(strings.Fields(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		} else if _, ok := err.(usageError); !ok {
			t.Errorf("%q: %v is not a usage error", bad, err)
		}
	}
}

// Every hypervisor upgraded: status 0, progress lines, a table and the
// JSON results; one failed: status 1 naming it and why, progress kept.
func TestHypervisorsUpgrade(t *testing.T) {
	deps, _, _ := testDeps()
	up := &fakeUpgrades{res: []UpgradeResult{
		{HV: "h1", Node: "chunter1@a", From: "1.0.0", To: "2.0.0", Outcome: "upgraded", Chunks: 120, PIDBefore: 10, PIDAfter: 10},
		{HV: "h2", Node: "chunter2@b", From: "2.0.0", To: "2.0.0", Outcome: "already"},
	}}
	deps.Upgrades = up
	s := NewShell(deps)
	expect(t, s, "hypervisors upgrade 2.0.0 --parallel 2", StatusOK,
		"h1: sending 30.0 MiB", "h1: re-registered with 2.0.0", "120 chunks", "1 upgraded, 1 already at 2.0.0, 0 skipped, 0 failed")
	if up.got.Parallel != 2 || up.got.Version != "2.0.0" {
		t.Fatalf("request %+v", up.got)
	}
	r := s.Run(context.Background(), Request{Args: Words{"hypervisors", "upgrade", "2.0.0"}, JSON: true})
	var back []UpgradeResult
	if err := json.Unmarshal(r.Data, &back); err != nil || len(back) != 2 || back[0].PIDAfter != 10 {
		t.Fatalf("json %s: %v", r.Data, err)
	}

	up.res[1] = UpgradeResult{HV: "h2", From: "1.0.0", To: "1.0.0", Outcome: "failed", Error: "checksum mismatch"}
	expect(t, s, "hypervisors upgrade 2.0.0", StatusFailed,
		"failed on 1 of 2 hypervisors", "h2: checksum mismatch", "h1: re-registered with 2.0.0", "1 upgraded, 0 already at 2.0.0, 0 skipped, 1 failed")

	up.res = nil
	expect(t, s, "hypervisors upgrade 2.0.0", StatusFailed, "no hypervisor agent is connected")
	expect(t, s, "hypervisors upgrade", StatusUsage, "usage: hypervisors upgrade")

	deps.Upgrades = nil
	expect(t, NewShell(deps), "hypervisors upgrade 2.0.0", StatusFailed, "sniffle does not run here")
}
