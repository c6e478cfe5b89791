package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/seqgate/seqgate/samples"
	"github.com/seqgate/seqgate/samples/backend"
)

// defaultSampleBackendAddr is where samples/config.yaml points its APIs.
const defaultSampleBackendAddr = "127.0.0.1:9000"

// sampleBackendAddr is defaultSampleBackendAddr, or SEQGATE_SAMPLE_BACKEND:
// tests/docs runs the README's examples in sample mode on ports of its own
// (its copy of config.yaml points there), beside suites that use 9000.
func sampleBackendAddr() string {
	if a := os.Getenv("SEQGATE_SAMPLE_BACKEND"); a != "" {
		return a
	}
	return defaultSampleBackendAddr
}

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
	addr := sampleBackendAddr()
	stop, err := backend.Start(addr)
	if err != nil {
		return "", nil, fmt.Errorf("sample backend on %s: %w", addr, err)
	}
	abs, _ := filepath.Abs(dir)
	fmt.Fprintf(os.Stderr, "seqgate: sample mode: files in %s (edit the sequences there; they hot-deploy), sample backend on %s\n", abs, addr)
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
