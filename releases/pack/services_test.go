package pack

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSMFManifestsAreWellFormed(t *testing.T) {
	for name, doc := range map[string]string{"fifo": SMFManifest(), "chunter": ChunterSMFManifest()} {
		var bundle struct {
			Name    string `xml:"name,attr"`
			Service struct {
				Name  string `xml:"name,attr"`
				Start []struct {
					Name string `xml:"name,attr"`
					Exec string `xml:"exec,attr"`
				} `xml:"exec_method"`
			} `xml:"service"`
		}
		dec := xml.NewDecoder(strings.NewReader(doc))
		dec.Strict = true
		if err := dec.Decode(&bundle); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for {
			if _, err := dec.Token(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if bundle.Name != name || bundle.Service.Name != "application/"+name || len(bundle.Service.Start) != 2 ||
			!strings.Contains(bundle.Service.Start[0].Exec, "/releases/current/bin/"+name+" start") {
			t.Fatalf("%s: %+v", name, bundle)
		}
	}
}

// systemd-analyze accepts the unit without a warning. It insists that
// ExecStart exists, so the check runs on a copy pointing at /bin/true.
func TestSystemdUnitVerifies(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	if _, err := os.Stat("/bin/true"); err != nil {
		t.Skip("no /bin/true")
	}
	unit := SystemdUnit()
	if !strings.Contains(unit, "ExecStart=/var/lib/fifo/releases/current/bin/fifo start --config /etc/fifo/fifo.toml") {
		t.Fatalf("ExecStart changed:\n%s", unit)
	}
	unit = strings.Replace(unit, currentBin(LinuxHome, "fifo"), "/bin/true", 1)
	p := filepath.Join(t.TempDir(), "fifo.service")
	if err := os.WriteFile(p, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(sa, "verify", "--man=no", p)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil || strings.Contains(out.String(), "fifo.service") {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out.String())
	}
}

// The service manifests let a live upgrade's new process replace the old
// one: systemd takes its MAINPID from any process of the service, SMF
// follows the contract rather than the process it started.
func TestManifestsAllowLiveUpgrades(t *testing.T) {
	unit := SystemdUnit()
	for _, want := range []string{"\nType=notify\n", "\nNotifyAccess=all\n"} {
		if !strings.Contains(unit, want) {
			t.Errorf("systemd unit lacks %q", strings.TrimSpace(want))
		}
	}
	smf := SMFManifest()
	if strings.Contains(smf, `value="child"`) || !strings.Contains(smf, `--config `+SmartOSConfig+` &amp;"`) {
		t.Errorf("the SMF start method must background the node (contract model):\n%s", smf)
	}
}
