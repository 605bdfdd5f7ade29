package install

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func twoReleases() State {
	return State{Releases: []Release{{"1.0.0", true}, {"1.1.0", true}}, Current: "1.1.0", Permanent: "1.0.0", Previous: "1.0.0"}
}

func TestRecordRoundTrip(t *testing.T) {
	f := recordFile{dir: t.TempDir()}
	if s, err := f.read(); err != nil || !reflect.DeepEqual(s, State{}) {
		t.Fatalf("missing record: %+v %v", s, err)
	}
	want := twoReleases()
	if err := f.write(want); err != nil {
		t.Fatal(err)
	}
	got, err := f.read()
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("read %+v %v, want %+v", got, err, want)
	}
	data, _ := os.ReadFile(filepath.Join(f.dir, RecordName))
	if !strings.Contains(string(data), `"format": 1`) || !strings.Contains(string(data), `"current": "1.1.0"`) {
		t.Fatalf("record:\n%s", data)
	}
	if err := f.write(State{Current: "x"}); !errors.Is(err, ErrRecord) {
		t.Fatalf("write of an invalid state: %v", err)
	}
}

// A write that dies half way through the temporary file, or before the
// rename, leaves the old record whole; the next write cleans up.
func TestRecordSurvivesCrashMidWrite(t *testing.T) {
	for _, step := range []string{"write", "rename"} {
		t.Run(step, func(t *testing.T) {
			dir := t.TempDir()
			old := twoReleases()
			if err := (recordFile{dir: dir}).write(old); err != nil {
				t.Fatal(err)
			}
			newer, _ := old.Install("1.0.0")
			dying := recordFile{dir: dir, crash: func(s string) bool { return s == step }}
			if err := dying.write(newer); !errors.Is(err, errCrashed) {
				t.Fatalf("write: %v", err)
			}
			debris, _ := filepath.Glob(filepath.Join(dir, tmpPrefix+"*"))
			if len(debris) != 1 {
				t.Fatalf("a dead write left %v", debris)
			}
			f := recordFile{dir: dir}
			if got, err := f.read(); err != nil || !reflect.DeepEqual(got, old) {
				t.Fatalf("after the crash: %+v %v, want the old record", got, err)
			}
			if err := f.write(newer); err != nil {
				t.Fatal(err)
			}
			if got, _ := f.read(); !reflect.DeepEqual(got, newer) {
				t.Fatalf("after the next write: %+v", got)
			}
			if debris, _ := filepath.Glob(filepath.Join(dir, tmpPrefix+"*")); len(debris) != 0 {
				t.Fatalf("debris left: %v", debris)
			}
		})
	}
}

// A record that does not parse is an error, never an empty state.
func TestCorruptRecordIsAnError(t *testing.T) {
	good := string(encodeRecord(twoReleases()))
	for name, doc := range map[string]string{
		"truncated":     good[:len(good)/2],
		"empty":         "",
		"newer format":  strings.Replace(good, `"format": 1`, `"format": 2`, 1),
		"unknown field": strings.Replace(good, `"current"`, `"x": 1, "current"`, 1),
		"trailing":      good + "{}",
		"broken":        strings.Replace(good, `"permanent": "1.0.0"`, `"permanent": "9.9.9"`, 1),
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, RecordName), []byte(doc), 0o644)
		if _, err := (recordFile{dir: dir}).read(); !errors.Is(err, ErrRecord) {
			t.Errorf("%s: read = %v, want ErrRecord", name, err)
		}
	}
}

// A process killed with SIGKILL at an arbitrary point of a stream of
// record writes leaves a whole record, at least as new as the last write
// it reported done. The child is this test binary (TestRecordWriterChild).
func TestRecordSurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRecordWriterChild$")
	cmd.Env = append(os.Environ(), "FIFO_RECORD_CHILD_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	sc := bufio.NewScanner(out)
	last := -1
	for sc.Scan() && last < 200 {
		if n, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "wrote ")); err == nil {
			last = n
		}
	}
	if last < 200 {
		t.Fatalf("child stopped after %d writes", last)
	}
	cmd.Process.Kill()
	cmd.Wait()
	s, err := (recordFile{dir: dir}).read()
	if err != nil {
		t.Fatalf("after SIGKILL: %v", err)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s.Current, "1.0."))
	if err != nil || n < last {
		t.Fatalf("after SIGKILL the record says %q, the child had written 1.0.%d", s.Current, last)
	}
}

// TestRecordWriterChild writes records forever when run by
// TestRecordSurvivesSIGKILL.
func TestRecordWriterChild(t *testing.T) {
	dir := os.Getenv("FIFO_RECORD_CHILD_DIR")
	if dir == "" {
		t.Skip("runs as TestRecordSurvivesSIGKILL's child")
	}
	f := recordFile{dir: dir}
	var s State
	for i := 0; ; i++ {
		v := fmt.Sprintf("1.0.%d", i)
		s, _ = s.AddUnpacked(v)
		s, _ = s.Install(v)
		if len(s.Releases) > 8 { // keep the record small: drop the oldest
			s.Releases = s.Releases[1:]
			if !s.Has(s.Permanent) {
				s.Permanent = s.Current
			}
		}
		if err := f.write(s); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("wrote", i)
	}
}
