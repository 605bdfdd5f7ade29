package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Load returns Default() overlaid with the TOML file at path (skipped when
// path is empty; a missing file is an error) and then with the FIFO_*
// variables that env reports (skipped when env is nil; pass os.LookupEnv in
// production). It does not call Validate: apply any command-line flags to the
// result first, then validate.
//
// Errors are one line and name the file and the key or variable at fault,
// e.g. `config fifo.toml: unknown key "http.adress"` or
// `config: env FIFO_DIST_PORT: "abc" is not an integer`.
func Load(path string, env func(string) (string, bool)) (Config, error) {
	c := Default()
	if path != "" {
		doc, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, readError(err))
		}
		if err := decodeFile(string(doc), &c); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if env != nil {
		if err := applyEnv(env, &c); err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
	}
	return c, nil
}

// readError drops the path that os.ReadFile repeats, keeping the cause:
// "open: no such file or directory".
func readError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}
