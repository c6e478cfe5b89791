package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/seqgate/seqgate/samples"
	"github.com/seqgate/seqgate/samples/backend"
)

// sampleBackendAddr is where samples/config.yaml points its APIs.
const sampleBackendAddr = "127.0.0.1:9000"

// startSamples extracts the embedded samples into dir (kept if it already
// exists, so edits survive a restart), starts the sample backend and returns
// the sample config path.
func startSamples(dir string) (string, func(), error) {
	cfg := filepath.Join(dir, "config.yaml")
	if _, err := os.Stat(cfg); os.IsNotExist(err) {
		if err := extract(dir); err != nil {
			return "", nil, err
		}
	}
	stop, err := backend.Start(sampleBackendAddr)
	if err != nil {
		return "", nil, fmt.Errorf("sample backend on %s: %w", sampleBackendAddr, err)
	}
	abs, _ := filepath.Abs(dir)
	fmt.Fprintf(os.Stderr, "seqgate: sample mode: files in %s (edit the sequences there; they hot-deploy), sample backend on %s\n", abs, sampleBackendAddr)
	return cfg, stop, nil
}

func extract(dir string) error {
	return fs.WalkDir(samples.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := samples.FS.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
}
