// Package atomicfile replaces a file so that a reader (the hot-deploy
// watcher, another node sharing the folder, the next start after a crash)
// sees the old content or the new, never half of it, and the new content
// survives a power loss once Write returns.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// Write replaces path with data, mode perm: it creates path's folder if
// missing, writes a hidden temporary file in that folder (".<name>.*.tmp",
// which the repository watcher ignores), syncs it, renames it over path
// and syncs the folder so the rename itself is durable. On failure path is
// unchanged and the temporary file is removed.
func Write(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // finds nothing after a successful rename
	_, err = tmp.Write(data)
	err = errors.Join(err, tmp.Chmod(perm), tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = SyncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// SyncDir makes a rename or removal in dir durable. A system that cannot sync a
// folder (Windows; EINVAL or ENOTSUP from some file systems) has nothing
// more to offer, so that is not an error.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		err = nil
	}
	return errors.Join(err, d.Close())
}
