package deploy

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/seqgate/seqgate/sequences"
)

// racyWindow: a file whose mtime is this close to the moment it was read
// may change again within the same mtime tick (coarse file system clocks),
// so size+mtime equality alone does not prove it unchanged; it is re-read
// and its hash compared instead.
const racyWindow = 2 * time.Second

// file is one sequence file of a tenant and its compiled versions.
type file struct {
	name, path string
	order      uint64 // deploy order: when the file was first seen

	read   bool // size, mtime and hash describe the last successful read
	size   int64
	mtime  time.Time
	readAt time.Time
	hash   [sha256.Size]byte

	latest     *sequences.Sequence // compiled from the current content; nil if it failed
	compileErr error               // why the current content failed
	good       *sequences.Sequence // the version served at the last reload (last good)
	lastErr    string              // error shown at the last reload, to log refusals once
}

func newFile(dir, name string, order uint64) *file {
	return &file{name: name, path: filepath.Join(dir, name), order: order}
}

// refresh re-reads and recompiles the file if its content changed. Stat
// follows symlinks, so a Kubernetes ..data swap shows up as a new mtime.
func (f *file) refresh(now time.Time) {
	fi, err := os.Stat(f.path)
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s: not a regular file", f.path)
	}
	if err == nil && fi.Size() > sequences.MaxFileSize {
		err = fmt.Errorf("%s: file is %d bytes, larger than the %d-byte limit", f.path, fi.Size(), sequences.MaxFileSize)
	}
	if err != nil {
		f.fail(err)
		return
	}
	if f.read && fi.Size() == f.size && fi.ModTime().Equal(f.mtime) && f.readAt.Sub(f.mtime) > racyWindow {
		return
	}
	data, err := os.ReadFile(f.path)
	if err != nil {
		f.fail(err)
		return
	}
	sum := sha256.Sum256(data)
	unchanged := f.read && sum == f.hash
	f.read, f.size, f.mtime, f.readAt, f.hash = true, fi.Size(), fi.ModTime(), now, sum
	if unchanged {
		return
	}
	f.latest, f.compileErr = sequences.Compile(f.path, data)
}

// fail records an unreadable file; its last good version keeps serving.
func (f *file) fail(err error) {
	f.read, f.latest, f.compileErr = false, nil, err
}

// entry offers the file to the linker: the newest version if it compiled,
// else the last good one together with the reason the newest was refused.
func (f *file) entry() sequences.Entry {
	if f.latest != nil {
		return sequences.Entry{File: f.path, Seq: f.latest}
	}
	return sequences.Entry{File: f.path, Seq: f.good, Err: f.compileErr}
}
