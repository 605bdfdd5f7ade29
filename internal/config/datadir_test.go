package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDataDirAccepts(t *testing.T) {
	tmp := t.TempDir()
	for name, dir := range map[string]string{
		"existing directory":       tmp,
		"missing, parent writable": filepath.Join(tmp, "data"),
		"missing, several levels":  filepath.Join(tmp, "a", "b", "c"),
		"trailing slash":           tmp + "/new/",
	} {
		if err := CheckDataDir(dir); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if entries, err := os.ReadDir(tmp); err != nil || len(entries) != 0 {
		t.Fatalf("CheckDataDir wrote into %s: %v %v", tmp, entries, err)
	}
}

func TestCheckDataDirRelative(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := CheckDataDir("./data"); err != nil {
		t.Fatal(err)
	}
	if err := CheckDataDir("data/sub"); err != nil {
		t.Fatal(err)
	}
}

func TestCheckDataDirRejects(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, want string
	}{
		{"empty", "", `data dir "": empty path`},
		{"file at dir", file, `data dir "` + file + `": not a directory`},
		{"file as parent", filepath.Join(file, "data"), `data dir "` + file + `/data": "` + file + `" is not a directory`},
		{"file as grandparent", filepath.Join(file, "a", "b"), `data dir "` + file + `/a/b": "` + file + `" is not a directory`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDataDir(tt.dir)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCheckDataDirReadOnly(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: access(2) grants write on any directory of a writable file system")
	}
	ro := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(ro, 0o700) })

	err := CheckDataDir(ro)
	if err == nil || !strings.Contains(err.Error(), `": not writable: permission denied`) {
		t.Fatalf("existing read-only dir: error %v, want not writable", err)
	}
	err = CheckDataDir(filepath.Join(ro, "data"))
	if err == nil || !strings.Contains(err.Error(), `cannot create it in "`+ro+`": permission denied`) {
		t.Fatalf("missing dir under read-only parent: error %v, want cannot create", err)
	}
}
